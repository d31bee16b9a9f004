import Foundation

/// A restricted unpickler for the pickles `torch.save` writes (protocols 2 to 5).
///
/// It never imports or calls anything: GLOBAL and STACK_GLOBAL resolve against
/// `PickleGlobal`'s allow-list and anything else is refused by name at once; REDUCE and
/// NEWOBJ only interpret allowed globals (a tensor rebuild becomes a `PthTensorRef`).
/// Every length read from the file is checked against the bytes left before anything is
/// allocated, the stack, mark stack and memo are bounds-checked, tuple nesting is bounded,
/// and the work of hashing dict keys is budgeted, so hostile bytes give a `PthError`.
struct Unpickler {
    let data: Data
    let path: String
    /// The reader's byte offset from `data.startIndex`; after `load()`, just past STOP.
    private(set) var position = 0
    /// Turns a BINPERSID id (a storage tuple) into a value.
    var persistentLoad: (PickleValue) throws -> PickleValue

    /// The lists and dicts that `.list(i)` and `.dict(i)` values refer to.
    private(set) var lists: [[PickleValue]] = []
    private(set) var dicts: [PickleDict] = []
    private var stack: [PickleValue] = []
    private var marks: [[PickleValue]] = []
    private var memo: [Int: PickleValue] = [:]
    private var work = 0
    private let workLimit: Int

    static let maxTupleDepth = 100
    static let maxMarkDepth = 10_000
    static let maxGlobalLineLength = 1024

    /// An unpickler over `data`, which `path` names in errors; without `persistentLoad`, a
    /// persistent id is an error.
    init(data: Data, path: String, persistentLoad: ((PickleValue) throws -> PickleValue)? = nil) {
        self.data = data
        self.path = path
        self.persistentLoad = persistentLoad ?? { _ in
            throw PthError.corrupt(path: path, reason: "pickle: a persistent id where no storage may be named")
        }
        // Hashing keys costs their length; allow a generous multiple of the input.
        self.workLimit = 64 * data.count + 1_000_000
    }

    var remaining: Int { data.count - position }

    private func corrupt(_ reason: String) -> PthError {
        .corrupt(path: path, reason: "pickle: \(reason)")
    }

    // MARK: Reading bytes

    private mutating func byte() throws -> UInt8 {
        guard position < data.count else { throw corrupt("ends at byte \(position) before its STOP opcode") }
        defer { position += 1 }
        return data[data.startIndex + position]
    }

    private mutating func bytes(_ count: Int) throws -> Data {
        guard count >= 0, count <= remaining else {
            throw corrupt("a length of \(count) bytes at byte \(position) exceeds the \(remaining) left")
        }
        let start = data.startIndex + position
        position += count
        return data[start..<(start + count)]
    }

    /// A little-endian unsigned integer of `width` bytes.
    private mutating func unsigned(_ width: Int) throws -> UInt64 {
        let raw = try bytes(width)
        var value: UInt64 = 0
        for (i, b) in raw.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
        return value
    }

    /// A length field, checked against the bytes left before anything is read or allocated.
    private mutating func length(_ width: Int) throws -> Int {
        let value = try unsigned(width)
        guard value <= UInt64(remaining) else {
            throw corrupt("a length of \(value) bytes at byte \(position - width) exceeds the \(remaining) left")
        }
        return Int(value)
    }

    private mutating func utf8(_ count: Int) throws -> String {
        let raw = try bytes(count)
        guard let string = String(data: raw, encoding: .utf8) else { throw corrupt("a string at byte \(position - count) is not UTF-8") }
        return string
    }

    /// One `\n`-terminated line of GLOBAL's text argument.
    private mutating func line() throws -> String {
        let start = data.startIndex + position
        let end = data.index(start, offsetBy: min(remaining, Self.maxGlobalLineLength))
        guard let newline = data[start..<end].firstIndex(of: 0x0A) else {
            throw corrupt("a GLOBAL name at byte \(position) is not ended by a newline within \(Self.maxGlobalLineLength) bytes")
        }
        let count = newline - start
        let text = try utf8(count)
        position += 1
        return text
    }

    // MARK: The stack

