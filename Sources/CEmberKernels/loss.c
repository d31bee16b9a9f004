// Fused cross entropy (see ember_loss.h). The forward pass reads each row twice (maximum,
// then sum of exp(x - max)) and keeps only two floats per row; the backward pass recomputes
// softmax from them, so nothing of size [n, c] is stored in between. Rows are short in
// practice (10 classes for MNIST), so the vector variants mask the tail rather than
// finishing it in scalar code.
#include "ember_simd.h"

#include <math.h>

/// The row maximum m and log(sum_k exp(x[k] - m)).
typedef void (*row_stats_fn)(const float *x, int64_t c, float *max, float *logsum);
/// out[k] = a * exp(x[k] - m - logsum) - b * (w ? w[k] : 1).
typedef void (*row_grad_fn)(const float *x, float m, float logsum, float a, const float *w,
                            float b, float *out, int64_t c);

// MARK: - Generic

static void row_stats_generic(const float *x, int64_t c, float *max, float *logsum) {
    float m = -INFINITY;
    for (int64_t k = 0; k < c; k++) m = x[k] > m ? x[k] : m;
    float s = 0.0f;
    for (int64_t k = 0; k < c; k++) s += expf(x[k] - m); // NaN in x makes s NaN
    *max = m;
    *logsum = logf(s);
}

static void row_grad_generic(const float *x, float m, float logsum, float a, const float *w,
                             float b, float *out, int64_t c) {
    for (int64_t k = 0; k < c; k++) out[k] = a * expf((x[k] - m) - logsum) - b * (w ? w[k] : 1.0f);
}

#if EMBER_X86

// MARK: - AVX-512

static EMBER_AVX512 void row_stats_avx512(const float *x, int64_t c, float *max,
                                          float *logsum) {
    const __m512 lowest = _mm512_set1_ps(-INFINITY);
    __m512 vm = lowest;
    for (int64_t i = 0; i < c; i += 16)
        vm = _mm512_max_ps(vm, _mm512_mask_loadu_ps(lowest, ember_tail_mask(c - i), x + i));
    const float m = _mm512_reduce_max_ps(vm);
    const __m512 shift = _mm512_set1_ps(m);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t i = 0; i < c; i += 16) {
        __mmask16 k = ember_tail_mask(c - i);
        __m512 e = ember_exp_avx512(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), shift));
        acc = _mm512_mask_add_ps(acc, k, acc, e);
    }
    *max = m;
    *logsum = logf(_mm512_reduce_add_ps(acc));
}

static EMBER_AVX512 void row_grad_avx512(const float *x, float m, float logsum, float a,
                                         const float *w, float b, float *out, int64_t c) {
    const __m512 vm = _mm512_set1_ps(m), vls = _mm512_set1_ps(logsum);
    const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b), one = _mm512_set1_ps(1.0f);
    for (int64_t i = 0; i < c; i += 16) {
        __mmask16 k = ember_tail_mask(c - i);
        __m512 d = _mm512_sub_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), vm), vls);
        __m512 wk = w ? _mm512_maskz_loadu_ps(k, w + i) : one;
        __m512 r = _mm512_fmsub_ps(va, ember_exp_avx512(d), _mm512_mul_ps(vb, wk));
        _mm512_mask_storeu_ps(out + i, k, r);
    }
}

// MARK: - AVX2

static EMBER_AVX2 void row_stats_avx2(const float *x, int64_t c, float *max, float *logsum) {
    __m256 vm = _mm256_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 8 <= c; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + i));
    float m = ember_hmax_avx2(vm);
    for (int64_t k = i; k < c; k++) m = x[k] > m ? x[k] : m;
    const __m256 shift = _mm256_set1_ps(m);
    __m256 acc = _mm256_setzero_ps();
    for (i = 0; i + 8 <= c; i += 8)
        acc = _mm256_add_ps(acc, ember_exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), shift)));
    float s = ember_hsum_avx2(acc);
    if (i < c) { // the same vector exp for the last elements, through a buffer
        float buf[8];
        _mm256_storeu_ps(buf, ember_exp_avx2(_mm256_sub_ps(ember_load_partial_avx2(x + i, c - i), shift)));
        for (int64_t k = 0; i + k < c; k++) s += buf[k];
    }
    *max = m;
    *logsum = logf(s);
}

