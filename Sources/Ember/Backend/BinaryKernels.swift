import CEmberKernels

/// Dispatch of elementwise binary kernels: dtype promotion, broadcasting, contiguous and
/// scalar fast paths, and splitting across threads. No autograd here.
enum BinaryKernels {
    /// `a op b` with NumPy broadcasting. Float32 unless both inputs are integral (then
    /// int64, except true division and pow, which produce float32 as in PyTorch). uint8
    /// with uint8 or bool gives uint8, as PyTorch promotes: computed in int64 and wrapped
    /// modulo 256, which is exact for add, sub, mul, maximum and minimum.
    static func apply(_ op: ember_binary_op, _ a: Tensor, _ b: Tensor, name: String) -> Tensor {
        let integral = !a.dtype.isFloatingPoint && !b.dtype.isFloatingPoint
        if integral && op != EMBER_BINARY_DIV && op != EMBER_BINARY_POW {
            let out = applyInt64(op, a.to(.int64), b.to(.int64), name: name)
            let bytes: Set<DType> = [.uint8, .bool]
            let narrow = (a.dtype == .uint8 || b.dtype == .uint8) && bytes.contains(a.dtype) && bytes.contains(b.dtype)
            return narrow ? out.to(.uint8) : out
        }
        let a = a.to(.float32)
        let b = b.to(.float32)
        let outShape = a.shape == b.shape ? a.shape : Shape.broadcast(a.shape, b.shape, op: name)
        let out = Tensor(uninitialized: outShape)
        let n = out.numel
        let o = out.floatPointer
        let opCode = Int32(op.rawValue)
        if a.shape == outShape && a.isContiguous && b.shape == outShape && b.isContiguous {
            let pa = a.floatPointer, pb = b.floatPointer
            parallelFor(n, grain: elementwiseGrain) { r in
                ember_binary_f32(opCode, pa + r.lowerBound, pb + r.lowerBound, o + r.lowerBound, Int64(r.count))
            }
        } else if b.numel == 1 && a.shape == outShape && a.isContiguous {
            let pa = a.floatPointer, s = b.floatPointer.pointee
            parallelFor(n, grain: elementwiseGrain) { r in
                ember_binary_tensor_scalar_f32(opCode, pa + r.lowerBound, s, o + r.lowerBound, Int64(r.count))
            }
        } else if a.numel == 1 && b.shape == outShape && b.isContiguous {
            let s = a.floatPointer.pointee, pb = b.floatPointer
            parallelFor(n, grain: elementwiseGrain) { r in
                ember_binary_scalar_tensor_f32(opCode, s, pb + r.lowerBound, o + r.lowerBound, Int64(r.count))
            }
        } else {
            strided(outShape: outShape, a, b) { shape, pa, sa, pb, sb, rowOffset in
                ember_binary_strided_f32(opCode, Int32(shape.count), shape, pa, sa, pb, sb, o + rowOffset)
            }
        }
        return out
    }

    /// `a op s` for a Swift scalar.
    static func apply(_ op: ember_binary_op, _ a: Tensor, scalar s: Float) -> Tensor {
        let a = a.to(.float32).contiguous()
        let out = Tensor(uninitialized: a.shape)
        let pa = a.floatPointer, o = out.floatPointer
        parallelFor(a.numel, grain: elementwiseGrain) { r in
            ember_binary_tensor_scalar_f32(Int32(op.rawValue), pa + r.lowerBound, s, o + r.lowerBound, Int64(r.count))
        }
        return out
    }

    /// `s op b` for a Swift scalar.
    static func apply(_ op: ember_binary_op, scalar s: Float, _ b: Tensor) -> Tensor {
        let b = b.to(.float32).contiguous()
        let out = Tensor(uninitialized: b.shape)
        let pb = b.floatPointer, o = out.floatPointer
        parallelFor(b.numel, grain: elementwiseGrain) { r in
            ember_binary_scalar_tensor_f32(Int32(op.rawValue), s, pb + r.lowerBound, o + r.lowerBound, Int64(r.count))
        }
        return out
    }

    /// Walks two float inputs broadcast to `outShape`, calling `body` with a shape, both
    /// base pointers and strides, and the output offset of that piece; splits the
    /// outermost dimension across threads when large.
    static func strided(
        outShape: [Int], _ a: Tensor, _ b: Tensor,
        _ body: ([Int64], UnsafePointer<Float>, [Int64], UnsafePointer<Float>, [Int64], Int) -> Void
    ) {
        precondition(outShape.count <= 8, "Ember kernels support at most 8 dimensions, got \(outShape)")
        let shape = outShape.isEmpty ? [1] : outShape
        let sa = (outShape.isEmpty ? [0] : Shape.broadcastStrides(shape: a.shape, strides: a.strides, to: outShape)).map { Int64($0) }
        let sb = (outShape.isEmpty ? [0] : Shape.broadcastStrides(shape: b.shape, strides: b.strides, to: outShape)).map { Int64($0) }
        let pa = UnsafePointer(a.floatPointer), pb = UnsafePointer(b.floatPointer)
        let rows = shape[0]
        let rowSize = shape.dropFirst().reduce(1, *)
        parallelFor(rows, grain: max(1, elementwiseGrain / max(rowSize, 1))) { r in
            var piece = shape.map { Int64($0) }
            piece[0] = Int64(r.count)
            body(piece, pa + r.lowerBound * Int(sa[0]), sa, pb + r.lowerBound * Int(sb[0]), sb,
                 r.lowerBound * rowSize)
        }
    }

    /// The int64 path: small and simple, for label and index arithmetic.
    private static func applyInt64(_ op: ember_binary_op, _ a: Tensor, _ b: Tensor, name: String) -> Tensor {
        let outShape = Shape.broadcast(a.shape, b.shape, op: name)
        let ea = a.expandRaw(outShape).contiguous(), eb = b.expandRaw(outShape).contiguous()
        let out = Tensor(uninitialized: outShape, dtype: .int64)
        let pa = ea.int64Pointer, pb = eb.int64Pointer, o = out.int64Pointer
        for i in 0..<out.numel {
            switch op {
            case EMBER_BINARY_ADD: o[i] = pa[i] &+ pb[i]
            case EMBER_BINARY_SUB: o[i] = pa[i] &- pb[i]
            case EMBER_BINARY_MUL: o[i] = pa[i] &* pb[i]
            case EMBER_BINARY_MAX: o[i] = Swift.max(pa[i], pb[i])
            case EMBER_BINARY_MIN: o[i] = Swift.min(pa[i], pb[i])
            default: preconditionFailure("\(name): unsupported for int64 tensors")
            }
        }
        return out
    }
}

extension Tensor {
    /// `expand` without autograd, for kernels that read broadcast inputs.
    func expandRaw(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        return aliased(shape: target, strides: Shape.broadcastStrides(shape: shape, strides: strides, to: target))
    }
}
