import Testing
@testable import Ember

/// PyTorch's messages for misuse of the pooling ops and 2-D layers, checked in child
/// processes (exit tests).
struct PoolErrorTests {
    /// The standard error of an exit test's child process.
    private func text(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func paddingOverHalfTheKernel() async {
        let message = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = maxPool2d(Tensor.zeros([1, 1, 4, 4]), kernelSize: 3, padding: 2)
        })
        #expect(message.contains("pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1"))
        let avg = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = avgPool2d(Tensor.zeros([1, 1, 4, 4]), kernelSize: 3, padding: 2)
        })
        #expect(avg.contains("avg_pool2d") && avg.contains("pad should be at most half of effective kernel size"))
    }

    @Test func dilatedPaddingOverHalfTheKernel() async {
        let message = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = maxPool2d(Tensor.zeros([1, 1, 9, 9]), kernelSize: 3, padding: 2, dilation: 2)
        })
        #expect(message.contains("pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 2, kW = 3, kH = 3"))
    }

    @Test func outputTooSmall() async {
        let message = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = maxPool2d(Tensor.zeros([1, 1, 2, 2]), kernelSize: 3)
        })
        #expect(message.contains("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small"))
    }

    @Test func poolingNeedsThreeOrFourDimensions() async {
        let message = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MaxPool2d(kernelSize: 2)(Tensor.zeros([4, 4]))
        })
        #expect(message.contains("non-empty 3D or 4D (batch mode)") && message.contains("[4, 4]"))
        let adaptive = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = AdaptiveAvgPool2d(2)(Tensor.zeros([3, 3]))
        })
        #expect(adaptive.contains("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [3, 3]"))
    }

    @Test func batchNorm2dNeedsFourDimensions() async {
        let message = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm2d(3)(Tensor.zeros([2, 3]))
        })
        #expect(message.contains("expected 4D input (got 2D input)"))
    }

    @Test func localResponseNormNeedsThreeDimensions() async {
        let message = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = LocalResponseNorm(size: 2)(Tensor.zeros([2, 3]))
        })
        #expect(message.contains("Expected 3D or higher dimensionality input (got 2 dimensions)"))
    }

    @Test func unpoolRejectsIndicesOutsideTheOutput() async {
        let message = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let indices = Tensor(shape: [1, 1, 1, 1], scalars: [Int64(16)])
            _ = MaxUnpool2d(kernelSize: 2)(Tensor.zeros([1, 1, 1, 1]), indices: indices)
        })
        #expect(message.contains("Found an invalid max index: 16 (output volumes are of size 2x2)"))
    }

    @Test func interpolateNeedsExactlyOneTarget() async {
        let message = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = interpolate(Tensor.zeros([1, 1, 2, 2]))
        })
        #expect(message.contains("only one of size or scale_factor should be defined"))
        let nearest = text(await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = interpolate(Tensor.zeros([1, 1, 2, 2]), scaleFactor: 2, alignCorners: true)
        })
        #expect(nearest.contains("align_corners option can only be set with the interpolating modes"))
    }
}
