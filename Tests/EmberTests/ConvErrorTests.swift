import Testing
@testable import Ember

/// Convolution shape errors stop with PyTorch's message, naming the layer and the shapes.
struct ConvErrorTests {
    @Test func wrongInputChannelsNamesLayerAndShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Conv2d(3, 32, kernelSize: 3)(Tensor.zeros([64, 1, 28, 28]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Conv2d: Given groups=1, weight of size [32, 3, 3, 3], expected input[64, 1, 28, 28] to have 3 channels, but got 1 channels instead"))
    }

    @Test func kernelLargerThanPaddedInput() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Conv2d(1, 1, kernelSize: 5, padding: 1)(Tensor.zeros([1, 1, 2, 3]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Conv2d: Calculated padded input size per channel: (4 x 5). Kernel size: (5 x 5). Kernel size can't be greater than actual input size"))
    }

    @Test func transposeWrongChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ConvTranspose2d(3, 4, kernelSize: 3)(Tensor.zeros([1, 2, 5, 5]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("ConvTranspose2d: Given transposed=1, weight of size [3, 4, 3, 3], expected input[1, 2, 5, 5] to have 3 channels, but got 2 channels instead"))
    }

    @Test func wrongRank() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(Tensor.zeros([2, 5]), weight: Tensor.zeros([1, 1, 1, 1]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 5]"))
    }

    @Test func sameWithStrideIsRejected() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Conv2d(1, 1, kernelSize: 3, stride: 2, padding: .same)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("padding='same' is not supported for strided convolutions"))
    }

    @Test func groupsMustDivideChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Conv2d(3, 4, kernelSize: 3, groups: 2)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("in_channels must be divisible by groups"))
    }
}
