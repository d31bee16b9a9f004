// Softmax and log-softmax over the middle axis of [outer, r, inner], and their backward.
// Contiguous rows (inner == 1) are handled one at a time; otherwise columns are processed
// in tiles so that every pass is a vector loop along `inner`.
#include "ember_simd.h"

#include <math.h>
#include <string.h>

enum { TILE = 256 };

static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/// out[i] = exp(x[i] - m); returns the sum of those.
typedef float (*exp_row_fn)(const float *x, float m, float *out, int64_t n);
/// out[i] = exp(x[i] - m[i]); s[i] += out[i].
typedef void (*exp_columns_fn)(const float *x, const float *m, float *out, float *s, int64_t n);

// MARK: - Generic

static float exp_row_generic(const float *x, float m, float *out, int64_t n) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) {
        out[i] = expf(x[i] - m);
        s += out[i];
    }
    return (float)s;
}

static void exp_columns_generic(const float *x, const float *m, float *out, float *s, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        out[i] = expf(x[i] - m[i]);
        s[i] += out[i];
    }
}

#if EMBER_X86

// MARK: - AVX-512

static EMBER_AVX512 float exp_row_avx512(const float *x, float m, float *out, int64_t n) {
    const __m512 vm = _mm512_set1_ps(m);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < n; i += 16) {
        __mmask16 k = ember_tail_mask(n - i);
        __m512 e = ember_exp_avx512(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), vm));
        _mm512_mask_storeu_ps(out + i, k, e);
        acc = _mm512_mask_add_ps(acc, k, acc, e);
    }
    return _mm512_reduce_add_ps(acc);
}

static EMBER_AVX512 void exp_columns_avx512(const float *x, const float *m, float *out,
                                            float *s, int64_t n) {
    for (int64_t i = 0; i < n; i += 16) {
        __mmask16 k = ember_tail_mask(n - i);
        __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), _mm512_maskz_loadu_ps(k, m + i));
        __m512 e = ember_exp_avx512(d);
        _mm512_mask_storeu_ps(out + i, k, e);
        _mm512_mask_storeu_ps(s + i, k, _mm512_add_ps(_mm512_maskz_loadu_ps(k, s + i), e));
    }
}

// MARK: - AVX2

static EMBER_AVX2 float exp_row_avx2(const float *x, float m, float *out, int64_t n) {
    const __m256 vm = _mm256_set1_ps(m);
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = ember_exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
        _mm256_storeu_ps(out + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    float s = ember_hsum_avx2(acc);
    if (i < n) { // the same vector code for the last elements, through a buffer
        float buf[8];
        __m256 d = _mm256_sub_ps(ember_load_partial_avx2(x + i, n - i), vm);
        _mm256_storeu_ps(buf, ember_exp_avx2(d));
        for (int64_t k = 0; i + k < n; k++) {
            out[i + k] = buf[k];
            s += buf[k];
        }
    }
    return s;
}

static EMBER_AVX2 void exp_columns_avx2(const float *x, const float *m, float *out, float *s,
                                        int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = ember_exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(m + i)));
        _mm256_storeu_ps(out + i, e);
        _mm256_storeu_ps(s + i, _mm256_add_ps(_mm256_loadu_ps(s + i), e));
    }
    if (i < n) {
        float buf[8];
        __m256 d = _mm256_sub_ps(ember_load_partial_avx2(x + i, n - i),
                                 ember_load_partial_avx2(m + i, n - i));
        _mm256_storeu_ps(buf, ember_exp_avx2(d));
        for (int64_t k = 0; i + k < n; k++) {
            out[i + k] = buf[k];
            s[i + k] += buf[k];
        }
    }
}

#endif

EMBER_DISPATCHER(exp_row_impl, exp_row_fn, exp_row_generic, exp_row_avx2, exp_row_avx512)
EMBER_DISPATCHER(exp_columns_impl, exp_columns_fn, exp_columns_generic, exp_columns_avx2,
                 exp_columns_avx512)

// MARK: - Forward

/// One contiguous row of length r >= 1.
static void softmax_row(const float *x, int64_t r, bool is_log, float *out) {
    const float m = ember_reduce_all_f32(EMBER_REDUCE_MAX, x, r);
    const float s = exp_row_impl()(x, m, out, r);
    if (is_log) { // (x - m) - log(s), in that order so that x - m stays exact near the max
        ember_binary_tensor_scalar_f32(EMBER_BINARY_SUB, x, m, out, r);
        ember_binary_tensor_scalar_f32(EMBER_BINARY_SUB, out, logf(s), out, r);
    } else {
        ember_binary_tensor_scalar_f32(EMBER_BINARY_MUL, out, 1.0f / s, out, r);
    }
}

