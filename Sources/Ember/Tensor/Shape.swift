/// Shape arithmetic shared by every op: strides, broadcasting and dimension checks.
enum Shape {
    /// Row-major strides for `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = running
            running *= max(shape[i], 1)
        }
        return strides
    }

    /// The element count of a shape read from outside (a file header), or nil when it, or
    /// any stride `contiguousStrides` would compute for it, does not fit in an `Int`. Every
    /// shape from a file passes through here before a tensor is made.
    static func checkedElementCount(_ shape: [Int]) -> Int? {
        guard shape.allSatisfy({ $0 >= 0 }) else { return nil }
        var running = 1, count = 1
        for size in shape.reversed() {
            let (stride, strideOverflow) = running.multipliedReportingOverflow(by: max(size, 1))
            let (product, countOverflow) = count.multipliedReportingOverflow(by: size)
            guard !strideOverflow, !countOverflow else { return nil }
            (running, count) = (stride, product)
        }
        return count
    }

    /// Whether `strides` describe a dense row-major layout (size-1 dims may have any stride).
    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) where shape[i] != 1 {
            if shape[i] == 0 { return true }
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// Maps a possibly negative dimension into `0..<rank`, stopping with PyTorch's message
    /// when it is out of range.
    static func normalize(_ dim: Int, rank: Int, op: String) -> Int {
        let r = max(rank, 1)
        precondition(
            dim >= -r && dim < r,
            "\(op): Dimension out of range (expected to be in range of [\(-r), \(r - 1)], but got \(dim))")
        return dim < 0 ? dim + r : dim
    }

    /// NumPy broadcasting of two shapes; stops with a message naming the op and shapes.
    static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(
                da == db || da == 1 || db == 1,
                "\(op): The size of tensor a (\(da)) must match the size of tensor b (\(db)) at non-singleton dimension \(i); shapes \(a) and \(b)")
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// Strides that read a tensor of `shape`/`strides` as if expanded to `target`
    /// (0 on broadcast dimensions).
    static func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
        let lead = target.count - shape.count
        return (0..<target.count).map { i in
            if i < lead { return 0 }
            return shape[i - lead] == 1 && target[i] != 1 ? 0 : strides[i - lead]
        }
    }

    /// Resolves a single -1 in a requested view shape.
    static func infer(_ requested: [Int], count: Int, op: String) -> [Int] {
        var shape = requested
        let unknown = requested.indices.filter { requested[$0] == -1 }
        precondition(unknown.count <= 1, "\(op): only one dimension can be inferred, got \(requested)")
        let known = requested.filter { $0 != -1 }.reduce(1, *)
        if let i = unknown.first {
            precondition(
                known != 0 && count % known == 0,
                "\(op): shape '\(requested)' is invalid for input of size \(count)")
            shape[i] = count / known
        }
        precondition(
            shape.reduce(1, *) == count && shape.allSatisfy { $0 >= 0 },
            "\(op): shape '\(requested)' is invalid for input of size \(count)")
        return shape
    }

    /// Strides for viewing (shape, strides) as `newShape` without copying, or nil when the
    /// memory layout does not allow it (PyTorch's `computeStride`).
    static func viewStrides(shape: [Int], strides: [Int], newShape: [Int]) -> [Int]? {
        let count = shape.reduce(1, *)
        if count == 0 || shape.isEmpty { return contiguousStrides(newShape) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewDim = newShape.count - 1
        var chunkBase = strides.last ?? 1
        var tensorElems = 1
        var viewElems = 1
        for dim in stride(from: shape.count - 1, through: 0, by: -1) {
            tensorElems *= shape[dim]
            if dim == 0 || (shape[dim - 1] != 1 && strides[dim - 1] != tensorElems * chunkBase) {
                while viewDim >= 0 && (viewElems < tensorElems || newShape[viewDim] == 1) {
                    newStrides[viewDim] = viewElems * chunkBase
                    viewElems *= newShape[viewDim]
                    viewDim -= 1
                }
                if viewElems != tensorElems { return nil }
                if dim > 0 {
                    chunkBase = strides[dim - 1]
                    tensorElems = 1
                    viewElems = 1
                }
            }
        }
        if viewDim != -1 { return nil }
        return newStrides
    }
}
