import CDNNL

/// Matrix products through oneDNN's `dnnl_sgemm`. Transposed views are passed as transpose
/// flags with their leading dimension, so `a.t()` never costs a copy.
///
/// oneDNN picks its AVX-512 / AVX2 kernels from the CPU at run time; the OpenBLAS build in
/// Debian 12 falls back to SSE3 kernels on CPUs newer than it knows (measured here at about
/// a fifth of oneDNN's speed), which is why GEMM goes through oneDNN.
enum GEMM {
    /// How a 2-D (or batched) float32 operand is handed to sgemm.
    struct Operand {
        let tensor: Tensor
        let transposed: Bool
        let leadingDimension: Int
    }

    /// Describes the last two dimensions of `m`, copying only when their strides fit
    /// neither row-major nor column-major layout.
    static func operand(_ m: Tensor) -> Operand {
        let rows = m.shape[m.ndim - 2], cols = m.shape[m.ndim - 1]
        let s0 = m.strides[m.ndim - 2], s1 = m.strides[m.ndim - 1]
        if (s1 == 1 || cols == 1) && s0 >= Swift.max(1, cols) {
            return Operand(tensor: m, transposed: false, leadingDimension: Swift.max(s0, 1))
        }
        if (s0 == 1 || rows == 1) && s1 >= Swift.max(1, rows) {
            return Operand(tensor: m, transposed: true, leadingDimension: Swift.max(s1, 1))
        }
        let dense = m.contiguous()
        return Operand(tensor: dense, transposed: false, leadingDimension: Swift.max(cols, 1))
    }

    /// out[M, N] = a[M, K] @ b[K, N] (+ out when `accumulate`), row-major.
    static func multiply(_ a: Operand, _ b: Operand, into out: UnsafeMutablePointer<Float>,
                         m: Int, n: Int, k: Int, aOffset: Int = 0, bOffset: Int = 0, accumulate: Bool = false) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { out.update(repeating: 0, count: m * n) }
            return
        }
        let status = dnnl_sgemm(
            a.transposed ? 84 : 78, b.transposed ? 84 : 78,  // "T" : "N"
            Int64(m), Int64(n), Int64(k), 1,
            a.tensor.floatPointer + aOffset, Int64(a.leadingDimension),
            b.tensor.floatPointer + bOffset, Int64(b.leadingDimension),
            accumulate ? 1 : 0, out, Int64(n))
        precondition(status == dnnl_success, "sgemm failed with oneDNN status \(status.rawValue) for \(m)x\(k) @ \(k)x\(n)")
    }
}
