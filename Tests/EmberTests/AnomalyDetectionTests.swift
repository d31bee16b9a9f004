import Foundation
import Testing
@testable import Ember

/// `withDetectAnomaly` / `backwardDetectingAnomaly`: the op whose backward first produced
/// a NaN or an infinity is named, as `torch.autograd.detect_anomaly` names it.
struct AnomalyDetectionTests {
    @Test func theFirstOpWhoseBackwardIsNotFiniteIsNamed() {
        // log(0) = -inf is fine going forward; LogBackward's 1/x makes the gradient inf,
        // and MulBackward would pass it on: the first, LogBackward, is the one named.
        let x = Tensor([0, 1], requiresGrad: true)
        let loss = (x * 2).log().sum()
        #expect(throws: AnomalyError(op: "LogBackward", output: 0, isNaN: false)) { try loss.backwardDetectingAnomaly() }
        #expect(x.grad == nil, "the non-finite gradient reached a leaf")
    }

    @Test func nanIsToldApartFromInfinity() throws {
        let x = Tensor([-1, 4], requiresGrad: true)
        let error = try #require(throws: AnomalyError.self) { try x.sqrt().sum().backwardDetectingAnomaly() }
        #expect(error == AnomalyError(op: "SqrtBackward", output: 0, isNaN: true))
        #expect(error.description == "Function 'SqrtBackward' returned nan values in its 0th output.")
    }

    @Test func theOutputIsTheInputWhoseGradientIsBad() {
        let c = Tensor([1, 2], requiresGrad: true)
        let infinite = Tensor([Float.infinity, 1])
        #expect(throws: AnomalyError(op: "MulBackward", output: 1, isNaN: false)) {
            try (infinite * c).sum().backwardDetectingAnomaly()
        }
        #expect(throws: AnomalyError(op: "MulBackward", output: 0, isNaN: false)) {
            try (c * infinite).sum().backwardDetectingAnomaly()
        }
        // The gradient for an input that needs none (here it would be inf) goes nowhere
        // and is not judged.
        let leaf = Tensor([Float.infinity, 1], requiresGrad: true)
        #expect(throws: Never.self) { try (leaf * Tensor([1, 2])).sum().backwardDetectingAnomaly() }
        #expect(leaf.grad?.toArray() == [1, 2])
    }

    @Test func finiteGraphsGiveTheUsualGradients() throws {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        try (x * x).log().sum().backwardDetectingAnomaly()
        let checked = try #require(x.grad).toArray()
        x.grad = nil
        withDetectAnomaly { (x * x).log().sum().backward() }
        #expect(try #require(x.grad).toArray() == checked)
        #expect(checked == [2, 1, Float(2) / 3])
    }

    @Test func withoutDetectionNonFiniteGradientsPassSilently() {
        let x = Tensor([0, 1], requiresGrad: true)
        x.log().sum().backward()
        #expect(x.grad?.toArray() == [.infinity, 1])
    }

    @Test func theModeIsScopedAndPerThread() {
        final class Seen: @unchecked Sendable { var value = true }
        #expect(!Tensor.isAnomalyEnabled)
        withDetectAnomaly {
            #expect(Tensor.isAnomalyEnabled)
            let seen = Seen(), done = DispatchSemaphore(value: 0)
            Thread { seen.value = Tensor.isAnomalyEnabled; done.signal() }.start()
            done.wait()
            #expect(!seen.value, "another thread saw this thread's anomaly mode")
        }
        #expect(!Tensor.isAnomalyEnabled)
        Tensor.isAnomalyEnabled = true
        #expect(withDetectAnomaly { Tensor.isAnomalyEnabled })
        #expect(Tensor.isAnomalyEnabled)
        Tensor.isAnomalyEnabled = false
    }
}
