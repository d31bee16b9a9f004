// AVX-512 and AVX2 building blocks shared by several kernel files: NaN-propagating
// max/min, horizontal reductions and a vectorised expf.
#ifndef EMBER_SIMD_H
#define EMBER_SIMD_H

#include "ember_internal.h"

#if EMBER_X86
#include <immintrin.h>

#define EMBER_INLINE_AVX512 static inline __attribute__((always_inline, target("avx512f")))
#define EMBER_INLINE_AVX2 static inline __attribute__((always_inline, target("avx2,fma")))

/// Lanes [0, count) set, for count in [0, 16].
EMBER_INLINE __mmask16 ember_tail_mask(int64_t count) {
    return (__mmask16)(count >= 16 ? 0xFFFFu : (1u << count) - 1u);
}

// maxps/minps return their second operand when either is NaN; returning `a` where it is
// NaN completes NaN propagation from both sides.
EMBER_INLINE_AVX512 __m512 ember_max_avx512(__m512 a, __m512 b) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q), _mm512_max_ps(a, b), a);
}
EMBER_INLINE_AVX512 __m512 ember_min_avx512(__m512 a, __m512 b) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q), _mm512_min_ps(a, b), a);
}
EMBER_INLINE_AVX2 __m256 ember_max_avx2(__m256 a, __m256 b) {
    return _mm256_blendv_ps(_mm256_max_ps(a, b), a, _mm256_cmp_ps(a, a, _CMP_UNORD_Q));
}
EMBER_INLINE_AVX2 __m256 ember_min_avx2(__m256 a, __m256 b) {
    return _mm256_blendv_ps(_mm256_min_ps(a, b), a, _mm256_cmp_ps(a, a, _CMP_UNORD_Q));
}

/// Lanes [0, count) of x, without touching memory past them; the rest read as 0.
EMBER_INLINE_AVX2 __m256 ember_load_partial_avx2(const float *x, int64_t count) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), lane);
    return _mm256_maskload_ps(x, mask);
}

EMBER_INLINE_AVX2 float ember_hsum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
EMBER_INLINE_AVX2 float ember_hmax_avx2(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
EMBER_INLINE_AVX2 float ember_hmin_avx2(__m256 v) {
    __m128 s = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_min_ps(s, _mm_movehl_ps(s, s));
    s = _mm_min_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// expf as 2^n * e^r with n = round(x / ln 2) and |r| <= ln(2) / 2; e^r is Cephes' degree-7
// polynomial (1 + r + r^2 P(r)), under 2 ulp overall. x is first clamped to [-104, 89]
// with the constant as first operand of max/min so that NaN passes through; beyond those
// bounds the result is 0 or +inf anyway, and 2^n is applied in a way that rounds
// correctly into the subnormal range.
#define EMBER_EXP_LO -104.0f
#define EMBER_EXP_HI 89.0f
#define EMBER_LOG2E 1.44269504088896341f
#define EMBER_LN2_HI 0.693359375f
#define EMBER_LN2_LO -2.12194440e-4f
#define EMBER_EXP_P0 1.9875691500e-4f
#define EMBER_EXP_P1 1.3981999507e-3f
#define EMBER_EXP_P2 8.3334519073e-3f
#define EMBER_EXP_P3 4.1665795894e-2f
#define EMBER_EXP_P4 1.6666665459e-1f
#define EMBER_EXP_P5 5.0000001201e-1f

EMBER_INLINE_AVX512 __m512 ember_exp_avx512(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(EMBER_EXP_HI), x);
    x = _mm512_max_ps(_mm512_set1_ps(EMBER_EXP_LO), x);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(EMBER_LOG2E)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(EMBER_LN2_HI), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(EMBER_LN2_LO), r);
    __m512 p = _mm512_set1_ps(EMBER_EXP_P0);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EMBER_EXP_P1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EMBER_EXP_P2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EMBER_EXP_P3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EMBER_EXP_P4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EMBER_EXP_P5));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
    p = _mm512_add_ps(p, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, n); // p * 2^n with IEEE overflow/underflow
}

EMBER_INLINE_AVX2 __m256 ember_exp_avx2(__m256 x) {
    x = _mm256_min_ps(_mm256_set1_ps(EMBER_EXP_HI), x);
    x = _mm256_max_ps(_mm256_set1_ps(EMBER_EXP_LO), x);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(EMBER_LOG2E)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EMBER_LN2_HI), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EMBER_LN2_LO), r);
    __m256 p = _mm256_set1_ps(EMBER_EXP_P0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EMBER_EXP_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EMBER_EXP_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EMBER_EXP_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EMBER_EXP_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EMBER_EXP_P5));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
    p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
    // n is in [-150, 129]; 2^n is applied as 2^(n/2) * 2^(n - n/2), both normal floats, so
    // that large |n| overflows or underflows (into subnormals) like a single scaling.
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i half = _mm256_srai_epi32(ni, 1);
    __m256i bias = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, bias), 23));
    __m256 s2 = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, half), bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

#endif
#endif
