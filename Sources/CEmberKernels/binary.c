// Elementwise float32 binary operators (contiguous, scalar-broadcast and strided forms) and
// axpy.
#include "ember_simd.h"

#include <math.h>

// Each variant's loop body is written once as an always-inline function of (op, a_step,
// b_step); EMBER_BINARY_SPECIALISE instantiates it with those as literals, so every case
// compiles to a loop without branches on the op or the steps.
#define EMBER_BINARY_STEPS(BODY, OP)                                                       \
    do {                                                                                   \
        if (a_step && b_step) BODY(OP, a, 1, b, 1, out, n);                                \
        else if (a_step) BODY(OP, a, 1, b, 0, out, n);                                     \
        else BODY(OP, a, 0, b, 1, out, n);                                                 \
    } while (0)

#define EMBER_BINARY_SPECIALISE(BODY)                                                      \
    switch (op) {                                                                          \
    case EMBER_BINARY_ADD: EMBER_BINARY_STEPS(BODY, EMBER_BINARY_ADD); break;              \
    case EMBER_BINARY_SUB: EMBER_BINARY_STEPS(BODY, EMBER_BINARY_SUB); break;              \
    case EMBER_BINARY_MUL: EMBER_BINARY_STEPS(BODY, EMBER_BINARY_MUL); break;              \
    case EMBER_BINARY_DIV: EMBER_BINARY_STEPS(BODY, EMBER_BINARY_DIV); break;              \
    case EMBER_BINARY_MAX: EMBER_BINARY_STEPS(BODY, EMBER_BINARY_MAX); break;              \
    case EMBER_BINARY_MIN: EMBER_BINARY_STEPS(BODY, EMBER_BINARY_MIN); break;              \
    default: break;                                                                        \
    }

typedef void (*binary_fn)(int op, const float *a, int a_step, const float *b, int b_step,
                          float *out, int64_t n);

// MARK: - Generic

EMBER_INLINE void binary_body_generic(int op, const float *a, int a_step, const float *b,
                                      int b_step, float *out, int64_t n) {
    // Broadcast operands are read once, so a store to `out` cannot be assumed to change them.
    const float ka = a[0], kb = b[0];
    for (int64_t i = 0; i < n; i++)
        out[i] = ember_binary_scalar(op, a_step ? a[i] : ka, b_step ? b[i] : kb);
}

static void binary_generic(int op, const float *a, int a_step, const float *b, int b_step,
                           float *out, int64_t n) {
    EMBER_BINARY_SPECIALISE(binary_body_generic)
}

#if EMBER_X86

// MARK: - AVX-512

EMBER_INLINE_AVX512 __m512 binary_vec_avx512(int op, __m512 a, __m512 b) {
    switch (op) {
    case EMBER_BINARY_ADD: return _mm512_add_ps(a, b);
    case EMBER_BINARY_SUB: return _mm512_sub_ps(a, b);
    case EMBER_BINARY_MUL: return _mm512_mul_ps(a, b);
    case EMBER_BINARY_DIV: return _mm512_div_ps(a, b);
    case EMBER_BINARY_MAX: return ember_max_avx512(a, b);
    default: return ember_min_avx512(a, b);
    }
}

EMBER_INLINE_AVX512 void binary_body_avx512(int op, const float *a, int a_step,
                                            const float *b, int b_step, float *out, int64_t n) {
    const __m512 ka = _mm512_set1_ps(a[0]), kb = _mm512_set1_ps(b[0]);
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 a0 = a_step ? _mm512_loadu_ps(a + i) : ka;
        __m512 a1 = a_step ? _mm512_loadu_ps(a + i + 16) : ka;
        __m512 b0 = b_step ? _mm512_loadu_ps(b + i) : kb;
        __m512 b1 = b_step ? _mm512_loadu_ps(b + i + 16) : kb;
        _mm512_storeu_ps(out + i, binary_vec_avx512(op, a0, b0));
        _mm512_storeu_ps(out + i + 16, binary_vec_avx512(op, a1, b1));
    }
    for (; i < n; i += 16) { // at most two masked steps
        __mmask16 m = ember_tail_mask(n - i);
        __m512 va = a_step ? _mm512_maskz_loadu_ps(m, a + i) : ka;
        __m512 vb = b_step ? _mm512_maskz_loadu_ps(m, b + i) : kb;
        _mm512_mask_storeu_ps(out + i, m, binary_vec_avx512(op, va, vb));
    }
}

static EMBER_AVX512 void binary_avx512(int op, const float *a, int a_step, const float *b,
                                       int b_step, float *out, int64_t n) {
    EMBER_BINARY_SPECIALISE(binary_body_avx512)
}

// MARK: - AVX2

EMBER_INLINE_AVX2 __m256 binary_vec_avx2(int op, __m256 a, __m256 b) {
    switch (op) {
    case EMBER_BINARY_ADD: return _mm256_add_ps(a, b);
    case EMBER_BINARY_SUB: return _mm256_sub_ps(a, b);
    case EMBER_BINARY_MUL: return _mm256_mul_ps(a, b);
    case EMBER_BINARY_DIV: return _mm256_div_ps(a, b);
    case EMBER_BINARY_MAX: return ember_max_avx2(a, b);
    default: return ember_min_avx2(a, b);
    }
}

