import Ember

/// One iteration of the tutorial's GAN loop, for any generator and discriminator: a
/// discriminator step on real images (label 1) and on detached fakes (label 0), then a
/// generator step on fresh noise whose fakes are labelled real. Each net has its own Adam.
///
/// ```swift
/// let gan = GANTraining(generator: GANGenerator(), discriminator: GANDiscriminator())
/// let d = gan.discriminatorStep(real: images.view(-1, 784), noise: Tensor.randn([64, 100]))
/// let gLoss = gan.generatorStep(noise: Tensor.randn([64, 100]))
/// ```
public struct GANTraining {
    /// The criterion on the discriminator's scores.
    public enum Loss: Sendable {
        /// `BCELoss` on probabilities: the original GAN.
        case bce
        /// `MSELoss` on raw scores (a discriminator without its sigmoid): the
        /// least-squares GAN.
        case leastSquares

        func callAsFunction(_ scores: Tensor, _ labels: Tensor) -> Tensor {
            switch self {
            case .bce: binaryCrossEntropy(scores, labels)
            case .leastSquares: mseLoss(scores, labels)
            }
        }
    }

    /// The net that turns noise into images.
    public let generator: Module
    /// The net that scores images as real (towards 1) or fake (towards 0).
    public let discriminator: Module
    /// Adam over the generator's parameters.
    public let optimizerG: Adam
    /// Adam over the discriminator's parameters.
    public let optimizerD: Adam
    /// The criterion of both steps.
    public let loss: Loss

    /// Both nets with Adam(`lr`, `betas`) each; the defaults are the DCGAN paper's.
    public init(generator: Module, discriminator: Module, loss: Loss = .bce, lr: Float = 2e-4,
                betas: (Float, Float) = (0.5, 0.999)) {
        self.generator = generator
        self.discriminator = discriminator
        self.loss = loss
        optimizerG = Adam(generator.parameters(), lr: lr, betas: betas)
        optimizerD = Adam(discriminator.parameters(), lr: lr, betas: betas)
    }

    /// The discriminator's half: its loss on `real` (label 1) plus its loss on the
    /// generator's fakes from `noise`, detached (label 0), backward, one step of
    /// `optimizerD`. Returns the loss and the scores `[N, 1]` of the real and fake images
    /// (D(x) and D(G(z))).
    @discardableResult
    public func discriminatorStep(real: Tensor, noise: Tensor) -> (loss: Tensor, real: Tensor, fake: Tensor) {
        let n = real.shape[0]
        let scoreReal = discriminator(real).view(n, 1)
        let fake = withNoGrad { generator(noise) }
        let scoreFake = discriminator(fake).view(n, 1)
        let total = loss(scoreReal, Tensor.ones([n, 1])) + loss(scoreFake, Tensor.zeros([n, 1]))
        optimizerD.zeroGrad()
        total.backward()
        optimizerD.step()
        return (total, scoreReal.detach(), scoreFake.detach())
    }

    /// The generator's half: the discriminator's loss on fakes from `noise` labelled real,
    /// backward, one step of `optimizerG`. Returns the loss.
    @discardableResult
    public func generatorStep(noise: Tensor) -> Tensor {
        let n = noise.shape[0]
        let total = loss(discriminator(generator(noise)).view(n, 1), Tensor.ones([n, 1]))
        optimizerG.zeroGrad()
        total.backward()
        optimizerG.step()
        return total
    }
}
