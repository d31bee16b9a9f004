import Foundation
import Testing
import Ember
import EmberVision

/// The autoencoder, the MLP GAN (and LSGAN) and the DCGANs against PyTorch
/// (`Tests/Fixtures/generate_generative.py`): key lists, parameter counts and print-outs,
/// forward passes, and one full training iteration each; and `tanh`, their output layer.
struct GenerativeModelTests {
    static let expected: [String: Tensor] = try! SafeTensors.load(
        from: ModelZooTests.fixtures.deletingLastPathComponent().appendingPathComponent("generative.safetensors"))

    static let models: [(name: String, build: @Sendable () -> Module)] = [
        ("autoencoder", { Autoencoder() }),
        ("gan_generator", { GANGenerator() }),
        ("gan_discriminator", { GANDiscriminator() }),
        ("lsgan_discriminator", { GANDiscriminator(sigmoid: false) }),
        ("dcgan28_generator", { DCGANGenerator28() }),
        ("dcgan28_discriminator", { DCGANDiscriminator28() }),
        ("dcgan64_generator", { DCGANGenerator() }),
        ("dcgan64_discriminator", { DCGANDiscriminator() }),
    ]

    // MARK: Formula weights and samples, as the generator computes them

    /// `2u - 1` with `u = ((i · 2654435761 + k · 40503) mod 2³²) / 2³²`, as `scale · s + offset`.
    static func uniform(_ count: Int, _ k: Int, scale: Double = 1, offset: Double = 0) -> [Float] {
        (0..<count).map { i in
            let u = Double((UInt64(i) &* 2_654_435_761 &+ UInt64(k) &* 40503) & 0xFFFF_FFFF) / 4_294_967_296
            return Float((u * 2 - 1) * scale + offset)
        }
    }

    static func fill<M: Module>(_ model: M) -> M {
        fillStateDict(model) { key, count, k, fanIn in
            if let fanIn { uniform(count, k, scale: 1 / Double(fanIn).squareRoot()) }
            else if key.hasSuffix("running_var") || key.hasSuffix("weight") { uniform(count, k, scale: 0.25, offset: 1) }
            else { uniform(count, k, scale: 0.1) }
        }
        return model
    }

    /// Every `max(1, n / 100)`-th element of the flattened tensor, as the generator's `sample`.
    static func sample(_ t: Tensor) -> Tensor {
        let values = t.toArray()
        let picked = Array(stride(from: 0, to: values.count, by: max(1, values.count / 100)).map { values[$0] })
        return Tensor(shape: [picked.count], scalars: picked)
    }

    /// `actual` against `key` within `relative` times the expected values' largest magnitude.
    static func expectMatches(_ actual: Tensor, _ key: String, relative: Float,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard let want = expected[key] else {
            Issue.record("generative.safetensors has no \(key)", sourceLocation: sourceLocation)
            return
        }
        let scale = max(want.abs().max().item(), 1e-3)
        expectClose(actual.reshape(want.shape), want, tolerance: relative * scale, key, sourceLocation: sourceLocation)
    }

    /// Samples of every gradient (`prefix.KEY`).
    static func expectGradients(_ model: Module, _ prefix: String, relative: Float,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        for (key, p) in model.namedParameters() {
            guard let grad = p.grad else {
                Issue.record("\(prefix).\(key): no gradient", sourceLocation: sourceLocation)
                continue
            }
            expectMatches(sample(grad), "\(prefix).\(key)", relative: relative, sourceLocation: sourceLocation)
        }
    }

    /// Samples of the whole state after the optimizer steps (`prefix.KEY`), parameters
    /// within `tolerance` (Adam moves each by about the learning rate).
    static func expectState(_ model: Module, _ prefix: String, tolerance: Float,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        for (key, t) in model.orderedStateDict() {
            let want = expected["\(prefix).\(key)"]!
            expectClose(sample(t).reshape(want.shape), want.to(.float32), tolerance: tolerance, "\(prefix).\(key)",
                        sourceLocation: sourceLocation)
        }
    }

    // MARK: Structure

