import CEmberKernels
import Testing
@testable import Ember

/// ReLU and hardtanh (ReLU6) compute their gradient from their output, as PyTorch's
/// `threshold_backward(grad, result, 0)` does, so their input can be freed after the forward.
struct ActivationBackwardTests {
    @Test func reluGradientIsZeroAtAndBelowZeroAndPassesNaN() {
        let x = Tensor([-2, -0.0, 0, 1e-30, 3, .nan], requiresGrad: true)
        (x.relu() * Tensor([1, 2, 3, 4, 5, 6])).sum().backward()
        // PyTorch 2.15: 0 for x <= 0 (both zeros), the gradient itself for x > 0 and NaN.
        #expect(x.grad!.toArray() == [0, 0, 0, 4, 5, 6])
    }

    @Test func relu6GradientIsZeroAtBothBoundsAndPassesNaN() {
        let x = Tensor([-1, 0, 3, 6, 7, .nan], requiresGrad: true)
        ReLU6()(x).sum().backward()
        #expect(x.grad!.toArray() == [0, 0, 1, 0, 0, 1])
        let z = Tensor([-0.5, -0.25, 0, 1, 1.5], requiresGrad: true)
        z.hardtanh(minVal: -0.5, maxVal: 1).sum().backward()
        #expect(z.grad!.toArray() == [0, 1, 1, 0, 0])
    }

    /// The kernels' vector bodies and tails: the mask from the output equals the mask from
    /// the input, zeros and NaN included.
    @Test func gradientFromOutputEqualsGradientFromInput() {
        manualSeed(3)
        // Integers from -8 to 8: many exact zeros and exact bounds.
        let x = Tensor((0..<1003).map { Float($0 % 17 - 8) })
        x[17] = Tensor(Float.nan)
        x[18] = Tensor(-Float.zero)
        let g = Tensor.randn([1003])
        for (op, low, high) in [(EMBER_UNARY_RELU, Float(0), Float(0)), (EMBER_UNARY_HARDTANH, 0, 6),
                                (EMBER_UNARY_HARDTANH, -1, 1)] {
            let y = UnaryKernels.apply(op, x, low, high)
            let fromInput = UnaryKernels.backward(op, grad: g, x: x, y: nil, low, high).toArray()
            let fromOutput = UnaryKernels.backward(op, grad: g, x: nil, y: y, low, high).toArray()
            #expect(fromInput == fromOutput, "op \(op.rawValue) [\(low), \(high)]")
        }
    }

    @Test func theRecordedNodeKeepsTheOutputNotTheInput() {
        let x = Tensor.randn([64], requiresGrad: true) * 4
        let cases: [(String, (Tensor) -> Tensor, (Float) -> Bool)] = [
            ("relu", { $0.relu() }, { $0 > 0 }),
            ("relu6", { $0.relu6() }, { $0 > 0 && $0 < 6 }),
            ("hardtanh", { $0.hardtanh() }, { $0 > -1 && $0 < 1 }),
        ]
        for (name, activation, passes) in cases {
            weak var input: TensorStorage?
            let leaf = x.detach()
            leaf.requiresGrad = true
            let y: Tensor = {
                let h = leaf + 1   // records nothing that keeps h
                input = h.impl.storage
                return activation(h)
            }()
            #expect(input == nil, "\(name): its input is freed once the forward returns")
            y.sum().backward()
            #expect(leaf.grad!.toArray() == (leaf + 1).toArray().map { passes($0) ? 1 : 0 }, "\(name)")
        }
    }
}
