// Batch normalisation over [n, c, s] (see ember_batchnorm.h). Sums along a row of s
// positions run in float with eight partial sums, so the loop vectorises; row totals are
// accumulated per channel in double. For s == 1 ([N, C] input) each loop runs along the
// channels of a sample instead, which is where the contiguous memory is.
#include "ember_internal.h"

#include <stdlib.h>

enum { LANES = 8 };

/// sum(x[i] - shift) (or of its square) over one row.
EMBER_INLINE float row_sum(const float *x, int64_t len, float shift, bool squares) {
    float part[LANES] = {0};
    int64_t i = 0;
    for (; i + LANES <= len; i += LANES) {
        for (int k = 0; k < LANES; k++) {
            float v = x[i + k] - shift;
            part[k] += squares ? v * v : v;
        }
    }
    float total = 0;
    for (; i < len; i++) {
        float v = x[i] - shift;
        total += squares ? v * v : v;
    }
    for (int k = 0; k < LANES; k++) total += part[k];
    return total;
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

/// Per-channel totals of (x - shift[ch]) or its square, into acc[ch - c_begin].
static void channel_sums(const float *x, int64_t n, int64_t c, int64_t s, int64_t c_begin,
                         int64_t c_end, const float *shift, bool squares, double *acc) {
    for (int64_t i = 0; i < n; i++) {
        const float *sample = x + i * c * s;
        for (int64_t ch = c_begin; ch < c_end; ch++) {
            float m = shift ? shift[ch] : 0.0f;
            if (s == 1) {
                float v = sample[ch] - m;
                acc[ch - c_begin] += squares ? v * v : v;
            } else {
                acc[ch - c_begin] += row_sum(sample + ch * s, s, m, squares);
            }
        }
    }
}

void ember_batchnorm_stats_f32(const float *x, int64_t n, int64_t c, int64_t s,
                               int64_t c_begin, int64_t c_end, float *mean, float *var) {
    int64_t width = c_end - c_begin;
    double count = (double)n * (double)s;
    double *acc = calloc((size_t)(width > 0 ? width : 1), sizeof(double));
    if (!acc) abort();
    channel_sums(x, n, c, s, c_begin, c_end, NULL, false, acc);
    for (int64_t k = 0; k < width; k++) {
        mean[c_begin + k] = (float)(acc[k] / count);
        acc[k] = 0;
    }
    channel_sums(x, n, c, s, c_begin, c_end, mean, true, acc);
    for (int64_t k = 0; k < width; k++) var[c_begin + k] = (float)(acc[k] / count);
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
