import CEmberKernels
import Testing
@testable import Ember

/// The Winograd F(4×4, 3×3) kernels against oneDNN's direct convolution on the same
/// operands, on any x86 machine with AVX2 (whether or not `conv2d` would choose them
/// there): the forward result with and without bias, the data and weight gradients, over
/// paddings, sizes that leave partial tiles, channel counts off the 8-lane grid, rows of
/// tiles longer than a block, and both schedules (blocks of tiles, and one block in phases).
@Suite(.enabled(if: ember_winograd_supported()))
struct WinogradConvolutionTests {
    /// (batch, image channels, response channels, height, width, padding top/left/bottom/right)
    static let cases: [(Int, Int, Int, Int, Int, (Int, Int, Int, Int))] = [
        (2, 16, 16, 12, 12, (1, 1, 1, 1)),     // ResNet's same-size layer, whole tiles
        (3, 19, 21, 13, 10, (1, 1, 1, 1)),     // partial tiles, channels off the lanes
        (1, 24, 17, 11, 9, (0, 0, 0, 0)),      // valid convolution
        (2, 17, 40, 9, 14, (2, 1, 0, 2)),      // unequal padding (the adjoint's of others)
        (1, 16, 16, 10, 420, (1, 1, 1, 1)),    // 105 tiles per row: runs cut at a block
        (2, 176, 176, 10, 10, (1, 1, 1, 1)),   // large weights, few tiles: one block
    ]

    static func geometry(_ c: (Int, Int, Int, Int, Int, (Int, Int, Int, Int)), bias: Bool) -> ConvolutionGeometry {
        let (n, ci, co, h, w, p) = c
        return ConvolutionGeometry(
            image: [n, ci, h, w], responseChannels: co, responseSize: IntPair(h + p.0 + p.2 - 2, w + p.1 + p.3 - 2),
            kernel: IntPair(3), stride: IntPair(1), dilation: IntPair(1), groups: 1,
            padding: (left: p.1, right: p.3, top: p.0, bottom: p.2), hasBias: bias)
    }

    /// Winograd's rounding error grows with the output's scale (its transforms add and
    /// subtract multiples of the points): measured against float64 sums, 8e-6 of the largest
    /// output at 176 channels, where plain float32 sums are 1e-6 of it off.
    static func tolerance(_ expected: Tensor) -> Float {
        2e-5 * expected.abs().max().item()
    }

    @Test(arguments: cases.indices) func forwardMatchesDirectConvolution(_ index: Int) {
        manualSeed(UInt64(index))
        for hasBias in [false, true] {
            let g = Self.geometry(Self.cases[index], bias: hasBias)
            let image = Tensor.randn([g.batch, g.imageChannels, g.imageHeight, g.imageWidth])
            let weight = Tensor.randn([g.responseChannels, g.imageChannels, 3, 3]) * 0.1
            let bias = hasBias ? Tensor.randn([g.responseChannels]) : nil
            let direct = ConvolutionPrimitives.forGeometry(g)
            let expected = direct.respond(to: direct.imageOperand(image), weight: weight, bias: bias)
            let actual = WinogradConvolution.respond(to: image, weight: weight, bias: bias, geometry: g)
            expectClose(actual, expected, rtol: 0, atol: Self.tolerance(expected), "case \(index) forward, bias \(hasBias)")
        }
    }

    @Test(arguments: cases.indices) func dataGradientMatchesDirectConvolution(_ index: Int) {
        manualSeed(UInt64(100 + index))
        let g = Self.geometry(Self.cases[index], bias: false)
        let response = Tensor.randn([g.batch, g.responseChannels, g.responseHeight, g.responseWidth])
        let weight = Tensor.randn([g.responseChannels, g.imageChannels, 3, 3]) * 0.1
        let direct = ConvolutionPrimitives.forGeometry(g)
        let expected = direct.image(from: direct.responseOperand(response), weight: weight)
        let actual = WinogradConvolution.image(from: response, weight: weight, geometry: g)
        expectClose(actual, expected, rtol: 0, atol: Self.tolerance(expected), "case \(index) data gradient")
    }

    @Test(arguments: cases.indices) func weightGradientMatchesDirectConvolution(_ index: Int) {
        manualSeed(UInt64(200 + index))
        let g = Self.geometry(Self.cases[index], bias: false)
        let image = Tensor.randn([g.batch, g.imageChannels, g.imageHeight, g.imageWidth])
        let response = Tensor.randn([g.batch, g.responseChannels, g.responseHeight, g.responseWidth])
        let direct = ConvolutionPrimitives.forGeometry(g)
        let expected = direct.weightGradient(image: direct.imageOperand(image),
                                             response: direct.responseOperand(response)).weight
        let actual = WinogradConvolution.weightGradient(image: image, response: response, geometry: g)
        expectClose(actual, expected, rtol: 0, atol: Self.tolerance(expected), "case \(index) weight gradient")
    }

