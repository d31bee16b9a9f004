import Testing
@testable import Ember

/// Programmer errors stop the process with a message that names the op and the shapes.
/// Exit tests run each body in a child process and read its standard error.
struct ErrorMessageTests {
    @Test func shapeMismatchNamesOpAndShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4, 5])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("add") && message.contains("[2, 3]") && message.contains("[4, 5]"))
    }

    @Test func matmulMismatchNamesShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("mm") && message.contains("2x3") && message.contains("4x5"))
    }

    @Test func badDimIsReported() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).sum(dim: 2)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)"))
    }

    @Test func viewOnIncompatibleStridesSuggestsReshape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).t().view(6)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("view size is not compatible with input tensor's size and stride"))
        #expect(message.contains("reshape"))
    }

    @Test func backwardOnNonScalarNeedsGradient() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.ones([3], requiresGrad: true)
            (x * 2).backward()
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("grad can be implicitly created only for scalar outputs"))
    }

    @Test func secondBackwardThroughFreedGraphIsAnError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.ones([3], requiresGrad: true)
            let y = (x * x).sum()
            y.backward()
            y.backward()
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Trying to backward through the graph a second time"))
    }
}
