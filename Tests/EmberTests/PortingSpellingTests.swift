import Testing
@testable import Ember

/// Calls spelled the way a user porting PyTorch code writes them. That this file compiles
/// is half the test (each call is one a PyTorch user reaches for); the assertions check
/// that each spelling means what PyTorch's does.
struct PortingSpellingTests {
    let x = Tensor([[0.25, 0.5, 0.75], [1, -1, 0.5]])

    @Test func scalarComparisonsEqualTheTensorForms() {
        let threshold: Float = 0.5, wide: Double = 0.5, count = 1
        #expect(x.gt(threshold).toArray() == x.gt(Tensor(0.5)).toArray())
        #expect(x.ge(wide).toArray() == [0, 1, 1, 1, 0, 1])
        #expect(x.eq(count).toArray() == [0, 0, 0, 1, 0, 0])
        #expect((x .> threshold).toArray() == [0, 0, 1, 1, 0, 0])
        #expect((x .<= 0.5).toArray() == [1, 1, 0, 0, 1, 1])
        #expect((x .== count).toArray() == x.eq(1).toArray())
        #expect((x .!= wide).dtype == .bool)
        #expect(x.lt(0).toArray() == [0, 0, 0, 0, 1, 0])
        #expect(x.ne(threshold).toArray() == [1, 0, 1, 1, 1, 0])
        #expect(x.le(count).toArray() == [1, 1, 1, 1, 1, 1])
    }

    @Test func scalarBasePowIsTwoToTheX() {
        #expect(Tensor.pow(2, Tensor([0, 1, 3, -1])).toArray() == [1, 2, 8, 0.5])
        let exponent = Tensor([1, 2], requiresGrad: true)
        Tensor.pow(3, exponent).sum().backward()
        expectClose(exponent.grad!, Tensor([3, 9]) * Tensor(3).log(), "d 3^x / dx")
    }

    @Test func dimLabelsAreTheSameEverywhere() {
        #expect(x.unsqueeze(dim: 0).shape == [1, 2, 3])
        #expect(x.unsqueeze(dim: 0).squeeze(dim: 0).shape == [2, 3])
        #expect(x.transpose(dim0: 0, dim1: 1).shape == [3, 2])
        #expect(x.permute(dims: [1, 0]).toArray() == x.t().toArray())
        #expect(x.size(dim: -1) == 3)
        #expect(x.softmax(dim: 1).shape == x.shape && x.sum(dim: 0).shape == [3])
    }

    @Test func maskedFillTakesAValueLabel() {
        #expect(x.maskedFill(x .< 0, value: 0).toArray() == [0.25, 0.5, 0.75, 1, 0, 0.5])
    }

    @Test func unbiasedSelectsTheCorrection() {
        #expect(x.var(dim: 1, unbiased: false).toArray() == x.var(dim: 1, correction: 0).toArray())
        #expect(x.std(unbiased: true).item() == x.std().item())
        #expect(x.var(dims: [0, 1], unbiased: false).item() == x.var(correction: 0).item())
    }

    @Test func slicesFollowPython() {
        let t = Tensor.arange(0, 10).view(2, 5)
        #expect(t.slice(dim: 1, start: 1, end: 4).toArray() == [1, 2, 3, 6, 7, 8])
        #expect(t.slice(dim: 1, start: -2).toArray() == [3, 4, 8, 9])
        #expect(t.slice(dim: -1, step: 2).toArray() == [0, 2, 4, 5, 7, 9])
        #expect(t.slice(dim: 0, end: 100).shape == [2, 5])
        // A view: writing through it changes the base.
        t.slice(dim: 1, start: 4)[TensorRange.all, 0] = Tensor(-1)
        #expect(t[0, 4].item() == -1 && t[1, 4].item() == -1)
    }

