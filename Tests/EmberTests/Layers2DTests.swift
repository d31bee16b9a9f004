import Testing
@testable import Ember

/// BatchNorm2d, LocalResponseNorm, Upsample/interpolate and Dropout2d against PyTorch, and
/// the reprs of every 2-D layer.
struct Layers2DTests {
    static let interpolateCases: [PoolCase] = [
        PoolCase("interp.nearest_x2", single: { interpolate($0, scaleFactor: 2) }),
        PoolCase("interp.nearest_x1_5", single: { interpolate($0, scaleFactor: 1.5) }),
        PoolCase("interp.nearest_size", single: { interpolate($0, size: [5, 7]) }),
        PoolCase("interp.nearest_down", single: { interpolate($0, size: [2, 4]) }),
        PoolCase("interp.bilinear_x2", single: { interpolate($0, scaleFactor: 2, mode: .bilinear, alignCorners: false) }),
        PoolCase("interp.bilinear_x2_align", single: { interpolate($0, scaleFactor: 2, mode: .bilinear, alignCorners: true) }),
        PoolCase("interp.bilinear_size", single: { interpolate($0, size: [5, 7], mode: .bilinear, alignCorners: false) }),
        PoolCase("interp.bilinear_size_align", single: { interpolate($0, size: [5, 7], mode: .bilinear, alignCorners: true) }),
        PoolCase("interp.bilinear_down", single: { interpolate($0, size: [2, 4], mode: .bilinear) }),
    ]

    @Test(arguments: interpolateCases) func interpolation(_ poolCase: PoolCase) { poolCase.check() }

    static let lrnCases: [PoolCase] = [
        PoolCase("lrn.size3", single: { LocalResponseNorm(size: 3)($0) }),
        PoolCase("lrn.size4", single: { LocalResponseNorm(size: 4, alpha: 0.5, beta: 0.5, k: 2)($0) }),
        PoolCase("lrn.size2_3d", single: { localResponseNorm($0, size: 2, alpha: 0.3, beta: 0.75, k: 1) }),
    ]

    @Test(arguments: lrnCases) func localResponseNormalisation(_ poolCase: PoolCase) { poolCase.check() }

    @Test func zeroPad2dPadsAndCropsLikePyTorch() {
        let x = Tensor.arange(0, 4).reshape(1, 1, 2, 2)
        let padded = ZeroPad2d(left: 1, right: 0, top: 0, bottom: 1)(x)
        #expect(padded.shape == [1, 1, 3, 3])
        #expect(padded.toArray() == [0, 0, 1, 0, 2, 3, 0, 0, 0])
        #expect(ZeroPad2d(-1)(Tensor.ones([1, 4, 4])).shape == [1, 2, 2])
        #expect(ZeroPad2d(2).description == "ZeroPad2d((2, 2, 2, 2))")
    }

    @Test func upsampleLayerMatchesInterpolate() {
        let x = PoolFixtures["interp.bilinear_size_align.x"]
        expectClose(Upsample(size: [5, 7], mode: .bilinear, alignCorners: true)(x),
                    PoolFixtures["interp.bilinear_size_align.out"], "Upsample bilinear")
        expectClose(Upsample(scaleFactor: 2)(PoolFixtures["interp.nearest_x2.x"]), PoolFixtures["interp.nearest_x2.out"], "Upsample nearest")
    }

    /// Two training steps (running statistics, gradients) and an evaluation step, as
    /// bn.* in the nn tests but on [N, C, H, W] input.
    @Test func batchNorm2dTrainAndEval() throws {
        let p = "bn2d"
        let bn = BatchNorm2d(3)
        try bn.loadStateDict(["weight": PoolFixtures["\(p).weight"], "bias": PoolFixtures["\(p).bias"]], strict: false)
        expectClose(bn(PoolFixtures["\(p).x1"]), PoolFixtures["\(p).y1"], "\(p).y1")
        let x2 = PoolFixtures["\(p).x2"].clone()
        x2.requiresGrad = true
        let y2 = bn(x2)
        expectClose(y2, PoolFixtures["\(p).y2"], "\(p).y2")
        (y2 * PoolFixtures["\(p).gout2"]).sum().backward()
        expectClose(x2.grad!, PoolFixtures["\(p).grad_x2"], "\(p).grad_x2")
        expectClose(bn.weight!.grad!, PoolFixtures["\(p).grad_weight2"], "\(p).grad_weight2")
        expectClose(bn.bias!.grad!, PoolFixtures["\(p).grad_bias2"], "\(p).grad_bias2")
        expectClose(bn.runningMean!, PoolFixtures["\(p).running_mean"], "\(p).running_mean")
        expectClose(bn.runningVar!, PoolFixtures["\(p).running_var"], "\(p).running_var")
        #expect(bn.numBatchesTracked?.item(as: Int64.self) == 2)

        bn.eval()
        bn.zeroGrad()
        let x3 = PoolFixtures["\(p).x3"].clone()
        x3.requiresGrad = true
        let y3 = bn(x3)
        expectClose(y3, PoolFixtures["\(p).y3"], "\(p).y3")
        (y3 * PoolFixtures["\(p).gout3"]).sum().backward()
        expectClose(x3.grad!, PoolFixtures["\(p).grad_x3"], "\(p).grad_x3")
        expectClose(bn.weight!.grad!, PoolFixtures["\(p).grad_weight3"], "\(p).grad_weight3")
        expectClose(bn.bias!.grad!, PoolFixtures["\(p).grad_bias3"], "\(p).grad_bias3")
        #expect(bn.numBatchesTracked?.item(as: Int64.self) == 2)
        #expect(bn.stateDict().keys.sorted() == ["bias", "num_batches_tracked", "running_mean", "running_var", "weight"])
    }

