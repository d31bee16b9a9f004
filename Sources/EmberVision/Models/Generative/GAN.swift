import Ember

/// The tutorial's MLP generator: noise `[N, noiseDim]` to flattened 28×28 images in
/// `[-1, 1]`, `noiseDim → 256 → 256 → 784` with ReLU, ReLU and Tanh (keys `gen.0.weight`, …).
public final class GANGenerator: Module {
    /// The layers: `Linear`, `ReLU`, `Linear`, `ReLU`, `Linear`, `Tanh`.
    public let gen: Sequential

    /// A freshly initialised generator for noise vectors of `noiseDim` elements.
    public init(noiseDim: Int = 100) {
        gen = Sequential {
            Linear(noiseDim, 256); ReLU(inplace: true)
            Linear(256, 256); ReLU(inplace: true)
            Linear(256, 28 * 28); Tanh()
        }
        super.init()
    }

    /// Images `[N, 784]` from noise `[N, noiseDim]`.
    public override func forward(_ z: Tensor) -> Tensor { gen(z) }
}

/// The tutorial's MLP discriminator: flattened 28×28 images to one score each,
/// `784 → 256 → 256 → 1` with LeakyReLU (slope 0.2) twice and a Sigmoid last (keys
/// `dis.0.weight`, …). Without the sigmoid it is the least-squares GAN's critic, whose raw
/// output the least-squares loss compares with the labels.
public final class GANDiscriminator: Module {
    /// The layers: `Linear`, `LeakyReLU`, `Linear`, `LeakyReLU`, `Linear`, then `Sigmoid`
    /// unless built with `sigmoid: false`.
    public let dis: Sequential

    /// A freshly initialised discriminator; `sigmoid: false` drops the final sigmoid (LSGAN).
    public init(sigmoid: Bool = true) {
        dis = Sequential {
            Linear(28 * 28, 256); LeakyReLU(negativeSlope: 0.2)
            Linear(256, 256); LeakyReLU(negativeSlope: 0.2)
            Linear(256, 1)
        }
        if sigmoid { dis.append(Sigmoid()) }
        super.init()
    }

    /// Scores `[N, 1]` of images `[N, 784]`: probabilities of being real, or raw critic
    /// values without the sigmoid.
    public override func forward(_ x: Tensor) -> Tensor { dis(x) }
}
