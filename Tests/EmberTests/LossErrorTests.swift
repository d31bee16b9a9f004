import Testing
@testable import Ember

/// Misused losses stop with a message naming the loss and the offending shapes or values.
/// Exit tests run each body in a child process and read its standard error.
struct LossErrorTests {
    private static func message(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func mseShapeMismatchNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MSELoss()(Tensor.zeros([64, 10]), Tensor.zeros([64]))
        }
        let text = Self.message(result)
        #expect(text.contains("MSELoss") && text.contains("[64, 10]") && text.contains("[64]"), "\(text)")
    }

    @Test func crossEntropyTargetOutOfRangeNamesTheValue() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(Tensor.zeros([4, 10]), Tensor(shape: [4], scalars: [1, 2, 10, 3] as [Int64]))
        }
        let text = Self.message(result)
        #expect(text.contains("CrossEntropyLoss") && text.contains("target 10") && text.contains("[0, 10)"), "\(text)")
    }

    @Test func negativeTargetIsOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = nllLoss(Tensor.zeros([2, 3]), Tensor(shape: [2], scalars: [-1, 0] as [Int64]))
        }
        let text = Self.message(result)
        #expect(text.contains("NLLLoss") && text.contains("target -1"), "\(text)")
    }

    @Test func crossEntropyTargetShapeMismatchNamesShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(Tensor.zeros([4, 10]), Tensor(shape: [5], scalars: [0, 1, 2, 3, 4] as [Int64]))
        }
        let text = Self.message(result)
        #expect(text.contains("CrossEntropyLoss") && text.contains("[4]") && text.contains("[5]") && text.contains("[4, 10]"), "\(text)")
    }

    @Test func classWeightOfWrongSizeIsReported() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = NLLLoss(weight: Tensor.ones([3]))(Tensor.zeros([2, 10]), Tensor(shape: [2], scalars: [0, 1] as [Int64]))
        }
        let text = Self.message(result)
        #expect(text.contains("NLLLoss") && text.contains("weight") && text.contains("[10]") && text.contains("[3]"), "\(text)")
    }

    @Test func binaryCrossEntropyRejectsNonProbabilities() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BCELoss()(Tensor([0.5, 1.5]), Tensor([0, 1]))
        }
        let text = Self.message(result)
        #expect(text.contains("BCELoss") && text.contains("between 0 and 1"), "\(text)")
    }

    @Test func posWeightMustBroadcastToInput() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BCEWithLogitsLoss(posWeight: Tensor.ones([3]))(Tensor.zeros([4, 5]), Tensor.zeros([4, 5]))
        }
        let text = Self.message(result)
        #expect(text.contains("BCEWithLogitsLoss") && text.contains("posWeight") && text.contains("[3]") && text.contains("[4, 5]"), "\(text)")
    }
}
