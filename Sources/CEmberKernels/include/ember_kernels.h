// Hot loops of Ember's CPU backend. Every function works on one thread over the range it
// is given; the Swift side splits large work across its thread pool. Each file picks an
// AVX-512 / AVX2+FMA / generic variant once, at first use, with __builtin_cpu_supports.
#ifndef EMBER_KERNELS_H
#define EMBER_KERNELS_H

#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Elementwise binary (float32)

typedef enum {
    EMBER_BINARY_ADD = 0,
    EMBER_BINARY_SUB = 1,
    EMBER_BINARY_MUL = 2,
    EMBER_BINARY_DIV = 3,
    EMBER_BINARY_POW = 4,
    EMBER_BINARY_MAX = 5,
    EMBER_BINARY_MIN = 6,
} ember_binary_op;

/// out[i] = a[i] op b[i] for i in [0, n). `out` may alias `a` or `b`.
void ember_binary_f32(int op, const float *a, const float *b, float *out, int64_t n);
/// out[i] = a[i] op s. `out` may alias `a`.
void ember_binary_tensor_scalar_f32(int op, const float *a, float s, float *out, int64_t n);
/// out[i] = s op b[i]. `out` may alias `b`.
void ember_binary_scalar_tensor_f32(int op, float s, const float *b, float *out, int64_t n);
/// Broadcasting form: `out` is contiguous with `shape` (ndim <= 8, ndim >= 1); `a` and `b`
/// are read through element strides (0 on broadcast dimensions).
void ember_binary_strided_f32(int op, int ndim, const int64_t *shape,
                              const float *a, const int64_t *a_strides,
                              const float *b, const int64_t *b_strides, float *out);

// MARK: - Comparisons (float32 in, bool bytes out)

typedef enum {
    EMBER_CMP_EQ = 0,
    EMBER_CMP_NE = 1,
    EMBER_CMP_LT = 2,
    EMBER_CMP_LE = 3,
    EMBER_CMP_GT = 4,
    EMBER_CMP_GE = 5,
} ember_compare_op;

/// out[idx] = a op b (1 or 0) over a broadcast shape; strides as in ember_binary_strided_f32.
void ember_compare_strided_f32(int op, int ndim, const int64_t *shape,
                               const float *a, const int64_t *a_strides,
                               const float *b, const int64_t *b_strides, uint8_t *out);

// MARK: - Elementwise unary (float32)

typedef enum {
    EMBER_UNARY_NEG = 0,
    EMBER_UNARY_ABS = 1,
    EMBER_UNARY_EXP = 2,
    EMBER_UNARY_LOG = 3,
    EMBER_UNARY_SQRT = 4,
    EMBER_UNARY_RSQRT = 5,
    EMBER_UNARY_SIN = 6,
    EMBER_UNARY_COS = 7,
    EMBER_UNARY_SIGN = 8,
    EMBER_UNARY_RELU = 9,
    EMBER_UNARY_SIGMOID = 10,
    EMBER_UNARY_TANH = 11,
    EMBER_UNARY_GELU = 12,       // exact: x * 0.5 * (1 + erf(x / sqrt(2)))
    EMBER_UNARY_GELU_TANH = 13,  // tanh approximation, as PyTorch's approximate="tanh"
    EMBER_UNARY_LEAKY_RELU = 14, // p0 = negative slope
    EMBER_UNARY_SOFTPLUS = 15,   // p0 = beta, p1 = threshold: x if beta*x > threshold
    EMBER_UNARY_CLAMP = 16,      // p0 = min, p1 = max (use -INFINITY / INFINITY for none)
    EMBER_UNARY_SQUARE = 17,
    EMBER_UNARY_RECIPROCAL = 18,
    EMBER_UNARY_HARDTANH = 19,   // p0 = min, p1 = max: clamp with hardtanh's gradient rule
} ember_unary_op;

/// out[i] = op(x[i]; p0, p1). `out` may alias `x`.
void ember_unary_f32(int op, const float *x, float *out, int64_t n, float p0, float p1);

/// Fused backward of a unary op: out[i] = grad[i] * op'(x[i]) where the derivative may use
/// the forward input `x` and/or the forward output `y` (either may be NULL when the op
/// does not need it, as documented per op):
///   RELU: x or y     SIGMOID: y        TANH: y          GELU, GELU_TANH: x
///   LEAKY_RELU: x    SOFTPLUS: x       CLAMP: x, HARDTANH: x or y (gradient only
///   strictly inside (p0, p1), as PyTorch 2.15: 0 at either bound; for NaN, CLAMP gives 0
///   and HARDTANH passes the gradient; an infinite bound means no bound)
///   EXP: y           LOG: x            SQRT: y          RSQRT: y
///   SIN: x           COS: x            ABS: x           SQUARE: x    RECIPROCAL: y
/// `out` may alias `grad`.
void ember_unary_backward_f32(int op, const float *grad, const float *x, const float *y,
                              float *out, int64_t n, float p0, float p1);

