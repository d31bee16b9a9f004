import Testing
@testable import Ember

/// Max, average and adaptive pooling and max unpooling against PyTorch: values, indices and
/// input gradients.
struct PoolFixtureTests {
    static let maxPoolCases: [PoolCase] = [
        PoolCase("maxpool.k2") { maxPool2dWithIndices($0, kernelSize: 2) },
        PoolCase("maxpool.k2odd") { maxPool2dWithIndices($0, kernelSize: 2) },
        PoolCase("maxpool.k3s2p1") { maxPool2dWithIndices($0, kernelSize: 3, stride: 2, padding: 1) },
        PoolCase("maxpool.ties") { maxPool2dWithIndices($0, kernelSize: 3, stride: 1) },
        PoolCase("maxpool.dilated") {
            maxPool2dWithIndices($0, kernelSize: [3, 2], stride: [2, 1], padding: [1, 1], dilation: [2, 1])
        },
        PoolCase("maxpool.ceil_adds") { maxPool2dWithIndices($0, kernelSize: 2, ceilMode: true) },
        PoolCase("maxpool.ceil_drops") { maxPool2dWithIndices($0, kernelSize: 2, stride: 2, padding: 1, ceilMode: true) },
        PoolCase("maxpool.rect") { maxPool2dWithIndices($0, kernelSize: [2, 3], stride: [1, 2], ceilMode: true) },
        PoolCase("maxpool.unbatched") { maxPool2dWithIndices($0, kernelSize: 2, stride: 1) },
        // 21 outputs a row: one full 16-lane vector and a tail; ties pick the first maximum.
        PoolCase("maxpool.k2_wide_ties") { maxPool2dWithIndices($0, kernelSize: 2) },
    ]

    @Test(arguments: maxPoolCases) func maxPool(_ poolCase: PoolCase) { poolCase.check() }

    static let avgPoolCases: [PoolCase] = [
        PoolCase("avgpool.k2") { avgPool2d($0, kernelSize: 2) },
        PoolCase("avgpool.k3s2p1") { avgPool2d($0, kernelSize: 3, stride: 2, padding: 1) },
        PoolCase("avgpool.exclude_pad") { avgPool2d($0, kernelSize: 3, stride: 2, padding: 1, countIncludePad: false) },
        PoolCase("avgpool.divisor") { avgPool2d($0, kernelSize: 3, stride: 2, padding: 1, divisorOverride: 5) },
        PoolCase("avgpool.ceil") { avgPool2d($0, kernelSize: 3, stride: 2, padding: 1, ceilMode: true) },
        PoolCase("avgpool.ceil_exclude") {
            avgPool2d($0, kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false)
        },
        PoolCase("avgpool.unbatched") { avgPool2d($0, kernelSize: [2, 3], stride: [1, 2]) },
    ]

    @Test(arguments: avgPoolCases) func avgPool(_ poolCase: PoolCase) { poolCase.check() }

    static let adaptiveSizes: [(String, Int?, Int?)] = [("down", 3, 2), ("up", 5, 6), ("keep_w", 4, nil), ("unbatched", 1, 1)]

    static let adaptiveCases: [PoolCase] = adaptiveSizes.flatMap { name, h, w in
        [PoolCase("adaptiveavg.\(name)", single: { adaptiveAvgPool2d($0, outputSize: (h, w)) }),
         PoolCase("adaptivemax.\(name)") { adaptiveMaxPool2dWithIndices($0, outputSize: (h, w)) }]
    }

    @Test(arguments: adaptiveCases) func adaptivePool(_ poolCase: PoolCase) { poolCase.check() }

    static let unpoolCases: [PoolCase] = [
        PoolCase("unpool.k2", single: { maxUnpool2d($0, indices: PoolFixtures["unpool.k2.indices"], kernelSize: 2) }),
        PoolCase("unpool.k2_size", single: {
            maxUnpool2d($0, indices: PoolFixtures["unpool.k2_size.indices"], kernelSize: 2, outputSize: [5, 5])
        }),
        PoolCase("unpool.k3s2p1", single: {
            maxUnpool2d($0, indices: PoolFixtures["unpool.k3s2p1.indices"], kernelSize: 3, stride: 2, padding: 1)
        }),
    ]

    @Test(arguments: unpoolCases) func maxUnpool(_ poolCase: PoolCase) { poolCase.check() }

