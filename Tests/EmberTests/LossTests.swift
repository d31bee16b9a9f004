import Testing
@testable import Ember

/// Loss behaviour beyond the PyTorch fixtures: the fused cross entropy against the same
/// loss composed from ops on a larger problem, numerical stability, edge cases.
struct LossTests {
    /// Deterministic class indices in [0, classes), every `ignoreEvery`-th replaced by -100.
    private static func labels(_ count: Int, classes: Int, ignoreEvery: Int) -> [Int64] {
        (0..<count).map { i in i % ignoreEvery == ignoreEvery - 1 ? -100 : Int64((i * 7 + i / 3) % classes) }
    }

    @Test func fusedCrossEntropyMatchesComposedOps() {
        manualSeed(3)
        let (n, c) = (1000, 37)  // enough rows to split across threads; 37 exercises tails
        let smoothing: Float = 0.15
        let labels = Self.labels(n, classes: c, ignoreEvery: 9)
        let weight = Tensor.rand([c]) + 0.5
        let fusedInput = (Tensor.randn([n, c]) * 4).detach()
        fusedInput.requiresGrad = true
        let fused = crossEntropy(fusedInput, Tensor(shape: [n], scalars: labels), weight: weight, labelSmoothing: smoothing)
        fused.backward()

        let input = fusedInput.detach().clone()
        input.requiresGrad = true
        let counted = Tensor(shape: [n], scalars: labels.map { $0 == -100 ? 0 : 1 })
        let safe = Tensor(shape: [n], scalars: labels.map { Swift.max($0, 0) })
        let logp = input.logSoftmax(dim: 1)
        let targetWeight = weight.indexSelect(dim: 0, index: safe) * counted
        let nll = -logp.gather(dim: 1, index: safe.unsqueeze(1)).squeeze(dim: 1) * targetWeight
        let smooth = -(logp * weight).sum(dim: 1) * counted
        let composed = ((1 - smoothing) * nll + (smoothing / Float(c)) * smooth).sum() / targetWeight.sum()
        composed.backward()

        expectClose(fused, composed, "loss")
        expectClose(fusedInput.grad!, input.grad!, atol: 1e-6, "input gradient")
    }

    @Test func extremeLogitsGiveFiniteLossAndGradients() {
        manualSeed(4)
        let logits = (Tensor.randn([64, 10]) * 1000).detach()
        logits.requiresGrad = true
        let target = Tensor(shape: [64], scalars: Self.labels(64, classes: 10, ignoreEvery: 1000))
        let loss = crossEntropy(logits, target, labelSmoothing: 0.1)
        loss.backward()
        #expect(loss.item().isFinite && loss.item() > 0)
        let grad = logits.grad!
        #expect(grad.toArray().allSatisfy { $0.isFinite })
        // softmax minus the smoothed one-hot sums to zero in every row.
        expectClose(grad.sum(dim: 1), Tensor.zeros([64]), atol: 1e-6, "row sums of the gradient")
    }

    @Test func fusedCrossEntropyPassesGradcheck() {
        manualSeed(5)
        let input = Tensor.randn([4, 6])
        input.requiresGrad = true
        let target = Tensor(shape: [4], scalars: [5, -100, 0, 2] as [Int64])
        let weight = Tensor.rand([6]) + 0.5
        let result = gradcheck({ crossEntropy($0[0], target, weight: weight, reduction: .none, labelSmoothing: 0.2) }, inputs: [input])
        #expect(result.passed, "\(result)")
    }

    @Test func binaryCrossEntropyPassesGradcheck() {
        manualSeed(6)
        let input = Tensor.rand([3, 4]) * 0.8 + 0.1
        let target = Tensor.rand([3, 4])
        input.requiresGrad = true
        target.requiresGrad = true
        let result = gradcheck({ binaryCrossEntropy($0[0], $0[1], reduction: .sum) }, inputs: [input, target])
        #expect(result.passed, "\(result)")
    }

    @Test func allTargetsIgnoredGivesNaNMeanAndZeroGradient() {
        let input = Tensor.randn([3, 4])
        input.requiresGrad = true
        let loss = crossEntropy(input, Tensor(shape: [3], scalars: [-100, -100, -100] as [Int64]))
        loss.backward()
        #expect(loss.item().isNaN)  // 0 / 0, as in PyTorch
        #expect(input.grad!.toArray() == [Float](repeating: 0, count: 12))
        #expect(crossEntropy(input, Tensor(shape: [3], scalars: [-100, -100, -100] as [Int64]), reduction: .sum).item() == 0)
    }

    @Test func noGraphIsRecordedWithoutGradients() {
        let target = Tensor(shape: [2], scalars: [1, 0] as [Int64])
        #expect(!crossEntropy(Tensor.randn([2, 3]), target).requiresGrad)
        let input = Tensor.randn([2, 3], requiresGrad: true)
        #expect(crossEntropy(input, target).gradFn?.name == "CrossEntropyLossBackward")
        #expect(!withNoGrad { crossEntropy(input, target) }.requiresGrad)
    }

    @Test func criteriaAreInterchangeableAsLossFunctions() {
        let prediction = Tensor([[1, 2], [3, 4]])
        let target = prediction - 2  // every difference is exactly 2
        let criteria: [(any LossFunction, Float)] = [
            (MSELoss(), 4), (L1Loss(), 2), (SmoothL1Loss(), 1.5), (SmoothL1Loss(beta: 4), 0.5),
            (HuberLoss(), 1.5), (HuberLoss(delta: 3), 2), (MSELoss(reduction: .sum), 16),
        ]
        for (criterion, expected) in criteria {
            #expect(criterion(prediction, target).item() == expected, "\(criterion)")
        }
    }

    @Test func crossEntropyOfConfidentCorrectPredictionIsSmall() {
        let logits = Tensor([[20, 0, 0], [0, 0, 20]])
        let loss = CrossEntropyLoss()(logits, Tensor(shape: [2], scalars: [0, 2] as [Int64]))
        #expect(loss.item() < 1e-8)
        let wrong = CrossEntropyLoss()(logits, Tensor(shape: [2], scalars: [1, 1] as [Int64]))
        #expect(Swift.abs(wrong.item() - 20) < 1e-4)
    }
}
