/// Why an optimizer or learning-rate scheduler state dict could not be loaded. Nothing is
/// changed when loading throws.
public enum OptimizerStateError: Error, CustomStringConvertible, Equatable {
    /// An entry the optimizer or scheduler needs is absent.
    case missingKey(String)
    /// An entry that does not belong to this optimizer or scheduler and its parameters.
    case unexpectedKey(String)
    /// An entry of the wrong shape, e.g. a buffer saved for a parameter of another size.
    case shapeMismatch(key: String, expected: [Int], actual: [Int])
    /// An entry of the wrong element type.
    case wrongDType(key: String, expected: DType, actual: DType)
    /// The state dict was saved with a different number of parameter groups.
    case groupCountMismatch(expected: Int, actual: Int)
    /// A group's option holds a value the optimizer's constructor refuses, e.g. a negative
    /// `lr` or a `betas` entry of 1 or more; `reason` is the constructor's message.
    case invalidOption(group: Int, option: String, reason: String)
    /// An entry holds a value no optimizer or scheduler could have saved, e.g. a negative
    /// epoch count.
    case invalidValue(key: String, reason: String)

    /// The message: the entry, what is wrong with it and the likely cause.
    public var description: String {
        switch self {
        case .missingKey(let key):
            "state dict has no entry '\(key)': it was saved by a different optimizer or scheduler type, or with different options"
        case .unexpectedKey(let key):
            "state dict has an unexpected entry '\(key)': it was saved by a different optimizer or scheduler type, or for other parameters"
        case .shapeMismatch(let key, let expected, let actual):
            "state dict entry '\(key)' has shape \(actual), expected \(expected): it was saved for other parameters"
        case .wrongDType(let key, let expected, let actual):
            "state dict entry '\(key)' is \(actual), expected \(expected)"
        case .groupCountMismatch(let expected, let actual):
            "state dict has \(actual) parameter groups, the optimizer has \(expected): build the optimizer with the same groups as the one that was saved"
        case .invalidOption(let group, let option, let reason):
            "state dict entry 'param_groups.\(group).\(option)' of parameter group \(group) is refused: \(reason); the file is damaged or was not written by Ember"
        case .invalidValue(let key, let reason):
            "state dict entry '\(key)' is refused: \(reason); the file is damaged or was not written by Ember"
        }
    }
}
