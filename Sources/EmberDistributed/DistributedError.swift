/// What a distributed call reports when it cannot do its job.
public enum DistributedError: Error, Equatable, CustomStringConvertible {
    /// A collective or query was called before `Distributed.initialize()` (or after `finalize()`).
    case notInitialized
    /// `Distributed.initialize()` was called twice, or after `finalize()` (MPI cannot restart).
    case alreadyInitialized
    /// An MPI call returned an error code: the call, the code and MPI's own message. A rank
    /// that died mid-collective shows up here on the survivors when MPI notices it before
    /// `mpirun` ends the job.
    case mpi(call: String, code: Int32, message: String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case .notInitialized:
            "distributed: the process group is not initialized (call Distributed.initialize() first, and run under mpirun)"
        case .alreadyInitialized:
            "distributed: the process group was already initialized; MPI can be initialized once per process"
        case .mpi(let call, let code, let message):
            "distributed: \(call) failed with MPI error \(code): \(message)"
        }
    }
}
