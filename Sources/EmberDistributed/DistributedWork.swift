import CMPI
import Ember

/// A collective in flight (PyTorch's `Work` from `async_op=True`): its tensor holds the
/// result once `wait()` has returned.
public final class DistributedWork {
    private var request: MPI_Request?
    private let tensor: Tensor
    private let divisor: Int?
    private var finished = false

    init(request: MPI_Request?, tensor: Tensor, divisor: Int?) {
        self.request = request
        self.tensor = tensor
        self.divisor = divisor
    }

    /// Whether the collective has completed; also lets MPI advance it (`MPI_Test`). When it
    /// returns true the tensor holds the result.
    public func test() throws(DistributedError) -> Bool {
        guard !finished else { return true }
        var flag: Int32 = 0
        try check(MPI_Test(&request, &flag, nil), "MPI_Test")
        if flag != 0 { complete() }
        return finished
    }

    /// Blocks until the collective has completed (`work.wait()`).
    public func wait() throws(DistributedError) {
        guard !finished else { return }
        try check(MPI_Wait(&request, nil), "MPI_Wait")
        complete()
    }

    private func complete() {
        finished = true
        if let divisor { tensor.divideInPlace(by: divisor) }
    }
}