    /// `conv2d` and its three gradients, through whichever kernels this machine uses, against
    /// oneDNN's direct convolution: 512 tiles, enough for the Winograd weight gradient.
    @Test func conv2dAndGradientsMatchDirectConvolution() {
        manualSeed(7)
        let x = Tensor.randn([2, 16, 64, 64], requiresGrad: true)
        let weight = (Tensor.randn([24, 16, 3, 3]) * 0.1).detach()
        weight.requiresGrad = true
        let bias = Tensor.randn([24], requiresGrad: true)
        let out = conv2d(x, weight: weight, bias: bias, padding: 1)
        let gout = Tensor.randn(out.shape)
        (out * gout).sum().backward()
        let g = ConvolutionGeometry(image: x.shape, responseChannels: 24, responseSize: IntPair(64, 64),
                                    kernel: IntPair(3), stride: IntPair(1), dilation: IntPair(1), groups: 1,
                                    padding: (1, 1, 1, 1), hasBias: true)
        #expect(!WinogradConvolution.isPreferred || WinogradConvolution.computesWeightGradient(of: g))
        let direct = ConvolutionPrimitives.forGeometry(g)
        let image = x.detach()
        let expected = direct.respond(to: direct.imageOperand(image), weight: weight.detach(), bias: bias.detach())
        let gradient = direct.responseOperand(gout)
        let parameters = direct.weightGradient(image: direct.imageOperand(image), response: gradient)
        for (actual, wanted, what) in [(out, expected, "output"), (x.grad!, direct.image(from: gradient, weight: weight.detach()), "input gradient"),
                                       (weight.grad!, parameters.weight, "weight gradient"), (bias.grad!, parameters.bias!, "bias gradient")] {
            expectClose(actual, wanted, rtol: 0, atol: Self.tolerance(wanted), what)
        }
    }

    /// The schedules the cases above are meant to reach.
    @Test func casesReachBothSchedules() {
        let plans = Self.cases.map { c in
            ember_winograd_plan(Int64(c.0), Int64(c.1), Int64(c.3), Int64(c.4), Int64(c.2),
                                Int64(c.5.0), Int64(c.5.1), Int64(c.5.2), Int64(c.5.3), 2)
        }
        #expect(plans.last!.one_block && plans.dropLast().allSatisfy { !$0.one_block })
        #expect(plans[4].tiles_w > plans[4].block_tiles)
    }

    /// Which layers `conv2d` sends here: ResNet's 3×3 layers down to 7×7 at batch 16, not
    /// its stem, its strided layers, depthwise layers, the few-channel first layer of a VGG,
    /// a handful of tiles, too little work (its 8×8 layer at 32×32 input), or 2×2 responses
    /// that fill a quarter of their tiles.
    @Test func appliesToStrideOneThreeByThreeLayers() {
        func geometry(channels: Int, kernel: Int, stride: Int, groups: Int = 1, size: Int = 56, batch: Int = 1)
            -> ConvolutionGeometry
        {
            let out = (size + 2 * (kernel / 2) - kernel) / stride + 1
            return ConvolutionGeometry(
                image: [batch, channels, size, size], responseChannels: channels, responseSize: IntPair(out, out),
                kernel: IntPair(kernel), stride: IntPair(stride), dilation: IntPair(1), groups: groups,
                padding: (kernel / 2, kernel / 2, kernel / 2, kernel / 2), hasBias: false)
        }
        #expect(WinogradConvolution.applies(to: geometry(channels: 64, kernel: 3, stride: 1, batch: 16))
                == WinogradConvolution.isPreferred)
        #expect(!WinogradConvolution.applies(to: geometry(channels: 64, kernel: 7, stride: 2, batch: 16)))
        #expect(!WinogradConvolution.applies(to: geometry(channels: 64, kernel: 3, stride: 2, batch: 16)))
        #expect(!WinogradConvolution.applies(to: geometry(channels: 64, kernel: 3, stride: 1, groups: 64, batch: 16)))
        #expect(!WinogradConvolution.applies(to: geometry(channels: 3, kernel: 3, stride: 1, batch: 16)))
        #expect(WinogradConvolution.applies(to: geometry(channels: 512, kernel: 3, stride: 1, size: 7, batch: 16))
                == WinogradConvolution.isPreferred)
        #expect(!WinogradConvolution.applies(to: geometry(channels: 64, kernel: 3, stride: 1, size: 8)))
        #expect(!WinogradConvolution.applies(to: geometry(channels: 64, kernel: 3, stride: 1, size: 8, batch: 64)))
        #expect(!WinogradConvolution.applies(to: geometry(channels: 512, kernel: 3, stride: 1, size: 2, batch: 64)))
    }
}
