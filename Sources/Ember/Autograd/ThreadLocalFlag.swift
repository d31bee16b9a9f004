import Foundation

/// A `Bool` per thread, `initial` on every thread until that thread sets it (the grad and
/// anomaly modes).
final class ThreadLocalFlag: Sendable {
    private let key: pthread_key_t
    private let initial: Bool

    init(initial: Bool) {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        self.key = key
        self.initial = initial
    }

    /// Stored as "differs from `initial`", so that a fresh thread (value nil) reads `initial`.
    var value: Bool {
        get { (pthread_getspecific(key) != nil) != initial }
        set { pthread_setspecific(key, newValue == initial ? nil : UnsafeRawPointer(bitPattern: 1)) }
    }

    /// Runs `body` with the flag set to `value` on this thread, then restores it.
    func with<T, E: Error>(_ value: Bool, _ body: () throws(E) -> T) throws(E) -> T {
        let previous = self.value
        self.value = value
        defer { self.value = previous }
        return try body()
    }
}
