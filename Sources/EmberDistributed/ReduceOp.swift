/// How `Distributed.allReduce` combines the ranks' tensors (`torch.distributed.ReduceOp`).
public enum ReduceOp: Sendable {
    /// The element-wise sum; for `.bool` tensors, the logical or.
    case sum
    /// The element-wise sum divided by the world size (`ReduceOp.AVG`); float32 only.
    case average
    /// The element-wise maximum; for `.bool` tensors, the logical or.
    case max
}