    /// The one-pass statistics shift each channel by one of its values: data far from zero
    /// with a small spread keeps its variance (a plain sum of squares would cancel it).
    @Test func batchNormStatisticsOfDataFarFromZero() {
        manualSeed(0)
        let x = Tensor.randn([4, 3, 16, 16]) * 0.01 + 1000
        let reference = x.var(dims: [0, 2, 3], correction: 0)
        let bn = BatchNorm2d(3, momentum: 1)
        _ = bn(x)
        let unbiased = Float(4 * 16 * 16) / Float(4 * 16 * 16 - 1)
        expectClose(bn.runningVar!, reference * unbiased, rtol: 1e-3, atol: 0, "running variance near 1e-4")
        expectClose(bn.runningMean!, x.mean(dims: [0, 2, 3]), rtol: 0, atol: 1e-4, "running mean near 1000")
    }

    @Test func dropout2dZeroesWholeChannels() {
        manualSeed(7)
        let x = Tensor.ones([4, 8, 3, 5], requiresGrad: true)
        let drop = Dropout2d(p: 0.5)
        var y = x
        let warnings = capturingWarnings { y = drop(x) }
        #expect(warnings.isEmpty, "4-D input must not warn")
        let values = y.toArray()
        var dropped = 0
        for plane in 0..<32 {
            let channel = Set(values[(plane * 15)..<((plane + 1) * 15)])
            #expect(channel == [0] || channel == [2], "plane \(plane) is \(channel)")
            if channel == [0] { dropped += 1 }
        }
        #expect(dropped > 4 && dropped < 28)
        // The gradient flows through the same channel mask.
        y.sum().backward()
        #expect(x.grad!.toArray() == values)
        drop.eval()
        #expect(drop(x).toArray() == x.toArray())
    }

    @Test func dropout2dWarnsAboutThreeDimensionalInput() {
        manualSeed(1)
        var y = Tensor.ones([6, 4, 10])
        let warnings = capturingWarnings { y = Dropout2d(p: 0.5)(y) }
        #expect(warnings.count == 1 && warnings.first?.contains("interpreted as shape (N, C, L)") == true)
        let values = y.toArray()
        for row in 0..<24 {
            #expect(Set(values[(row * 10)..<((row + 1) * 10)]).count == 1, "row \(row) is dropped or kept as a whole")
        }
    }

    @Test func reprsMatchPyTorch() {
        #expect(MaxPool2d(kernelSize: 2).description == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)")
        #expect(MaxPool2d(kernelSize: [2, 3], ceilMode: true).description
            == "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=True)")
        #expect(AvgPool2d(kernelSize: 3).description == "AvgPool2d(kernel_size=3, stride=3, padding=0)")
        #expect(AvgPool2d(kernelSize: 2, divisorOverride: 3).description == "AvgPool2d(kernel_size=2, stride=2, padding=0)")
        #expect(MaxUnpool2d(kernelSize: 2).description == "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))")
        #expect(AdaptiveAvgPool2d(AdaptiveSize(3, nil)).description == "AdaptiveAvgPool2d(output_size=(3, None))")
        #expect(AdaptiveMaxPool2d(3).description == "AdaptiveMaxPool2d(output_size=3)")
        #expect(LocalResponseNorm(size: 5).description == "LocalResponseNorm(5, alpha=0.0001, beta=0.75, k=1.0)")
        #expect(Dropout2d().description == "Dropout2d(p=0.5, inplace=False)")
        #expect(Upsample(scaleFactor: 2).description == "Upsample(scale_factor=2.0, mode='nearest')")
        #expect(Upsample(size: [3, 5], mode: .bilinear).description == "Upsample(size=(3, 5), mode='bilinear')")
        #expect(Upsample(size: 5, mode: .bilinear, alignCorners: true).description == "Upsample(size=5, mode='bilinear')")
        #expect(BatchNorm2d(3).description
            == "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)")
    }
}