    private mutating func push(_ value: PickleValue) { stack.append(value) }

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw corrupt("stack underflow at byte \(position - 1)") }
        return value
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last else { throw corrupt("stack underflow at byte \(position - 1)") }
        return value
    }

    /// The items pushed since the last MARK, restoring the stack below it.
    private mutating func popMark() throws -> [PickleValue] {
        guard let below = marks.popLast() else { throw corrupt("no MARK before the opcode at byte \(position - 1)") }
        let items = stack
        stack = below
        return items
    }

    private mutating func tuple(_ items: [PickleValue]) throws -> PickleValue {
        let depth = 1 + (items.map(\.tupleDepth).max() ?? 0)
        guard depth <= Self.maxTupleDepth else { throw corrupt("tuples nest deeper than \(Self.maxTupleDepth)") }
        return .tuple(items, depth: depth)
    }

    private mutating func newDict() -> PickleValue {
        dicts.append(PickleDict())
        return .dict(dicts.count - 1)
    }

    private mutating func newList(_ items: [PickleValue] = []) -> PickleValue {
        lists.append(items)
        return .list(lists.count - 1)
    }

    /// Checks that `key` is hashable in Python's sense and charges the cost of hashing it.
    private mutating func chargeKey(_ key: PickleValue) throws {
        func cost(_ value: PickleValue) throws -> Int {
            switch value {
            case .string(let s): return s.utf8.count + 1
            case .bytes(let b), .bigInt(let b): return b.count + 1
            case .none, .bool, .int, .float, .global: return 1
            case .tuple(let items, _) where items.count <= 16: return try items.reduce(1) { try $0 + cost($1) }
            default: throw corrupt("a dict key of type \(value.typeName) is not supported")
            }
        }
        try charge(cost(key))
    }

    /// Counts work that is not paid for by bytes of input (hashing a memoised key again,
    /// copying a memoised list into a set), so that a small pickle cannot take quadratic time.
    private mutating func charge(_ units: Int) throws {
        work += units
        guard work <= workLimit else { throw corrupt("too much work (hashing keys, copying lists) for a pickle of \(data.count) bytes") }
    }

    private mutating func setItem(_ target: PickleValue, _ key: PickleValue, _ value: PickleValue) throws {
        guard case .dict(let index) = target else { throw corrupt("SETITEM on a \(target.typeName), not a dict") }
        try chargeKey(key)
        dicts[index].set(key, value)
    }

    private mutating func append(_ target: PickleValue, _ items: [PickleValue]) throws {
        guard case .list(let index) = target else { throw corrupt("APPEND or ADDITEMS on a \(target.typeName), not a list or set") }
        lists[index].append(contentsOf: items)
    }

    private mutating func memoGet(_ index: Int) throws {
        guard let value = memo[index] else { throw corrupt("memo entry \(index) read before it was written") }
        push(value)
    }

    private mutating func global(module: String, name: String) throws {
        guard let global = PickleGlobal(module: module, name: name) else {
            let full = "\(module).\(name)"
            if PickleGlobal.looksLikeModelClass(module: module, name: name) { throw PthError.pickledModel(path: path, global: full) }
            throw PthError.forbiddenGlobal(path: path, global: full)
        }
        push(.global(global))
    }

    // MARK: Loading

    /// Reads one pickle from `position` up to and including its STOP opcode and returns the
    /// value it leaves. Lists and dicts made by earlier calls stay valid.
    mutating func load() throws -> PickleValue {
        stack = []
        marks = []
        memo = [:]
        while true {
            let offset = position
            let opcode = try byte()
            switch opcode {
            case 0x80:  // PROTO
                let version = try byte()
                guard version <= 5 else { throw corrupt("pickle protocol \(version) is newer than 5") }
            case 0x95:  // FRAME: a length hint; the opcodes inside are read as usual
                _ = try length(8)
            case 0x2E:  // STOP
                return try pop()
            case 0x28:  // MARK
                guard marks.count < Self.maxMarkDepth else { throw corrupt("MARKs nest deeper than \(Self.maxMarkDepth)") }
                marks.append(stack)
                stack = []
            case 0x30: _ = try pop()  // POP
            case 0x31: _ = try popMark()  // POP_MARK
            case 0x32: push(try top())  // DUP

            // Scalars
            case 0x4E: push(.none)
            case 0x88: push(.bool(true))
            case 0x89: push(.bool(false))
            case 0x4A: push(.int(Int(Int32(bitPattern: UInt32(try unsigned(4))))))  // BININT
            case 0x4B: push(.int(Int(try byte())))  // BININT1
            case 0x4D: push(.int(Int(try unsigned(2))))  // BININT2
            case 0x8A: push(Self.long(try bytes(length(1))))  // LONG1
            case 0x8B: push(Self.long(try bytes(length(4))))  // LONG4
            case 0x47:  // BINFLOAT, big-endian
                let raw = try bytes(8)
                push(.float(Double(bitPattern: raw.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) })))
            case 0x58: push(.string(try utf8(length(4))))  // BINUNICODE
            case 0x8C: push(.string(try utf8(length(1))))  // SHORT_BINUNICODE
            case 0x8D: push(.string(try utf8(length(8))))  // BINUNICODE8
            case 0x55: push(.string(try utf8(length(1))))  // SHORT_BINSTRING (Python 2 str, decoded as torch.load does)
            case 0x54: push(.string(try utf8(length(4))))  // BINSTRING
            case 0x43: push(.bytes([UInt8](try bytes(length(1)))))  // SHORT_BINBYTES
            case 0x42: push(.bytes([UInt8](try bytes(length(4)))))  // BINBYTES
            case 0x8E: push(.bytes([UInt8](try bytes(length(8)))))  // BINBYTES8

            // Containers
            case 0x29: push(try tuple([]))  // EMPTY_TUPLE
            case 0x85: push(try tuple([pop()]))  // TUPLE1
            case 0x86:  // TUPLE2
                let b = try pop(), a = try pop()
                push(try tuple([a, b]))
            case 0x87:  // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                push(try tuple([a, b, c]))
            case 0x74: push(try tuple(popMark()))  // TUPLE
            case 0x5D: push(newList())  // EMPTY_LIST
            case 0x6C: push(newList(try popMark()))  // LIST
            case 0x8F: push(newList())  // EMPTY_SET
            case 0x7D: push(newDict())  // EMPTY_DICT
            case 0x64:  // DICT
                let items = try popMark()
                let dict = newDict()
                try setItems(dict, items)
                push(dict)
            case 0x61:  // APPEND
                let item = try pop()
                try append(top(), [item])
            case 0x65, 0x90:  // APPENDS, ADDITEMS
                let items = try popMark()
                try append(top(), items)
            case 0x73:  // SETITEM
                let value = try pop(), key = try pop()
                try setItem(top(), key, value)
            case 0x75:  // SETITEMS
                let items = try popMark()
                try setItems(top(), items)

            // Memo
            case 0x71: memo[Int(try byte())] = try top()  // BINPUT
            case 0x72: memo[Int(try unsigned(4))] = try top()  // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()  // MEMOIZE
            case 0x68: try memoGet(Int(byte()))  // BINGET
            case 0x6A: try memoGet(Int(unsigned(4)))  // LONG_BINGET

            // Globals and the opcodes that would call them
            case 0x63:  // GLOBAL
                let module = try line()
                try global(module: module, name: line())
            case 0x93:  // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case .string(let m) = module, case .string(let n) = name else {
                    throw corrupt("STACK_GLOBAL at byte \(offset) needs two strings")
                }
                try global(module: m, name: n)
            case 0x52:  // REDUCE
                let args = try pop()
                let callable = try pop()
                guard case .global(let g) = callable, case .tuple(let items, _) = args else {
                    throw corrupt("REDUCE at byte \(offset) applies a \(callable.typeName) to a \(args.typeName)")
                }
                push(try reduce(g, items))
            case 0x81:  // NEWOBJ
                let args = try pop()
                let cls = try pop()
                switch cls {
                case .global(.orderedDict): push(newDict())
                case .global(.set): push(newList())
                default: throw corrupt("NEWOBJ at byte \(offset) on \(cls.typeName) (with \(args.typeName))")
                }
            case 0x62:  // BUILD: state of an OrderedDict (its `_metadata`) or a tensor; not kept
                let state = try pop()
                let target = try top()
                switch target {
                case .dict, .tensor: break
                default: throw corrupt("BUILD at byte \(offset) sets \(state.typeName) state on a \(target.typeName)")
                }
            case 0x51:  // BINPERSID
                push(try persistentLoad(pop()))
            default:
                throw PthError.unsupportedOpcode(path: path, opcode: opcode, offset: offset)
            }
        }
    }

    private mutating func setItems(_ target: PickleValue, _ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw corrupt("SETITEMS or DICT with an odd number (\(items.count)) of items") }
        for i in stride(from: 0, to: items.count, by: 2) { try setItem(target, items[i], items[i + 1]) }
    }

    /// LONG1/LONG4's little-endian two's complement bytes, as an `Int` when they fit.
    static func long(_ raw: Data) -> PickleValue {
        let bytes = [UInt8](raw)
        guard !bytes.isEmpty else { return .int(0) }
        let negative = bytes.last! & 0x80 != 0
        // Drop sign-extension bytes so that each integer has one spelling.
        var trimmed = bytes
        while trimmed.count > 1, trimmed.last! == (negative ? 0xFF : 0x00),
              (trimmed[trimmed.count - 2] & 0x80 != 0) == negative {
            trimmed.removeLast()
        }
        guard trimmed.count <= 8 else { return .bigInt(trimmed) }
        var value: UInt64 = negative ? ~0 : 0
        for (i, b) in trimmed.enumerated() {
            value &= ~(UInt64(0xFF) << (8 * UInt64(i)))
            value |= UInt64(b) << (8 * UInt64(i))
        }
        return .int(Int(Int64(bitPattern: value)))
    }

    // MARK: Interpreting allowed calls

    private mutating func reduce(_ global: PickleGlobal, _ args: [PickleValue]) throws -> PickleValue {
        func bad() -> PthError { corrupt("\(global.name) called with arguments (\(args.map(\.typeName).joined(separator: ", ")))") }
        switch global {
        case .orderedDict, .set:
            let made = global == .set ? newList() : newDict()
            guard let source = args.first else { return made }
            guard args.count == 1, case .list(let index) = source else { throw bad() }
            try charge(lists[index].count)
            if global == .set { try append(made, lists[index]); return made }
            for pair in lists[index] {
                guard case .tuple(let kv, _) = pair, kv.count == 2 else { throw bad() }
                try setItem(made, kv[0], kv[1])
            }
            return made
        case .rebuildTensor, .rebuildTensorV2:
            guard args.count >= 4, global == .rebuildTensorV2 ? args.count <= 7 : args.count == 4,
                  case .storage(let storage) = args[0], case .int(let offset) = args[1],
                  let shape = Self.ints(args[2]), let strides = Self.ints(args[3])
            else { throw bad() }
            return .tensor(try PthTensorRef.checked(storage: storage, offset: offset, shape: shape, strides: strides, path: path))
        case .rebuildParameter, .rebuildParameterWithState:
            guard args.count == (global == .rebuildParameter ? 3 : 4), case .tensor = args[0] else { throw bad() }
            return args[0]
        case .device:
            guard let first = args.first, case .string(let type) = first, args.count <= 2 else { throw bad() }
            if args.count == 2, case .int(let index) = args[1] { return .string("\(type):\(index)") }
            return .string(type)
        case .size:
            guard args.count == 1, Self.ints(args[0]) != nil else { throw bad() }
            return args[0]
        case .codecsEncode:
            guard args.count == 2, case .string(let text) = args[0], case .string(let encoding) = args[1],
                  ["latin1", "latin-1"].contains(encoding), text.unicodeScalars.allSatisfy({ $0.value < 256 })
            else { throw bad() }
            return .bytes(text.unicodeScalars.map { UInt8($0.value) })
        case .storageType:
            throw bad()
        }
    }

    /// The integers of a tuple (a size or stride), or nil.
    static func ints(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items, _) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case .int(let n) = item else { return nil }
            result.append(n)
        }
        return result
    }
}

