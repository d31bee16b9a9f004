/// Saving and restoring an optimizer as a flat dictionary of tensors, which round-trips
/// through safetensors (`SafeTensors.save`, `Checkpoint`). The layout follows PyTorch's
/// `optimizer.state_dict()`, with parameters numbered in group order across all groups:
///
/// | key | value |
/// |---|---|
/// | `state.{i}.{name}` | state of parameter i: `step` (0-d float32), buffers such as `momentum_buffer`, `exp_avg` (the parameter's shape) |
/// | `param_groups.{g}.params` | int64 indices of group g's parameters |
/// | `param_groups.{g}.{option}` | group g's options: numbers 0-d float32, switches 0-d bool, `betas` [2] float32 |
extension Optimizer {
    /// The optimizer's state (`optimizer.state_dict()`). State tensors are the optimizer's
    /// own (not copies), as in PyTorch; save them before stepping again.
    public func stateDict() -> [String: Tensor] {
        var dict: [String: Tensor] = [:]
        var index = 0
        for (g, group) in paramGroups.enumerated() {
            for param in group.params {
                for (name, tensor) in state(for: param) { dict["state.\(index).\(name)"] = tensor }
                index += 1
            }
            dict["param_groups.\(g).params"] = StateDictCoding.tensor(counts: Array(index - group.params.count..<index))
            for (name, value) in group.options { dict["param_groups.\(g).\(name)"] = StateDictCoding.tensor(value) }
        }
        return dict
    }

    /// Restores state saved by `stateDict()` from an optimizer of the same type built over
    /// parameters of the same shapes, in the same groups (`load_state_dict`). Group options
    /// (learning rates included) are replaced by the saved ones; the parameters stay.
    /// Everything is validated before anything changes: a mismatch, or an option value the
    /// constructor would refuse (a negative learning rate, Adam's betas outside [0, 1)),
    /// throws `OptimizerStateError` naming the offending key.
    public func loadStateDict(_ dict: [String: Tensor]) throws {
        let reader = StateDictReader(dict)
        let params = paramGroups.flatMap(\.params)
        var options = [[String: OptionValue]](repeating: [:], count: paramGroups.count)
        var loaded: [Int: [String: Tensor]] = [:]
        let savedGroups = dict.keys.filter { $0.hasPrefix("param_groups.") && $0.hasSuffix(".params") }.count
        guard savedGroups == paramGroups.count else {
            throw OptimizerStateError.groupCountMismatch(expected: paramGroups.count, actual: savedGroups)
        }
        for key in dict.keys.sorted() {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            // Only the numbering stateDict() writes: "01" or "+1" would alias entry 1.
            guard parts.count == 3, let index = Int(parts[1]), index >= 0, String(index) == parts[1] else {
                throw OptimizerStateError.unexpectedKey(key)
            }
            switch parts[0] {
            case "param_groups" where index < paramGroups.count:
                if parts[2] == "params" {
                    _ = try reader.tensor(key, dtype: .int64, shape: [paramGroups[index].params.count])
                } else if defaults[parts[2]] != nil || parts[2] == "initial_lr" {
                    options[index][parts[2]] = try reader.option(key, like: defaults[parts[2]])
                } else {
                    throw OptimizerStateError.unexpectedKey(key)
                }
            case "state" where index < params.count:
                let shape = parts[2] == "step" ? [] : params[index].shape
                loaded[index, default: [:]][parts[2]] = try reader.tensor(key, dtype: .float32, shape: shape)
            default:
                throw OptimizerStateError.unexpectedKey(key)
            }
        }
        var groups = paramGroups
        for g in groups.indices {
            for name in ["params"] + defaults.keys.sorted() where dict["param_groups.\(g).\(name)"] == nil {
                throw OptimizerStateError.missingKey("param_groups.\(g).\(name)")
            }
            if let violation = OptionLimits.firstViolation(in: options[g]) {
                throw OptimizerStateError.invalidOption(group: g, option: violation.option, reason: violation.message)
            }
            groups[g].options = options[g]
        }
        let groupOfParam = groups.flatMap { group in group.params.map { _ in group } }
        for (index, state) in loaded.sorted(by: { $0.key < $1.key }) {
            let expected = stateNames(for: groupOfParam[index]), names = Set(state.keys)
            if let name = expected.subtracting(names).sorted().first {
                throw OptimizerStateError.missingKey("state.\(index).\(name)")
            }
            if let name = names.subtracting(expected).sorted().first {
                throw OptimizerStateError.unexpectedKey("state.\(index).\(name)")
            }
        }
        paramGroups = groups
        replaceAllState(withNoGrad { loaded.map { (params[$0.key], $0.value.mapValues { $0.clone() }) } })
    }
}
