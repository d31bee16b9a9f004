import CMPI
import Ember

extension Distributed {
    /// Combines `tensor` across all ranks with `op` and leaves the result, identical on
    /// every rank, in `tensor` itself (`all_reduce`, in place). The tensor must be
    /// contiguous and have the same shape and dtype on every rank; float32, int64 and bool
    /// (sum and max are then the logical or) are supported, average is float32 only.
    public static func allReduce(_ tensor: Tensor, op: ReduceOp = .sum) throws(DistributedError) {
        let group = try group()
        let mpiOp = op.mpiOp(for: tensor.dtype)
        requireContiguous(tensor, "allReduce")
        try tensor.withUnsafeMutableRawBytes { (bytes) throws(DistributedError) in
            try check(MPI_Allreduce(ember_mpi_in_place(), bytes.baseAddress, Int32(tensor.numel),
                                    tensor.dtype.mpiType, mpiOp, group.world), "MPI_Allreduce")
        }
        if op == .average { tensor.divideInPlace(by: group.worldSize) }
    }

    /// Starts `allReduce(tensor, op:)` without waiting for it (`all_reduce(async_op=True)`,
    /// on `MPI_Iallreduce`): `tensor` holds the result once the returned work's `wait()`
    /// returns, and must not be read or written before. MPI advances the reduction when
    /// any MPI call is made (`DistributedWork.test()` is the cheapest).
    public static func allReduceAsync(_ tensor: Tensor, op: ReduceOp = .sum) throws(DistributedError) -> DistributedWork {
        let group = try group()
        let mpiOp = op.mpiOp(for: tensor.dtype)
        requireContiguous(tensor, "allReduceAsync")
        var request: MPI_Request? = ember_mpi_request_null()
        try tensor.withUnsafeMutableRawBytes { (bytes) throws(DistributedError) in
            try check(MPI_Iallreduce(ember_mpi_in_place(), bytes.baseAddress, Int32(tensor.numel),
                                     tensor.dtype.mpiType, mpiOp, group.world, &request), "MPI_Iallreduce")
        }
        return DistributedWork(request: request, tensor: tensor,
                               divisor: op == .average ? group.worldSize : nil)
    }

    /// Overwrites `tensor` on every rank with rank `source`'s values (`broadcast(tensor, src)`).
    public static func broadcast(_ tensor: Tensor, from source: Int = 0) throws(DistributedError) {
        let group = try group()
        precondition((0..<group.worldSize).contains(source),
                     "broadcast: source rank \(source) is not in 0..<\(group.worldSize)")
        requireContiguous(tensor, "broadcast")
        try tensor.withUnsafeMutableRawBytes { (bytes) throws(DistributedError) in
            try check(MPI_Bcast(bytes.baseAddress, Int32(tensor.numel), tensor.dtype.mpiType,
                                Int32(source), group.world), "MPI_Bcast")
        }
    }

    /// Every rank's `tensor`, in rank order (`all_gather`): each rank passes a tensor of the
    /// same shape and dtype and receives `worldSize` new tensors of that shape.
    public static func allGather(_ tensor: Tensor) throws(DistributedError) -> [Tensor] {
        let group = try group()
        let input = tensor.contiguous()
        let gathered = Tensor.empty([group.worldSize] + tensor.shape, dtype: tensor.dtype)
        try input.withUnsafeMutableRawBytes { (source) throws(DistributedError) in
            try gathered.withUnsafeMutableRawBytes { (destination) throws(DistributedError) in
                try check(MPI_Allgather(source.baseAddress, Int32(input.numel), input.dtype.mpiType,
                                        destination.baseAddress, Int32(input.numel), input.dtype.mpiType,
                                        group.world), "MPI_Allgather")
            }
        }
        return (0..<group.worldSize).map { gathered[$0].clone() }
    }

    /// Waits until every rank has called `barrier()` (`barrier()`).
    public static func barrier() throws(DistributedError) {
        try check(MPI_Barrier(try group().world), "MPI_Barrier")
    }

    private static func requireContiguous(_ tensor: Tensor, _ name: String) {
        precondition(tensor.isContiguous, "\(name): the tensor of shape \(tensor.shape) must be contiguous (in place, like PyTorch's)")
    }
}

extension Tensor {
    /// `self /= n` for a float32 tensor, outside autograd.
    func divideInPlace(by n: Int) {
        var alias = self
        withNoGrad { alias /= Float(n) }
    }
}
