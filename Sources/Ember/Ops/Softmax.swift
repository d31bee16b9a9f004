import CEmberKernels

/// `softmax` and `logSoftmax` along a dimension, with fused stable kernels.
extension Tensor {
    /// Softmax along `dim` (`F.softmax`).
    public func softmax(dim: Int) -> Tensor { softmaxLike(dim: dim, log: false) }

    /// Log-softmax along `dim` (`F.log_softmax`), stable for large logits.
    public func logSoftmax(dim: Int) -> Tensor { softmaxLike(dim: dim, log: true) }

    private func softmaxLike(dim: Int, log: Bool) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: log ? "log_softmax" : "softmax")
        let x = to(.float32).contiguous()
        let shape = x.ndim == 0 ? [1] : x.shape
        let (outer, r, inner) = ReduceKernels.split(shape, dim: d)
        let out = Tensor(uninitialized: x.shape)
        let px = x.floatPointer, o = out.floatPointer
        ReduceKernels.overRows(outer: outer, rowWork: r * inner) { rows in
            ember_softmax_f32(px, Int64(rows.lowerBound), Int64(rows.upperBound), Int64(r), Int64(inner), log, o)
        }
        let y = out.detach()
        return Tensor.record(log ? "LogSoftmaxBackward" : "SoftmaxBackward", output: out, inputs: [self]) { g in
            let g = g.contiguous()
            let gx = Tensor(uninitialized: g.shape)
            let pg = g.floatPointer, py = y.floatPointer, o = gx.floatPointer
            ReduceKernels.overRows(outer: outer, rowWork: r * inner) { rows in
                ember_softmax_backward_f32(pg, py, Int64(rows.lowerBound), Int64(rows.upperBound), Int64(r),
                                           Int64(inner), log, o)
            }
            return [gx]
        }
    }
}
