/// `F.embedding`: rows of `weight` picked by an int64 `input` of any shape, giving
/// `input.shape + [embeddingDim]`.
///
/// The weight's gradient is dense: each picked row's output gradient is added to its row,
/// so an index that occurs several times accumulates, and the row `paddingIdx` gets none.
/// With `maxNorm`, the referenced rows of `weight` whose `normType`-norm exceeds it are
/// first rescaled in place to that norm, as PyTorch does (outside autograd).
public func embedding(
    _ input: Tensor, weight: Tensor, paddingIdx: Int? = nil, maxNorm: Float? = nil, normType: Float = 2
) -> Tensor {
    precondition(input.dtype == .int64, "embedding(): Expected tensor for argument #1 'indices' to have scalar type Long; but got \(input.dtype) instead")
    precondition(weight.ndim == 2 && weight.dtype == .float32, "embedding(): 'weight' must be a 2-D float32 tensor, got \(weight.dtype) \(weight.shape)")
    let (count, dim) = (weight.shape[0], weight.shape[1])
    let padding = paddingIdx.map { $0 < 0 ? $0 + count : $0 }
    if let padding { precondition(padding >= 0 && padding < count, "embedding(): padding_idx \(paddingIdx!) must be within num_embeddings (\(count))") }
    let indices = input.contiguous()
    let ip = indices.int64Pointer
    for i in 0..<indices.numel {
        precondition(ip[i] >= 0 && Int(ip[i]) < count, "embedding(): index \(ip[i]) is out of range for num_embeddings \(count)")
    }
    if let maxNorm { renormalizeRows(weight, indices: indices, maxNorm: maxNorm, normType: normType) }

    let table = weight.detach().contiguous()
    let out = Tensor(uninitialized: input.shape + [dim])
    let tp = table.floatPointer, op = out.floatPointer
    for i in 0..<indices.numel { (op + i * dim).update(from: tp + Int(ip[i]) * dim, count: dim) }
    return Tensor.record("EmbeddingBackward", output: out, inputs: [weight]) { g in
        let gradient = g.contiguous()
        let result = Tensor.zeros([count, dim])
        let gp = gradient.floatPointer, rp = result.floatPointer
        for i in 0..<indices.numel where Int(ip[i]) != padding {
            let row = rp + Int(ip[i]) * dim, source = gp + i * dim
            for j in 0..<dim { row[j] += source[j] }
        }
        return [result]
    }
}

/// Scales each row of `weight` that `indices` references and whose norm exceeds `maxNorm`
/// down to `maxNorm` (`torch.embedding_renorm_`: factor `maxNorm / (norm + 1e-7)`).
private func renormalizeRows(_ weight: Tensor, indices: Tensor, maxNorm: Float, normType: Float) {
    withNoGrad {
        let rows = Set((0..<indices.numel).map { Int(indices.int64Pointer[$0]) })
        for r in rows.sorted() {
            let row = weight.select(dim: 0, index: r)
            let norm = row.norm(p: normType).item()
            if norm > maxNorm { row.copy(from: row * (maxNorm / (norm + 1e-7))) }
        }
    }
}