/// One outer slice [r, inner], r >= 1, in tiles of w columns.
static void softmax_columns(const float *x, int64_t r, int64_t inner, bool is_log, float *out) {
    const exp_columns_fn exp_columns = exp_columns_impl();
    float m[TILE], s[TILE];
    for (int64_t i0 = 0; i0 < inner; i0 += TILE) {
        const int64_t w = min64(TILE, inner - i0);
        const float *xt = x + i0;
        float *ot = out + i0;
        memcpy(m, xt, (size_t)w * sizeof(float));
        for (int64_t k = 1; k < r; k++) ember_binary_f32(EMBER_BINARY_MAX, m, xt + k * inner, m, w);
        for (int64_t i = 0; i < w; i++) s[i] = 0.0f;
        for (int64_t k = 0; k < r; k++) exp_columns(xt + k * inner, m, ot + k * inner, s, w);
        if (is_log) {
            for (int64_t i = 0; i < w; i++) s[i] = logf(s[i]);
            for (int64_t k = 0; k < r; k++) {
                ember_binary_f32(EMBER_BINARY_SUB, xt + k * inner, m, ot + k * inner, w);
                ember_binary_f32(EMBER_BINARY_SUB, ot + k * inner, s, ot + k * inner, w);
            }
        } else {
            for (int64_t i = 0; i < w; i++) s[i] = 1.0f / s[i];
            for (int64_t k = 0; k < r; k++)
                ember_binary_f32(EMBER_BINARY_MUL, ot + k * inner, s, ot + k * inner, w);
        }
    }
}

void ember_softmax_f32(const float *x, int64_t outer_begin, int64_t outer_end, int64_t r,
                       int64_t inner, bool is_log, float *out) {
    if (r <= 0) return;
    for (int64_t o = outer_begin; o < outer_end; o++) {
        const int64_t base = o * r * inner;
        if (inner == 1) softmax_row(x + base, r, is_log, out + base);
        else softmax_columns(x + base, r, inner, is_log, out + base);
    }
}

// MARK: - Backward

static void softmax_backward_row(const float *g, const float *y, int64_t r, bool is_log,
                                 float *out) {
    if (is_log) { // g - exp(y) * sum(g)
        const float s = ember_reduce_all_f32(EMBER_REDUCE_SUM, g, r);
        ember_unary_f32(EMBER_UNARY_EXP, y, out, r, 0.0f, 0.0f);
        for (int64_t k = 0; k < r; k++) out[k] = g[k] - out[k] * s;
    } else { // y * (g - sum(g * y))
        double dot = 0.0;
        for (int64_t k = 0; k < r; k++) dot += (double)g[k] * y[k];
        const float d = (float)dot;
        for (int64_t k = 0; k < r; k++) out[k] = y[k] * (g[k] - d);
    }
}

/// One outer slice [r, inner] in tiles of w columns: the sums over k are kept per column.
static void softmax_backward_columns(const float *g, const float *y, int64_t r, int64_t inner,
                                     bool is_log, float *out) {
    double acc[TILE];
    float s[TILE];
    for (int64_t i0 = 0; i0 < inner; i0 += TILE) {
        const int64_t w = min64(TILE, inner - i0);
        const float *gt = g + i0, *yt = y + i0;
        float *ot = out + i0;
        for (int64_t i = 0; i < w; i++) acc[i] = 0.0;
        for (int64_t k = 0; k < r; k++) {
            const float *gk = gt + k * inner, *yk = yt + k * inner;
            if (is_log) for (int64_t i = 0; i < w; i++) acc[i] += gk[i];
            else for (int64_t i = 0; i < w; i++) acc[i] += (double)gk[i] * yk[i];
        }
        for (int64_t i = 0; i < w; i++) s[i] = (float)acc[i];
        for (int64_t k = 0; k < r; k++) {
            const float *gk = gt + k * inner, *yk = yt + k * inner;
            float *ok = ot + k * inner;
            if (is_log) {
                ember_unary_f32(EMBER_UNARY_EXP, yk, ok, w, 0.0f, 0.0f);
                for (int64_t i = 0; i < w; i++) ok[i] = gk[i] - ok[i] * s[i];
            } else {
                for (int64_t i = 0; i < w; i++) ok[i] = yk[i] * (gk[i] - s[i]);
            }
        }
    }
}

void ember_softmax_backward_f32(const float *g, const float *y, int64_t outer_begin,
                                int64_t outer_end, int64_t r, int64_t inner, bool is_log,
                                float *out) {
    if (r <= 0) return;
    for (int64_t o = outer_begin; o < outer_end; o++) {
        const int64_t base = o * r * inner;
        if (inner == 1) softmax_backward_row(g + base, y + base, r, is_log, out + base);
        else softmax_backward_columns(g + base, y + base, r, inner, is_log, out + base);
    }
}
