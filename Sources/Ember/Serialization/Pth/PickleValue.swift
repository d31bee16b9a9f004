/// A value rebuilt by `Unpickler`: plain data, never an object of a class the file names.
///
/// Lists and dicts are mutable in a pickle (APPEND and SETITEM change them after they are
/// memoised), so they live in the unpickler's tables and values refer to them by index;
/// this also means a list holding itself is an index cycle, not a reference cycle.
enum PickleValue: Hashable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer beyond `Int`'s range: little-endian two's complement bytes, as LONG1 stores it.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// Items and nesting depth (1 + the deepest tuple inside), kept so that depth stays bounded.
    case tuple([PickleValue], depth: Int)
    /// Index into `Unpickler.lists` (sets are kept as lists).
    case list(Int)
    /// Index into `Unpickler.dicts` (plain and ordered dicts alike).
    case dict(Int)
    case global(PickleGlobal)
    case storage(PthStorageRef)
    case tensor(PthTensorRef)

    /// The Python type name, for messages.
    var typeName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let g): "global \(g.name)"
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }

    var tupleDepth: Int {
        if case .tuple(_, let depth) = self { return depth }
        return 0
    }
}

/// A dict in insertion order (Python dicts and `OrderedDict` keep it), with an index for
/// replacing values of keys seen before.
struct PickleDict {
    private(set) var keys: [PickleValue] = []
    private(set) var values: [PickleValue] = []
    private var positions: [PickleValue: Int] = [:]

    mutating func set(_ key: PickleValue, _ value: PickleValue) {
        if let position = positions[key] {
            values[position] = value
        } else {
            positions[key] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    subscript(key: PickleValue) -> PickleValue? { positions[key].map { values[$0] } }
}

/// The globals a checkpoint may name: what `torch.save` writes for state dicts of real
/// tensors, and the few plain containers PyTorch's own `weights_only` loader allows.
/// Resolving a global only picks a case; the reader interprets it, nothing is looked up.
enum PickleGlobal: Hashable {
    case orderedDict
    case rebuildTensor
    case rebuildTensorV2
    case rebuildParameter
    case rebuildParameterWithState
    /// `torch.FloatStorage` and its siblings, by class name.
    case storageType(String)
    case device
    case size
    case set
    /// `_codecs.encode`, protocol 2's spelling of `bytes`.
    case codecsEncode

    /// The global a GLOBAL or STACK_GLOBAL opcode names, or nil when it is not allowed.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch", "device"): self = .device
        case ("torch", "Size"): self = .size
        case ("builtins", "set"): self = .set
        case ("_codecs", "encode"): self = .codecsEncode
        case ("torch", _) where name.hasSuffix("Storage") && name.count > 7
            && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }):
            self = .storageType(name)
        default: return nil
        }
    }

    /// `module.name` as Python writes it.
    var name: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensor: "torch._utils._rebuild_tensor"
        case .rebuildTensorV2: "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: "torch._utils._rebuild_parameter_with_state"
        case .storageType(let name): "torch.\(name)"
        case .device: "torch.device"
        case .size: "torch.Size"
        case .set: "builtins.set"
        case .codecsEncode: "_codecs.encode"
        }
    }

    /// Whether a refused global looks like the class of a pickled model (`torch.save(model)`)
    /// rather than a function that would run code: a script's `__main__` class, a
    /// `torch.nn.modules`/`torchvision` class, or a capitalised name outside modules known to run code.
    static func looksLikeModelClass(module: String, name: String) -> Bool {
        if module == "__main__" || module.hasPrefix("torch.nn.modules.") || module.hasPrefix("torchvision.") { return true }
        let root = module.split(separator: ".").first.map(String.init) ?? module
        let runsCode: Set<String> = [
            "os", "posix", "nt", "subprocess", "builtins", "__builtin__", "sys", "shutil", "socket", "runpy",
            "importlib", "pickle", "marshal", "ctypes", "code", "pty", "webbrowser", "commands", "platform",
            "asyncio", "multiprocessing", "operator", "functools", "types", "codecs", "_codecs", "io", "pathlib",
            "torch", "numpy", "pdb", "timeit", "signal", "threading", "tempfile", "glob", "zipfile", "tarfile",
        ]
        return !runsCode.contains(root) && name.first?.isUppercase == true
    }
}

/// A storage as a persistent id names it: an entry of the reader's storage table, seen
/// through a window of `count` elements from `offset` (legacy files could save storage views).
struct PthStorageRef: Hashable {
    var index: Int
    var type: StoredScalarType
    var offset: Int
    var count: Int
}

/// A tensor as `_rebuild_tensor_v2` describes it: a view of a storage. Only geometry is
/// kept; `requires_grad` and hooks do not survive into a state dict.
struct PthTensorRef: Hashable {
    var storage: PthStorageRef
    var offset: Int
    var shape: [Int]
    var strides: [Int]
}
