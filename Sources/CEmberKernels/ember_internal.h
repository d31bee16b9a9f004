// Shared plumbing of the kernels: instruction-set dispatch, the scalar binary operators,
// the contiguous binary kernel other files build on, and an n-dimensional strided walker.
#ifndef EMBER_INTERNAL_H
#define EMBER_INTERNAL_H

#include "ember_kernels.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#define EMBER_X86 1
#else
#define EMBER_X86 0
#endif

#define EMBER_INLINE static inline __attribute__((always_inline))
#define EMBER_AVX2 __attribute__((target("avx2,fma")))
#define EMBER_AVX512 __attribute__((target("avx512f")))

// MARK: - Dispatch

typedef enum { EMBER_ISA_GENERIC = 0, EMBER_ISA_AVX2 = 1, EMBER_ISA_AVX512 = 2 } ember_isa;

/// The best instruction set of this CPU, detected once. Building with -DEMBER_FORCE_GENERIC
/// or -DEMBER_FORCE_AVX2 caps it (used by tests to reach every variant on one machine).
ember_isa ember_cpu_isa(void);

#if EMBER_X86
#define EMBER_PICK(generic, avx2, avx512)                                                  \
    (ember_cpu_isa() == EMBER_ISA_AVX512 ? (avx512)                                        \
     : ember_cpu_isa() == EMBER_ISA_AVX2 ? (avx2)                                          \
                                         : (generic))
#else
#define EMBER_PICK(generic, avx2, avx512) (generic)
#endif

/// Defines `static type name(void)`, returning the variant for this CPU. The choice is made
/// on first use and cached; concurrent first calls all store the same pointer, so the race
/// is benign (relaxed atomics keep it well defined).
#define EMBER_DISPATCHER(name, type, generic, avx2, avx512)                                \
    static type name(void) {                                                               \
        static type cached;                                                                \
        type fn = __atomic_load_n(&cached, __ATOMIC_RELAXED);                              \
        if (!fn) {                                                                         \
            fn = EMBER_PICK(generic, avx2, avx512);                                        \
            __atomic_store_n(&cached, fn, __ATOMIC_RELAXED);                               \
        }                                                                                  \
        return fn;                                                                         \
    }

// MARK: - Binary operators

/// Scalar `a op b` for the ember_binary_op codes other than POW. MAX and MIN propagate NaN
/// from either side, like torch.maximum / torch.minimum.
EMBER_INLINE float ember_binary_scalar(int op, float a, float b) {
    switch (op) {
    case EMBER_BINARY_ADD: return a + b;
    case EMBER_BINARY_SUB: return a - b;
    case EMBER_BINARY_MUL: return a * b;
    case EMBER_BINARY_DIV: return a / b;
    case EMBER_BINARY_MAX: return (a != a || a > b) ? a : b;
    default: return (a != a || a < b) ? a : b;
    }
}

/// out[i] = A[i] op B[i] for i in [0, n), where A[i] is a[i] when a_step is 1 and a[0] when
/// it is 0 (likewise B); at least one step must be 1. Any op, POW included. `out` may alias
/// an operand read with step 1.
void ember_binary_contig(int op, const float *a, int a_step, const float *b, int b_step,
                         float *out, int64_t n);

// MARK: - Strided iteration

enum { EMBER_MAX_DIMS = 8, EMBER_MAX_OPERANDS = 3 };

/// Walks a shape as a sequence of innermost rows, tracking each operand's element offset.
/// Size-1 dimensions are dropped and dimensions that are contiguous relative to each other
/// in every operand are merged, so the inner row is as long as possible.
typedef struct {
    int ndim;                                           // >= 1 after simplification
    int nops;
    int64_t shape[EMBER_MAX_DIMS];
    int64_t strides[EMBER_MAX_OPERANDS][EMBER_MAX_DIMS];
    int64_t index[EMBER_MAX_DIMS];
    int64_t offset[EMBER_MAX_OPERANDS];                 // of the current row's first element
} ember_iter;

/// Prepares `it`; `strides[k]` may be NULL for an operand that is contiguous over `shape`.
/// ndim 0 is one element. Returns false if the shape holds no elements.
bool ember_iter_init(ember_iter *it, int ndim, const int64_t *shape, int nops,
                     const int64_t *const *strides);

/// Moves to the next row; false after the last one.
bool ember_iter_next(ember_iter *it);

/// Length of each row and the inner-dimension stride of operand k.
EMBER_INLINE int64_t ember_iter_len(const ember_iter *it) { return it->shape[it->ndim - 1]; }
EMBER_INLINE int64_t ember_iter_step(const ember_iter *it, int k) {
    return it->strides[k][it->ndim - 1];
}

#endif
