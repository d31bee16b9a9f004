/// The values PyTorch's optimizer constructors accept, by option name, shared by every
/// optimizer: a constructor stops on an option outside them, and `loadStateDict` throws
/// `OptimizerStateError.invalidOption` for one read from a file, so a damaged checkpoint
/// cannot bring in what no constructor would take.
enum OptionLimits {
    /// Options that must be at least 0, with the words PyTorch's messages use for them.
    private static let nonNegative: [(option: String, words: String)] = [
        ("lr", "learning rate"), ("initial_lr", "initial learning rate"), ("momentum", "momentum value"),
        ("weight_decay", "weight_decay value"), ("eps", "epsilon value"), ("alpha", "alpha value"),
        ("lr_decay", "lr_decay value"), ("initial_accumulator_value", "initial_accumulator_value value"),
    ]

    /// The first option of `options` (in a fixed order) whose value no constructor accepts,
    /// and PyTorch's message for it; nil when every value is acceptable. NaN is refused
    /// wherever a bound is, as PyTorch's comparisons refuse it.
    static func firstViolation(in options: [String: OptionValue]) -> (option: String, message: String)? {
        for (name, words) in nonNegative {
            if let value = number(name, options), !(value >= 0) { return (name, "invalid \(words): \(value)") }
        }
        if case .pair(let beta1, let beta2)? = options["betas"] {
            for (index, beta) in [beta1, beta2].enumerated() where !(0 <= beta && beta < 1) {
                return ("betas", "invalid beta parameter at index \(index): \(beta)")
            }
        }
        if options["nesterov"] == .flag(true), !(number("momentum", options) ?? 0 > 0 && number("dampening", options) ?? 0 == 0) {
            return ("nesterov", "Nesterov momentum requires a momentum and zero dampening")
        }
        return nil
    }

    private static func number(_ name: String, _ options: [String: OptionValue]) -> Double? {
        guard case .number(let value)? = options[name] else { return nil }
        return value
    }
}
