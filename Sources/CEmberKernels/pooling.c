// 2-D pooling and upsampling (see ember_pooling.h), following PyTorch's CPU kernels for
// window bounds, tie breaking and divisors so that results and indices match it exactly.
#include "ember_internal.h"

#include <math.h>
#include <string.h>

/// First-max window search shared by max pooling and adaptive max pooling: rows
/// [h0, h1) and columns [w0, w1) stepping by (dh, dw).
EMBER_INLINE void window_max(const float *plane, int64_t iw, int64_t h0, int64_t h1,
                             int64_t dh, int64_t w0, int64_t w1, int64_t dw, float *value,
                             int64_t *index) {
    float best = -INFINITY;
    int64_t at = h0 * iw + w0;
    for (int64_t h = h0; h < h1; h += dh) {
        for (int64_t w = w0; w < w1; w += dw) {
            float v = plane[h * iw + w];
            if (v > best || isnan(v)) {
                best = v;
                at = h * iw + w;
            }
        }
    }
    *value = best;
    *index = at;
}

/// Takes v at position k when it beats the running maximum (or is NaN), as window_max.
EMBER_INLINE void take_if_greater(float v, int64_t k, float *best, int64_t *at) {
    bool take = v > *best || v != v;
    *best = take ? v : *best;
    *at = take ? k : *at;
}

/// The common 2x2 stride-2 unpadded case: branch-free selects in window order, so the
/// loop vectorises; indices are computed alongside when asked for.
static void max_pool_2x2(const float *x, ember_window2d_geometry g, int64_t p_begin,
                         int64_t p_end, float *out, int64_t *indices) {
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *plane = x + p * g.ih * g.iw;
        float *o = out + p * g.oh * g.ow;
        int64_t *idx = indices ? indices + p * g.oh * g.ow : NULL;
        for (int64_t i = 0; i < g.oh; i++) {
            const float *r0 = plane + 2 * i * g.iw, *r1 = r0 + g.iw;
            float *orow = o + i * g.ow;
            if (!idx) {
                for (int64_t j = 0; j < g.ow; j++) {
                    float m = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j], d = r1[2 * j + 1];
                    m = (b > m || b != b) ? b : m;
                    m = (c > m || c != c) ? c : m;
                    orow[j] = (d > m || d != d) ? d : m;
                }
                continue;
            }
            int64_t top = 2 * i * g.iw;
            for (int64_t j = 0; j < g.ow; j++) {
                float m = r0[2 * j];
                int64_t at = top + 2 * j;
                take_if_greater(r0[2 * j + 1], top + 2 * j + 1, &m, &at);
                take_if_greater(r1[2 * j], top + g.iw + 2 * j, &m, &at);
                take_if_greater(r1[2 * j + 1], top + g.iw + 2 * j + 1, &m, &at);
                orow[j] = m;
                idx[i * g.ow + j] = at;
            }
        }
    }
}

void ember_max_pool2d_f32(const float *x, ember_window2d_geometry g, int64_t p_begin,
                          int64_t p_end, float *out, int64_t *indices) {
    bool simple = g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 && g.pw == 0 &&
                  g.dh == 1 && g.dw == 1 && 2 * g.oh <= g.ih && 2 * g.ow <= g.iw;
    if (simple) {
        max_pool_2x2(x, g, p_begin, p_end, out, indices);
        return;
    }
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *plane = x + p * g.ih * g.iw;
        for (int64_t i = 0; i < g.oh; i++) {
            int64_t h0 = i * g.sh - g.ph;
            int64_t h1 = h0 + (g.kh - 1) * g.dh + 1;
            if (h1 > g.ih) h1 = g.ih;
            while (h0 < 0) h0 += g.dh;
            for (int64_t j = 0; j < g.ow; j++) {
                int64_t w0 = j * g.sw - g.pw;
                int64_t w1 = w0 + (g.kw - 1) * g.dw + 1;
                if (w1 > g.iw) w1 = g.iw;
                while (w0 < 0) w0 += g.dw;
                int64_t k = (p * g.oh + i) * g.ow + j, at;
                window_max(plane, g.iw, h0, h1, g.dh, w0, w1, g.dw, &out[k], &at);
                if (indices) indices[k] = at;
            }
        }
    }
}

/// The clipped window of average-pool output (i, j) and its divisor.
typedef struct {
    int64_t h0, h1, w0, w1;
    float divisor;
} avg_window;

