// im2col / col2im (see ember_im2col.h). For each (channel, tap, output row) the valid
// output columns form one contiguous range, found once, so the inner loops carry no
// bounds checks; stride 1 rows are plain copies.
#include "ember_im2col.h"

#include <string.h>

/// The output columns [*lo, *hi) whose input column ow * sw - pw + kj * dw lies in [0, iw).
static inline void valid_columns(ember_window2d_geometry g, int64_t kj, int64_t *lo, int64_t *hi) {
    int64_t shift = kj * g.dw - g.pw;  // input column of output column 0
    int64_t first = shift >= 0 ? 0 : (-shift + g.sw - 1) / g.sw;
    int64_t last = g.iw - shift <= 0 ? 0 : (g.iw - shift + g.sw - 1) / g.sw;  // first invalid
    if (last > g.ow) last = g.ow;
    if (first > last) first = last;
    *lo = first;
    *hi = last;
}

void ember_im2col_f32(const float *image, ember_window2d_geometry g, int64_t c_begin,
                      int64_t c_end, float *col) {
    const int64_t l = g.oh * g.ow;
    for (int64_t c = c_begin; c < c_end; c++) {
        const float *plane = image + c * g.ih * g.iw;
        for (int64_t ki = 0; ki < g.kh; ki++) {
            for (int64_t kj = 0; kj < g.kw; kj++) {
                float *row = col + ((c * g.kh + ki) * g.kw + kj) * l;
                int64_t lo, hi;
                valid_columns(g, kj, &lo, &hi);
                for (int64_t oy = 0; oy < g.oh; oy++) {
                    float *dst = row + oy * g.ow;
                    int64_t iy = oy * g.sh - g.ph + ki * g.dh;
                    if (iy < 0 || iy >= g.ih) {
                        memset(dst, 0, (size_t)g.ow * sizeof(float));
                        continue;
                    }
                    // Input column of output column ox: start + ox * sw.
                    const float *src = plane + iy * g.iw;
                    int64_t start = kj * g.dw - g.pw;
                    if (lo > 0) memset(dst, 0, (size_t)lo * sizeof(float));
                    if (g.sw == 1) {
                        if (hi > lo) memcpy(dst + lo, src + start + lo, (size_t)(hi - lo) * sizeof(float));
                    } else {
                        for (int64_t ox = lo; ox < hi; ox++) dst[ox] = src[start + ox * g.sw];
                    }
                    if (hi < g.ow) memset(dst + hi, 0, (size_t)(g.ow - hi) * sizeof(float));
                }
            }
        }
    }
}

void ember_col2im_f32(const float *col, ember_window2d_geometry g, int64_t c_begin,
                      int64_t c_end, float *image) {
    const int64_t l = g.oh * g.ow;
    for (int64_t c = c_begin; c < c_end; c++) {
        float *plane = image + c * g.ih * g.iw;
        for (int64_t ki = 0; ki < g.kh; ki++) {
            for (int64_t kj = 0; kj < g.kw; kj++) {
                const float *row = col + ((c * g.kh + ki) * g.kw + kj) * l;
                int64_t lo, hi;
                valid_columns(g, kj, &lo, &hi);
                for (int64_t oy = 0; oy < g.oh; oy++) {
                    int64_t iy = oy * g.sh - g.ph + ki * g.dh;
                    if (iy < 0 || iy >= g.ih) continue;
                    const float *src = row + oy * g.ow;
                    float *dst = plane + iy * g.iw;
                    int64_t start = kj * g.dw - g.pw;
                    for (int64_t ox = lo; ox < hi; ox++) dst[start + ox * g.sw] += src[ox];
                }
            }
        }
    }
}
