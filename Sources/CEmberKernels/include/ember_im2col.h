// im2col / col2im for 2-D convolution over one contiguous [c, ih, iw] image. The column
// matrix is [c * kh * kw, oh * ow], row (ci * kh + ki) * kw + kj holding, for each output
// position, the input value that kernel tap (ki, kj) of channel ci sees (0 in the padding).
// Every function handles the channels [c_begin, c_end) on one thread.
#ifndef EMBER_IM2COL_H
#define EMBER_IM2COL_H

#include <stdint.h>
#include "ember_window2d.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Unfolds the image channels [c_begin, c_end) of `image` into their rows of `col`.
void ember_im2col_f32(const float *image, ember_window2d_geometry g, int64_t c_begin,
                      int64_t c_end, float *col);

/// The adjoint of im2col: adds every row entry of `col` back onto the image position it
/// came from (entries from the padding are dropped), for channels [c_begin, c_end).
void ember_col2im_f32(const float *col, ember_window2d_geometry g, int64_t c_begin,
                      int64_t c_end, float *image);

#ifdef __cplusplus
}
#endif

#endif
