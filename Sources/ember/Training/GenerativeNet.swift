import EmberVision

/// The GANs `ember train gan|dcgan` trains and `ember sample` draws from, by the name
/// stored in their checkpoints: the tutorial's MLP GAN (LSGAN: without the
/// discriminator's sigmoid) and the DCGANs for 28×28 and 64×64 images, with the DCGAN
/// paper's initialisation.
enum GenerativeNet: String, CaseIterable {
    case gan = "gan"
    case dcgan28 = "dcgan"
    case dcgan64 = "dcgan64"

    static let noiseSize = 100

    /// The side of the square images the generator makes.
    var imageSize: Int { self == .dcgan64 ? 64 : 28 }

    var title: String {
        switch self {
        case .gan: "MLP GAN"
        case .dcgan28: "DCGAN 28×28"
        case .dcgan64: "DCGAN 64×64"
        }
    }

    func makeGenerator() -> Module {
        switch self {
        case .gan: return GANGenerator(noiseDim: Self.noiseSize)
        case .dcgan28: return DCGANGenerator28(nz: Self.noiseSize, nc: 1).apply(dcganWeightsInit)
        case .dcgan64: return DCGANGenerator(nz: Self.noiseSize, ngf: 64, nc: 1).apply(dcganWeightsInit)
        }
    }

    /// The discriminator; with `leastSquares` (LSGAN), without its sigmoid.
    func makeDiscriminator(leastSquares: Bool) -> Module {
        switch self {
        case .gan: return GANDiscriminator(sigmoid: !leastSquares)
        case .dcgan28: return DCGANDiscriminator28(nc: 1, sigmoid: !leastSquares).apply(dcganWeightsInit)
        case .dcgan64: return DCGANDiscriminator(nc: 1, ndf: 64, sigmoid: !leastSquares).apply(dcganWeightsInit)
        }
    }

    /// `count` noise vectors from the default generator, shaped for the generator.
    func noise(_ count: Int) -> Tensor {
        self == .gan ? Tensor.randn([count, Self.noiseSize]) : Tensor.randn([count, Self.noiseSize, 1, 1])
    }

    /// Real images `[N, 1, H, W]` as the discriminator takes them (flat for the MLP GAN).
    func discriminatorInput(_ images: Tensor) -> Tensor {
        self == .gan ? images.view(images.shape[0], -1) : images
    }

    /// The generator's output as images `[N, 1, H, W]` in -1...1.
    func images(_ output: Tensor) -> Tensor {
        output.view(output.shape[0], 1, imageSize, imageSize)
    }
}
