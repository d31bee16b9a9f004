import Foundation

/// Saving and restoring a module's state: its parameters and buffers by dotted name.
extension Module {
    /// The state dict in PyTorch's order: each module's parameters, then its buffers, then
    /// its children, depth first. Values are detached tensors sharing the module's storage.
    public func orderedStateDict() -> [(key: String, value: Tensor)] {
        var result: [(key: String, value: Tensor)] = []
        func visit(_ module: Module, _ prefix: String) {
            let members = module.members
            for case .parameter(let key, let t) in members { result.append((Self.join(prefix, key), t.detach())) }
            for case .buffer(let key, let t) in members { result.append((Self.join(prefix, key), t.detach())) }
            for case .children(_, _, let held) in members {
                for (key, child) in held { visit(child, Self.join(prefix, key)) }
            }
        }
        visit(self, "")
        return result
    }

    /// The state dict (`state_dict()`): every parameter and buffer by dotted name, as
    /// detached tensors sharing the module's storage.
    public func stateDict() -> [String: Tensor] {
        Dictionary(orderedStateDict(), uniquingKeysWith: { first, _ in first })
    }

    /// The state dict's keys in PyTorch's order (`state_dict().keys()`).
    public func stateDictKeys() -> [String] { orderedStateDict().map(\.key) }

    /// Copies `stateDict`'s values into this module's parameters and buffers, in place, so
    /// optimizers holding those tensors see the new values (`load_state_dict`).
    ///
    /// Nothing is loaded unless every matching key has the right shape. With `strict`,
    /// missing and unexpected keys are errors as well; without it they are returned.
    /// - Throws: `StateDictError` naming every missing, unexpected and mis-shaped key.
    @discardableResult
    public func loadStateDict(_ stateDict: [String: Tensor], strict: Bool = true) throws -> IncompatibleKeys {
        let own = orderedStateDict()
        let ownKeys = Set(own.map(\.key))
        let keys = IncompatibleKeys(
            missingKeys: own.map(\.key).filter { stateDict[$0] == nil },
            unexpectedKeys: stateDict.keys.filter { !ownKeys.contains($0) }.sorted())
        let mismatches = own.compactMap { key, tensor -> StateDictError.ShapeMismatch? in
            guard let value = stateDict[key], value.shape != tensor.shape else { return nil }
            return StateDictError.ShapeMismatch(key: key, checkpointShape: value.shape, modelShape: tensor.shape)
        }
        let error = StateDictError(
            moduleName: typeName, missingKeys: strict ? keys.missingKeys : [],
            unexpectedKeys: strict ? keys.unexpectedKeys : [], shapeMismatches: mismatches)
        if !error.missingKeys.isEmpty || !error.unexpectedKeys.isEmpty || !mismatches.isEmpty { throw error }
        withNoGrad {
            for (key, tensor) in own {
                if let value = stateDict[key] { tensor.copy(from: value) }
            }
        }
        return keys
    }

    /// Writes the state dict to a safetensors file, atomically (`torch.save(model.state_dict(), path)`).
    /// - Throws: `SerializationError` when the file cannot be written.
    public func save(to url: URL) throws {
        try SafeTensors.save(stateDict(), to: url)
    }

    /// Loads a state dict saved with `save(to:)` (or Python's `safetensors`), or a PyTorch
    /// checkpoint written by `torch.save` (`.pth`, `.pt`; see `PyTorchCheckpoint`), told
    /// apart by content.
    /// - Throws: `SerializationError` for an unreadable safetensors file, `PthError` for an
    ///   unreadable checkpoint, `StateDictError` when its contents do not fit this module.
    @discardableResult
    public func loadStateDict(from url: URL, strict: Bool = true) throws -> IncompatibleKeys {
        try loadStateDict(StateDictFile.load(from: url), strict: strict)
    }
}

/// The keys a non-strict `loadStateDict` skipped (PyTorch's `_IncompatibleKeys`).
public struct IncompatibleKeys: Equatable, Sendable {
    /// Keys of the module that the state dict lacks, in state-dict order.
    public let missingKeys: [String]
    /// Keys of the state dict that the module lacks, sorted.
    public let unexpectedKeys: [String]
}

/// Why a state dict could not be loaded into a module; lists every problem at once.
public struct StateDictError: Error, Equatable, CustomStringConvertible {
    /// A key whose tensor has a different shape in the checkpoint and in the model.
    public struct ShapeMismatch: Equatable, Sendable {
        /// The state-dict key.
        public let key: String
        /// The shape of the tensor being loaded.
        public let checkpointShape: [Int]
        /// The shape of the module's tensor.
        public let modelShape: [Int]
    }

    /// The class of the module being loaded.
    public let moduleName: String
    /// Keys of the module that the state dict lacks.
    public let missingKeys: [String]
    /// Keys of the state dict that the module lacks.
    public let unexpectedKeys: [String]
    /// Keys whose tensors have different shapes in the state dict and in the module.
    public let shapeMismatches: [ShapeMismatch]

    /// PyTorch's wording, one problem kind per line.
    public var description: String {
        func quoted(_ keys: [String]) -> String { keys.map { "\"\($0)\"" }.joined(separator: ", ") }
        var lines = ["Error(s) in loading state_dict for \(moduleName):"]
        if !missingKeys.isEmpty { lines.append("\tMissing key(s) in state_dict: \(quoted(missingKeys)).") }
        if !unexpectedKeys.isEmpty { lines.append("\tUnexpected key(s) in state_dict: \(quoted(unexpectedKeys)).") }
        for m in shapeMismatches {
            lines.append("\tsize mismatch for \(m.key): copying a param with shape \(m.checkpointShape) from checkpoint, the shape in current model is \(m.modelShape).")
        }
        if !missingKeys.isEmpty || !unexpectedKeys.isEmpty {
            lines.append("\tTo load a checkpoint that only partly fits, use loadStateDict(_:strict: false).")
        }
        return lines.joined(separator: "\n")
    }
}
