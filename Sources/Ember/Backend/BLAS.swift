import COpenBLAS

/// Matrix products through OpenBLAS. Transposed views are passed as BLAS transpose flags
/// with their leading dimension, so `a.t()` never costs a copy.
enum BLAS {
    /// How a 2-D (or batched) float32 operand is handed to sgemm.
    struct Operand {
        let tensor: Tensor
        let transpose: CBLAS_TRANSPOSE
        let leadingDimension: Int
    }

    /// Describes the last two dimensions of `m` for BLAS, copying only when their strides
    /// fit neither row-major nor column-major layout.
    static func operand(_ m: Tensor) -> Operand {
        let rows = m.shape[m.ndim - 2], cols = m.shape[m.ndim - 1]
        let s0 = m.strides[m.ndim - 2], s1 = m.strides[m.ndim - 1]
        if (s1 == 1 || cols == 1) && s0 >= Swift.max(1, cols) {
            return Operand(tensor: m, transpose: CblasNoTrans, leadingDimension: Swift.max(s0, 1))
        }
        if (s0 == 1 || rows == 1) && s1 >= Swift.max(1, rows) {
            return Operand(tensor: m, transpose: CblasTrans, leadingDimension: Swift.max(s1, 1))
        }
        let dense = m.contiguous()
        return Operand(tensor: dense, transpose: CblasNoTrans, leadingDimension: Swift.max(cols, 1))
    }

    /// out[M, N] = a[M, K] @ b[K, N] (+ out when `accumulate`), for one matrix each.
    static func gemm(_ a: Operand, _ b: Operand, into out: UnsafeMutablePointer<Float>,
                     m: Int, n: Int, k: Int, aOffset: Int = 0, bOffset: Int = 0, accumulate: Bool = false) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { out.update(repeating: 0, count: m * n) }
            return
        }
        cblas_sgemm(CblasRowMajor, a.transpose, b.transpose, Int32(m), Int32(n), Int32(k), 1,
                    a.tensor.floatPointer + aOffset, Int32(a.leadingDimension),
                    b.tensor.floatPointer + bOffset, Int32(b.leadingDimension),
                    accumulate ? 1 : 0, out, Int32(n))
    }
}
