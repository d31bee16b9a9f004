// Pillow's 8-bit resampling passes (see ember_resample.h): int32 accumulation from half a
// unit, then >> 22 and clipping, exactly as Pillow's ImagingResampleHorizontal_8bpc /
// ImagingResampleVertical_8bpc. The vertical pass runs along contiguous bytes, which the
// compiler vectorises; each ISA gets its own copy of the same loops.
#include "ember_internal.h"
#include "ember_resample.h"

enum { PRECISION_BITS = 32 - 8 - 2 };

EMBER_INLINE uint8_t clip8(int32_t v) {
    v >>= PRECISION_BITS;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

// Three-channel pixels keep their three sums in registers over one pass of the window.
#define EMBER_HORIZONTAL_BODY                                                              \
    for (int64_t r = row_begin; r < row_end; r++) {                                        \
        const uint8_t *in = src + r * in_width * channels;                                 \
        uint8_t *out = dst + (r - row_begin) * out_width * channels;                       \
        for (int64_t o = 0; o < out_width; o++) {                                          \
            const uint8_t *p = in + first[o] * channels;                                   \
            const int32_t *w = weights + o * ksize;                                        \
            const int64_t n = count[o];                                                    \
            if (channels == 3) {                                                           \
                int32_t s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;                  \
                for (int64_t k = 0; k < n; k++) {                                          \
                    s0 += (int32_t)p[3 * k] * w[k];                                        \
                    s1 += (int32_t)p[3 * k + 1] * w[k];                                    \
                    s2 += (int32_t)p[3 * k + 2] * w[k];                                    \
                }                                                                          \
                out[3 * o] = clip8(s0);                                                    \
                out[3 * o + 1] = clip8(s1);                                                \
                out[3 * o + 2] = clip8(s2);                                                \
                continue;                                                                  \
            }                                                                              \
            for (int64_t c = 0; c < channels; c++) {                                       \
                int32_t sum = 1 << (PRECISION_BITS - 1);                                   \
                for (int64_t k = 0; k < n; k++) sum += (int32_t)p[k * channels + c] * w[k]; \
                out[o * channels + c] = clip8(sum);                                        \
            }                                                                              \
        }                                                                                  \
    }

// Row by row of the window into int32 sums along the output row: the inner loop runs over
// contiguous bytes, so it vectorises. The sums are taken in the same order as Pillow's.
enum { VERTICAL_TILE = 2048 };
#define EMBER_VERTICAL_BODY                                                                \
    int32_t acc[VERTICAL_TILE];                                                            \
    for (int64_t o = out_begin; o < out_end; o++) {                                        \
        const uint8_t *in = src + first[o] * stride;                                       \
        const int32_t *w = weights + o * ksize;                                            \
        const int64_t n = count[o];                                                        \
        uint8_t *out = dst + o * stride;                                                   \
        for (int64_t t = 0; t < stride; t += VERTICAL_TILE) {                              \
            const int64_t len = stride - t < VERTICAL_TILE ? stride - t : VERTICAL_TILE;   \
            for (int64_t i = 0; i < len; i++) acc[i] = 1 << (PRECISION_BITS - 1);          \
            for (int64_t k = 0; k < n; k++) {                                              \
                const uint8_t *row = in + k * stride + t;                                  \
                const int32_t wk = w[k];                                                   \
                for (int64_t i = 0; i < len; i++) acc[i] += (int32_t)row[i] * wk;          \
            }                                                                              \
            for (int64_t i = 0; i < len; i++) out[t + i] = clip8(acc[i]);                  \
        }                                                                                  \
    }

typedef void (*horizontal_fn)(const uint8_t *, int64_t, int64_t, int64_t, int64_t, uint8_t *,
                              int64_t, const int64_t *, const int64_t *, const int32_t *, int64_t);
typedef void (*vertical_fn)(const uint8_t *, int64_t, int64_t, int64_t, uint8_t *,
                            const int64_t *, const int64_t *, const int32_t *, int64_t);

#define EMBER_HORIZONTAL(NAME, ATTR)                                                       \
    static ATTR void NAME(const uint8_t *src, int64_t in_width, int64_t channels,          \
                          int64_t row_begin, int64_t row_end, uint8_t *dst, int64_t out_width, \
                          const int64_t *first, const int64_t *count, const int32_t *weights, \
                          int64_t ksize) {                                                 \
        EMBER_HORIZONTAL_BODY                                                              \
    }
#define EMBER_VERTICAL(NAME, ATTR)                                                         \
    static ATTR void NAME(const uint8_t *src, int64_t stride, int64_t out_begin,           \
                          int64_t out_end, uint8_t *dst, const int64_t *first,             \
                          const int64_t *count, const int32_t *weights, int64_t ksize) {   \
        EMBER_VERTICAL_BODY                                                                \
    }

EMBER_HORIZONTAL(horizontal_generic, )
EMBER_VERTICAL(vertical_generic, )
#if EMBER_X86
EMBER_HORIZONTAL(horizontal_avx2, EMBER_AVX2)
EMBER_VERTICAL(vertical_avx2, EMBER_AVX2)
EMBER_HORIZONTAL(horizontal_avx512, __attribute__((target("avx512f,avx512bw"))))
EMBER_VERTICAL(vertical_avx512, __attribute__((target("avx512f,avx512bw"))))
#else
#define horizontal_avx2 horizontal_generic
#define vertical_avx2 vertical_generic
#define horizontal_avx512 horizontal_generic
#define vertical_avx512 vertical_generic
#endif

EMBER_DISPATCHER(horizontal_impl, horizontal_fn, horizontal_generic, horizontal_avx2, horizontal_avx512)
EMBER_DISPATCHER(vertical_impl, vertical_fn, vertical_generic, vertical_avx2, vertical_avx512)

void ember_resample_horizontal_u8(const uint8_t *src, int64_t in_width, int64_t channels,
                                  int64_t row_begin, int64_t row_end, uint8_t *dst,
                                  int64_t out_width, const int64_t *first, const int64_t *count,
                                  const int32_t *weights, int64_t ksize) {
    horizontal_impl()(src, in_width, channels, row_begin, row_end, dst, out_width, first, count,
                      weights, ksize);
}

void ember_resample_vertical_u8(const uint8_t *src, int64_t stride, int64_t out_begin,
                                int64_t out_end, uint8_t *dst, const int64_t *first,
                                const int64_t *count, const int32_t *weights, int64_t ksize) {
    vertical_impl()(src, stride, out_begin, out_end, dst, first, count, weights, ksize);
}
