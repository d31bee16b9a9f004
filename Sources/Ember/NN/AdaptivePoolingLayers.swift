/// The output size of an adaptive pool: per dimension a size, or nil to keep the input's.
public struct AdaptiveSize: Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The output height (nil: the input's).
    public let height: Int?
    /// The output width (nil: the input's).
    public let width: Int?
    private let isPair: Bool

    /// Separate sizes, either of which may be nil.
    public init(_ height: Int?, _ width: Int?) {
        (self.height, self.width, isPair) = (height, width, true)
    }

    /// The same size for both dimensions.
    public init(integerLiteral value: Int) {
        (height, width, isPair) = (value, value, false)
    }

    /// Python's repr: `3` or `(3, None)`.
    public var description: String {
        func text(_ v: Int?) -> String { v.map { "\($0)" } ?? "None" }
        return isPair ? "(\(text(height)), \(text(width)))" : text(height)
    }
}

/// Adaptive 2-D average pooling (`nn.AdaptiveAvgPool2d`) to a fixed output size whatever
/// the input size, e.g. `AdaptiveAvgPool2d(1)` for global average pooling.
public final class AdaptiveAvgPool2d: Module {
    /// The target size.
    public let outputSize: AdaptiveSize

    /// A pool to `outputSize`.
    public init(_ outputSize: AdaptiveSize) {
        self.outputSize = outputSize
        super.init()
    }

    /// The averages of `input` (`[N, C, H, W]` or `[C, H, W]`) over the adaptive windows.
    public override func forward(_ input: Tensor) -> Tensor {
        adaptiveAvgPool2d(input, outputSize: (outputSize.height, outputSize.width))
    }

    /// `output_size=1`, as PyTorch prints it.
    public override var extraRepr: String { "output_size=\(outputSize)" }
}

/// Adaptive 2-D max pooling (`nn.AdaptiveMaxPool2d`); `forwardWithIndices` also returns
/// the flat per-plane index of each maximum (PyTorch's `return_indices=True`).
public final class AdaptiveMaxPool2d: Module {
    /// The target size.
    public let outputSize: AdaptiveSize
    /// Whether the call gives `(values, indices)` where a pair is expected.
    public let returnIndices: Bool

    /// A pool to `outputSize`.
    public init(_ outputSize: AdaptiveSize, returnIndices: Bool = false) {
        self.outputSize = outputSize
        self.returnIndices = returnIndices
        super.init()
    }

    /// The maxima of the adaptive windows; `forwardWithIndices(_:)` also gives their indices.
    public override func forward(_ input: Tensor) -> Tensor { forwardWithIndices(input).values }

    /// The maxima and their indices, for a pool built with `returnIndices: true`, wherever
    /// the result is used as a pair: `let (values, indices) = pool(x)`.
    @_disfavoredOverload
    public func callAsFunction(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        precondition(returnIndices, "AdaptiveMaxPool2d: indices were asked for, but the pool was built with returnIndices: false")
        return forwardWithIndices(input)
    }

    /// The pooled values and the indices of the maxima.
    public func forwardWithIndices(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        adaptiveMaxPool2dWithIndices(input, outputSize: (outputSize.height, outputSize.width))
    }

    /// `output_size=1`, as PyTorch prints it.
    public override var extraRepr: String { "output_size=\(outputSize)" }
}