    @Test func subscriptsBuiltAtRunTime() {
        let t = Tensor.arange(0, 24).view(2, 3, 4)
        var parts: [any TensorIndex] = [1]
        parts.append(TensorRange.all)
        parts.append(PythonSlice(start: -2))
        #expect(t[indices: parts].toArray() == t[1, TensorRange.all, 2...].toArray())
        #expect(t[indices: parts].shape == [3, 2])
        t[indices: [0, 0] as [any TensorIndex]] = Tensor(7)
        #expect(t[0, 0].toArray() == [7, 7, 7, 7])
    }

    @Test func maxPoolWithIndicesReturnsThePairFromItsCall() {
        manualSeed(0)
        let input = Tensor.randn([1, 2, 4, 4])
        let pool = MaxPool2d(kernelSize: 2, returnIndices: true), unpool = MaxUnpool2d(kernelSize: 2)
        let (values, indices) = pool(input)
        let plain: Tensor = pool(input)
        #expect(plain.toArray() == values.toArray())
        #expect(indices.dtype == .int64 && indices.shape == [1, 2, 2, 2])
        let restored = unpool(values, indices)
        #expect(restored.toArray() == unpool(pool(input)).toArray())
        #expect(restored.shape == input.shape)
        #expect(restored.sum().item() == values.sum().item())
        #expect(Sequential { pool; unpool }(input).toArray() == restored.toArray())
        #expect(Sequential { pool; ReLU() }(input).shape == [1, 2, 2, 2])
        let adaptive = AdaptiveMaxPool2d(1, returnIndices: true)
        let (peak, where_) = adaptive(input)
        #expect(peak.shape == [1, 2, 1, 1] && where_.dtype == .int64)
    }

    @Test func optimizerOptionsReadBackAsTheUserSetThem() {
        let w = Tensor.zeros([2], requiresGrad: true)
        let optimizer = SGD([w], lr: 0.01, momentum: 0.9)
        #expect(optimizer.paramGroups[0].lr == 0.01)
        #expect(optimizer.paramGroups[0].momentum == 0.9)
        #expect("\(optimizer.paramGroups[0].lr)" == "0.01")
        let scheduler = StepLR(optimizer, stepSize: 1, gamma: 0.1)
        optimizer.paramGroups[0].lr = 0.1
        optimizer.step()
        scheduler.step()
        // Python: 0.1 * 0.1 == 0.010000000000000002, which PyTorch prints.
        #expect(optimizer.paramGroups[0].lr == 0.1 * 0.1)
        #expect("\(optimizer.paramGroups[0].lr)" == "0.010000000000000002")
        #expect(scheduler.getLastLR() == [0.1 * 0.1])
        let adam = Adam([w], lr: 1e-3, betas: (0.5, 0.999))
        #expect(adam.paramGroups[0].betas == (0.5, 0.999))
    }

    @Test func reductionNoneMeansNoReduction() {
        let input = Tensor([1, 2, 3]), target = Tensor([1, 1, 1])
        #expect(MSELoss(reduction: .none)(input, target).toArray() == [0, 1, 4])
        #expect(mseLoss(input, target, reduction: .none).shape == [3])
        var criterion = L1Loss()
        criterion.reduction = .none
        #expect(criterion(input, target).toArray() == [0, 1, 2])
        let logits = Tensor([[2, 0], [0, 2]]), labels = Tensor([0, 0], dtype: .int64)
        #expect(CrossEntropyLoss(reduction: .none)(logits, labels).shape == [2])
        #expect(crossEntropy(logits, labels, reduction: .none).shape == [2])
    }

    @Test func whereAndScatterTakeScalars() {
        let mask = x .> 0.5
        #expect(Tensor.where(mask, x, 0.0).toArray() == [0, 0, 0.75, 1, 0, 0])
        #expect(Tensor.where(mask, 1.0, x).toArray() == [0.25, 0.5, 1, 1, -1, 0.5])
        #expect(Tensor.where(mask, 1.0, -1.0).toArray() == [-1, -1, 1, 1, -1, -1])
        let index = Tensor([[0], [2]], dtype: .int64)
        #expect(x.scatter(dim: 1, index: index, value: 9).toArray() == [9, 0.5, 0.75, 1, -1, 9])
    }
}
