import Ember

/// The DCGAN paper's 64×64 generator as PyTorch's DCGAN example writes it: noise
/// `[N, nz, 1, 1]` to images `[N, nc, 64, 64]` in `[-1, 1]` through 4×4, 8×8, 16×16 and
/// 32×32 feature maps of `8, 4, 2, 1 × ngf` channels; every transposed convolution but the
/// first is `(4, 2, 1)`, without biases, and each but the last is followed by BN and ReLU.
///
/// Built with PyTorch's default initialisation; the paper's is
/// `DCGANGenerator().apply(dcganWeightsInit)`.
public final class DCGANGenerator: Module {
    /// The layers, in PyTorch's order (`main.0.weight`, `main.1.running_mean`, …).
    public let main: Sequential

    /// A generator for noise of `nz` channels, `ngf` feature maps in the last hidden layer
    /// and images of `nc` channels.
    public init(nz: Int = 100, ngf: Int = 64, nc: Int = 3) {
        main = Sequential {
            ConvTranspose2d(nz, ngf * 8, kernelSize: 4, stride: 1, padding: 0, bias: false)
            BatchNorm2d(ngf * 8); ReLU(inplace: true)
        }
        for k in [8, 4, 2] {
            main.append(ConvTranspose2d(ngf * k, ngf * k / 2, kernelSize: 4, stride: 2, padding: 1, bias: false))
            main.append(BatchNorm2d(ngf * k / 2))
            main.append(ReLU(inplace: true))
        }
        main.append(ConvTranspose2d(ngf, nc, kernelSize: 4, stride: 2, padding: 1, bias: false))
        main.append(Tanh())
        super.init()
    }

    /// Images `[N, nc, 64, 64]` from noise `[N, nz, 1, 1]`.
    public override func forward(_ z: Tensor) -> Tensor { main(z) }
}

/// The DCGAN paper's 64×64 discriminator as PyTorch's DCGAN example writes it: images
/// `[N, nc, 64, 64]` through `1, 2, 4, 8 × ndf` channels of `Conv2d(…, 4, 2, 1)` without
/// biases (BN after all but the first, LeakyReLU 0.2 after each), then
/// `Conv2d(8 ndf, 1, 4, 1, 0)` and a Sigmoid: a score `[N, 1, 1, 1]` per image.
/// `sigmoid: false` drops the Sigmoid (the raw score of a least-squares GAN).
public final class DCGANDiscriminator: Module {
    /// The layers, in PyTorch's order.
    public let main: Sequential

    /// A discriminator for images of `nc` channels with `ndf` feature maps in its first
    /// layer, ending in a Sigmoid unless `sigmoid` is false.
    public init(nc: Int = 3, ndf: Int = 64, sigmoid: Bool = true) {
        main = Sequential {
            Conv2d(nc, ndf, kernelSize: 4, stride: 2, padding: 1, bias: false)
            LeakyReLU(negativeSlope: 0.2, inplace: true)
        }
        for k in [1, 2, 4] {
            main.append(Conv2d(ndf * k, ndf * k * 2, kernelSize: 4, stride: 2, padding: 1, bias: false))
            main.append(BatchNorm2d(ndf * k * 2))
            main.append(LeakyReLU(negativeSlope: 0.2, inplace: true))
        }
        main.append(Conv2d(ndf * 8, 1, kernelSize: 4, stride: 1, padding: 0, bias: false))
        if sigmoid { main.append(Sigmoid()) }
        super.init()
    }

    /// Probabilities `[N, 1, 1, 1]` that images `[N, nc, 64, 64]` are real (raw scores without the sigmoid).
    public override func forward(_ x: Tensor) -> Tensor { main(x) }
}

/// The DCGAN paper's initialisation, as PyTorch's DCGAN example's `weights_init`, for
/// `model.apply(dcganWeightsInit)`: the weights of convolutions (`Conv2d`,
/// `ConvTranspose2d`) from N(0, 0.02²), those of batch normalisation (any dimension) from N(1, 0.02²) and
/// its biases 0; other modules are left alone.
public func dcganWeightsInit(_ module: Module) {
    switch module {
    case let conv as Conv2d: Init.normal(conv.weight, mean: 0, std: 0.02)
    case let conv as ConvTranspose2d: Init.normal(conv.weight, mean: 0, std: 0.02)
    case let bn as BatchNorm:
        if let weight = bn.weight { Init.normal(weight, mean: 1, std: 0.02) }
        if let bias = bn.bias { Init.zeros(bias) }
    default: break
    }
}