    @Test(arguments: models.map(\.name))
    func modelMatchesPyTorchsKeysCountAndPrintOut(name: String) throws {
        let model = Self.models.first { $0.name == name }!.build()
        let pytorch = try ModelZooTests.torchvisionKeys(name)
        #expect(ModelZooTests.entries(model) == pytorch.entries)
        #expect(model.parameters().reduce(0) { $0 + $1.numel } == pytorch.parameters)
        let printed = try String(contentsOf: ModelZooTests.fixtures.appendingPathComponent("\(name).repr.txt"), encoding: .utf8)
        #expect(model.description + "\n" == printed)
    }

    @Test func theGeneratorsAndDiscriminatorsHaveTheirImageShapes() {
        withNoGrad {
            #expect(GANGenerator()(Tensor.zeros([2, 100])).shape == [2, 784])
            #expect(GANDiscriminator()(Tensor.zeros([2, 784])).shape == [2, 1])
            #expect(DCGANGenerator28(nz: 16, nc: 3)(Tensor.randn([2, 16, 1, 1])).shape == [2, 3, 28, 28])
            #expect(DCGANDiscriminator28(nc: 3)(Tensor.randn([2, 3, 28, 28])).shape == [2, 1, 1, 1])
            #expect(DCGANGenerator(nz: 8, ngf: 4, nc: 1)(Tensor.randn([2, 8, 1, 1])).shape == [2, 1, 64, 64])
            #expect(DCGANDiscriminator(nc: 1, ndf: 4)(Tensor.randn([2, 1, 64, 64])).shape == [2, 1, 1, 1])
        }
    }

    @Test func dcganWeightsInitDrawsThePapersDistributions() {
        manualSeed(3)
        let model = DCGANGenerator28().apply(dcganWeightsInit)
        let conv = model.main[3] as! ConvTranspose2d, bn = model.main[4] as! BatchNorm2d
        let w = conv.weight
        #expect(abs(w.mean().item()) < 1e-3 && abs(w.std().item() - 0.02) < 1e-3, "conv weight N(0, 0.02)")
        #expect(abs(bn.weight!.mean().item() - 1) < 0.01 && abs(bn.weight!.std().item() - 0.02) < 0.005)
        #expect(bn.bias!.toArray().allSatisfy { $0 == 0 })
        #expect(bn.runningVar!.toArray().allSatisfy { $0 == 1 }, "buffers are left alone")
    }

    // MARK: Against PyTorch

    @Test func autoencoderForwardAndOneAdamStepMatchPyTorch() {
        let model = Self.fill(Autoencoder())
        let x = Self.expected["ae.x"]!
        let (code, reconstruction) = withNoGrad { model(x) }
        Self.expectMatches(code, "ae.code", relative: 1e-5)
        Self.expectMatches(reconstruction, "ae.decode", relative: 1e-5)
        let optimizer = Adam(model.parameters(), lr: 1e-3, weightDecay: 1e-5)
        Self.expectMatches(model.trainStep(x, optimizer: optimizer), "ae.loss", relative: 1e-5)
        Self.expectGradients(model, "ae.grad", relative: 1e-4)
        Self.expectState(model, "ae.after", tolerance: 1e-5)
    }

    /// One iteration of `GANTraining` from the fixture's weights and noise.
    static func ganIteration(_ prefix: String, inputs: String, _ generator: Module, _ discriminator: Module,
                             loss: GANTraining.Loss, relative: Float) {
        let gan = GANTraining(generator: generator, discriminator: discriminator, loss: loss)
        let real = expected["\(inputs).real"]!
        let d = gan.discriminatorStep(real: real, noise: expected["\(inputs).noise_d"]!)
        expectMatches(d.loss, "\(prefix).d_loss", relative: relative)
        expectGradients(discriminator, "\(prefix).d_grad", relative: relative)
        expectMatches(gan.generatorStep(noise: expected["\(inputs).noise_g"]!), "\(prefix).g_loss", relative: relative)
        expectGradients(generator, "\(prefix).g_grad", relative: relative)
        expectState(discriminator, "\(prefix).d_after", tolerance: 1e-5)
        expectState(generator, "\(prefix).g_after", tolerance: 1e-5)
    }

