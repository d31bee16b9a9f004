/// Ember's version, reported by `ember --version`.
public let version = "0.1.0"
