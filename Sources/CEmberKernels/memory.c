// Memory movement: strided gather/scatter, fill and dtype casts.
#include "ember_simd.h"

#include <string.h>

// MARK: - Strided copies

/// Copies n elements of `size` bytes, stepping `src_step` / `dst_step` elements. Called with
/// a literal size, each element copy compiles to a single load and store.
EMBER_INLINE void copy_elements(int64_t size, const char *src, int64_t src_step, char *dst,
                                int64_t dst_step, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        memcpy(dst + i * dst_step * size, src + i * src_step * size, (size_t)size);
}

static void copy_row(int size, const char *src, int64_t src_step, char *dst, int64_t dst_step,
                     int64_t n) {
    if (src_step == 1 && dst_step == 1) {
        memcpy(dst, src, (size_t)n * (size_t)size);
        return;
    }
    switch (size) {
    case 1: copy_elements(1, src, src_step, dst, dst_step, n); break;
    case 4: copy_elements(4, src, src_step, dst, dst_step, n); break;
    case 8: copy_elements(8, src, src_step, dst, dst_step, n); break;
    default: copy_elements(size, src, src_step, dst, dst_step, n); break;
    }
}

/// Copies between two views of one shape; NULL strides mean contiguous.
static void copy_views(int size, int ndim, const int64_t *shape, const char *src,
                       const int64_t *src_strides, char *dst, const int64_t *dst_strides) {
    ember_iter it;
    const int64_t *strides[2] = {src_strides, dst_strides};
    if (!ember_iter_init(&it, ndim, shape, 2, strides)) return;
    const int64_t n = ember_iter_len(&it);
    const int64_t src_step = ember_iter_step(&it, 0), dst_step = ember_iter_step(&it, 1);
    do {
        copy_row(size, src + it.offset[0] * size, src_step, dst + it.offset[1] * size, dst_step, n);
    } while (ember_iter_next(&it));
}

void ember_copy_strided(int elem_size, int ndim, const int64_t *shape, const void *src,
                        const int64_t *src_strides, void *dst) {
    copy_views(elem_size, ndim, shape, src, src_strides, dst, NULL);
}

void ember_copy_to_strided(int elem_size, int ndim, const int64_t *shape, const void *src,
                           void *dst, const int64_t *dst_strides) {
    copy_views(elem_size, ndim, shape, src, NULL, dst, dst_strides);
}

// MARK: - Fill

typedef void (*fill_fn)(float *dst, float value, int64_t n);

static void fill_generic(float *dst, float value, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = value;
}

#if EMBER_X86
static EMBER_AVX512 void fill_avx512(float *dst, float value, int64_t n) {
    const __m512 v = _mm512_set1_ps(value);
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        _mm512_storeu_ps(dst + i, v);
        _mm512_storeu_ps(dst + i + 16, v);
        _mm512_storeu_ps(dst + i + 32, v);
        _mm512_storeu_ps(dst + i + 48, v);
    }
    for (; i < n; i += 16) _mm512_mask_storeu_ps(dst + i, ember_tail_mask(n - i), v);
}

static EMBER_AVX2 void fill_avx2(float *dst, float value, int64_t n) {
    const __m256 v = _mm256_set1_ps(value);
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        _mm256_storeu_ps(dst + i, v);
        _mm256_storeu_ps(dst + i + 8, v);
        _mm256_storeu_ps(dst + i + 16, v);
        _mm256_storeu_ps(dst + i + 24, v);
    }
    for (; i < n; i++) dst[i] = value;
}
#endif

EMBER_DISPATCHER(fill_impl, fill_fn, fill_generic, fill_avx2, fill_avx512)

void ember_fill_f32(float *dst, float value, int64_t n) {
    if (n > 0) fill_impl()(dst, value, n);
}

// MARK: - Casts

enum { CODE_F32 = 0, CODE_I64 = 1, CODE_BOOL = 2, CODE_U8 = 3, CODE_COUNT = 4 };

static size_t code_size(int code) {
    return code == CODE_F32 ? sizeof(float) : code == CODE_I64 ? sizeof(int64_t) : 1;
}

/// Truncation toward zero; NaN and out-of-range values give INT64_MIN (what x86's
/// cvttss2si, and so PyTorch, produce) instead of undefined behaviour.
static inline int64_t float_to_int64(float x) {
    return (x >= -0x1p63f && x < 0x1p63f) ? (int64_t)x : INT64_MIN;
}

void ember_cast(int src_code, const void *src, int dst_code, void *dst, int64_t n) {
    if (n <= 0) return;
    if (src_code == dst_code) {
        memcpy(dst, src, (size_t)n * code_size(src_code));
        return;
    }
    const float *f = src;
    const int64_t *l = src;
    const uint8_t *b = src;
    float *of = dst;
    int64_t *ol = dst;
    uint8_t *ob = dst;
    switch (src_code * CODE_COUNT + dst_code) {
    case CODE_F32 * CODE_COUNT + CODE_I64:
        for (int64_t i = 0; i < n; i++) ol[i] = float_to_int64(f[i]);
        break;
    case CODE_F32 * CODE_COUNT + CODE_BOOL: // NaN != 0, so NaN is true
        for (int64_t i = 0; i < n; i++) ob[i] = f[i] != 0.0f;
        break;
    case CODE_F32 * CODE_COUNT + CODE_U8: // through int64, wrapping modulo 256
        for (int64_t i = 0; i < n; i++) ob[i] = (uint8_t)float_to_int64(f[i]);
        break;
    case CODE_I64 * CODE_COUNT + CODE_F32:
        for (int64_t i = 0; i < n; i++) of[i] = (float)l[i];
        break;
    case CODE_I64 * CODE_COUNT + CODE_BOOL:
        for (int64_t i = 0; i < n; i++) ob[i] = l[i] != 0;
        break;
    case CODE_I64 * CODE_COUNT + CODE_U8: // wraps modulo 256
        for (int64_t i = 0; i < n; i++) ob[i] = (uint8_t)l[i];
        break;
    case CODE_BOOL * CODE_COUNT + CODE_F32:
        for (int64_t i = 0; i < n; i++) of[i] = b[i] ? 1.0f : 0.0f;
        break;
    case CODE_BOOL * CODE_COUNT + CODE_I64:
        for (int64_t i = 0; i < n; i++) ol[i] = b[i] ? 1 : 0;
        break;
    case CODE_BOOL * CODE_COUNT + CODE_U8:
        for (int64_t i = 0; i < n; i++) ob[i] = b[i] ? 1 : 0;
        break;
    case CODE_U8 * CODE_COUNT + CODE_F32:
        for (int64_t i = 0; i < n; i++) of[i] = (float)b[i];
        break;
    case CODE_U8 * CODE_COUNT + CODE_I64:
        for (int64_t i = 0; i < n; i++) ol[i] = b[i];
        break;
    case CODE_U8 * CODE_COUNT + CODE_BOOL:
        for (int64_t i = 0; i < n; i++) ob[i] = b[i] != 0;
        break;
    default: break;
    }
}
