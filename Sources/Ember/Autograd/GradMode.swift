/// Thread-local switch for gradient recording, like `torch.is_grad_enabled()`.
enum GradMode {
    /// A fresh thread starts enabled.
    private static let enabled = ThreadLocalFlag(initial: true)

    static var isEnabled: Bool {
        get { enabled.value }
        set { enabled.value = newValue }
    }

    static func with<T, E: Error>(enabled: Bool, _ body: () throws(E) -> T) throws(E) -> T {
        try self.enabled.with(enabled, body)
    }
}

extension Tensor {
    /// Whether operations on the current thread record a graph (`torch.is_grad_enabled()`).
    public static var isGradEnabled: Bool {
        get { GradMode.isEnabled }
        set { GradMode.isEnabled = newValue }
    }
}

/// Runs `body` without recording gradients, like `with torch.no_grad():`.
@discardableResult
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.with(enabled: false, body)
}

/// Runs `body` with gradient recording on, like `with torch.enable_grad():`.
@discardableResult
public func withGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.with(enabled: true, body)
}

/// Runs `body` with gradient recording on or off as `mode` says, like
/// `with torch.set_grad_enabled(mode):` — one loop for a train and an eval phase.
@discardableResult
public func withGradEnabled<T>(_ mode: Bool, _ body: () throws -> T) rethrows -> T {
    try GradMode.with(enabled: mode, body)
}
