/// Matrix products: `mm` (2-D), `bmm` (batched 3-D) and `matmul`, which covers vectors,
/// matrices and broadcast batches like `torch.matmul`.
extension Tensor {
    /// The product of two matrices `[M, K] @ [K, N]`.
    public func mm(_ other: Tensor) -> Tensor {
        precondition(ndim == 2 && other.ndim == 2, "mm: expected 2-D tensors, got shapes \(shape) and \(other.shape)")
        precondition(
            shape[1] == other.shape[0],
            "mm: mat1 and mat2 shapes cannot be multiplied (\(shape[0])x\(shape[1]) and \(other.shape[0])x\(other.shape[1]))")
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        let out = Tensor(uninitialized: [m, n])
        GEMM.multiply(GEMM.operand(to(.float32)), GEMM.operand(other.to(.float32)), into: out.floatPointer, m: m, n: n, k: k)
        let (needA, needB) = (requiresGrad, other.requiresGrad)
        let (a, b) = (needB ? detach() : nil, needA ? other.detach() : nil)
        return Tensor.record("MmBackward", output: out, inputs: [self, other]) { g in
            [b.map { g.mm($0.t()) }, a.map { $0.t().mm(g) }]
        }
    }

    /// Batched product `[B, M, K] @ [B, K, N]`.
    public func bmm(_ other: Tensor) -> Tensor {
        precondition(ndim == 3 && other.ndim == 3, "bmm: expected 3-D tensors, got shapes \(shape) and \(other.shape)")
        precondition(
            shape[0] == other.shape[0] && shape[2] == other.shape[1],
            "bmm: batch1 and batch2 shapes cannot be multiplied: \(shape) and \(other.shape)")
        let (batch, m, k, n) = (shape[0], shape[1], shape[2], other.shape[2])
        let out = Tensor(uninitialized: [batch, m, n])
        let a = GEMM.operand(to(.float32)), b = GEMM.operand(other.to(.float32))
        let (strideA, strideB) = (a.tensor.strides[0], b.tensor.strides[0])
        for i in 0..<batch {
            GEMM.multiply(a, b, into: out.floatPointer + i * m * n, m: m, n: n, k: k,
                      aOffset: i * strideA, bOffset: i * strideB)
        }
        let (needA, needB) = (requiresGrad, other.requiresGrad)
        let (sa, sb) = (needB ? detach() : nil, needA ? other.detach() : nil)
        return Tensor.record("BmmBackward", output: out, inputs: [self, other]) { g in
            [sb.map { g.bmm($0.transpose(1, 2)) }, sa.map { $0.transpose(1, 2).bmm(g) }]
        }
    }

    /// The matrix product with PyTorch's rules: dot for two vectors, matrix–vector,
    /// matrix–matrix, and batched with broadcast batch dimensions.
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(ndim >= 1 && other.ndim >= 1, "matmul: both arguments need at least 1 dimension, got shapes \(shape) and \(other.shape)")
        switch (ndim, other.ndim) {
        case (1, 1):
            precondition(shape[0] == other.shape[0], "matmul: inconsistent tensor size, expected tensor [\(shape[0])] and src [\(other.shape[0])] to have the same number of elements")
            return unsqueeze(0).mm(other.unsqueeze(1)).reshape([])
        case (2, 1):
            return mm(other.unsqueeze(1)).squeeze(dim: 1)
        case (1, 2):
            return unsqueeze(0).mm(other).squeeze(dim: 0)
        case (2, 2):
            return mm(other)
        case (_, 2) where ndim > 2:
            // Fold the batch into the rows: one large GEMM instead of many small ones.
            let k = shape[ndim - 1]
            precondition(k == other.shape[0], "matmul: shapes \(shape) and \(other.shape) cannot be multiplied")
            return reshape([-1, k]).mm(other).reshape(Array(shape.dropLast()) + [other.shape[1]])
        default:
            let a = ndim == 1 ? unsqueeze(0) : self
            let b = other.ndim == 1 ? other.unsqueeze(1) : other
            let (m, k) = (a.shape[a.ndim - 2], a.shape[a.ndim - 1])
            let (k2, n) = (b.shape[b.ndim - 2], b.shape[b.ndim - 1])
            precondition(k == k2, "matmul: shapes \(shape) and \(other.shape) cannot be multiplied (\(k) != \(k2))")
            let batch = Shape.broadcast(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
            let a3 = a.expand(batch + [m, k]).reshape([-1, m, k])
            let b3 = b.expand(batch + [k, n]).reshape([-1, k, n])
            var out = a3.bmm(b3).reshape(batch + [m, n])
            if ndim == 1 { out = out.squeeze(dim: -2) }
            if other.ndim == 1 { out = out.squeeze(dim: -1) }
            return out
        }
    }
}
