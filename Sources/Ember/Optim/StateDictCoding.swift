/// How optimizers and schedulers store numbers in their flat tensor state dicts, so that
/// the dicts round-trip through safetensors: numbers as float32 tensors, counts as int64,
/// switches as bool.
///
/// Hyper-parameters are `Double` in memory but float32 on disk; reading one back gives the
/// shortest decimal that rounds to the stored float (`Double(decimal:)`), so a learning
/// rate of 0.01 comes back as exactly 0.01 rather than 0.009999999776.
enum StateDictCoding {
    static func tensor(_ number: Double) -> Tensor { Tensor(Float(number)) }
    static func tensor(_ numbers: [Double]) -> Tensor { Tensor(shape: [numbers.count], scalars: numbers.map { Float($0) }) }
    static func tensor(_ numbers: [Float]) -> Tensor { Tensor(shape: [numbers.count], scalars: numbers) }
    static func tensor(count: Int) -> Tensor { Tensor(shape: [], scalars: [Int64(count)]) }
    static func tensor(counts: [Int]) -> Tensor { Tensor(shape: [counts.count], scalars: counts.map(Int64.init)) }

    static func tensor(_ option: OptionValue) -> Tensor {
        switch option {
        case .number(let value): tensor(value)
        case .flag(let value): Tensor(shape: [], scalars: [value])
        case .pair(let a, let b): tensor([a, b])
        }
    }

}

/// Typed, validating reads from a state dict; every failure names the key.
struct StateDictReader {
    let entries: [String: Tensor]

    init(_ entries: [String: Tensor]) {
        self.entries = entries
    }

    /// The entry `key`, checked for dtype and, when given, shape.
    func tensor(_ key: String, dtype: DType, shape: [Int]? = nil) throws -> Tensor {
        guard let tensor = entries[key] else { throw OptimizerStateError.missingKey(key) }
        guard tensor.dtype == dtype else {
            throw OptimizerStateError.wrongDType(key: key, expected: dtype, actual: tensor.dtype)
        }
        if let shape, tensor.shape != shape {
            throw OptimizerStateError.shapeMismatch(key: key, expected: shape, actual: tensor.shape)
        }
        return tensor
    }

    /// A hyper-parameter, read back as the decimal it was written from.
    func number(_ key: String) throws -> Double {
        Double(decimal: try float(key))
    }

    func numbers(_ key: String, count: Int) throws -> [Double] {
        try floats(key, count: count).map(Double.init(decimal:))
    }

    /// A value that was a Float to begin with (a metric), unchanged.
    func float(_ key: String) throws -> Float {
        try tensor(key, dtype: .float32, shape: []).item()
    }

    func floats(_ key: String, count: Int) throws -> [Float] {
        try tensor(key, dtype: .float32, shape: [count]).toArray()
    }

    /// A scheduler's epoch or step counter: never negative, and small enough that stepping
    /// on from it cannot overflow.
    func count(_ key: String) throws -> Int {
        let value = try tensor(key, dtype: .int64, shape: []).item(as: Int64.self)
        guard value >= 0, value <= Int64(Int32.max) else {
            throw OptimizerStateError.invalidValue(key: key, reason: "the count \(value) is outside 0...\(Int32.max)")
        }
        return Int(value)
    }

    /// One learning rate per group, each at least 0 as the optimizers require.
    func learningRates(_ key: String, count: Int) throws -> [Double] {
        let values = try numbers(key, count: count)
        if let value = values.first(where: { !($0 >= 0) }) {
            throw OptimizerStateError.invalidValue(key: key, reason: "invalid learning rate: \(value)")
        }
        return values
    }

    func counts(_ key: String) throws -> [Int] {
        let tensor = try tensor(key, dtype: .int64)
        guard tensor.ndim == 1 else {
            throw OptimizerStateError.shapeMismatch(key: key, expected: [tensor.numel], actual: tensor.shape)
        }
        return tensor.toArray(as: Int64.self).map { Int($0) }
    }

    /// An option of the kind of `like`; without `like` (an option the optimizer does not
    /// define, such as `initial_lr`) the kind follows the stored tensor.
    func option(_ key: String, like: OptionValue?) throws -> OptionValue {
        let stored = entries[key]
        switch like {
        case .flag?:
            return .flag(try tensor(key, dtype: .bool, shape: []).item() != 0)
        case .pair?:
            let values = try numbers(key, count: 2)
            return .pair(values[0], values[1])
        case .number?:
            return .number(try number(key))
        case nil where stored?.dtype == .bool:
            return try option(key, like: .flag(false))
        case nil where stored?.shape == [2]:
            return try option(key, like: .pair(0.0, 0.0))
        case nil:
            return try option(key, like: .number(0.0))
        }
    }
}
