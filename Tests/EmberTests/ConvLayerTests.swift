import Foundation
import Synchronization
import Testing
@testable import Ember

/// Conv2d and ConvTranspose2d against PyTorch: outputs, the three gradients and reprs.
struct ConvLayerTests {
    static let cases = ConvFixtures.layers.keys.sorted()

    @Test(arguments: cases) func matchesPyTorch(_ name: String) {
        let layer = ConvFixtures.layers[name]!()
        let p = "conv.\(name)"
        let (weight, bias) = parameters(layer)
        withNoGrad {
            weight.copy(from: ConvFixtures["\(p).weight"])
            bias?.copy(from: ConvFixtures["\(p).bias"])
        }
        #expect((bias != nil) == (ConvFixtures.tensors["\(p).bias"] != nil), "\(name): bias presence")
        // "wide" runs oneDNN's Winograd kernels. Its weight gradients are sums of 400
        // products of size ~200 that cancel down to ~0.05: PyTorch's own float32 result is
        // 2e-5 from the float64 one there, and Ember's comparable.
        let atol: Float = name == "wide" ? 5e-5 : 1e-5
        let x = ConvFixtures["\(p).x"].clone()
        x.requiresGrad = true
        let out = layer(x)
        expectClose(out, ConvFixtures["\(p).out"], atol: atol, "\(p).out")
        #expect(out.gradFn?.name == "ConvolutionBackward" || out.gradFn?.name == "SqueezeBackward", "\(name): node \(out.gradFn?.name ?? "none")")
        (out * ConvFixtures["\(p).gout"]).sum().backward()
        expectClose(x.grad ?? Tensor.zerosLike(x), ConvFixtures["\(p).grad_x"], atol: atol, "\(p).grad_x")
        expectClose(weight.grad ?? Tensor.zerosLike(weight), ConvFixtures["\(p).grad_weight"], atol: atol,
                    "\(p).grad_weight")
        if let bias {
            expectClose(bias.grad ?? Tensor.zerosLike(bias), ConvFixtures["\(p).grad_bias"], atol: atol,
                        "\(p).grad_bias")
        }
        #expect(layer.description == ConvFixtures.reprs[name], "\(name): repr")
    }

    private func parameters(_ layer: Module) -> (Tensor, Tensor?) {
        if let conv = layer as? Conv2d { return (conv.weight, conv.bias) }
        let conv = layer as! ConvTranspose2d
        return (conv.weight, conv.bias)
    }

    @Test func stateDictKeysAndShapes() {
        let conv = Conv2d(4, 6, kernelSize: [3, 2], groups: 2)
        #expect(conv.stateDict().keys.sorted() == ["bias", "weight"])
        #expect(conv.weight.shape == [6, 2, 3, 2] && conv.bias?.shape == [6])
        let transpose = ConvTranspose2d(4, 6, kernelSize: 3, groups: 2, bias: false)
        #expect(transpose.stateDict().keys.sorted() == ["weight"])
        #expect(transpose.weight.shape == [4, 3, 3, 3])
    }

    /// PyTorch's init: weight and bias in ±1/√fanIn, fanIn = weight.shape[1] * kernel area.
    @Test func defaultInitBounds() {
        manualSeed(1)
        for (layer, fanIn) in [(Conv2d(8, 16, kernelSize: 3) as Module, 72), (ConvTranspose2d(8, 12, kernelSize: 3, groups: 2), 54)] {
            let (weight, bias) = parameters(layer)
            let bound = 1 / Float(fanIn).squareRoot()
            for tensor in [weight, bias!] {
                let values = tensor.toArray()
                #expect(values.allSatisfy { abs($0) <= bound }, "values within ±\(bound)")
                #expect(values.map(abs).max()! > 0.8 * bound, "values spread over the bound")
            }
        }
    }

    /// The tutorial's rule: output width (W - F + 2P) / S + 1.
    @Test func outputSizeRule() {
        for (w, f, p, s) in [(28, 3, 1, 1), (28, 5, 0, 1), (32, 3, 1, 2), (7, 3, 0, 2), (227, 11, 0, 4)] {
            let conv = Conv2d(1, 2, kernelSize: IntPair(f), stride: IntPair(s), padding: .explicit(IntPair(p)))
            let out = withNoGrad { conv(Tensor.zeros([1, 1, w, w])) }
            let size: Int = (w - f + 2 * p) / s + 1
            #expect(out.shape == [1, 2, size, size], "W=\(w) F=\(f) P=\(p) S=\(s)")
        }
        let same = withNoGrad { Conv2d(1, 1, kernelSize: [4, 5], padding: .same, dilation: 2)(Tensor.zeros([2, 1, 9, 6])) }
        #expect(same.shape == [2, 1, 9, 6])
        let up = withNoGrad { ConvTranspose2d(1, 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1)(Tensor.zeros([1, 1, 5, 7])) }
        #expect(up.shape == [1, 1, 10, 14])
    }