    /// Pooling the stored source reproduces PyTorch's indices, and the layers round-trip:
    /// unpooling puts each maximum back where it came from and zeros elsewhere.
    @Test func unpoolRoundTripThroughLayers() {
        let source = PoolFixtures["unpool.k2_size.source"]
        let pool = MaxPool2d(kernelSize: 2, returnIndices: true), unpool = MaxUnpool2d(kernelSize: 2)
        let (values, indices) = pool.forwardWithIndices(source)
        #expect(indices.toArray(as: Int64.self) == PoolFixtures["unpool.k2_size.indices"].toArray(as: Int64.self))
        let restored = unpool(values, indices: indices, outputSize: source.shape)
        #expect(restored.shape == source.shape)
        let kept = restored.toArray(), original = source.toArray()
        let maxima = Set(values.toArray())
        for i in kept.indices {
            #expect(kept[i] == 0 || (kept[i] == original[i] && maxima.contains(kept[i])))
        }
        #expect(kept.filter { $0 != 0 }.count == values.numel)
    }

    /// The 2x2 stride-2 kernel agrees with the general loop, which ceil mode takes when an
    /// extra column makes the last window hang over the edge; with and without indices, on
    /// rows of 20 outputs (a full 16-lane vector and a tail).
    @Test func fastPathMatchesGeneralLoop() {
        manualSeed(3)
        let x = Tensor.randn([2, 3, 8, 40])
        let widened = Tensor.cat([x, Tensor.randn([2, 3, 8, 1])], dim: 3)
        let fast = maxPool2dWithIndices(x, kernelSize: 2)
        let general = maxPool2dWithIndices(widened, kernelSize: 2, ceilMode: true)
        #expect(general.values.shape == [2, 3, 4, 21])
        #expect(fast.values.toArray() == general.values.narrow(dim: 3, start: 0, length: 20).toArray())
        // Indices are flat per plane, so the wider plane's rows are 41 apart instead of 40.
        let generalIndices = general.indices.narrow(dim: 3, start: 0, length: 20).toArray(as: Int64.self)
        #expect(fast.indices.toArray(as: Int64.self) == generalIndices.map { ($0 / 41) * 40 + $0 % 41 })
        #expect(maxPool2d(x, kernelSize: 2).toArray() == fast.values.toArray())
    }

    /// NaN wins a window, as in PyTorch, on the 2x2 path (with and without indices) and the
    /// general one.
    @Test func nanPropagates() {
        let x = Tensor(shape: [1, 1, 2, 4], scalars: [1, .nan, 5, 6, 3, 4, 7, -.infinity])
        #expect(maxPool2d(x, kernelSize: 2).toArray().map(\.isNaN) == [true, false])
        let (values, indices) = maxPool2dWithIndices(x, kernelSize: 2)
        #expect(values.toArray()[0].isNaN && values.toArray()[1] == 7)
        #expect(indices.toArray(as: Int64.self) == [1, 6])
        #expect(maxPool2d(x, kernelSize: 2, stride: 1).toArray().map(\.isNaN) == [true, true, false])
    }

    @Test func gradientNodeNames() {
        let x = Tensor.randn([1, 1, 4, 4], requiresGrad: true)
        #expect(maxPool2d(x, kernelSize: 2).gradFn?.name == "MaxPool2DWithIndicesBackward")
        #expect(avgPool2d(x, kernelSize: 2).gradFn?.name == "AvgPool2DBackward")
        #expect(adaptiveAvgPool2d(x, outputSize: 2).gradFn?.name == "AdaptiveAvgPool2DBackward")
        #expect(adaptiveMaxPool2d(x, outputSize: 2).gradFn?.name == "AdaptiveMaxPool2DBackward")
    }

    @Test func outputSizeRule() {
        // floor mode; ceil mode adding a window; ceil mode whose extra window would start in
        // the right padding and is dropped.
        #expect(Pool2d.outputSize(5, kernel: 2, stride: 2, padding: 0, dilation: 1, ceilMode: false) == 2)
        #expect(Pool2d.outputSize(5, kernel: 2, stride: 2, padding: 0, dilation: 1, ceilMode: true) == 3)
        #expect(Pool2d.outputSize(5, kernel: 2, stride: 2, padding: 1, dilation: 1, ceilMode: true) == 3)
        #expect(Pool2d.outputSize(9, kernel: 3, stride: 2, padding: 1, dilation: 2, ceilMode: false) == 4)
    }
}