EMBER_INLINE_AVX2 __m256 grad_lanes_avx2(__m256 xv, __m256 wv, __m256 vm, __m256 vls, __m256 va,
                                         __m256 vb) {
    __m256 d = _mm256_sub_ps(_mm256_sub_ps(xv, vm), vls);
    return _mm256_fmsub_ps(va, ember_exp_avx2(d), _mm256_mul_ps(vb, wv));
}

static EMBER_AVX2 void row_grad_avx2(const float *x, float m, float logsum, float a,
                                     const float *w, float b, float *out, int64_t c) {
    const __m256 vm = _mm256_set1_ps(m), vls = _mm256_set1_ps(logsum);
    const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b), one = _mm256_set1_ps(1.0f);
    int64_t i = 0;
    for (; i + 8 <= c; i += 8) {
        __m256 wv = w ? _mm256_loadu_ps(w + i) : one;
        _mm256_storeu_ps(out + i, grad_lanes_avx2(_mm256_loadu_ps(x + i), wv, vm, vls, va, vb));
    }
    if (i < c) {
        float buf[8];
        __m256 wv = w ? ember_load_partial_avx2(w + i, c - i) : one;
        _mm256_storeu_ps(buf, grad_lanes_avx2(ember_load_partial_avx2(x + i, c - i), wv, vm, vls, va, vb));
        for (int64_t k = 0; i + k < c; k++) out[i + k] = buf[k];
    }
}

#endif

EMBER_DISPATCHER(row_stats_impl, row_stats_fn, row_stats_generic, row_stats_avx2, row_stats_avx512)
EMBER_DISPATCHER(row_grad_impl, row_grad_fn, row_grad_generic, row_grad_avx2, row_grad_avx512)

static float weight_total(const float *weight, int64_t c) {
    if (!weight) return (float)c;
    double total = 0.0;
    for (int64_t k = 0; k < c; k++) total += weight[k];
    return (float)total;
}

// MARK: - Entry points

void ember_cross_entropy_forward_f32(const float *x, const int64_t *target,
                                     const float *weight, int64_t c, int64_t ignore_index,
                                     float label_smoothing, int64_t row_begin,
                                     int64_t row_end, float *loss, float *row_max,
                                     float *row_logsum) {
    const row_stats_fn stats = row_stats_impl();
    const float eps = label_smoothing, total = weight_total(weight, c);
    for (int64_t i = row_begin; i < row_end; i++) {
        const int64_t t = target[i];
        if (t == ignore_index) {
            loss[i] = row_max[i] = row_logsum[i] = 0.0f;
            continue;
        }
        const float *xi = x + i * c;
        float m, ls;
        stats(xi, c, &m, &ls);
        row_max[i] = m;
        row_logsum[i] = ls;
        // lse - x[k] as (m - x[k]) + ls: exact near the maximum even for huge logits.
        float value = (1.0f - eps) * (weight ? weight[t] : 1.0f) * ((m - xi[t]) + ls);
        if (eps > 0.0f) {
            double smooth = 0.0;
            for (int64_t k = 0; k < c; k++) smooth += (weight ? weight[k] : 1.0f) * (m - xi[k]);
            value += eps / (float)c * ((float)smooth + total * ls);
        }
        loss[i] = value;
    }
}

void ember_cross_entropy_backward_f32(const float *x, const int64_t *target,
                                      const float *weight, int64_t c, int64_t ignore_index,
                                      float label_smoothing, const float *row_max,
                                      const float *row_logsum, const float *scale,
                                      int64_t scale_step, int64_t row_begin, int64_t row_end,
                                      float *grad) {
    const row_grad_fn row_grad = row_grad_impl();
    const float eps = label_smoothing, total = weight_total(weight, c);
    for (int64_t i = row_begin; i < row_end; i++) {
        const int64_t t = target[i];
        float *gi = grad + i * c;
        if (t == ignore_index) {
            for (int64_t k = 0; k < c; k++) gi[k] = 0.0f;
            continue;
        }
        const float g = scale[i * scale_step];
        const float hard = (1.0f - eps) * (weight ? weight[t] : 1.0f);
        const float soft = eps / (float)c;
        row_grad(x + i * c, row_max[i], row_logsum[i], g * (hard + soft * total), weight,
                 g * soft, gi, c);
        gi[t] -= g * hard;
    }
}