extension PthTensorRef {
    /// PyTorch allows 64 dimensions at most; the bound also keeps hashing a view cheap.
    static let maxRank = 64

    /// A tensor view whose every element lies inside its storage window: sizes and strides
    /// non-negative, the element count and the furthest offset free of overflow.
    static func checked(storage: PthStorageRef, offset: Int, shape: [Int], strides: [Int], path: String) throws -> PthTensorRef {
        func bad(_ reason: String) -> PthError {
            .corrupt(path: path, reason: "tensor of size \(shape), stride \(strides), offset \(offset): \(reason)")
        }
        guard shape.count == strides.count else { throw bad("size and stride differ in length") }
        guard shape.count <= maxRank else { throw bad("more than \(maxRank) dimensions") }
        guard offset >= 0, strides.allSatisfy({ $0 >= 0 }), let count = Shape.checkedElementCount(shape) else {
            throw bad("negative or too large to address")
        }
        if count > 0 {
            var last = offset
            for (size, stride) in zip(shape, strides) {
                let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o2) = last.addingReportingOverflow(step)
                guard !o1, !o2 else { throw bad("too large to address") }
                last = sum
            }
            guard last < storage.count else { throw bad("reaches element \(last) of a storage of \(storage.count)") }
        }
        return PthTensorRef(storage: storage, offset: offset, shape: shape, strides: strides)
    }
}
