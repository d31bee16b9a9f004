import Testing
@testable import Ember
import CEmberKernels

/// The autograd engine: accumulation, graph freeing, retainGrad, detach, no-grad mode,
/// broadcasting-correct gradients and gradcheck.
struct AutogradTests {
    @Test func issueExampleRuns() {
        manualSeed(0)
        let a = Tensor([[2, 3], [4, 8], [7, 9]])
        a[0, 1] = 100
        #expect(a.shape == [3, 2])
        #expect(a.toArray() == [2, 100, 4, 8, 7, 9])
        let w = Tensor.randn([784, 10], requiresGrad: true)
        let x = Tensor.randn([64, 784])
        let loss = (x.matmul(w).relu() - 1).pow(2).mean()
        loss.backward()
        #expect(w.grad!.shape == [784, 10])
        #expect(loss.gradFn!.name == "MeanBackward" || loss.gradFn!.name == "DivBackward")
    }

    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        (x * x).sum().backward()
        #expect(x.grad!.toArray() == [2, 4, 6])
        (x * 3).sum().backward()
        #expect(x.grad!.toArray() == [5, 7, 9])
    }

    /// A leaf's `.grad` is its own memory: changing it in place touches neither the
    /// gradient the caller passed nor another leaf that got the same tensor.
    @Test func leafGradientsNeverAlias() {
        let a = Tensor([1, 2], requiresGrad: true), b = Tensor([3, 4], requiresGrad: true)
        let seed = Tensor([10, 20])
        (a + b).backward(gradient: seed)  // AddBackward hands the same tensor to both
        a.grad! += 1
        #expect(a.grad!.toArray() == [11, 21])
        #expect(b.grad!.toArray() == [10, 20])
        #expect(seed.toArray() == [10, 20])
        let leaf = Tensor([5, 6], requiresGrad: true)
        leaf.backward(gradient: seed)  // the seed itself reaches the leaf
        leaf.grad! *= 2
        #expect(seed.toArray() == [10, 20])
        // A fresh product is taken over as `.grad`; the next backward adds to it.
        let w = Tensor([[1, 2], [3, 4]], requiresGrad: true)
        Tensor([[1, 1]]).matmul(w).sum().backward()
        let first = w.grad!
        #expect(first.toArray() == [1, 1, 1, 1])
        Tensor([[1, 1]]).matmul(w).sum().backward()
        #expect(w.grad!.toArray() == [2, 2, 2, 2])
        #expect(first.toArray() == [1, 1, 1, 1])
    }

    @Test func sharedSubexpressionsSumTheirGradients() {
        let x = Tensor([2], requiresGrad: true)
        let y = x * x
        let z = y * y + y  // x^4 + x^2, derivative 4x^3 + 2x = 36 at 2
        z.sum().backward()
        #expect(x.grad!.item() == 36)
    }

    @Test func broadcastGradientsReduceToInputShape() {
        let bias = Tensor([1, 2, 3], requiresGrad: true)
        let x = Tensor.ones([4, 3])
        (x + bias).sum().backward()
        #expect(bias.grad!.shape == [3])
        #expect(bias.grad!.toArray() == [4, 4, 4])
    }

    @Test func retainGradKeepsANonLeafGradient() {
        let x = Tensor([1, 2], requiresGrad: true)
        let y = x * 2
        y.retainGrad()
        (y * y).sum().backward()
        #expect(y.grad!.toArray() == [4, 8])
        #expect(x.grad!.toArray() == [8, 16])
    }

    @Test func retainGraphAllowsASecondBackward() {
        let x = Tensor([3], requiresGrad: true)
        let y = (x * x).sum()
        y.backward(retainGraph: true)
        y.backward()
        #expect(x.grad!.item() == 12)
    }

    @Test func noGradAndDetachRecordNothing() {
        let x = Tensor([1, 2], requiresGrad: true)
        let y = withNoGrad { x * 2 }
        #expect(!y.requiresGrad && y.gradFn == nil)
        let z = x.detach()
        #expect(!z.requiresGrad && z.isLeaf)
        #expect(Tensor.isGradEnabled)
        let w = x * 2
        #expect(w.requiresGrad && w.gradFn?.name == "MulBackward")
    }

    @Test func explicitGradientForNonScalarOutputs() {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        let y = x * x
        y.backward(gradient: Tensor([1, 0.5, 0]))
        #expect(x.grad!.toArray() == [2, 2, 0])
    }

    @Test func viewsShareStorageAndGradients() {
        let base = Tensor.zeros([2, 3])
        let row = base[1]
        row.fill(7)
        #expect(base.toArray() == [0, 0, 0, 7, 7, 7])
        let t = base.t()
        #expect(!t.isContiguous && t.contiguous().isContiguous)
        #expect(base.view(3, 2).sharesStorage(with: base))
    }

    @Test func gradcheckAgreesOnComposedOps() {
        manualSeed(1)
        let a = Tensor.randn([3, 4], requiresGrad: true)
        let b = Tensor.randn([4, 2], requiresGrad: true)
        let result = gradcheck({ x in (x[0].matmul(x[1]).tanh() * x[0].sum(dim: 1, keepDim: true)).softmax(dim: 1) },
                               inputs: [a, b])
        #expect(result.passed, "\(result)")
    }

    @Test func gradcheckDetectsAWrongGradient() {
        // A deliberately wrong backward: forward x*x but gradient 1.
        let x = Tensor.randn([3], requiresGrad: true)
        let result = gradcheck({ xs in
            let out = BinaryKernels.apply(EMBER_BINARY_MUL, xs[0], xs[0], name: "mul")
            return Tensor.record("WrongBackward", output: out, inputs: [xs[0]]) { g in [g] }
        }, inputs: [x])
        #expect(!result.passed)
    }
}
