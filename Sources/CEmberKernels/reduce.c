// Float32 reductions: over all elements, along one dimension of [outer, r, inner] (with
// optional argmax/argmin) and variance.
#include "ember_simd.h"

#include <math.h>
#include <string.h>

enum {
    SUM_BLOCK = 4096,     // elements summed in float before the block total goes to double
    SUM_BLOCK_ROWS = 128, // rows summed in float, likewise, when reducing along a dimension
    TILE = 512,           // columns of [r, inner] processed together when inner > 1
    SMALL_ROW = 16,       // rows shorter than this are reduced by a plain loop
    PREFETCH_AHEAD = 1024, // elements ahead of a full-tensor sum that are prefetched
};

static float reduce_identity(int op) {
    switch (op) {
    case EMBER_REDUCE_MAX: return -INFINITY;
    case EMBER_REDUCE_MIN: return INFINITY;
    case EMBER_REDUCE_PROD: return 1.0f;
    default: return 0.0f;
    }
}

/// The binary operator that folds two partial results of SUM, MAX or MIN (products take
/// their own double-precision paths).
static int reduce_binary_op(int op) {
    switch (op) {
    case EMBER_REDUCE_MAX: return EMBER_BINARY_MAX;
    case EMBER_REDUCE_MIN: return EMBER_BINARY_MIN;
    default: return EMBER_BINARY_ADD;
    }
}

static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/// Products are rare and overflow-prone: accumulated in double, in order.
static float prod_all(const float *x, int64_t n) {
    double p = 1.0;
    for (int64_t i = 0; i < n; i++) p *= x[i];
    return (float)p;
}

typedef float (*reduce_all_fn)(int op, const float *x, int64_t n);

// MARK: - Generic

static float sum_generic(const float *x, int64_t n) {
    double total = 0.0;
    for (int64_t b = 0; b < n; b += SUM_BLOCK) {
        const float *p = x + b;
        const int64_t len = min64(SUM_BLOCK, n - b);
        float acc[16] = {0};
        int64_t i = 0;
        for (; i + 16 <= len; i += 16)
            for (int l = 0; l < 16; l++) acc[l] += p[i + l];
        for (; i < len; i++) acc[i & 15] += p[i];
        float s = 0.0f;
        for (int l = 0; l < 16; l++) s += acc[l];
        total += s;
    }
    return (float)total;
}

static float reduce_all_generic(int op, const float *x, int64_t n) {
    if (op == EMBER_REDUCE_SUM) return sum_generic(x, n);
    const int bop = reduce_binary_op(op);
    float acc = reduce_identity(op);
    for (int64_t i = 0; i < n; i++) acc = ember_binary_scalar(bop, acc, x[i]);
    return acc;
}

#if EMBER_X86

// MARK: - AVX-512

static EMBER_AVX512 float sum_avx512(const float *x, int64_t n) {
    double total = 0.0;
    for (int64_t b = 0; b < n; b += SUM_BLOCK) {
        const float *p = x + b;
        const int64_t len = min64(SUM_BLOCK, n - b);
        __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        int64_t i = 0;
        for (; i + 64 <= len; i += 64) {
            // Four cache lines a step: ask for those 4 KiB ahead, which the hardware
            // prefetcher alone does not keep in flight on every core.
            for (int k = 0; k < 64; k += 16) _mm_prefetch((const char *)(p + i + PREFETCH_AHEAD + k), _MM_HINT_T0);
            s0 = _mm512_add_ps(s0, _mm512_loadu_ps(p + i));
            s1 = _mm512_add_ps(s1, _mm512_loadu_ps(p + i + 16));
            s2 = _mm512_add_ps(s2, _mm512_loadu_ps(p + i + 32));
            s3 = _mm512_add_ps(s3, _mm512_loadu_ps(p + i + 48));
        }
        for (; i < len; i += 16)
            s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(ember_tail_mask(len - i), p + i));
        total += _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
    }
    return (float)total;
}

