/// Anything that can stand in a tensor subscript: an `Int` (drops the dimension), a range
/// (`1..<3`, `...2`, `2...`), a stride (`stride(from: 0, to: 6, by: 2)`), or a
/// `TensorRange` (`.all`, `.newAxis`, `.ellipsis`).
public protocol TensorIndex {
    /// How this index selects along a dimension of `size`.
    func sliceItem(size: Int) -> SliceRequest
}

/// What one subscript component asks for, before it is checked against the shape.
public enum SliceRequest {
    /// One position; the dimension is dropped.
    case index(Int)
    /// Positions from `start` (nil: the first) up to, not including, `end` (nil: the end), every `step`.
    case range(start: Int?, end: Int?, step: Int)
    /// A new dimension of size 1.
    case newAxis
    /// As many whole dimensions as the other components leave.
    case ellipsis
}

/// Special subscript components, like Python's `:`, `None` and `...`.
public enum TensorRange: TensorIndex {
    /// The whole dimension (`:`).
    case all
    /// A new size-1 dimension (`None`).
    case newAxis
    /// As many whole dimensions as needed (`...`).
    case ellipsis

    /// The request each case stands for: the whole range, a new axis or an ellipsis.
    public func sliceItem(size: Int) -> SliceRequest {
        switch self {
        case .all: .range(start: nil, end: nil, step: 1)
        case .newAxis: .newAxis
        case .ellipsis: .ellipsis
        }
    }
}

/// An integer subscript selects one position and drops the dimension: `x[0, 1]`.
extension Int: TensorIndex {
    /// One position, dropping the dimension; negative indices count from the end.
    public func sliceItem(size: Int) -> SliceRequest { .index(self) }
}

/// A half-open range subscript, `x[1..<3]`, is Python's `x[1:3]`.
extension Range<Int>: TensorIndex {
    /// `a..<b`: positions `a` up to, not including, `b`.
    public func sliceItem(size: Int) -> SliceRequest { .range(start: lowerBound, end: upperBound, step: 1) }
}

/// A closed range subscript, `x[1...3]`, is Python's `x[1:4]`.
extension ClosedRange<Int>: TensorIndex {
    /// `a...b`: positions `a` through `b`.
    public func sliceItem(size: Int) -> SliceRequest { .range(start: lowerBound, end: upperBound + 1, step: 1) }
}

/// `x[2...]` is Python's `x[2:]`.
extension PartialRangeFrom<Int>: TensorIndex {
    /// `a...`: positions from `a` to the end.
    public func sliceItem(size: Int) -> SliceRequest { .range(start: lowerBound, end: nil, step: 1) }
}

/// `x[..<2]` is Python's `x[:2]`.
extension PartialRangeUpTo<Int>: TensorIndex {
    /// `..<b`: positions from the start up to, not including, `b`.
    public func sliceItem(size: Int) -> SliceRequest { .range(start: nil, end: upperBound, step: 1) }
}

/// `x[...2]` is Python's `x[:3]`.
extension PartialRangeThrough<Int>: TensorIndex {
    /// `...b`: positions from the start through `b`.
    public func sliceItem(size: Int) -> SliceRequest { .range(start: nil, end: upperBound + 1, step: 1) }
}

/// `x[stride(from: 0, to: 6, by: 2)]` is Python's `x[0:6:2]`.
extension StrideTo<Int>: TensorIndex {
    /// `stride(from: a, to: b, by: s)`: every `s`-th position from `a` up to `b` (`a:b:s`).
    public func sliceItem(size: Int) -> SliceRequest {
        let parts = Mirror(reflecting: self).children.map { $0.value as! Int }
        return .range(start: parts[0], end: parts[1], step: parts[2])
    }
}

/// A Python slice `start:end:step` whose bounds may be missing or negative, for indices
/// built at run time: `x[indices: [TensorRange.all, PythonSlice(start: -3)]]` is `x[:, -3:]`.
public struct PythonSlice: TensorIndex, Sendable {
    /// The first position; nil for the start of the dimension, negative counts from the end.
    public var start: Int?
    /// The position the slice stops before; nil for the end of the dimension, negative counts
    /// from the end.
    public var end: Int?
    /// The distance between positions, at least 1.
    public var step: Int

    /// The slice `start:end:step`; nil bounds mean the start or the end of the dimension.
    public init(start: Int? = nil, end: Int? = nil, step: Int = 1) {
        (self.start, self.end, self.step) = (start, end, step)
    }

    /// The range `start:end:step`.
    public func sliceItem(size: Int) -> SliceRequest { .range(start: start, end: end, step: step) }
}

extension Tensor {
    /// Basic indexing, like `x[0, 1]`, `x[1..<3, stride(from: 0, to: 6, by: 2)]`,
    /// `x[TensorRange.all, 1]`. Reading returns a view; assigning copies (with broadcasting) into it.
    public subscript(_ indices: any TensorIndex...) -> Tensor {
        get { self[indices: indices] }
        nonmutating set { self[indices: indices] = newValue }
    }

    /// Basic indexing from an array of components built at run time, the same as the
    /// variadic form: `x[indices: parts]` with `parts: [any TensorIndex]`. (Labelled so
    /// that an array literal is never mistaken for PyTorch's `x[[0, 2]]`, which picks rows.)
    public subscript(indices indices: [any TensorIndex]) -> Tensor {
        get { sliced(resolve(indices)) }
        nonmutating set { slicedView(resolve(indices)).copy(from: newValue) }
    }

    /// Turns subscript components into checked slice items, Python-style: negative
    /// indices count from the end and range bounds are clamped.
    private func resolve(_ indices: [any TensorIndex]) -> [SliceItem] {
        let consuming = indices.filter {
            switch $0.sliceItem(size: 0) {
            case .newAxis, .ellipsis: false
            default: true
            }
        }.count
        precondition(consuming <= ndim, "too many indices for tensor of dimension \(ndim) (got \(consuming))")
        var items: [SliceItem] = []
        var dim = 0
        for index in indices {
            let size = dim < ndim ? shape[dim] : 1
            switch index.sliceItem(size: size) {
            case .newAxis:
                items.append(.newAxis)
            case .ellipsis:
                for _ in 0..<(ndim - consuming) {
                    items.append(.range(start: 0, step: 1, count: shape[dim]))
                    dim += 1
                }
            case .index(let i):
                let j = i < 0 ? i + size : i
                precondition(j >= 0 && j < size, "index \(i) is out of bounds for dimension \(dim) with size \(size)")
                items.append(.index(j))
                dim += 1
            case .range(let start, let end, let step):
                precondition(step > 0, "slice step must be positive, got \(step)")
                func clamp(_ v: Int?, _ fallback: Int) -> Int {
                    guard let v else { return fallback }
                    return Swift.min(Swift.max(v < 0 ? v + size : v, 0), size)
                }
                let lo = clamp(start, 0)
                let hi = Swift.max(clamp(end, size), lo)
                items.append(.range(start: lo, step: step, count: (hi - lo + step - 1) / step))
                dim += 1
            }
        }
        return items
    }
}
