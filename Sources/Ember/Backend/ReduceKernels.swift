import CEmberKernels

/// Dispatch of reduction kernels over contiguous float32 data viewed as
/// [outer, reduced, inner].
enum ReduceKernels {
    /// Reduces all elements to one value, in per-thread partials when large.
    static func all(_ op: ember_reduce_op, _ x: Tensor) -> Float {
        let x = x.to(.float32).contiguous()
        let n = x.numel
        let p = x.floatPointer
        let threads = n >= 1 << 18 ? Threading.numThreads : 1
        if threads == 1 { return ember_reduce_all_f32(Int32(op.rawValue), p, Int64(n)) }
        let chunk = (n + threads - 1) / threads
        let partials = UnsafeMutableBufferPointer<Float>.allocate(capacity: threads)
        defer { partials.deallocate() }
        parallelChunks(threads) { t in
            let start = t * chunk
            let count = max(0, min(chunk, n - start))
            partials[t] = ember_reduce_all_f32(Int32(op.rawValue), p + start, Int64(count))
        }
        return ember_reduce_all_f32(Int32(op.rawValue), partials.baseAddress!, Int64(threads))
    }

    /// The [outer, reduced, inner] factorisation of `shape` around `dim`.
    static func split(_ shape: [Int], dim: Int) -> (outer: Int, r: Int, inner: Int) {
        (shape[..<dim].reduce(1, *), shape[dim], shape[(dim + 1)...].reduce(1, *))
    }

    /// Shape after reducing `dim` (kept as size 1 when `keepDim`).
    static func reducedShape(_ shape: [Int], dim: Int, keepDim: Bool) -> [Int] {
        var out = shape
        if keepDim { out[dim] = 1 } else { out.remove(at: dim) }
        return out
    }

    /// Runs `body(outerRange)` split across threads by outer rows.
    static func overRows(outer: Int, rowWork: Int, _ body: (Range<Int>) -> Void) {
        parallelFor(outer, grain: max(1, elementwiseGrain / max(rowWork, 1)), body)
    }

    /// Reduces dimension `dim`.
    static func dim(_ op: ember_reduce_op, _ x: Tensor, dim: Int, keepDim: Bool) -> Tensor {
        let x = x.to(.float32).contiguous()
        let (outer, r, inner) = split(x.shape, dim: dim)
        let out = Tensor(uninitialized: reducedShape(x.shape, dim: dim, keepDim: keepDim))
        let p = x.floatPointer, o = out.floatPointer
        overRows(outer: outer, rowWork: r * inner) { rows in
            ember_reduce_dim_f32(Int32(op.rawValue), p, Int64(rows.lowerBound), Int64(rows.upperBound),
                                 Int64(r), Int64(inner), o)
        }
        return out
    }

    /// Max or min along `dim` with the index of the first extreme.
    static func arg(_ op: ember_reduce_op, _ x: Tensor, dim: Int, keepDim: Bool) -> (Tensor, Tensor) {
        let x = x.to(.float32).contiguous()
        let (outer, r, inner) = split(x.shape, dim: dim)
        precondition(r > 0, "max/min: cannot reduce over a zero-size dimension \(dim) of shape \(x.shape)")
        let shape = reducedShape(x.shape, dim: dim, keepDim: keepDim)
        let values = Tensor(uninitialized: shape), indices = Tensor(uninitialized: shape, dtype: .int64)
        let p = x.floatPointer, v = values.floatPointer, ix = indices.int64Pointer
        overRows(outer: outer, rowWork: r * inner) { rows in
            ember_reduce_arg_f32(Int32(op.rawValue), p, Int64(rows.lowerBound), Int64(rows.upperBound),
                                 Int64(r), Int64(inner), v, ix)
        }
        return (values, indices)
    }

    /// Variance along `dim` with Bessel-style `correction`.
    static func variance(_ x: Tensor, dim: Int, correction: Int, keepDim: Bool) -> Tensor {
        let x = x.contiguous()
        let (outer, r, inner) = split(x.shape, dim: dim)
        let out = Tensor(uninitialized: reducedShape(x.shape, dim: dim, keepDim: keepDim))
        let p = x.floatPointer, o = out.floatPointer
        overRows(outer: outer, rowWork: r * inner) { rows in
            ember_variance_dim_f32(p, Int64(rows.lowerBound), Int64(rows.upperBound), Int64(r), Int64(inner),
                                   Float(correction), o)
        }
        return out
    }
}

extension ReduceKernels {
    /// For each element, the product of the other elements of its slice along `dim`
    /// (prefix product times suffix product): the gradient of `prod` without a division.
    static func exclusiveProducts(_ x: Tensor, dim: Int) -> Tensor {
        let x = x.to(.float32).contiguous()
        let (outer, r, inner) = split(x.shape, dim: dim)
        let out = Tensor(uninitialized: x.shape)
        let p = x.floatPointer, o = out.floatPointer
        overRows(outer: outer, rowWork: r * inner) { rows in
            for row in rows {
                let base = row * r * inner
                for column in 0..<inner {
                    var before: Float = 1
                    for k in 0..<r {
                        o[base + k * inner + column] = before
                        before *= p[base + k * inner + column]
                    }
                    var after: Float = 1
                    for k in stride(from: r - 1, through: 0, by: -1) {
                        o[base + k * inner + column] *= after
                        after *= p[base + k * inner + column]
                    }
                }
            }
        }
        return out
    }
}