/// Max or min; NaN is detected separately (maxps/minps would drop it) and returned.
EMBER_INLINE_AVX512 float extreme_avx512(bool is_max, const float *x, int64_t n) {
    const __m512 init = _mm512_set1_ps(is_max ? -INFINITY : INFINITY);
    __m512 a0 = init, a1 = init;
    __mmask16 nan = 0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
        nan |= _mm512_cmp_ps_mask(v0, v1, _CMP_UNORD_Q); // set if either lane is NaN
        a0 = is_max ? _mm512_max_ps(a0, v0) : _mm512_min_ps(a0, v0);
        a1 = is_max ? _mm512_max_ps(a1, v1) : _mm512_min_ps(a1, v1);
    }
    for (; i < n; i += 16) {
        __m512 v = _mm512_mask_loadu_ps(init, ember_tail_mask(n - i), x + i);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        a0 = is_max ? _mm512_max_ps(a0, v) : _mm512_min_ps(a0, v);
    }
    if (nan) return NAN;
    return is_max ? _mm512_reduce_max_ps(_mm512_max_ps(a0, a1))
                  : _mm512_reduce_min_ps(_mm512_min_ps(a0, a1));
}

static EMBER_AVX512 float reduce_all_avx512(int op, const float *x, int64_t n) {
    switch (op) {
    case EMBER_REDUCE_MAX: return extreme_avx512(true, x, n);
    case EMBER_REDUCE_MIN: return extreme_avx512(false, x, n);
    default: return sum_avx512(x, n);
    }
}

// MARK: - AVX2

static EMBER_AVX2 float sum_avx2(const float *x, int64_t n) {
    double total = 0.0;
    for (int64_t b = 0; b < n; b += SUM_BLOCK) {
        const float *p = x + b;
        const int64_t len = min64(SUM_BLOCK, n - b);
        __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        int64_t i = 0;
        for (; i + 32 <= len; i += 32) {
            s0 = _mm256_add_ps(s0, _mm256_loadu_ps(p + i));
            s1 = _mm256_add_ps(s1, _mm256_loadu_ps(p + i + 8));
            s2 = _mm256_add_ps(s2, _mm256_loadu_ps(p + i + 16));
            s3 = _mm256_add_ps(s3, _mm256_loadu_ps(p + i + 24));
        }
        for (; i + 8 <= len; i += 8) s0 = _mm256_add_ps(s0, _mm256_loadu_ps(p + i));
        float tail = 0.0f;
        for (; i < len; i++) tail += p[i];
        total += ember_hsum_avx2(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
        total += tail;
    }
    return (float)total;
}

EMBER_INLINE_AVX2 float extreme_avx2(bool is_max, const float *x, int64_t n) {
    const __m256 init = _mm256_set1_ps(is_max ? -INFINITY : INFINITY);
    __m256 a0 = init, a1 = init, nan = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(v0, v1, _CMP_UNORD_Q));
        a0 = is_max ? _mm256_max_ps(a0, v0) : _mm256_min_ps(a0, v0);
        a1 = is_max ? _mm256_max_ps(a1, v1) : _mm256_min_ps(a1, v1);
    }
    if (_mm256_movemask_ps(nan)) return NAN;
    const int bop = is_max ? EMBER_BINARY_MAX : EMBER_BINARY_MIN;
    float acc = is_max ? ember_hmax_avx2(_mm256_max_ps(a0, a1))
                       : ember_hmin_avx2(_mm256_min_ps(a0, a1));
    for (; i < n; i++) acc = ember_binary_scalar(bop, acc, x[i]);
    return acc;
}

static EMBER_AVX2 float reduce_all_avx2(int op, const float *x, int64_t n) {
    switch (op) {
    case EMBER_REDUCE_MAX: return extreme_avx2(true, x, n);
    case EMBER_REDUCE_MIN: return extreme_avx2(false, x, n);
    default: return sum_avx2(x, n);
    }
}

#endif

EMBER_DISPATCHER(reduce_all_impl, reduce_all_fn, reduce_all_generic, reduce_all_avx2,
                 reduce_all_avx512)

float ember_reduce_all_f32(int op, const float *x, int64_t n) {
    if (op == EMBER_REDUCE_PROD) return prod_all(x, n);
    if (n <= 0) return reduce_identity(op);
    return reduce_all_impl()(op, x, n);
}

