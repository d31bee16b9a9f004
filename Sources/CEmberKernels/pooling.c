// 2-D pooling and upsampling (see ember_pooling.h), following PyTorch's CPU kernels for
// window bounds, tie breaking and divisors so that results and indices match it exactly.
#include "ember_internal.h"
#include "ember_simd.h"

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

/// One output row of the common 2x2 stride-2 unpadded case, from input rows r0 and r1 (r0
/// starting at flat position `top` of its plane): branch-free selects in window order;
/// indices are written alongside when `irow` is given.
typedef void (*max_pool_2x2_row_fn)(const float *r0, const float *r1, int64_t iw, int64_t ow,
                                    int64_t top, float *orow, int64_t *irow);

static void max_pool_2x2_row_generic(const float *r0, const float *r1, int64_t iw, int64_t ow,
                                     int64_t top, float *orow, int64_t *irow) {
    if (!irow) {
        for (int64_t j = 0; j < ow; j++) {
            float m = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j], d = r1[2 * j + 1];
            m = (b > m || b != b) ? b : m;
            m = (c > m || c != c) ? c : m;
            orow[j] = (d > m || d != d) ? d : m;
        }
        return;
    }
    for (int64_t j = 0; j < ow; j++) {
        float m = r0[2 * j];
        int64_t at = top + 2 * j;
        take_if_greater(r0[2 * j + 1], top + 2 * j + 1, &m, &at);
        take_if_greater(r1[2 * j], top + iw + 2 * j, &m, &at);
        take_if_greater(r1[2 * j + 1], top + iw + 2 * j + 1, &m, &at);
        orow[j] = m;
        irow[j] = at;
    }
}

#if EMBER_X86
/// take_if_greater on 16 lanes, with the window offset of each lane's maximum.
EMBER_INLINE_AVX512 void take_if_greater_avx512(__m512 v, int32_t offset, __m512 *best, __m512i *at) {
    __mmask16 take = _mm512_cmp_ps_mask(v, *best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    *best = _mm512_mask_mov_ps(*best, take, v);
    *at = _mm512_mask_mov_epi32(*at, take, _mm512_set1_epi32(offset));
}

/// 16 outputs at a time: two 16-float loads per input row, split into even and odd columns.
static EMBER_AVX512 void max_pool_2x2_row_avx512(const float *r0, const float *r1, int64_t iw,
                                                 int64_t ow, int64_t top, float *orow, int64_t *irow) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    for (int64_t j = 0; j < ow; j += 16) {
        int64_t n = ow - j < 16 ? ow - j : 16;
        __mmask16 first = ember_tail_mask(2 * n), second = ember_tail_mask(n > 8 ? 2 * n - 16 : 0);
        __m512 a0 = _mm512_maskz_loadu_ps(first, r0 + 2 * j), a1 = _mm512_maskz_loadu_ps(second, r0 + 2 * j + 16);
        __m512 b0 = _mm512_maskz_loadu_ps(first, r1 + 2 * j), b1 = _mm512_maskz_loadu_ps(second, r1 + 2 * j + 16);
        __m512 m = _mm512_permutex2var_ps(a0, even, a1);
        __m512i at = _mm512_setzero_si512();
        take_if_greater_avx512(_mm512_permutex2var_ps(a0, odd, a1), 1, &m, &at);
        take_if_greater_avx512(_mm512_permutex2var_ps(b0, even, b1), (int32_t)iw, &m, &at);
        take_if_greater_avx512(_mm512_permutex2var_ps(b0, odd, b1), (int32_t)iw + 1, &m, &at);
        __mmask16 lanes = ember_tail_mask(n);
        _mm512_mask_storeu_ps(orow + j, lanes, m);
        if (irow) {
            // Flat index = top + 2 (j + lane) + window offset.
            __m512i offsets = _mm512_add_epi32(at, even);
            __m512i base = _mm512_set1_epi64(top + 2 * j);
            __m512i low = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(offsets));
            __m512i high = _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(offsets, 1));
            _mm512_mask_storeu_epi64(irow + j, (__mmask8)lanes, _mm512_add_epi64(base, low));
            _mm512_mask_storeu_epi64(irow + j + 8, (__mmask8)(lanes >> 8), _mm512_add_epi64(base, high));
        }
    }
}
#else
#define max_pool_2x2_row_avx512 max_pool_2x2_row_generic
#endif

