import Testing
@testable import Ember

/// `Conv2d.callAsFunction(_:then:)`: the ReLU or ReLU6 applied by the convolution itself
/// (a oneDNN post-op) when no gradient is wanted and no hook watches, the two steps
/// otherwise; the same values either way.
struct ConvActivationFusionTests {
    /// Layers covering oneDNN's kernels: blocked Winograd (3×3 stride 1, 16+ channels,
    /// 10×10 or more), blocked direct, plain NCHW (few channels), grouped, strided, without
    /// bias, explicit padding modes and the matrix-product shortcut (kernel = input).
    static func layers() -> [(String, Conv2d, [Int])] {
        manualSeed(7)
        return [
            ("winograd", Conv2d(16, 32, kernelSize: 3, padding: 1), [2, 16, 12, 12]),
            ("direct", Conv2d(16, 32, kernelSize: 3, padding: 1), [2, 16, 6, 6]),
            ("plain", Conv2d(3, 8, kernelSize: 5, stride: 2, padding: 2), [2, 3, 11, 11]),
            ("grouped", Conv2d(16, 16, kernelSize: 3, padding: 1, groups: 4, bias: false), [1, 16, 7, 7]),
            ("reflect", Conv2d(4, 16, kernelSize: 3, padding: 1, paddingMode: .reflect), [2, 4, 5, 5]),
            ("whole input", Conv2d(4, 5, kernelSize: 3), [2, 4, 3, 3]),
            ("unbatched", Conv2d(3, 16, kernelSize: 1), [3, 4, 4]),
        ]
    }

    @Test func fusedResultEqualsConvolutionThenActivation() {
        for (name, conv, shape) in Self.layers() {
            let x = Tensor.randn(shape) * 2
            let reference = withNoGrad { conv(x) }
            for (activation, module) in [(FusedActivation.relu, ReLU() as Module), (.relu6, ReLU6())] {
                let expected = activation.apply(reference)
                expectClose(withNoGrad { conv(x, then: activation) }, expected, rtol: 1e-5, atol: 1e-5, "\(name) \(activation)")
                expectClose(withNoGrad { conv(x, then: module) }, expected, rtol: 1e-5, atol: 1e-5, "\(name) \(module)")
                expectClose(withNoGrad { Sequential { conv; module }(x) }, expected, rtol: 1e-5, atol: 1e-5,
                            "\(name) in a Sequential")
            }
        }
    }

    @Test func gradientsHooksAndSubclassesTakeTheTwoStepPath() {
        let conv = Conv2d(16, 32, kernelSize: 3, padding: 1)
        let x = Tensor.randn([1, 16, 12, 12])
        // With gradients recorded (the weight requires one) the result is recorded too.
        let y = conv(x, then: ReLU())
        #expect(y.gradFn != nil)
        y.sum().backward()
        #expect(conv.weight.grad != nil)
        var seen: [String] = []
        let relu = ReLU()
        let reluHook = relu.registerForwardHook { _, _, _ in seen.append("relu") }
        _ = withNoGrad { Sequential { conv; relu }(x) }
        reluHook.remove()
        let convHook = conv.registerForwardHook { _, _, _ in seen.append("conv") }
        _ = withNoGrad { conv(x, then: .relu) }
        convHook.remove()
        #expect(seen == ["relu", "conv"])
        let doubling = DoublingConv(16, 32, kernelSize: 3, padding: 1)
        let expected = withNoGrad { doubling(x).relu() }
        #expect(withNoGrad { doubling(x, then: .relu) }.toArray() == expected.toArray())
    }
}

/// A subclass with its own forward, which the fused path must not bypass.
private final class DoublingConv: Conv2d {
    override func forward(_ input: Tensor) -> Tensor { super.forward(input) * 2 }
}
