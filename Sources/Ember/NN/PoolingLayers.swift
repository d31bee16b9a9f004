/// 2-D max pooling (`nn.MaxPool2d`) of `[N, C, H, W]` or `[C, H, W]` input; see
/// `maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)` for the semantics.
///
/// Built with `returnIndices: true`, the normal call also gives the indices that
/// `MaxUnpool2d` takes, as PyTorch's `return_indices=True` does, wherever the result is
/// used as a pair:
///
/// ```swift
/// let pool = MaxPool2d(kernelSize: 2, returnIndices: true), unpool = MaxUnpool2d(kernelSize: 2)
/// let (values, indices) = pool(x)
/// let restored = unpool(values, indices)
/// ```
///
/// Where a single tensor is expected (`let y = pool(x)`, inside `Sequential`) the call
/// gives the values, which carry their indices along: `unpool(pool(x))` and
/// `Sequential { pool; unpool }` unpool them. (Only the values tensor itself carries them;
/// a result computed from it does not.)
public final class MaxPool2d: Module {
    /// The window size.
    public let kernelSize: IntPair
    /// The window step; defaults to `kernelSize`.
    public let stride: IntPair
    /// Implicit -inf padding on each side, at most half the effective kernel.
    public let padding: IntPair
    /// The spacing between window elements.
    public let dilation: IntPair
    /// Whether the output size rounds up.
    public let ceilMode: Bool
    /// Whether the call gives `(values, indices)` where a pair is expected.
    public let returnIndices: Bool

    /// A max pool with PyTorch's arguments and defaults.
    public init(
        kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, dilation: IntPair = 1,
        returnIndices: Bool = false, ceilMode: Bool = false
    ) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.returnIndices = returnIndices
        self.ceilMode = ceilMode
        super.init()
    }

    /// The pooled maxima; `forwardWithIndices(_:)` also gives their indices.
    public override func forward(_ input: Tensor) -> Tensor {
        guard returnIndices else {
            return maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
        }
        let (values, indices) = forwardWithIndices(input)
        values.impl.maxPoolIndices = indices
        return values
    }

    /// The pooled values and the flat per-plane index of each maximum, for a pool built
    /// with `returnIndices: true`: `let (values, indices) = pool(x)`.
    @_disfavoredOverload
    public func callAsFunction(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        precondition(returnIndices, "MaxPool2d: indices were asked for, but the pool was built with returnIndices: false")
        return forwardWithIndices(input)
    }

    /// The pooled values and the flat per-plane index of each maximum.
    public func forwardWithIndices(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        maxPool2dWithIndices(input, kernelSize: kernelSize, stride: stride, padding: padding,
                             dilation: dilation, ceilMode: ceilMode)
    }

    /// The settings as PyTorch prints them: `kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False`.
    public override var extraRepr: String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding), dilation=\(dilation), ceil_mode=\(pythonBool(ceilMode))"
    }
}

/// 2-D average pooling (`nn.AvgPool2d`); see
/// `avgPool2d(_:kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)`.
public final class AvgPool2d: Module {
    /// The window size.
    public let kernelSize: IntPair
    /// The window step; defaults to `kernelSize`.
    public let stride: IntPair
    /// Implicit zero padding on each side, at most half the kernel.
    public let padding: IntPair
    /// Whether the output size rounds up.
    public let ceilMode: Bool
    /// Whether padded zeros count in the divisor.
    public let countIncludePad: Bool
    /// A fixed divisor replacing the window size, if given.
    public let divisorOverride: Int?

    /// An average pool with PyTorch's arguments and defaults.
    public init(
        kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, ceilMode: Bool = false,
        countIncludePad: Bool = true, divisorOverride: Int? = nil
    ) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        super.init()
    }

    /// The means of the windows of `input`.
    public override func forward(_ input: Tensor) -> Tensor {
        avgPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                  countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    /// `kernel_size=2, stride=2, padding=0`, as PyTorch prints it.
    public override var extraRepr: String { "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding)" }
}

/// The partial inverse of `MaxPool2d` (`nn.MaxUnpool2d`): call it with the pooled values
/// and their indices, `unpool(values, indices)` (see `maxUnpool2d`), or with the values
/// alone when they come straight from a `MaxPool2d(returnIndices: true)`, which attaches
/// its indices to them: `unpool(pool(x))`, `Sequential { pool; unpool }`.
public final class MaxUnpool2d: Module {
    /// The pooling window size.
    public let kernelSize: IntPair
    /// The pooling step; defaults to `kernelSize`.
    public let stride: IntPair
    /// The pooling padding.
    public let padding: IntPair

    /// The inverse of a max pool with these arguments.
    public init(kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        super.init()
    }

    /// Unpools values that carry their max pool's indices (`unpool(pool(x))`).
    public override func forward(_ input: Tensor) -> Tensor {
        guard let indices = input.impl.maxPoolIndices else {
            preconditionFailure("MaxUnpool2d: forward() missing 1 required positional argument: 'indices'; call unpool(values, indices), or pass the values of a MaxPool2d built with returnIndices: true unchanged")
        }
        return callAsFunction(input, indices: indices)
    }

    /// `unpool(values, indices)`, PyTorch's positional form.
    public func callAsFunction(_ input: Tensor, _ indices: Tensor, outputSize: [Int]? = nil) -> Tensor {
        callAsFunction(input, indices: indices, outputSize: outputSize)
    }

    /// Places each value of `input` at its index in a zero output of `outputSize` (default
    /// `(in - 1) * stride - 2 * padding + kernel`).
    public func callAsFunction(_ input: Tensor, indices: Tensor, outputSize: [Int]? = nil) -> Tensor {
        maxUnpool2d(input, indices: indices, kernelSize: kernelSize, stride: stride, padding: padding,
                    outputSize: outputSize)
    }

    /// `kernel_size=(2, 2), stride=(2, 2), padding=(0, 0)`, as PyTorch prints it.
    public override var extraRepr: String {
        "kernel_size=\(kernelSize.pairDescription), stride=\(stride.pairDescription), padding=\(padding.pairDescription)"
    }
}
