/// Index-driven ops: `gather`, `scatter`, `scatterAdd`, `indexSelect`, `indexAdd`,
/// `maskedFill`, `where`. Index tensors are int64; masks are bool.
extension Tensor {
    /// Visits every position of a contiguous int64 index tensor in row-major order,
    /// handing `body` the position's flat offset, the flat offset into a contiguous tensor
    /// of `targetShape` at the same coordinates but with `dim` replaced by the index value,
    /// and the coordinates themselves.
    private static func forEachIndexed(
        indexShape: [Int], dim: Int, targetShape: [Int], index: UnsafeMutablePointer<Int64>,
        op: String, _ body: (_ indexOffset: Int, _ targetOffset: Int, _ coordinates: [Int]) -> Void
    ) {
        let rank = indexShape.count
        let targetStrides = Shape.contiguousStrides(targetShape)
        let count = indexShape.reduce(1, *)
        var coordinates = [Int](repeating: 0, count: rank)
        for flat in 0..<count {
            let value = Int(index[flat])
            precondition(
                value >= 0 && value < targetShape[dim],
                "\(op): index \(value) is out of bounds for dimension \(dim) with size \(targetShape[dim])")
            var target = 0
            for axis in 0..<rank { target += (axis == dim ? value : coordinates[axis]) * targetStrides[axis] }
            body(flat, target, coordinates)
            var axis = rank - 1
            while axis >= 0 {
                coordinates[axis] += 1
                if coordinates[axis] < indexShape[axis] { break }
                coordinates[axis] = 0
                axis -= 1
            }
        }
    }

    private func checkIndex(_ index: Tensor, dim: Int, op: String) {
        precondition(index.dtype == .int64, "\(op)(): Expected dtype int64 for index, got \(index.dtype)")
        precondition(index.ndim == ndim, "\(op)(): Index tensor must have the same number of dimensions as input tensor (\(index.shape) vs \(shape))")
        for axis in 0..<ndim where axis != dim {
            precondition(index.shape[axis] <= shape[axis], "\(op)(): Size does not match at dimension \(axis): index \(index.shape) vs input \(shape)")
        }
    }

