import CMPI
import Ember

/// Turns an MPI return code into a `DistributedError` naming the call. The communicator
/// uses `MPI_ERRORS_RETURN`, so failures come back here instead of aborting the process.
func check(_ code: Int32, _ call: String) throws(DistributedError) {
    guard code != MPI_SUCCESS else { return }
    var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
    var length: Int32 = 0
    MPI_Error_string(code, &buffer, &length)
    let message = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw .mpi(call: call, code: code, message: message)
}

extension DType {
    /// The MPI datatype of one element.
    var mpiType: MPI_Datatype {
        switch self {
        case .float32: ember_mpi_float()
        case .int64: ember_mpi_int64()
        case .bool: ember_mpi_bool()
        case .uint8: ember_mpi_uint8()
        }
    }
}

extension ReduceOp {
    /// The MPI operation that carries this reduction for `dtype` (average is a sum, divided
    /// afterwards).
    func mpiOp(for dtype: DType) -> MPI_Op {
        precondition(self != .average || dtype == .float32,
                     "allReduce: average needs a float32 tensor, got \(dtype)")
        if dtype == .bool { return ember_mpi_lor() }
        return self == .max ? ember_mpi_max() : ember_mpi_sum()
    }
}
