// Fused cross entropy with class-index targets over rows of [n, c] logits. Row i's loss is
//   (1 - eps) * w[t] * (lse_i - x[i, t]) + (eps / c) * sum_k w[k] * (lse_i - x[i, k])
// with t = target[i], lse_i = log(sum_k exp(x[i, k])), w = 1 when no weight is given, and 0
// for rows whose target equals ignore_index: PyTorch's cross_entropy with weight and
// label_smoothing. Targets must already be in [0, c) or equal ignore_index.
#ifndef EMBER_LOSS_H
#define EMBER_LOSS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Rows [row_begin, row_end): writes loss[i] and, for the backward pass, the row maximum
/// and log(sum_k exp(x[i, k] - max)) (so lse = row_max + row_logsum, kept apart for
/// precision). `weight` has c entries or is NULL.
void ember_cross_entropy_forward_f32(const float *x, const int64_t *target,
                                     const float *weight, int64_t c, int64_t ignore_index,
                                     float label_smoothing, int64_t row_begin,
                                     int64_t row_end, float *loss, float *row_max,
                                     float *row_logsum);

/// Rows [row_begin, row_end) of the input gradient: grad[i, :] = scale[i * scale_step] *
/// d loss_i / d x[i, :], i.e. ((1 - eps) w[t] + (eps / c) sum(w)) * softmax(x_i)
/// - (1 - eps) w[t] onehot(t) - (eps / c) w; zero for ignored rows. scale_step is 1 for
/// one factor per row and 0 for a single shared factor.
void ember_cross_entropy_backward_f32(const float *x, const int64_t *target,
                                      const float *weight, int64_t c, int64_t ignore_index,
                                      float label_smoothing, const float *row_max,
                                      const float *row_logsum, const float *scale,
                                      int64_t scale_step, int64_t row_begin, int64_t row_end,
                                      float *grad);

#ifdef __cplusplus
}
#endif

#endif