EMBER_INLINE avg_window avg_window_at(ember_window2d_geometry g, bool count_include_pad,
                                      int64_t divisor, int64_t i, int64_t j) {
    int64_t h0 = i * g.sh - g.ph, w0 = j * g.sw - g.pw;
    int64_t h1 = h0 + g.kh, w1 = w0 + g.kw;
    if (h1 > g.ih + g.ph) h1 = g.ih + g.ph;
    if (w1 > g.iw + g.pw) w1 = g.iw + g.pw;
    int64_t padded = (h1 - h0) * (w1 - w0);
    if (h0 < 0) h0 = 0;
    if (w0 < 0) w0 = 0;
    if (h1 > g.ih) h1 = g.ih;
    if (w1 > g.iw) w1 = g.iw;
    int64_t d = divisor > 0 ? divisor : count_include_pad ? padded : (h1 - h0) * (w1 - w0);
    return (avg_window){h0, h1, w0, w1, (float)d};
}

void ember_avg_pool2d_f32(const float *x, ember_window2d_geometry g, bool count_include_pad,
                          int64_t divisor, int64_t p_begin, int64_t p_end, float *out) {
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *plane = x + p * g.ih * g.iw;
        for (int64_t i = 0; i < g.oh; i++) {
            for (int64_t j = 0; j < g.ow; j++) {
                avg_window a = avg_window_at(g, count_include_pad, divisor, i, j);
                float sum = 0;
                for (int64_t h = a.h0; h < a.h1; h++)
                    for (int64_t w = a.w0; w < a.w1; w++) sum += plane[h * g.iw + w];
                out[(p * g.oh + i) * g.ow + j] = sum / a.divisor;
            }
        }
    }
}

void ember_avg_pool2d_backward_f32(const float *g, ember_window2d_geometry geo,
                                   bool count_include_pad, int64_t divisor, int64_t p_begin,
                                   int64_t p_end, float *gx) {
    for (int64_t p = p_begin; p < p_end; p++) {
        float *plane = gx + p * geo.ih * geo.iw;
        for (int64_t i = 0; i < geo.oh; i++) {
            for (int64_t j = 0; j < geo.ow; j++) {
                avg_window a = avg_window_at(geo, count_include_pad, divisor, i, j);
                float share = g[(p * geo.oh + i) * geo.ow + j] / a.divisor;
                for (int64_t h = a.h0; h < a.h1; h++)
                    for (int64_t w = a.w0; w < a.w1; w++) plane[h * geo.iw + w] += share;
            }
        }
    }
}

/// PyTorch's adaptive window start floor(i * in / out) and end ceil((i + 1) * in / out).
EMBER_INLINE int64_t adaptive_start(int64_t i, int64_t in, int64_t out) { return (i * in) / out; }
EMBER_INLINE int64_t adaptive_end(int64_t i, int64_t in, int64_t out) {
    return ((i + 1) * in + out - 1) / out;
}

void ember_adaptive_avg_pool2d_f32(const float *x, int64_t ih, int64_t iw, int64_t oh,
                                   int64_t ow, int64_t p_begin, int64_t p_end, float *out) {
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *plane = x + p * ih * iw;
        for (int64_t i = 0; i < oh; i++) {
            int64_t h0 = adaptive_start(i, ih, oh), h1 = adaptive_end(i, ih, oh);
            for (int64_t j = 0; j < ow; j++) {
                int64_t w0 = adaptive_start(j, iw, ow), w1 = adaptive_end(j, iw, ow);
                float sum = 0;
                for (int64_t h = h0; h < h1; h++)
                    for (int64_t w = w0; w < w1; w++) sum += plane[h * iw + w];
                out[(p * oh + i) * ow + j] = sum / (float)((h1 - h0) * (w1 - w0));
            }
        }
    }
}

void ember_adaptive_avg_pool2d_backward_f32(const float *g, int64_t ih, int64_t iw,
                                            int64_t oh, int64_t ow, int64_t p_begin,
                                            int64_t p_end, float *gx) {
    for (int64_t p = p_begin; p < p_end; p++) {
        float *plane = gx + p * ih * iw;
        for (int64_t i = 0; i < oh; i++) {
            int64_t h0 = adaptive_start(i, ih, oh), h1 = adaptive_end(i, ih, oh);
            for (int64_t j = 0; j < ow; j++) {
                int64_t w0 = adaptive_start(j, iw, ow), w1 = adaptive_end(j, iw, ow);
                float share = g[(p * oh + i) * ow + j] / (float)((h1 - h0) * (w1 - w0));
                for (int64_t h = h0; h < h1; h++)
                    for (int64_t w = w0; w < w1; w++) plane[h * iw + w] += share;
            }
        }
    }
}

