// 2-D pooling and upsampling kernels over contiguous [planes, h, w] data (planes = N * C).
// Every function handles the planes [p_begin, p_end) on one thread. Indices are flat
// positions inside a plane (h * w_in + w), int64, as PyTorch's max-pool indices.
#ifndef EMBER_POOLING_H
#define EMBER_POOLING_H

#include <stdbool.h>
#include <stdint.h>
#include "ember_window2d.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Max pooling: out = the largest value in each window (the first one on ties, NaN wins),
/// indices = its flat position in the input plane (may be NULL).
void ember_max_pool2d_f32(const float *x, ember_window2d_geometry g, int64_t p_begin,
                          int64_t p_end, float *out, int64_t *indices);

/// Max-pool backward for 2x2 stride-2 unpadded windows that tile the input exactly
/// (ih == 2 oh, iw == 2 ow): every input element is written, the output gradient where
/// `indices` points and zero elsewhere, so `dx` needs no clearing first.
void ember_max_pool2d_2x2_backward_f32(const float *grad, const int64_t *indices,
                                       ember_window2d_geometry g, int64_t p_begin, int64_t p_end,
                                       float *dx);

/// Average pooling with PyTorch's divisor rules: the window clipped to the padded input
/// (count_include_pad) or to the input, or `divisor` when it is positive.
void ember_avg_pool2d_f32(const float *x, ember_window2d_geometry g, bool count_include_pad,
                          int64_t divisor, int64_t p_begin, int64_t p_end, float *out);

/// The input gradient of ember_avg_pool2d_f32; `gx` must be zeroed.
void ember_avg_pool2d_backward_f32(const float *g, ember_window2d_geometry geo,
                                   bool count_include_pad, int64_t divisor, int64_t p_begin,
                                   int64_t p_end, float *gx);

/// Adaptive average pooling: output cell (i, j) averages rows [floor(i*ih/oh),
/// ceil((i+1)*ih/oh)) and the matching columns.
void ember_adaptive_avg_pool2d_f32(const float *x, int64_t ih, int64_t iw, int64_t oh,
                                   int64_t ow, int64_t p_begin, int64_t p_end, float *out);

/// The input gradient of ember_adaptive_avg_pool2d_f32; `gx` must be zeroed.
void ember_adaptive_avg_pool2d_backward_f32(const float *g, int64_t ih, int64_t iw,
                                            int64_t oh, int64_t ow, int64_t p_begin,
                                            int64_t p_end, float *gx);

/// Adaptive max pooling over the adaptive-average windows, with first-max indices.
void ember_adaptive_max_pool2d_f32(const float *x, int64_t ih, int64_t iw, int64_t oh,
                                   int64_t ow, int64_t p_begin, int64_t p_end, float *out,
                                   int64_t *indices);

/// Scatter of each plane's `n_src` values to their flat `indices` in a plane of `n_dst`
/// elements: adds when `accumulate` (max-pool backward), stores otherwise (max unpool).
void ember_pool_scatter_f32(const float *src, const int64_t *indices, int64_t n_src,
                            int64_t n_dst, bool accumulate, int64_t p_begin, int64_t p_end,
                            float *dst);

/// Gather: out[p][k] = src[p][indices[p][k]] (max-unpool backward).
void ember_pool_gather_f32(const float *src, const int64_t *indices, int64_t n_src,
                           int64_t n_out, int64_t p_begin, int64_t p_end, float *out);

/// Nearest upsampling (PyTorch's "nearest": source = min(floor(dst * scale), in - 1)),
/// forward (out from x) or, when `backward`, accumulation of g into zeroed gx.
void ember_upsample_nearest2d_f32(const float *src, int64_t ih, int64_t iw, int64_t oh,
                                  int64_t ow, float scale_h, float scale_w, bool backward,
                                  int64_t p_begin, int64_t p_end, float *dst);

/// Bilinear upsampling with PyTorch's source-index rule (align_corners: src = scale * dst;
/// otherwise src = max(scale * (dst + 0.5) - 0.5, 0)), forward or backward as above.
void ember_upsample_bilinear2d_f32(const float *src, int64_t ih, int64_t iw, int64_t oh,
                                   int64_t ow, float scale_h, float scale_w,
                                   bool align_corners, bool backward, int64_t p_begin,
                                   int64_t p_end, float *dst);

#ifdef __cplusplus
}
#endif

#endif
