import Ember

/// A DCGAN generator for 28×28 images (MNIST, Fashion-MNIST): noise `[N, nz, 1, 1]` to
/// images `[N, nc, 28, 28]` in `[-1, 1]` through 7×7 and 14×14 feature maps,
/// `ConvTranspose2d(nz, 256, 7, 1, 0)`–BN–ReLU–`ConvTranspose2d(256, 128, 4, 2, 1)`–BN–ReLU–
/// `ConvTranspose2d(128, nc, 4, 2, 1)`–Tanh, without convolution biases (keys `main.0.weight`, …).
///
/// Built with PyTorch's default initialisation; the DCGAN paper's is
/// `DCGANGenerator28().apply(dcganWeightsInit)`.
public final class DCGANGenerator28: Module {
    /// The layers, in PyTorch's order.
    public let main: Sequential

    /// A generator for noise of `nz` channels and images of `nc` channels.
    public init(nz: Int = 100, nc: Int = 1) {
        main = Sequential {
            ConvTranspose2d(nz, 256, kernelSize: 7, stride: 1, padding: 0, bias: false)
            BatchNorm2d(256); ReLU(inplace: true)
            ConvTranspose2d(256, 128, kernelSize: 4, stride: 2, padding: 1, bias: false)
            BatchNorm2d(128); ReLU(inplace: true)
            ConvTranspose2d(128, nc, kernelSize: 4, stride: 2, padding: 1, bias: false)
            Tanh()
        }
        super.init()
    }

    /// Images `[N, nc, 28, 28]` from noise `[N, nz, 1, 1]`.
    public override func forward(_ z: Tensor) -> Tensor { main(z) }
}

/// A DCGAN discriminator for 28×28 images: `Conv2d(nc, 64, 4, 2, 1)`–LeakyReLU 0.2–
/// `Conv2d(64, 128, 4, 2, 1)`–BN–LeakyReLU 0.2–`Conv2d(128, 1, 7, 1, 0)`–Sigmoid, without
/// convolution biases; the score of each image is `[N, 1, 1, 1]`. `sigmoid: false` drops
/// the Sigmoid: the raw score a least-squares GAN (LSGAN) regresses.
public final class DCGANDiscriminator28: Module {
    /// The layers, in PyTorch's order.
    public let main: Sequential

    /// A discriminator for images of `nc` channels, ending in a Sigmoid unless `sigmoid` is false.
    public init(nc: Int = 1, sigmoid: Bool = true) {
        main = Sequential {
            Conv2d(nc, 64, kernelSize: 4, stride: 2, padding: 1, bias: false)
            LeakyReLU(negativeSlope: 0.2, inplace: true)
            Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, bias: false)
            BatchNorm2d(128); LeakyReLU(negativeSlope: 0.2, inplace: true)
            Conv2d(128, 1, kernelSize: 7, stride: 1, padding: 0, bias: false)
        }
        if sigmoid { main.append(Sigmoid()) }
        super.init()
    }

    /// Probabilities `[N, 1, 1, 1]` that images `[N, nc, 28, 28]` are real (raw scores without the sigmoid).
    public override func forward(_ x: Tensor) -> Tensor { main(x) }
}