    @Test func gradcheckTinyConvolutions() {
        manualSeed(3)
        let x = Tensor.randn([2, 4, 5, 4], requiresGrad: true)
        let w = Tensor.randn([6, 2, 3, 2], requiresGrad: true)
        let b = Tensor.randn([6], requiresGrad: true)
        let conv = gradcheck({ conv2d($0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2) },
                             inputs: [x, w, b])
        #expect(conv.passed, "\(conv)")
        let wt = Tensor.randn([4, 3, 3, 2], requiresGrad: true)
        let transpose = gradcheck({ convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1, groups: 2) },
                                  inputs: [x, wt, b])
        #expect(transpose.passed, "\(transpose)")
        // Depthwise with one filter per channel, and a 1×1 output (single-column GEMMs).
        let depthwise = gradcheck({ conv2d($0[0], weight: $0[1], padding: 1, groups: 4) },
                                  inputs: [x, Tensor.randn([4, 1, 3, 3], requiresGrad: true)])
        #expect(depthwise.passed, "\(depthwise)")
        let single = gradcheck({ conv2d($0[0], weight: $0[1], bias: $0[2], groups: 2) },
                               inputs: [Tensor.randn([2, 4, 3, 2], requiresGrad: true), Tensor.randn([6, 2, 3, 2], requiresGrad: true), b])
        #expect(single.passed, "\(single)")
        // A kernel covering the whole input without groups: computed as a matrix product.
        let whole = gradcheck({ conv2d($0[0], weight: $0[1], bias: $0[2]) },
                              inputs: [Tensor.randn([2, 4, 3, 2], requiresGrad: true), Tensor.randn([6, 4, 3, 2], requiresGrad: true), b])
        #expect(whole.passed, "\(whole)")
    }

    @Test func aKernelCoveringTheWholeInputGivesTheConvolutionsValues() {
        manualSeed(6)
        let x = Tensor.randn([3, 4, 3, 2]), w = Tensor.randn([5, 4, 3, 2]), b = Tensor.randn([5])
        // The same sums through oneDNN: one more zero row and column of padding, then the
        // top-left output.
        let padded = conv2d(x, weight: w, bias: b, padding: 1).narrow(dim: 2, start: 1, length: 1).narrow(dim: 3, start: 1, length: 1)
        let out = conv2d(x, weight: w, bias: b)
        #expect(out.shape == [3, 5, 1, 1])
        expectClose(out, padded.contiguous(), atol: 1e-5, "whole-input kernel")
    }

    /// The transposed convolution is conv2d's adjoint: <conv(x), y> = <x, convT(y)>.
    @Test func transposeIsAdjointOfConvolution() {
        manualSeed(4)
        let x = Tensor.randn([2, 4, 9, 8]), w = Tensor.randn([6, 2, 3, 3])
        let y = conv2d(x, weight: w, stride: 2, padding: 1, dilation: [1, 2], groups: 2)
        let z = Tensor.randn(y.shape)
        let back = convTranspose2d(z, weight: w, stride: 2, padding: 1, outputPadding: [0, 1], groups: 2, dilation: [1, 2])
        #expect(back.shape == x.shape)
        let lhs = (y * z).sum().item(), rhs = (x * back).sum().item()
        #expect(abs(lhs - rhs) <= 1e-3 * Swift.max(1, abs(lhs)), "\(lhs) vs \(rhs)")
    }

    @Test func nonContiguousInputMatchesContiguous() {
        manualSeed(5)
        let x = Tensor.randn([3, 5, 6, 2]).permute(3, 0, 1, 2)  // [2, 3, 5, 6], not contiguous
        let w = Tensor.randn([4, 3, 3, 3])
        expectClose(conv2d(x, weight: w, padding: 1), conv2d(x.contiguous(), weight: w, padding: 1), "permuted input")
    }

    /// Threads that convolve at once, each on a fresh geometry and its own oneDNN stream,
    /// get what one thread gets (blocked layouts: 32 channels).
    @Test func concurrentConvolutionsAgree() {
        manualSeed(6)
        let inputs = (0..<4).map { Tensor.randn([$0 + 5, 32, 9, 9]) }
        let w = Tensor.randn([32, 32, 3, 3])
        let results = Mutex<[Int: [Float]]>([:])
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            let out = conv2d(inputs[i], weight: w, padding: 1).toArray()
            results.withLock { $0[i] = out }
        }
        for (i, x) in inputs.enumerated() {
            expectClose(Tensor(shape: [i + 5, 32, 9, 9], scalars: results.withLock { $0[i]! }),
                        conv2d(x, weight: w, padding: 1), "thread \(i)")
        }
    }

    /// Compiled primitives are kept for a bounded number of geometries; one that was dropped
    /// is built again and gives the same result.
    @Test func primitiveCacheIsBounded() {
        manualSeed(7)
        let w = Tensor.randn([2, 1, 3, 3])
        let first = Tensor.randn([1, 1, 5, 5])
        let before = conv2d(first, weight: w).toArray()
        for extra in 0...ConvolutionPrimitives.Cache.capacity {
            _ = conv2d(Tensor.randn([1, 1, 6 + extra, 3]), weight: w)
        }
        #expect(ConvolutionPrimitives.cachedCount <= ConvolutionPrimitives.Cache.capacity)
        #expect(conv2d(first, weight: w).toArray() == before)
    }
}
