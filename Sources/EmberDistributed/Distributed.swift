import CMPI
import Foundation

/// The process group: every process that `mpirun` started, talking over MPI
/// (`torch.distributed` with one default group).
///
/// ```swift
/// try Distributed.initialize()            // init_process_group; once per process
/// defer { try? Distributed.finalize() }
/// print(Distributed.rank, Distributed.worldSize)
/// try Distributed.allReduce(tensor, op: .average)
/// ```
///
/// Nothing here runs, and no MPI call is made, until `initialize()`: a program that never
/// calls it is a single process as before. Calls come from one thread (the one that
/// initialized, MPI's `MPI_THREAD_FUNNELED`), as a training loop makes them.
///
/// Failures: the world communicator returns errors (`MPI_ERRORS_RETURN`) and every call
/// throws `DistributedError.mpi` with MPI's message. A rank that dies (a crash, a signal,
/// `exit` without `finalize`) is noticed by `mpirun`, which then terminates the other ranks
/// of the job and exits non-zero: the survivors do not hang, but they are usually killed
/// (SIGTERM, then SIGKILL) before they can report an error of their own.
public enum Distributed {
    /// Set by `initialize()`, cleared by `finalize()`; read from the initializing thread.
    nonisolated(unsafe) private static var state: GroupState?
    nonisolated(unsafe) private static var finalized = false

    struct GroupState {
        let rank: Int
        let worldSize: Int
        let localRank: Int
        let world: MPI_Comm?
    }

    /// Starts MPI and joins the world group (`init_process_group(backend="mpi")`). Throws
    /// `alreadyInitialized` on a second call. Run the program under `mpirun`; started
    /// alone it is a group of one (rank 0, world size 1).
    public static func initialize() throws(DistributedError) {
        guard state == nil, !finalized else { throw .alreadyInitialized }
        var provided: Int32 = 0
        try check(MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided), "MPI_Init_thread")
        let world = ember_mpi_comm_world()
        try check(MPI_Comm_set_errhandler(world, ember_mpi_errors_return()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0
        var size: Int32 = 0
        try check(MPI_Comm_rank(world, &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(world, &size), "MPI_Comm_size")
        let local = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_RANK"].flatMap { Int($0) }
        state = GroupState(rank: Int(rank), worldSize: Int(size), localRank: local ?? Int(rank), world: world)
    }

    /// Leaves the group and shuts MPI down (`destroy_process_group`); every rank calls it
    /// before exiting. Outstanding work must have been waited for.
    public static func finalize() throws(DistributedError) {
        guard state != nil else { throw .notInitialized }
        state = nil
        finalized = true
        try check(MPI_Finalize(), "MPI_Finalize")
    }

    /// Whether `initialize()` has run and `finalize()` has not (`is_initialized()`).
    public static var isInitialized: Bool { state != nil }

    /// This process's index in the group, 0..<worldSize (`get_rank()`); 0 when not initialized.
    public static var rank: Int { state?.rank ?? 0 }

    /// The number of processes in the group (`get_world_size()`); 1 when not initialized.
    public static var worldSize: Int { state?.worldSize ?? 1 }

    /// This process's index among the group's processes on the same machine, from
    /// `mpirun`'s `OMPI_COMM_WORLD_LOCAL_RANK` (`LOCAL_RANK` under torchrun); the rank when
    /// that is not set.
    public static var localRank: Int { state?.localRank ?? 0 }

    /// The group, or `notInitialized`.
    static func group() throws(DistributedError) -> GroupState {
        guard let state else { throw .notInitialized }
        return state
    }
}