// MARK: - Reductions (float32)

typedef enum {
    EMBER_REDUCE_SUM = 0,
    EMBER_REDUCE_MAX = 1,
    EMBER_REDUCE_MIN = 2,
    EMBER_REDUCE_PROD = 3,
} ember_reduce_op;

/// Reduction of all n contiguous elements. Sums accumulate in blocks (pairwise-like) so
/// that 16M-element sums stay accurate to float32 rounding; result returned as float.
float ember_reduce_all_f32(int op, const float *x, int64_t n);

/// x viewed as contiguous [outer, r, inner]; out[o * inner + i] = reduce over k of
/// x[(o * r + k) * inner + i]. Rows [outer_begin, outer_end) only.
void ember_reduce_dim_f32(int op, const float *x, int64_t outer_begin, int64_t outer_end,
                          int64_t r, int64_t inner, float *out);

/// Like ember_reduce_dim_f32 for MAX or MIN, also writing the index k of the first
/// extreme value (PyTorch returns the first occurrence; NaN counts as the extreme).
void ember_reduce_arg_f32(int op, const float *x, int64_t outer_begin, int64_t outer_end,
                          int64_t r, int64_t inner, float *values, int64_t *indices);

/// Variance over the middle axis of [outer, r, inner] with `correction` (1 = unbiased),
/// two-pass (mean first) for accuracy. Rows [outer_begin, outer_end).
void ember_variance_dim_f32(const float *x, int64_t outer_begin, int64_t outer_end,
                            int64_t r, int64_t inner, float correction, float *out);

/// Softmax (log_softmax when `log`) over the middle axis of [outer, r, inner], max
/// subtracted for stability. Rows [outer_begin, outer_end). `out` may not alias `x`.
void ember_softmax_f32(const float *x, int64_t outer_begin, int64_t outer_end,
                       int64_t r, int64_t inner, bool log, float *out);

/// Backward of ember_softmax_f32 given its output y and the upstream gradient g:
///   softmax:     gx = y * (g - sum_k(g * y))
///   log_softmax: gx = g - exp(y) * sum_k(g)
void ember_softmax_backward_f32(const float *g, const float *y, int64_t outer_begin,
                                int64_t outer_end, int64_t r, int64_t inner, bool log,
                                float *out);

// MARK: - Memory

/// Gathers a strided view into contiguous `dst`, elements of `elem_size` bytes (1, 4 or 8);
/// strides in elements; ndim in [0, 8] (0 = one element).
void ember_copy_strided(int elem_size, int ndim, const int64_t *shape, const void *src,
                        const int64_t *src_strides, void *dst);

/// Scatters contiguous `src` into a strided view `dst` (the reverse of ember_copy_strided).
void ember_copy_to_strided(int elem_size, int ndim, const int64_t *shape, const void *src,
                           void *dst, const int64_t *dst_strides);

/// dst[i] = value for i in [0, n).
void ember_fill_f32(float *dst, float value, int64_t n);

/// Casts between dtypes: code 0 = float32, 1 = int64, 2 = bool (a byte, 0/1), 3 = uint8.
/// float -> int64 truncates toward zero; float and int64 -> uint8 go through int64 and
/// wrap modulo 256; anything -> bool is (x != 0).
void ember_cast(int src_code, const void *src, int dst_code, void *dst, int64_t n);

/// y[i] += alpha * x[i] (used for gradient accumulation and optimizer updates).
void ember_axpy_f32(float alpha, const float *x, float *y, int64_t n);

#ifdef __cplusplus
}
#endif

// The kernels of layers, losses and optimizers, one header per family.
/// Lets glibc serve allocations below `mmap_threshold` bytes from its heaps and keep up to
/// `trim_threshold` bytes of free heap, instead of mapping and unmapping each large block
/// (no effect without glibc).
void ember_keep_large_blocks_in_heap(int64_t mmap_threshold, int64_t trim_threshold);

#include "ember_batchnorm.h"
#include "ember_optim.h"
#include "ember_loss.h"
#include "ember_pooling.h"
#include "ember_resample.h"
#include "ember_winograd.h"

#endif
