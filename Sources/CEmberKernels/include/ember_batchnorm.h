// Batch normalisation kernels. The input is viewed as [n, c, s]: n samples, c channels and
// s positions per sample and channel (1 for [N, C], L for [N, C, L], H*W for images).
// Every function handles the channels [c_begin, c_end) on one thread; per-channel arrays
// are indexed by the absolute channel.
#ifndef EMBER_BATCHNORM_H
#define EMBER_BATCHNORM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Per-channel mean and biased variance (two passes, accumulated in double).
void ember_batchnorm_stats_f32(const float *x, int64_t n, int64_t c, int64_t s,
                               int64_t c_begin, int64_t c_end, float *mean, float *var);

/// Per-channel sums of the upstream gradient g and of g * (x - mean): the reductions of the
/// backward pass (d beta and, scaled by invstd, d gamma).
void ember_batchnorm_grad_sums_f32(const float *g, const float *x, int64_t n, int64_t c,
                                   int64_t s, int64_t c_begin, int64_t c_end,
                                   const float *mean, float *sum_g, float *sum_g_dev);

/// out = x * a[ch] + y * b[ch] + d[ch], or x * a[ch] + d[ch] when y is NULL. The forward
/// pass is the affine form of normalisation; the input gradient is the same form in g and x.
void ember_batchnorm_affine_f32(const float *x, const float *y, int64_t n, int64_t c,
                                int64_t s, int64_t c_begin, int64_t c_end, const float *a,
                                const float *b, const float *d, float *out);

/// out = clamp(x * a[ch] + d[ch], lo, hi), NaN passing through: evaluation-mode batch norm
/// and the ReLU (lo 0, hi inf) or ReLU6 (0, 6) after it in one pass.
void ember_batchnorm_affine_clamp_f32(const float *x, int64_t n, int64_t c, int64_t s,
                                      int64_t c_begin, int64_t c_end, const float *a,
                                      const float *d, float lo, float hi, float *out);

#ifdef __cplusplus
}
#endif

#endif
