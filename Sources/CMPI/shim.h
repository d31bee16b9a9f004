#ifndef EMBER_CMPI_SHIM_H
#define EMBER_CMPI_SHIM_H
#include <mpi.h>

// Open MPI's predefined handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are macros that
// take the address of library globals; Swift imports no such macro, so these return them.
static inline MPI_Comm ember_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Errhandler ember_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Datatype ember_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype ember_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype ember_mpi_bool(void) { return MPI_C_BOOL; }
static inline MPI_Datatype ember_mpi_uint8(void) { return MPI_UINT8_T; }
static inline MPI_Op ember_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op ember_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op ember_mpi_lor(void) { return MPI_LOR; }
static inline void *ember_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Request ember_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *ember_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
#endif
