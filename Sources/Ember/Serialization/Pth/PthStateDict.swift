/// From the object a checkpoint's pickle rebuilds to the tensors of a state dict.
enum PthStateDict {
    /// Keys under which training scripts commonly nest the model's state dict, tried in order.
    static let wrapperKeys = ["state_dict", "model_state_dict", "model"]
    /// DataParallel and DistributedDataParallel name every parameter under their `module`.
    static let parallelPrefix = "module."
    static let maxDepth = 64

    /// The tensors of `root` by dotted key, in the file's order: nested dicts flatten with
    /// dots (as `state_dict()` names submodules), values that are neither dicts nor tensors
    /// are skipped. `budget` bounds the walk (shared sub-dicts are visited once per path).
    static func tensorRefs(_ root: PickleValue, in unpickler: Unpickler, budget: Int, path: String,
                           options: PyTorchCheckpoint.Options) throws -> [(key: String, ref: PthTensorRef)] {
        guard case .dict(var index) = root else {
            throw PthError.notAStateDict(path: path, reason: "the file holds a \(root.typeName), not a dict of tensors")
        }
        if options.unwrapWrappers {
            for key in wrapperKeys {
                if case .dict(let inner)? = unpickler.dicts[index][.string(key)] {
                    index = inner
                    break
                }
            }
        }
        var result: [(key: String, ref: PthTensorRef)] = []
        var visits = 0
        func visit(_ dict: Int, prefix: String, depth: Int) throws {
            guard depth <= maxDepth else {
                throw PthError.notAStateDict(path: path, reason: "dicts nest deeper than \(maxDepth) (or contain themselves)")
            }
            let entries = unpickler.dicts[dict]
            for (key, value) in zip(entries.keys, entries.values) {
                visits += 1
                guard visits <= budget + maxDepth else {
                    throw PthError.notAStateDict(path: path, reason: "its dicts are shared so often that they name more entries than the pickle's \(budget) bytes could")
                }
                let name: String
                switch key {
                case .string(let s): name = s
                case .int(let n): name = String(n)
                default: throw PthError.notAStateDict(path: path, reason: "a dict key under '\(prefix)' is a \(key.typeName), not a string")
                }
                let full = prefix.isEmpty ? name : "\(prefix).\(name)"
                switch value {
                case .tensor(let ref): result.append((full, ref))
                case .dict(let inner): try visit(inner, prefix: full, depth: depth + 1)
                default: break
                }
            }
        }
        try visit(index, prefix: "", depth: 0)
        if options.stripModulePrefix, !result.isEmpty, result.allSatisfy({ $0.key.hasPrefix(parallelPrefix) }) {
            result = result.map { (String($0.key.dropFirst(parallelPrefix.count)), $0.ref) }
        }
        var seen = Set<String>()
        for (key, _) in result where !seen.insert(key).inserted {
            throw PthError.notAStateDict(path: path, reason: "key '\(key)' names two tensors once nested dicts are flattened")
        }
        return result
    }
}