// MARK: - Along a dimension

/// Calls FN with `bop` (ADD, MAX or MIN) as a literal, so that the always-inline FN compiles
/// to loops without a per-element switch.
#define WITH_LITERAL_BOP(bop, FN, ...)                                                     \
    do {                                                                                   \
        switch (bop) {                                                                     \
        case EMBER_BINARY_ADD: FN(EMBER_BINARY_ADD, __VA_ARGS__); break;                   \
        case EMBER_BINARY_MAX: FN(EMBER_BINARY_MAX, __VA_ARGS__); break;                   \
        default: FN(EMBER_BINARY_MIN, __VA_ARGS__); break;                                 \
        }                                                                                  \
    } while (0)

/// acc[i] = acc[i] bop x[k * inner + i] for k in [0, rows), i in [0, w).
EMBER_INLINE void fold_rows_scalar(int bop, float *acc, const float *x, int64_t rows,
                                   int64_t inner, int64_t w) {
    for (int64_t k = 0; k < rows; k++)
        for (int64_t i = 0; i < w; i++) acc[i] = ember_binary_scalar(bop, acc[i], x[k * inner + i]);
}

/// fold_rows_scalar, with the vector kernel row by row when rows are long enough to pay
/// for a call.
static void fold_rows(int bop, float *acc, const float *x, int64_t rows, int64_t inner,
                      int64_t w) {
    if (w < SMALL_ROW) {
        WITH_LITERAL_BOP(bop, fold_rows_scalar, acc, x, rows, inner, w);
        return;
    }
    for (int64_t k = 0; k < rows; k++) ember_binary_contig(bop, acc, 1, x + k * inner, 1, acc, w);
}

/// out[o] = fold of the contiguous row x[o * r .. o * r + r) for o in [0, count), r >= 1.
EMBER_INLINE void fold_short_rows(int bop, const float *x, int64_t count, int64_t r,
                                  float *out) {
    for (int64_t o = 0; o < count; o++) {
        const float *row = x + o * r;
        float acc = row[0];
        for (int64_t k = 1; k < r; k++) acc = ember_binary_scalar(bop, acc, row[k]);
        out[o] = acc;
    }
}

/// Column sums of the [r, w] tile x (row stride `inner`): blocks of rows are added in
/// float, the block sums in double.
static void sum_columns(const float *x, int64_t r, int64_t inner, int64_t w, float *out) {
    double total[TILE];
    float acc[TILE];
    for (int64_t i = 0; i < w; i++) total[i] = 0.0;
    for (int64_t k0 = 0; k0 < r; k0 += SUM_BLOCK_ROWS) {
        const int64_t rows = min64(r - k0, SUM_BLOCK_ROWS);
        memcpy(acc, x + k0 * inner, (size_t)w * sizeof(float));
        fold_rows(EMBER_BINARY_ADD, acc, x + (k0 + 1) * inner, rows - 1, inner, w);
        for (int64_t i = 0; i < w; i++) total[i] += acc[i];
    }
    for (int64_t i = 0; i < w; i++) out[i] = (float)total[i];
}

static void prod_columns(const float *x, int64_t r, int64_t inner, int64_t w, float *out) {
    double total[TILE];
    for (int64_t i = 0; i < w; i++) total[i] = 1.0;
    for (int64_t k = 0; k < r; k++)
        for (int64_t i = 0; i < w; i++) total[i] *= x[k * inner + i];
    for (int64_t i = 0; i < w; i++) out[i] = (float)total[i];
}

/// One outer slice [r, inner] with r >= 1 and inner > 1, in tiles of columns.
static void reduce_columns(int op, const float *x, int64_t r, int64_t inner, float *out) {
    for (int64_t i0 = 0; i0 < inner; i0 += TILE) {
        const int64_t w = min64(TILE, inner - i0);
        const float *xt = x + i0;
        float *ot = out + i0;
        if (op == EMBER_REDUCE_SUM) {
            sum_columns(xt, r, inner, w, ot);
        } else if (op == EMBER_REDUCE_PROD) {
            prod_columns(xt, r, inner, w, ot);
        } else {
            memcpy(ot, xt, (size_t)w * sizeof(float));
            fold_rows(reduce_binary_op(op), ot, xt + inner, r - 1, inner, w);
        }
    }
}