    @Test func mlpGANForwardMatchesPyTorch() {
        let (generator, discriminator) = (Self.fill(GANGenerator()), Self.fill(GANDiscriminator()))
        withNoGrad {
            Self.expectMatches(generator(Self.expected["gan.noise_d"]!), "gan.fake", relative: 1e-5)
            Self.expectMatches(discriminator(Self.expected["gan.real"]!), "gan.d_real", relative: 1e-5)
        }
    }

    @Test func mlpGANIterationMatchesPyTorch() {
        Self.ganIteration("gan", inputs: "gan", Self.fill(GANGenerator()), Self.fill(GANDiscriminator()),
                          loss: .bce, relative: 1e-4)
    }

    @Test func lsganIterationMatchesPyTorch() {
        Self.ganIteration("lsgan", inputs: "gan", Self.fill(GANGenerator()), Self.fill(GANDiscriminator(sigmoid: false)),
                          loss: .leastSquares, relative: 1e-4)
    }

    @Test func dcgan28ForwardAndIterationMatchPyTorch() {
        let (generator, discriminator) = (Self.fill(DCGANGenerator28()), Self.fill(DCGANDiscriminator28()))
        withNoGrad {
            // Three transposed convolutions with batch statistics between them: oneDNN picks
            // its kernels (and so the order of the float sums) by the CPU. PyTorch's own
            // samples move by 9.8e-6 between two machines of this kind; Ember's differ from
            // PyTorch's by up to 1.24e-5.
            Self.expectMatches(generator(Self.expected["dcgan28.noise_d"]!), "dcgan28.fake", relative: 3e-5)
            Self.expectMatches(discriminator(Self.expected["dcgan28.real"]!), "dcgan28.d_real", relative: 1e-5)
        }
        Self.ganIteration("dcgan28", inputs: "dcgan28", Self.fill(DCGANGenerator28()), Self.fill(DCGANDiscriminator28()),
                          loss: .bce, relative: 1e-4)
    }

    /// LSGAN with the DCGAN: the discriminator without its sigmoid, MSELoss on the score.
    @Test func dcgan28LeastSquaresIterationMatchesPyTorch() {
        Self.ganIteration("dcgan28_lsgan", inputs: "dcgan28", Self.fill(DCGANGenerator28()),
                          Self.fill(DCGANDiscriminator28(sigmoid: false)), loss: .leastSquares, relative: 1e-4)
    }

    @Test func dcgan64ForwardMatchesPyTorch() {
        let (generator, discriminator) = (Self.fill(DCGANGenerator()), Self.fill(DCGANDiscriminator()))
        withNoGrad {
            let fake = generator(Self.expected["dcgan64.noise"]!)
            Self.expectMatches(Self.sample(fake), "dcgan64.fake", relative: 1e-5)
            Self.expectMatches(discriminator(fake), "dcgan64.score", relative: 1e-5)
        }
    }

    // MARK: tanh

    @Test func tanhIsWithinTwoUlpOfPyTorchsOverAWideRangeAndItsGradientFollows() {
        let x = Self.expected["tanh.x"]!
        x.requiresGrad = true
        let y = x.tanh()
        y.backward(gradient: Self.expected["tanh.gout"]!)
        let inputs = x.detach().toArray(), want = Self.expected["tanh.y"]!.toArray()
        for (i, (ours, theirs)) in zip(y.toArray(), want).enumerated() {
            if theirs.isNaN {
                #expect(ours.isNaN, "tanh(\(inputs[i])) = \(ours)")
            } else {
                #expect(abs(ours - theirs) <= 2 * theirs.ulp, "tanh(\(inputs[i])) = \(ours), PyTorch \(theirs)")
                #expect(ours.sign == theirs.sign, "tanh(\(inputs[i])) = \(ours): sign")
            }
        }
        // 1 - y² cancels near |y| = 1, so an ulp of y moves the gradient by about 2 ulp(1) |gout|.
        let gout = Self.expected["tanh.gout"]!.toArray(), grad = Self.expected["tanh.grad"]!.toArray()
        for (i, (ours, theirs)) in zip(x.grad!.toArray(), grad).enumerated() where !theirs.isNaN {
            #expect(abs(ours - theirs) <= 2.5e-7 * abs(gout[i]) + 2 * theirs.ulp,
                    "tanh'(\(inputs[i])) · \(gout[i]) = \(ours), PyTorch \(theirs)")
        }
    }
}
