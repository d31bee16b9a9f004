// The geometry of the sliding-window (pooling) kernels.
#ifndef EMBER_WINDOW2D_H
#define EMBER_WINDOW2D_H

#include <stdint.h>

/// A 2-D sliding window over a plane: input plane (ih, iw), output plane (oh, ow), kernel,
/// stride, (symmetric) padding and dilation, each as (height, width).
typedef struct {
    int64_t ih, iw, oh, ow;
    int64_t kh, kw, sh, sw, ph, pw, dh, dw;
} ember_window2d_geometry;

#endif