EMBER_DISPATCHER(max_pool_2x2_row, max_pool_2x2_row_fn, max_pool_2x2_row_generic,
                 max_pool_2x2_row_generic, max_pool_2x2_row_avx512)

static void max_pool_2x2(const float *x, ember_window2d_geometry g, int64_t p_begin,
                         int64_t p_end, float *out, int64_t *indices) {
    max_pool_2x2_row_fn row = max_pool_2x2_row();
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *plane = x + p * g.ih * g.iw;
        for (int64_t i = 0; i < g.oh; i++) {
            int64_t k = (p * g.oh + i) * g.ow;
            row(plane + 2 * i * g.iw, plane + (2 * i + 1) * g.iw, g.iw, g.ow, 2 * i * g.iw, out + k,
                indices ? indices + k : NULL);
        }
    }
}

/// Windows with dilation 1 (ResNet's and DenseNet's 3x3 stride-2 padded stem pool): the
/// columns whose window lies inside the input run a branchless loop without clipping, only
/// the border columns take the general path. The scan order and the first-max rule are
/// window_max's, so values and indices are the same.
static void max_pool_undilated(const float *x, ember_window2d_geometry g, int64_t p_begin,
                               int64_t p_end, float *out, int64_t *indices) {
    // Interior columns: j * sw - pw >= 0 and j * sw - pw + kw <= iw.
    int64_t j_lo = (g.pw + g.sw - 1) / g.sw;
    int64_t j_hi = g.iw + g.pw >= g.kw ? (g.iw + g.pw - g.kw) / g.sw + 1 : 0;
    if (j_hi > g.ow) j_hi = g.ow;
    if (j_lo > j_hi) j_lo = j_hi;
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *plane = x + p * g.ih * g.iw;
        for (int64_t i = 0; i < g.oh; i++) {
            int64_t h0 = i * g.sh - g.ph, h1 = h0 + g.kh;
            if (h1 > g.ih) h1 = g.ih;
            if (h0 < 0) h0 = 0;
            int64_t row_base = (p * g.oh + i) * g.ow;
            for (int64_t j = 0; j < g.ow; j++) {
                if (j == j_lo && j_lo < j_hi) {
                    for (; j < j_hi; j++) {
                        int64_t w0 = j * g.sw - g.pw, at = h0 * g.iw + w0;
                        float best = -INFINITY;
                        for (int64_t h = h0; h < h1; h++) {
                            const float *row = plane + h * g.iw + w0;
                            for (int64_t w = 0; w < g.kw; w++) take_if_greater(row[w], h * g.iw + w0 + w, &best, &at);
                        }
                        out[row_base + j] = best;
                        if (indices) indices[row_base + j] = at;
                    }
                    if (j >= g.ow) break;
                }
                int64_t w0 = j * g.sw - g.pw, w1 = w0 + g.kw, at;
                if (w1 > g.iw) w1 = g.iw;
                if (w0 < 0) w0 = 0;
                window_max(plane, g.iw, h0, h1, 1, w0, w1, 1, &out[row_base + j], &at);
                if (indices) indices[row_base + j] = at;
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
    if (g.dh == 1 && g.dw == 1) {
        max_pool_undilated(x, g, p_begin, p_end, out, indices);
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

/// One output row's worth of the 2x2 max-pool backward: input rows d0 and d1 (d0 starting
/// at flat position `top`) get each gradient at its window's maximum and zeros elsewhere.
typedef void (*max_pool_2x2_backward_row_fn)(const float *grad, const int64_t *indices,
                                             int64_t iw, int64_t ow, int64_t top, float *d0,
                                             float *d1);

static void max_pool_2x2_backward_row_generic(const float *grad, const int64_t *indices,
                                              int64_t iw, int64_t ow, int64_t top, float *d0,
                                              float *d1) {
    for (int64_t j = 0; j < ow; j++) {
        int64_t at = indices[j] - top - 2 * j;  // 0, 1, iw or iw + 1
        float v = grad[j];
        d0[2 * j] = at == 0 ? v : 0;
        d0[2 * j + 1] = at == 1 ? v : 0;
        d1[2 * j] = at == iw ? v : 0;
        d1[2 * j + 1] = at == iw + 1 ? v : 0;
    }
}

#if EMBER_X86
/// Stores the 16 (left, right) pairs of a window row as 32 interleaved floats.
EMBER_INLINE_AVX512 void store_pairs_avx512(float *d, __m512 left, __m512 right, int64_t n) {
    const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    _mm512_mask_storeu_ps(d, ember_tail_mask(2 * n), _mm512_permutex2var_ps(left, low, right));
    _mm512_mask_storeu_ps(d + 16, ember_tail_mask(n > 8 ? 2 * n - 16 : 0),
                          _mm512_permutex2var_ps(left, high, right));
}

static EMBER_AVX512 void max_pool_2x2_backward_row_avx512(const float *grad, const int64_t *indices,
                                                          int64_t iw, int64_t ow, int64_t top,
                                                          float *d0, float *d1) {
    const __m512i twice = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    for (int64_t j = 0; j < ow; j += 16) {
        int64_t n = ow - j < 16 ? ow - j : 16;
        __mmask16 lanes = ember_tail_mask(n);
        __m512 v = _mm512_maskz_loadu_ps(lanes, grad + j);
        // Window offsets 0, 1, iw, iw + 1 of each lane's maximum, as int32.
        __m512i base = _mm512_set1_epi64(top + 2 * j);
        __m256i low = _mm512_cvtepi64_epi32(_mm512_sub_epi64(
            _mm512_maskz_loadu_epi64((__mmask8)lanes, indices + j), base));
        __m256i high = _mm512_cvtepi64_epi32(_mm512_sub_epi64(
            _mm512_maskz_loadu_epi64((__mmask8)(lanes >> 8), indices + j + 8), base));
        __m512i at = _mm512_sub_epi32(_mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1), twice);
        __m512 top_left = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, _mm512_setzero_si512()), v);
        __m512 top_right = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, _mm512_set1_epi32(1)), v);
        __m512 bottom_left = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, _mm512_set1_epi32((int32_t)iw)), v);
        __m512 bottom_right =
            _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(at, _mm512_set1_epi32((int32_t)iw + 1)), v);
        store_pairs_avx512(d0 + 2 * j, top_left, top_right, n);
        store_pairs_avx512(d1 + 2 * j, bottom_left, bottom_right, n);
    }
}
#else
#define max_pool_2x2_backward_row_avx512 max_pool_2x2_backward_row_generic
#endif

EMBER_DISPATCHER(max_pool_2x2_backward_row, max_pool_2x2_backward_row_fn,
                 max_pool_2x2_backward_row_generic, max_pool_2x2_backward_row_generic,
                 max_pool_2x2_backward_row_avx512)

void ember_max_pool2d_2x2_backward_f32(const float *grad, const int64_t *indices,
                                       ember_window2d_geometry g, int64_t p_begin, int64_t p_end,
                                       float *dx) {
    max_pool_2x2_backward_row_fn row = max_pool_2x2_backward_row();
    for (int64_t p = p_begin; p < p_end; p++) {
        for (int64_t i = 0; i < g.oh; i++) {
            float *d0 = dx + (p * g.ih + 2 * i) * g.iw;
            int64_t k = (p * g.oh + i) * g.ow;
            row(grad + k, indices + k, g.iw, g.ow, 2 * i * g.iw, d0, d0 + g.iw);
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