EMBER_INLINE_AVX2 void binary_body_avx2(int op, const float *a, int a_step, const float *b,
                                        int b_step, float *out, int64_t n) {
    const float sa = a[0], sb = b[0];
    const __m256 ka = _mm256_set1_ps(sa), kb = _mm256_set1_ps(sb);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 a0 = a_step ? _mm256_loadu_ps(a + i) : ka;
        __m256 a1 = a_step ? _mm256_loadu_ps(a + i + 8) : ka;
        __m256 b0 = b_step ? _mm256_loadu_ps(b + i) : kb;
        __m256 b1 = b_step ? _mm256_loadu_ps(b + i + 8) : kb;
        _mm256_storeu_ps(out + i, binary_vec_avx2(op, a0, b0));
        _mm256_storeu_ps(out + i + 8, binary_vec_avx2(op, a1, b1));
    }
    for (; i < n; i++)
        out[i] = ember_binary_scalar(op, a_step ? a[i] : sa, b_step ? b[i] : sb);
}

static EMBER_AVX2 void binary_avx2(int op, const float *a, int a_step, const float *b,
                                   int b_step, float *out, int64_t n) {
    EMBER_BINARY_SPECIALISE(binary_body_avx2)
}

#endif

EMBER_DISPATCHER(binary_impl, binary_fn, binary_generic, binary_avx2, binary_avx512)

// MARK: - Pow

/// powf, except that x^2 with a broadcast exponent of 2 is x*x (exact, as in PyTorch).
static void binary_pow(const float *a, int a_step, const float *b, int b_step, float *out,
                       int64_t n) {
    const float ka = a[0], kb = b[0];
    if (!b_step && kb == 2.0f) {
        for (int64_t i = 0; i < n; i++) out[i] = a[i] * a[i];
        return;
    }
    for (int64_t i = 0; i < n; i++) out[i] = powf(a_step ? a[i] : ka, b_step ? b[i] : kb);
}

// MARK: - Entry points

void ember_binary_contig(int op, const float *a, int a_step, const float *b, int b_step,
                         float *out, int64_t n) {
    if (n <= 0) return;
    if (op == EMBER_BINARY_POW) binary_pow(a, a_step, b, b_step, out, n);
    else binary_impl()(op, a, a_step, b, b_step, out, n);
}

void ember_binary_f32(int op, const float *a, const float *b, float *out, int64_t n) {
    ember_binary_contig(op, a, 1, b, 1, out, n);
}

void ember_binary_tensor_scalar_f32(int op, const float *a, float s, float *out, int64_t n) {
    ember_binary_contig(op, a, 1, &s, 0, out, n);
}

void ember_binary_scalar_tensor_f32(int op, float s, const float *b, float *out, int64_t n) {
    ember_binary_contig(op, &s, 0, b, 1, out, n);
}

void ember_binary_strided_f32(int op, int ndim, const int64_t *shape, const float *a,
                              const int64_t *a_strides, const float *b,
                              const int64_t *b_strides, float *out) {
    ember_iter it;
    const int64_t *strides[3] = {a_strides, b_strides, NULL};
    if (!ember_iter_init(&it, ndim, shape, 3, strides)) return;
    const int64_t n = ember_iter_len(&it), sa = ember_iter_step(&it, 0),
                  sb = ember_iter_step(&it, 1);
    // After simplification `out` rows are contiguous; rows whose inputs step by 1 or 0
    // use the vector kernel, the rest a plain strided loop.
    const bool contiguous = (sa == 1 || sb == 1) && (sa == 0 || sa == 1) && (sb == 0 || sb == 1);
    do {
        const float *pa = a + it.offset[0], *pb = b + it.offset[1];
        float *po = out + it.offset[2];
        if (contiguous) {
            ember_binary_contig(op, pa, (int)sa, pb, (int)sb, po, n);
        } else if (op == EMBER_BINARY_POW) {
            for (int64_t i = 0; i < n; i++) po[i] = powf(pa[i * sa], pb[i * sb]);
        } else {
            for (int64_t i = 0; i < n; i++) po[i] = ember_binary_scalar(op, pa[i * sa], pb[i * sb]);
        }
    } while (ember_iter_next(&it));
}

// MARK: - axpy

typedef void (*axpy_fn)(float alpha, const float *x, float *y, int64_t n);

static void axpy_generic(float alpha, const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

#if EMBER_X86
static EMBER_AVX512 void axpy_avx512(float alpha, const float *x, float *y, int64_t n) {
    const __m512 va = _mm512_set1_ps(alpha);
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 y0 = _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i));
        __m512 y1 = _mm512_fmadd_ps(va, _mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(y + i + 16));
        _mm512_storeu_ps(y + i, y0);
        _mm512_storeu_ps(y + i + 16, y1);
    }
    for (; i < n; i += 16) {
        __mmask16 m = ember_tail_mask(n - i);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        _mm512_mask_storeu_ps(y + i, m, _mm512_fmadd_ps(va, v, _mm512_maskz_loadu_ps(m, y + i)));
    }
}

static EMBER_AVX2 void axpy_avx2(float alpha, const float *x, float *y, int64_t n) {
    const __m256 va = _mm256_set1_ps(alpha);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 y0 = _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i));
        __m256 y1 = _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8));
        _mm256_storeu_ps(y + i, y0);
        _mm256_storeu_ps(y + i + 8, y1);
    }
    for (; i < n; i++) y[i] = fmaf(alpha, x[i], y[i]);
}
#endif

EMBER_DISPATCHER(axpy_impl, axpy_fn, axpy_generic, axpy_avx2, axpy_avx512)

void ember_axpy_f32(float alpha, const float *x, float *y, int64_t n) {
    if (n > 0) axpy_impl()(alpha, x, y, n);
}
