/// The first non-finite gradient found by anomaly detection: the op whose backward
/// produced it, as `torch.autograd.detect_anomaly` reports it.
public struct AnomalyError: Error, CustomStringConvertible, Equatable {
    /// The backward node's name, e.g. `LogBackward`.
    public let op: String
    /// Which of the node's outputs (the gradient for which of the op's inputs) it was.
    public let output: Int
    /// Whether the value was NaN (otherwise it was infinite).
    public let isNaN: Bool

    /// PyTorch's message: `Function 'LogBackward' returned nan values in its 0th output.`
    public var description: String {
        "Function '\(op)' returned \(isNaN ? "nan" : "inf") values in its \(output)th output."
    }
}

/// Thread-local switch for anomaly detection, like `torch.is_anomaly_enabled()`.
enum AnomalyMode {
    static let enabled = ThreadLocalFlag(initial: false)

    static var isEnabled: Bool {
        get { enabled.value }
        set { enabled.value = newValue }
    }

    /// The first NaN or infinity in a gradient `node` produced for its input `output`.
    static func check(_ grad: Tensor, of node: Node, output: Int) throws(AnomalyError) {
        guard grad.dtype == .float32 else { return }
        let dense = withNoGrad { grad.contiguous() }
        let values = UnsafeBufferPointer(start: dense.floatPointer, count: dense.numel)
        guard let bad = values.first(where: { !$0.isFinite }) else { return }
        throw AnomalyError(op: node.name, output: output, isNaN: bad.isNaN)
    }
}

extension Tensor {
    /// Whether `backward()` on the current thread checks every gradient it computes
    /// (`torch.autograd.set_detect_anomaly` / `is_anomaly_enabled`); off by default, as
    /// the check reads every gradient once more.
    public static var isAnomalyEnabled: Bool {
        get { AnomalyMode.isEnabled }
        set { AnomalyMode.isEnabled = newValue }
    }

    /// Like `backward()`, and checks the gradients each node's backward produces before
    /// passing them on: the first NaN or infinity throws `AnomalyError` naming the op
    /// (`LogBackward`, ...), whatever `isAnomalyEnabled` says. Gradients accumulated into
    /// leaves before that node stay, as in PyTorch.
    public func backwardDetectingAnomaly(
        gradient: Tensor? = nil, retainGraph: Bool = false, createGraph: Bool = false
    ) throws(AnomalyError) {
        try runBackward(gradient: gradient, retainGraph: retainGraph, createGraph: createGraph, detectAnomaly: true)
    }
}

/// Runs `body` with anomaly detection on, like `with torch.autograd.detect_anomaly():`.
/// Every `backward()` inside checks the gradients each op's backward produces and stops
/// the program at the first NaN or infinity with a message naming the op
/// (`Function 'LogBackward' returned nan values in its 0th output.`); use
/// `backwardDetectingAnomaly()` to get that as an error instead.
///
/// ```swift
/// withDetectAnomaly {
///     let loss = model(x).log().mean()
///     loss.backward()
/// }
/// ```
@discardableResult
public func withDetectAnomaly<T>(_ body: () throws -> T) rethrows -> T {
    try AnomalyMode.enabled.with(true, body)
}
