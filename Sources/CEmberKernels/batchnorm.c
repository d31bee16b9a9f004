// Batch normalisation over [n, c, s] (see ember_batchnorm.h). Sums along a row of s
// positions run in float with eight partial sums, so the loop vectorises; row totals are
// accumulated per channel in double. For s == 1 ([N, C] input) each loop runs along the
// channels of a sample instead, which is where the contiguous memory is.
#include "ember_internal.h"

#include <stdlib.h>

enum { LANES = 8 };

/// sum(x[i] - shift) and sum((x[i] - shift)^2) over one row.
EMBER_INLINE void row_moments(const float *x, int64_t len, float shift, float *sum, float *squares) {
    float ps[LANES] = {0}, pq[LANES] = {0};
    int64_t i = 0;
    for (; i + LANES <= len; i += LANES) {
        for (int k = 0; k < LANES; k++) {
            float v = x[i + k] - shift;
            ps[k] += v;
            pq[k] += v * v;
        }
    }
    float ts = 0, tq = 0;
    for (; i < len; i++) {
        float v = x[i] - shift;
        ts += v;
        tq += v * v;
    }
    for (int k = 0; k < LANES; k++) {
        ts += ps[k];
        tq += pq[k];
    }
    *sum = ts;
    *squares = tq;
}

/// sum(g[i]) and sum(g[i] * (x[i] - shift)) over one row.
EMBER_INLINE void row_grad_sums(const float *g, const float *x, int64_t len, float shift,
                                float *sum_g, float *sum_g_dev) {
    float pg[LANES] = {0}, pd[LANES] = {0};
    int64_t i = 0;
    for (; i + LANES <= len; i += LANES) {
        for (int k = 0; k < LANES; k++) {
            pg[k] += g[i + k];
            pd[k] += g[i + k] * (x[i + k] - shift);
        }
    }
    float tg = 0, td = 0;
    for (; i < len; i++) {
        tg += g[i];
        td += g[i] * (x[i] - shift);
    }
    for (int k = 0; k < LANES; k++) {
        tg += pg[k];
        td += pd[k];
    }
    *sum_g = tg;
    *sum_g_dev = td;
}

/// Mean and biased variance in one pass over the input: the moments of x - shift, where
/// the shift is the channel's first value, so that sum(v^2) - sum(v)^2 / count does not
/// cancel away the variance of data far from zero. Row totals accumulate in double.
void ember_batchnorm_stats_f32(const float *x, int64_t n, int64_t c, int64_t s,
                               int64_t c_begin, int64_t c_end, float *mean, float *var) {
    int64_t width = c_end - c_begin;
    double count = (double)n * (double)s;
    double *acc = calloc((size_t)(2 * (width > 0 ? width : 1)), sizeof(double));
    if (!acc) abort();
    double *acc_sum = acc, *acc_squares = acc + width;
    for (int64_t i = 0; i < n; i++) {
        const float *sample = x + i * c * s;
        for (int64_t ch = c_begin; ch < c_end; ch++) {
            const float shift = s == 1 ? x[ch] : x[ch * s];
            float ts, tq;
            if (s == 1) {
                ts = sample[ch] - shift;
                tq = ts * ts;
            } else {
                row_moments(sample + ch * s, s, shift, &ts, &tq);
            }
            acc_sum[ch - c_begin] += ts;
            acc_squares[ch - c_begin] += tq;
        }
    }
    for (int64_t k = 0; k < width; k++) {
        const int64_t ch = c_begin + k;
        const double shift = s == 1 ? x[ch] : x[ch * s];
        const double centered = acc_sum[k] / count;
        const double variance = acc_squares[k] / count - centered * centered;
        mean[ch] = (float)(shift + centered);
        var[ch] = (float)(variance > 0 ? variance : 0);
    }
    free(acc);
}

void ember_batchnorm_grad_sums_f32(const float *g, const float *x, int64_t n, int64_t c,
                                   int64_t s, int64_t c_begin, int64_t c_end,
                                   const float *mean, float *sum_g, float *sum_g_dev) {
    int64_t width = c_end - c_begin;
    double *acc = calloc((size_t)(2 * (width > 0 ? width : 1)), sizeof(double));
    if (!acc) abort();
    double *acc_g = acc, *acc_dev = acc + width;
    for (int64_t i = 0; i < n; i++) {
        const float *gs = g + i * c * s, *xs = x + i * c * s;
        for (int64_t ch = c_begin; ch < c_end; ch++) {
            float tg, td;
            if (s == 1) {
                tg = gs[ch];
                td = gs[ch] * (xs[ch] - mean[ch]);
            } else {
                row_grad_sums(gs + ch * s, xs + ch * s, s, mean[ch], &tg, &td);
            }
            acc_g[ch - c_begin] += tg;
            acc_dev[ch - c_begin] += td;
        }
    }
    for (int64_t k = 0; k < width; k++) {
        sum_g[c_begin + k] = (float)acc_g[k];
        sum_g_dev[c_begin + k] = (float)acc_dev[k];
    }
    free(acc);
}

void ember_batchnorm_affine_clamp_f32(const float *x, int64_t n, int64_t c, int64_t s,
                                      int64_t c_begin, int64_t c_end, const float *a,
                                      const float *d, float lo, float hi, float *out) {
    for (int64_t i = 0; i < n; i++) {
        for (int64_t ch = c_begin; ch < c_end; ch++) {
            int64_t row = (i * c + ch) * s;
            float ac = a[ch], dc = d[ch];
            for (int64_t j = 0; j < s; j++) {
                float v = x[row + j] * ac + dc;
                // Comparisons are false for NaN, so NaN passes, as in relu and hardtanh.
                v = v < lo ? lo : v;
                out[row + j] = v > hi ? hi : v;
            }
        }
    }
}

void ember_batchnorm_affine_f32(const float *x, const float *y, int64_t n, int64_t c,
                                int64_t s, int64_t c_begin, int64_t c_end, const float *a,
                                const float *b, const float *d, float *out) {
    for (int64_t i = 0; i < n; i++) {
        int64_t base = i * c * s;
        if (s == 1) {
            for (int64_t ch = c_begin; ch < c_end; ch++) {
                float v = x[base + ch] * a[ch] + d[ch];
                out[base + ch] = y ? v + y[base + ch] * b[ch] : v;
            }
            continue;
        }
        for (int64_t ch = c_begin; ch < c_end; ch++) {
            int64_t row = base + ch * s;
            float ac = a[ch], dc = d[ch];
            if (y) {
                float bc = b[ch];
                for (int64_t j = 0; j < s; j++) out[row + j] = x[row + j] * ac + y[row + j] * bc + dc;
            } else {
                for (int64_t j = 0; j < s; j++) out[row + j] = x[row + j] * ac + dc;
            }
        }
    }
}
