/// Batch normalisation over the channels (dimension 1) of `[N, C, *]` input, the shared
/// implementation of `BatchNorm1d` and its 2-D/3-D siblings (PyTorch's `_BatchNorm`).
/// Subclasses state which input ranks they accept by overriding `checkInput(_:)`.
///
/// In training mode each channel is normalised by the batch's mean and biased variance,
/// and the running statistics move towards the batch's mean and unbiased variance by
/// `momentum` (or to their cumulative average when `momentum` is nil). In evaluation mode
/// the running statistics normalise. State-dict keys: `weight`, `bias`, `running_mean`,
/// `running_var`, `num_batches_tracked`.
open class BatchNorm: Module {
    /// The number of channels, C.
    public let numFeatures: Int
    /// Added to the variance before its square root, for numerical stability.
    public let eps: Float
    /// The running statistics' update factor; nil for a cumulative moving average. A
    /// `Double`, as PyTorch's Python float, so that it prints as PyTorch prints it
    /// (MNASNet's `1 - 0.9997` is `0.00029999999999996696`).
    public let momentum: Double?
    /// Whether the layer learns a per-channel scale (`weight`) and shift (`bias`).
    public let affine: Bool
    /// Whether the layer keeps running statistics for evaluation mode.
    public let trackRunningStats: Bool
    /// γ, initialised to ones (nil unless `affine`).
    @Parameter public var weight: Tensor?
    /// β, initialised to zeros (nil unless `affine` and `bias`).
    @Parameter public var bias: Tensor?
    /// The running mean of each channel, starting at zeros (nil unless `trackRunningStats`).
    @Buffer public var runningMean: Tensor?
    /// The running variance of each channel, starting at ones (nil unless `trackRunningStats`).
    @Buffer public var runningVar: Tensor?
    /// The number of training batches seen, an int64 scalar.
    @Buffer public var numBatchesTracked: Tensor?

    /// A layer over `numFeatures` channels; the arguments are PyTorch's, with its defaults.
    public init(
        _ numFeatures: Int, eps: Float = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
        trackRunningStats: Bool = true, bias: Bool = true
    ) {
        precondition(numFeatures > 0, "BatchNorm: num_features must be positive, got \(numFeatures)")
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        weight = affine ? Tensor.ones([numFeatures]) : nil
        self.bias = affine && bias ? Tensor.zeros([numFeatures]) : nil
        runningMean = trackRunningStats ? Tensor.zeros([numFeatures]) : nil
        runningVar = trackRunningStats ? Tensor.ones([numFeatures]) : nil
        numBatchesTracked = trackRunningStats ? Tensor.zeros([], dtype: .int64) : nil
        super.init()
    }

    /// Stops with PyTorch's message when `input`'s rank does not suit the layer.
    open func checkInput(_ input: Tensor) {
        precondition(input.ndim >= 2, "\(typeName): expected at least 2D input (got \(input.ndim)D input)")
    }

    /// Normalises `input` with the batch's statistics in training mode (moving the running
    /// statistics towards them when tracked) and with the running statistics in evaluation mode.
    open override func forward(_ input: Tensor) -> Tensor {
        checkInput(input)
        precondition(input.shape[1] == numFeatures,
                     "\(typeName): running_mean should contain \(input.shape[1]) elements not \(numFeatures) (input shape \(input.shape))")
        var factor = momentum.map { Float($0) } ?? 0
        if training, trackRunningStats, let counter = numBatchesTracked {
            // Wraps like PyTorch's add_(1): a loaded checkpoint may hold any count.
            counter.int64Pointer.pointee &+= 1
            factor = momentum.map { Float($0) } ?? 1 / Float(counter.int64Pointer.pointee)
        }
        // Batch statistics in training, and in evaluation when there are no running ones.
        let useBatchStatistics = training || (runningMean == nil && runningVar == nil)
        let updateRunning = !training || trackRunningStats
        return batchNorm(
            input, runningMean: updateRunning ? runningMean : nil, runningVar: updateRunning ? runningVar : nil,
            weight: weight, bias: bias, training: useBatchStatistics, momentum: factor, eps: eps)
    }

    /// The activations a batch norm can apply in the same pass (see `callAsFunction(_:then:)`).
    public enum FusedActivation: Sendable {
        /// `max(0, x)`.
        case relu
        /// `min(max(0, x), 6)`.
        case relu6

        var bounds: (low: Float, high: Float) { self == .relu ? (0, .infinity) : (0, 6) }

        /// The activation a `ReLU` or `ReLU6` module applies; nil for other modules.
        init?(_ module: Module) {
            switch module {
            case is ReLU: self = .relu
            case is ReLU6: self = .relu6
            default: return nil
            }
        }
    }

    /// `self(input).relu()` (or `.relu6()`), in one pass over the data when nothing else can
    /// tell: in evaluation mode with running statistics, with no gradient to record
    /// (`withNoGrad`, or nothing requiring one) and no forward hooks. Otherwise the two steps
    /// run in turn. Evaluating a model then reads and writes each activation once, not twice.
    public func callAsFunction(_ input: Tensor, then activation: FusedActivation) -> Tensor {
        fused(input, activation) ?? {
            let y = self(input)
            return activation == .relu ? y.relu() : y.relu6()
        }()
    }

    /// `activation(self(input))`, in one pass under the same conditions when `activation`
    /// is a `ReLU` or `ReLU6` without forward hooks. `Sequential` uses it for a batch norm
    /// followed by a ReLU.
    public func callAsFunction(_ input: Tensor, then activation: Module) -> Tensor {
        guard let kind = FusedActivation(activation), activation.forwardHooks.isEmpty,
              let output = fused(input, kind) else { return activation(self(input)) }
        return output
    }

    /// The one-pass result, or nil when the conditions for it do not hold.
    private func fused(_ input: Tensor, _ activation: FusedActivation) -> Tensor? {
        guard !training, forwardHooks.isEmpty, let runningMean, let runningVar, input.dtype == .float32, input.ndim >= 2,
              !(GradMode.isEnabled && (input.requiresGrad || weight?.requiresGrad == true || bias?.requiresGrad == true))
        else { return nil }
        checkInput(input)
        precondition(input.shape[1] == numFeatures,
                     "\(typeName): running_mean should contain \(input.shape[1]) elements not \(numFeatures) (input shape \(input.shape))")
        let (low, high) = activation.bounds
        return batchNormInferenceClamped(input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                         eps: eps, low: low, high: high)
    }

    /// The settings as PyTorch prints them: `300, eps=1e-05, momentum=0.1, affine=True, ...`.
    open override var extraRepr: String {
        let momentumText = momentum.map { "\($0)" } ?? "None"
        return "\(numFeatures), eps=\(eps), momentum=\(momentumText), affine=\(pythonBool(affine)), "
            + "bias=\(pythonBool(bias != nil)), track_running_stats=\(pythonBool(trackRunningStats))"
    }
}

/// Batch normalisation of `[N, C]` or `[N, C, L]` input (`nn.BatchNorm1d`).
open class BatchNorm1d: BatchNorm {
    /// Requires 2-D `[N, C]` or 3-D `[N, C, L]` input.
    open override func checkInput(_ input: Tensor) {
        precondition(input.ndim == 2 || input.ndim == 3, "BatchNorm1d: expected 2D or 3D input (got \(input.ndim)D input)")
    }
}