void ember_reduce_dim_f32(int op, const float *x, int64_t outer_begin, int64_t outer_end,
                          int64_t r, int64_t inner, float *out) {
    if (outer_end <= outer_begin) return;
    if (inner == 1 && r >= 1 && r < SMALL_ROW && op != EMBER_REDUCE_PROD) {
        WITH_LITERAL_BOP(reduce_binary_op(op), fold_short_rows, x + outer_begin * r,
                         outer_end - outer_begin, r, out + outer_begin);
        return;
    }
    for (int64_t o = outer_begin; o < outer_end; o++) {
        const float *xo = x + o * r * inner;
        float *oo = out + o * inner;
        if (r == 0) {
            for (int64_t i = 0; i < inner; i++) oo[i] = reduce_identity(op);
        } else if (inner > 1) {
            reduce_columns(op, xo, r, inner, oo);
        } else {
            oo[0] = ember_reduce_all_f32(op, xo, r);
        }
    }
}

/// Whether v replaces the current extreme: the first NaN wins and is never replaced;
/// ties keep the earlier index.
EMBER_INLINE bool arg_replaces(bool is_max, float v, float best) {
    return best == best && (v != v || (is_max ? v > best : v < best));
}

void ember_reduce_arg_f32(int op, const float *x, int64_t outer_begin, int64_t outer_end,
                          int64_t r, int64_t inner, float *values, int64_t *indices) {
    const bool is_max = op == EMBER_REDUCE_MAX;
    for (int64_t o = outer_begin; o < outer_end; o++) {
        const float *xo = x + o * r * inner;
        float *vo = values + o * inner;
        int64_t *io = indices + o * inner;
        if (r == 0) { // nothing to choose: identity value, index -1
            for (int64_t i = 0; i < inner; i++) {
                vo[i] = reduce_identity(op);
                io[i] = -1;
            }
            continue;
        }
        for (int64_t i0 = 0; i0 < inner; i0 += TILE) {
            const int64_t w = min64(TILE, inner - i0);
            for (int64_t i = i0; i < i0 + w; i++) {
                vo[i] = xo[i];
                io[i] = 0;
            }
            for (int64_t k = 1; k < r; k++) {
                const float *row = xo + k * inner;
                for (int64_t i = i0; i < i0 + w; i++) {
                    if (arg_replaces(is_max, row[i], vo[i])) {
                        vo[i] = row[i];
                        io[i] = k;
                    }
                }
            }
        }
    }
}

// MARK: - Variance

void ember_variance_dim_f32(const float *x, int64_t outer_begin, int64_t outer_end, int64_t r,
                            int64_t inner, float correction, float *out) {
    // PyTorch divides by max(0, r - correction); 0 gives inf or NaN, as there.
    const double divisor = fmax(0.0, (double)r - correction);
    double mean[TILE], m2[TILE];
    for (int64_t o = outer_begin; o < outer_end; o++) {
        const float *xo = x + o * r * inner;
        for (int64_t i0 = 0; i0 < inner; i0 += TILE) {
            const int64_t w = min64(TILE, inner - i0);
            const float *xt = xo + i0;
            for (int64_t i = 0; i < w; i++) mean[i] = m2[i] = 0.0;
            for (int64_t k = 0; k < r; k++)
                for (int64_t i = 0; i < w; i++) mean[i] += xt[k * inner + i];
            for (int64_t i = 0; i < w; i++) mean[i] /= (double)r;
            for (int64_t k = 0; k < r; k++) {
                for (int64_t i = 0; i < w; i++) {
                    const double d = xt[k * inner + i] - mean[i];
                    m2[i] += d * d;
                }
            }
            for (int64_t i = 0; i < w; i++) out[o * inner + i0 + i] = (float)(m2[i] / divisor);
        }
    }
}
