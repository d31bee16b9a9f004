import Foundation

/// Thread-local switch for gradient recording, like `torch.is_grad_enabled()`.
enum GradMode {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Stored as "disabled" so that a fresh thread (value nil) starts enabled.
    static var isEnabled: Bool {
        get { pthread_getspecific(key) == nil }
        set { pthread_setspecific(key, newValue ? nil : UnsafeRawPointer(bitPattern: 1)) }
    }

    static func with<T>(enabled: Bool, _ body: () throws -> T) rethrows -> T {
        let previous = isEnabled
        isEnabled = enabled
        defer { isEnabled = previous }
        return try body()
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