void ember_adaptive_max_pool2d_f32(const float *x, int64_t ih, int64_t iw, int64_t oh,
                                   int64_t ow, int64_t p_begin, int64_t p_end, float *out,
                                   int64_t *indices) {
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *plane = x + p * ih * iw;
        for (int64_t i = 0; i < oh; i++) {
            int64_t h0 = adaptive_start(i, ih, oh), h1 = adaptive_end(i, ih, oh);
            for (int64_t j = 0; j < ow; j++) {
                int64_t w0 = adaptive_start(j, iw, ow), w1 = adaptive_end(j, iw, ow);
                int64_t k = (p * oh + i) * ow + j, at;
                window_max(plane, iw, h0, h1, 1, w0, w1, 1, &out[k], &at);
                if (indices) indices[k] = at;
            }
        }
    }
}

void ember_pool_scatter_f32(const float *src, const int64_t *indices, int64_t n_src,
                            int64_t n_dst, bool accumulate, int64_t p_begin, int64_t p_end,
                            float *dst) {
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *s = src + p * n_src;
        const int64_t *idx = indices + p * n_src;
        float *d = dst + p * n_dst;
        for (int64_t k = 0; k < n_src; k++) {
            if (accumulate) d[idx[k]] += s[k];
            else d[idx[k]] = s[k];
        }
    }
}

void ember_pool_gather_f32(const float *src, const int64_t *indices, int64_t n_src,
                           int64_t n_out, int64_t p_begin, int64_t p_end, float *out) {
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *s = src + p * n_src;
        const int64_t *idx = indices + p * n_out;
        for (int64_t k = 0; k < n_out; k++) out[p * n_out + k] = s[idx[k]];
    }
}

EMBER_INLINE int64_t nearest_source(int64_t dst, int64_t in, int64_t out, float scale) {
    if (out == in) return dst;
    if (out == 2 * in) return dst >> 1;
    int64_t s = (int64_t)floorf((float)dst * scale);
    return s < in - 1 ? s : in - 1;
}

void ember_upsample_nearest2d_f32(const float *src, int64_t ih, int64_t iw, int64_t oh,
                                  int64_t ow, float scale_h, float scale_w, bool backward,
                                  int64_t p_begin, int64_t p_end, float *dst) {
    for (int64_t p = p_begin; p < p_end; p++) {
        for (int64_t i = 0; i < oh; i++) {
            int64_t h = nearest_source(i, ih, oh, scale_h);
            for (int64_t j = 0; j < ow; j++) {
                int64_t in_at = p * ih * iw + h * iw + nearest_source(j, iw, ow, scale_w);
                int64_t out_at = (p * oh + i) * ow + j;
                if (backward) dst[in_at] += src[out_at];
                else dst[out_at] = src[in_at];
            }
        }
    }
}

/// The two source positions of bilinear output `dst` and their weights.
EMBER_INLINE void linear_source(int64_t dst, int64_t in, float scale, bool align_corners,
                                int64_t *i0, int64_t *i1, float *l0, float *l1) {
    float s = align_corners ? scale * (float)dst : scale * ((float)dst + 0.5f) - 0.5f;
    if (s < 0) s = 0;
    *i0 = (int64_t)s;
    *i1 = *i0 + (*i0 < in - 1 ? 1 : 0);
    *l1 = s - (float)*i0;
    *l0 = 1.0f - *l1;
}

void ember_upsample_bilinear2d_f32(const float *src, int64_t ih, int64_t iw, int64_t oh,
                                   int64_t ow, float scale_h, float scale_w,
                                   bool align_corners, bool backward, int64_t p_begin,
                                   int64_t p_end, float *dst) {
    for (int64_t p = p_begin; p < p_end; p++) {
        for (int64_t i = 0; i < oh; i++) {
            int64_t h0, h1;
            float a0, a1;
            linear_source(i, ih, scale_h, align_corners, &h0, &h1, &a0, &a1);
            for (int64_t j = 0; j < ow; j++) {
                int64_t w0, w1;
                float b0, b1;
                linear_source(j, iw, scale_w, align_corners, &w0, &w1, &b0, &b1);
                int64_t base = p * ih * iw, out_at = (p * oh + i) * ow + j;
                int64_t at[4] = {base + h0 * iw + w0, base + h0 * iw + w1, base + h1 * iw + w0,
                                 base + h1 * iw + w1};
                float weight[4] = {a0 * b0, a0 * b1, a1 * b0, a1 * b1};
                if (backward) {
                    for (int k = 0; k < 4; k++) dst[at[k]] += weight[k] * src[out_at];
                } else {
                    dst[out_at] = a0 * (b0 * src[at[0]] + b1 * src[at[1]]) +
                                  a1 * (b0 * src[at[2]] + b1 * src[at[3]]);
                }
            }
        }
    }
}