    /// Values along `dim` picked by `index` (`torch.gather`): out[i][j] = self[i][index[i][j]].
    public func gather(dim: Int, index: Tensor) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "gather")
        checkIndex(index, dim: d, op: "gather")
        let source = to(.float32).contiguous(), idx = index.contiguous()
        let out = Tensor(uninitialized: index.shape)
        let ps = source.floatPointer, po = out.floatPointer
        Tensor.forEachIndexed(indexShape: index.shape, dim: d, targetShape: shape, index: idx.int64Pointer, op: "gather") { outOffset, sourceOffset, _ in
            po[outOffset] = ps[sourceOffset]
        }
        let inputShape = shape
        return Tensor.record("GatherBackward", output: out, inputs: [self]) { g in
            [Tensor.zeros(inputShape).scatterAdd(dim: d, index: idx, src: g)]
        }
    }

    /// A copy with `src` values written at `index` along `dim` (`torch.scatter`).
    public func scatter(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        scatterLike(dim: dim, index: index, src: src, accumulate: false)
    }

    /// A copy with `value` written at `index` along `dim` (`torch.scatter(x, dim, index, value)`);
    /// the overwritten positions get no gradient.
    public func scatter(dim: Int, index: Tensor, value: Float) -> Tensor {
        scatterLike(dim: dim, index: index, src: Tensor.full(index.shape, value), accumulate: false)
    }

    /// A copy with `src` values added at `index` along `dim` (`torch.scatter_add`).
    public func scatterAdd(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        scatterLike(dim: dim, index: index, src: src, accumulate: true)
    }

    private func scatterLike(dim: Int, index: Tensor, src: Tensor, accumulate: Bool) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "scatter")
        checkIndex(index, dim: d, op: "scatter")
        let out = to(.float32).clone().detach()
        let values = src.to(.float32).contiguous(), idx = index.contiguous()
        precondition(values.ndim == ndim, "scatter(): src must have the same number of dimensions as self")
        let valueShape = values.shape
        let po = out.floatPointer, pv = values.floatPointer
        let valueStrides = Shape.contiguousStrides(valueShape)
        Tensor.forEachIndexed(indexShape: index.shape, dim: d, targetShape: shape, index: idx.int64Pointer, op: "scatter") {
            _, targetOffset, coordinates in
            // src may be larger than index; read it at the index position's coordinates.
            let sourceOffset = zip(coordinates, valueStrides).reduce(0) { $0 + $1.0 * $1.1 }
            if accumulate { po[targetOffset] += pv[sourceOffset] } else { po[targetOffset] = pv[sourceOffset] }
        }
        let srcShape = src.shape
        return Tensor.record(accumulate ? "ScatterAddBackward" : "ScatterBackward", output: out, inputs: [self, src]) { g in
            let gradSelf = accumulate ? g : g.scatter(dim: d, index: idx, src: Tensor.zeros(idx.shape))
            let picked = g.gather(dim: d, index: idx)
            let gradSrc = picked.shape == srcShape ? picked
                : Tensor.zeros(srcShape).narrowing(to: picked.shape, from: picked)
            return [gradSelf, gradSrc]
        }
    }

    /// Zeros of this shape with `values` written into the leading corner of the given shape.
    private func narrowing(to cornerShape: [Int], from values: Tensor) -> Tensor {
        let corner = slicedView(cornerShape.map { .range(start: 0, step: 1, count: $0) })
        corner.copy(from: values)
        return self
    }

    /// Rows (or slices along `dim`) picked by a 1-D int64 index (`torch.index_select`).
    public func indexSelect(dim: Int, index: Tensor) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "index_select")
        precondition(index.ndim <= 1 && index.dtype == .int64, "index_select(): Index is supposed to be a vector of int64, got \(index.dtype) \(index.shape)")
        let idx = index.reshape([-1]).contiguous()
        let indices = (0..<idx.numel).map { Int(idx.int64Pointer[$0]) }
        for i in indices {
            precondition(i >= 0 && i < shape[d], "index_select(): index \(i) out of range for dimension \(d) of size \(shape[d])")
        }
        var outShape = shape
        outShape[d] = indices.count
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        for (position, i) in indices.enumerated() {
            out.narrowRaw(dim: d, start: position, length: 1).copyRawConverting(from: narrowRaw(dim: d, start: i, length: 1))
        }
        let inputShape = shape
        return Tensor.record("IndexSelectBackward", output: out, inputs: [self]) { g in
            [Tensor.zeros(inputShape).indexAdd(dim: d, index: idx, source: g)]
        }
    }

    /// A copy with `source` slices added at `index` along `dim` (`torch.index_add`).
    public func indexAdd(dim: Int, index: Tensor, source: Tensor) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "index_add")
        let idx = index.reshape([-1]).contiguous()
        precondition(source.shape[d] == idx.numel, "index_add(): source has \(source.shape[d]) slices along dim \(d), index has \(idx.numel)")
        let out = clone().detach()
        let values = source.detach()
        for position in 0..<idx.numel {
            let i = Int(idx.int64Pointer[position])
            precondition(i >= 0 && i < shape[d], "index_add(): index \(i) out of range for dimension \(d) of size \(shape[d])")
            let target = out.narrowRaw(dim: d, start: i, length: 1)
            target.copyRawConverting(from: target + values.narrowRaw(dim: d, start: position, length: 1))
        }
        return Tensor.record("IndexAddBackward", output: out, inputs: [self, source]) { g in
            [g, g.indexSelect(dim: d, index: idx)]
        }
    }

    /// A copy with `value` where `mask` is true; the mask broadcasts (`masked_fill`).
    public func maskedFill(_ mask: Tensor, _ value: Float) -> Tensor {
        precondition(mask.dtype == .bool, "masked_fill only supports boolean masks, but got mask with dtype \(mask.dtype)")
        return Tensor.where(mask, Tensor(value).to(dtype), self).sumToShapeIfBroadcast(shape)
    }

    /// A copy with `value` where `mask` is true (`x.masked_fill(mask, value=v)`).
    public func maskedFill(_ mask: Tensor, value: Float) -> Tensor { maskedFill(mask, value) }

    /// `a` where `condition` is true, the scalar `b` elsewhere (`torch.where(c, a, 0.0)`);
    /// the result keeps `a`'s dtype.
    public static func `where`<S: BinaryFloatingPoint>(_ condition: Tensor, _ a: Tensor, _ b: S) -> Tensor {
        `where`(condition, a, Tensor(Float(b)).to(a.dtype))
    }

    /// The scalar `a` where `condition` is true, `b` elsewhere; the result keeps `b`'s dtype.
    public static func `where`<S: BinaryFloatingPoint>(_ condition: Tensor, _ a: S, _ b: Tensor) -> Tensor {
        `where`(condition, Tensor(Float(a)).to(b.dtype), b)
    }

    /// One of two scalars per element of `condition`, as float32.
    public static func `where`<S: BinaryFloatingPoint>(_ condition: Tensor, _ a: S, _ b: S) -> Tensor {
        `where`(condition, Tensor(Float(a)), Tensor(Float(b)))
    }

    /// Elements of `a` where `condition` is true, of `b` elsewhere, with broadcasting
    /// (`torch.where`).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(condition.dtype == .bool, "where expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype)")
        let outShape = Shape.broadcast(Shape.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let dtype: DType = a.dtype == .float32 || b.dtype == .float32 ? .float32 : a.dtype
        let c = condition.expandRaw(outShape).contiguous()
        let x = a.to(dtype).expandRaw(outShape).contiguous(), y = b.to(dtype).expandRaw(outShape).contiguous()
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        let pc = c.boolPointer, size = dtype.itemSize
        let px = x.impl.baseAddress, py = y.impl.baseAddress, po = out.impl.baseAddress
        for i in 0..<out.numel {
            (po + i * size).copyMemory(from: (pc[i] != 0 ? px : py) + i * size, byteCount: size)
        }
        let (sa, sb) = (a.shape, b.shape)
        return record("WhereBackward", output: out, inputs: [a, b]) { g in
            let zero = Tensor.zerosLike(g)
            return [Tensor.where(c, g, zero).sumToShape(sa), Tensor.where(c, zero, g).sumToShape(sb)]
        }
    }

    /// `maskedFill` keeps the input's shape: a mask may not broadcast the input itself.
    private func sumToShapeIfBroadcast(_ target: [Int]) -> Tensor {
        precondition(shape == target, "masked_fill: the mask's shape must broadcast to the input's shape \(target), got an output of shape \(shape)")
        return self
    }
}
