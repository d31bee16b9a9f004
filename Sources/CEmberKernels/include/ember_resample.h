// The two passes of Pillow's 8-bit resampling (ImagingResample): each output sample is
// sum(input * weight) over a run of `count[o]` inputs from `first[o]`, with int32 weights
// in 22-bit fixed point (`ksize` per output), rounded and clipped to 0...255. Weights come
// from EmberVision; these kernels are the hot loops.
#ifndef EMBER_RESAMPLE_H
#define EMBER_RESAMPLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Rows [row_begin, row_end) of `src` (`in_width` pixels of `channels` bytes) filtered
/// along x to `out_width` pixels; output row r - row_begin. `first` is in pixels.
void ember_resample_horizontal_u8(const uint8_t *src, int64_t in_width, int64_t channels,
                                  int64_t row_begin, int64_t row_end, uint8_t *dst,
                                  int64_t out_width, const int64_t *first, const int64_t *count,
                                  const int32_t *weights, int64_t ksize);

/// Output rows [out_begin, out_end) of the vertical pass over `src` rows of `stride` bytes:
/// dst row o = sum over src rows first[o] ... of weight * row.
void ember_resample_vertical_u8(const uint8_t *src, int64_t stride, int64_t out_begin,
                                int64_t out_end, uint8_t *dst, const int64_t *first,
                                const int64_t *count, const int32_t *weights, int64_t ksize);

#ifdef __cplusplus
}
#endif

#endif
