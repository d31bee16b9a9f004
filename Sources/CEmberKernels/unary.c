// Elementwise float32 unary operators and their fused backward kernels. RELU, EXP, SIGMOID
// and TANH (and the backward of RELU, SIGMOID and TANH) have AVX-512 / AVX2 variants; the
// other operators are plain loops over libm, whose formulas follow PyTorch's CPU kernels.
#include "ember_simd.h"

#include <math.h>

#define EMBER_SQRT1_2 0.70710678118654752440f     // 1 / sqrt(2)
#define EMBER_INV_SQRT_2PI 0.39894228040143267794f // 1 / sqrt(2 pi)
#define EMBER_SQRT_2_PI 0.79788456080286535588f    // sqrt(2 / pi)
#define EMBER_GELU_KAPPA 0.044715f

typedef void (*unary_fn)(int op, const float *x, float *out, int64_t n);
typedef void (*relu_backward_fn)(const float *g, const float *x, float *out, int64_t n);
typedef void (*backward_from_output_fn)(int op, const float *g, const float *y, float *out, int64_t n);

// tanh as Cephes' tanhf: below |x| = 0.625 the odd polynomial x + x z P(z) with z = x^2,
// above it 1 - 2 / (e^(2|x|) + 1) (cancellation-free there), both computed on |x| and then
// given x's sign; within 1 ulp of the correctly rounded result for every float (checked
// exhaustively). The exponential saturates (its input is clamped at 89), so large |x|
// gives +-1 exactly, and NaN falls through to the exponential, which keeps it.
#define EMBER_TANH_SMALL 0.625f
#define EMBER_TANH_P0 -5.70498872745e-3f
#define EMBER_TANH_P1 2.06390887954e-2f
#define EMBER_TANH_P2 -5.37397155531e-2f
#define EMBER_TANH_P3 1.33314422036e-1f
#define EMBER_TANH_P4 -3.33332819422e-1f

/// The tanh argument of GELU's tanh approximation: sqrt(2/pi) (x + kappa x^3).
static inline float gelu_tanh_inner(float x) {
    return EMBER_SQRT_2_PI * (x + EMBER_GELU_KAPPA * (x * x * x));
}

/// d/dx of 0.5 x (1 + tanh(u)) with u = gelu_tanh_inner(x).
static inline float gelu_tanh_derivative(float x) {
    const float t = tanhf(gelu_tanh_inner(x));
    const float du = EMBER_SQRT_2_PI * (1.0f + 3.0f * EMBER_GELU_KAPPA * x * x);
    return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du;
}

/// 1 / (1 + e^-x), evaluated as e / (1 + e) with e = e^x for x < 0 so that neither branch
/// overflows and tiny results keep their precision.
static inline float sigmoid_scalar(float x) {
    const float e = expf(-fabsf(x));
    return (x < 0.0f ? e : 1.0f) / (1.0f + e);
}

// MARK: - Generic

static void unary_generic(int op, const float *x, float *out, int64_t n, float p0, float p1) {
#define EMBER_MAP(EXPR)                                                                    \
    for (int64_t i = 0; i < n; i++) {                                                      \
        const float v = x[i];                                                              \
        out[i] = (EXPR);                                                                   \
    }                                                                                      \
    break
    switch (op) {
    case EMBER_UNARY_NEG: EMBER_MAP(-v);
    case EMBER_UNARY_ABS: EMBER_MAP(fabsf(v));
    case EMBER_UNARY_EXP: EMBER_MAP(expf(v));
    case EMBER_UNARY_LOG: EMBER_MAP(logf(v));
    case EMBER_UNARY_SQRT: EMBER_MAP(sqrtf(v));
    case EMBER_UNARY_RSQRT: EMBER_MAP(1.0f / sqrtf(v));
    case EMBER_UNARY_SIN: EMBER_MAP(sinf(v));
    case EMBER_UNARY_COS: EMBER_MAP(cosf(v));
    case EMBER_UNARY_SIGN: EMBER_MAP((float)((v > 0.0f) - (v < 0.0f))); // 0 for 0 and NaN
    case EMBER_UNARY_RELU: EMBER_MAP(v < 0.0f ? 0.0f : v); // NaN passes; maxss(0, v)
    case EMBER_UNARY_SIGMOID: EMBER_MAP(sigmoid_scalar(v));
    case EMBER_UNARY_TANH: EMBER_MAP(tanhf(v));
    case EMBER_UNARY_GELU: EMBER_MAP(v * 0.5f * (1.0f + erff(v * EMBER_SQRT1_2)));
    case EMBER_UNARY_GELU_TANH:
        EMBER_MAP(0.5f * v * (1.0f + tanhf(gelu_tanh_inner(v))));
    case EMBER_UNARY_LEAKY_RELU: EMBER_MAP(v > 0.0f ? v : v * p0);
    case EMBER_UNARY_SOFTPLUS: EMBER_MAP(v * p0 > p1 ? v : log1pf(expf(v * p0)) / p0);
    case EMBER_UNARY_CLAMP:
    // Comparisons, not fminf/fmaxf: NaN passes (both are false) and the loop vectorises.
    case EMBER_UNARY_HARDTANH: EMBER_MAP(v < p0 ? p0 : (v > p1 ? p1 : v));
    case EMBER_UNARY_SQUARE: EMBER_MAP(v * v);
    case EMBER_UNARY_RECIPROCAL: EMBER_MAP(1.0f / v);
    default: break;
    }
#undef EMBER_MAP
}

/// Entry for the operators with vector variants (RELU, EXP, SIGMOID, TANH).
static void unary_vec_generic(int op, const float *x, float *out, int64_t n) {
    unary_generic(op, x, out, n, 0.0f, 0.0f);
}

/// grad * op'(x) from the output y, for the operators with vector variants (SIGMOID, TANH).
static void backward_from_output_generic(int op, const float *g, const float *y, float *out,
                                         int64_t n) {
    if (op == EMBER_UNARY_TANH)
        for (int64_t i = 0; i < n; i++) out[i] = g[i] * (1.0f - y[i] * y[i]);
    else
        for (int64_t i = 0; i < n; i++) out[i] = g[i] * (1.0f - y[i]) * y[i];
}

static void relu_backward_generic(const float *g, const float *x, float *out, int64_t n) {
    // Gradient passes unless x <= 0, so NaN inputs pass it, like PyTorch's threshold_backward.
    for (int64_t i = 0; i < n; i++) out[i] = x[i] <= 0.0f ? 0.0f : g[i];
}

#if EMBER_X86

// MARK: - AVX-512

EMBER_INLINE_AVX512 __m512 tanh_avx512(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 a = _mm512_abs_ps(x), z = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(EMBER_TANH_P0);
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(EMBER_TANH_P1));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(EMBER_TANH_P2));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(EMBER_TANH_P3));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(EMBER_TANH_P4));
    __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), a, a); // tiny |x| stays exact
    __m512 e = ember_exp_avx512(_mm512_add_ps(a, a));
    __m512 large = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
    __mmask16 below = _mm512_cmp_ps_mask(a, _mm512_set1_ps(EMBER_TANH_SMALL), _CMP_LT_OQ);
    __m512i magnitude = _mm512_castps_si512(_mm512_mask_blend_ps(below, large, small));
    __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u));
    return _mm512_castsi512_ps(_mm512_or_si512(magnitude, sign)); // x's sign, -0 included
}

EMBER_INLINE_AVX512 __m512 unary_vec_avx512(int op, __m512 x) {
    switch (op) {
    case EMBER_UNARY_RELU: return _mm512_max_ps(_mm512_setzero_ps(), x); // NaN -> NaN
    case EMBER_UNARY_EXP: return ember_exp_avx512(x);
    case EMBER_UNARY_TANH: return tanh_avx512(x);
    default: { // SIGMOID, as sigmoid_scalar
        const __m512 one = _mm512_set1_ps(1.0f);
        __m512 e = ember_exp_avx512(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_abs_ps(x)));
        __mmask16 neg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
        return _mm512_div_ps(_mm512_mask_blend_ps(neg, one, e), _mm512_add_ps(one, e));
    }
    }
}

EMBER_INLINE_AVX512 void unary_body_avx512(int op, const float *x, float *out, int64_t n) {
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
        _mm512_storeu_ps(out + i, unary_vec_avx512(op, v0));
        _mm512_storeu_ps(out + i + 16, unary_vec_avx512(op, v1));
    }
    for (; i < n; i += 16) {
        __mmask16 m = ember_tail_mask(n - i);
        _mm512_mask_storeu_ps(out + i, m, unary_vec_avx512(op, _mm512_maskz_loadu_ps(m, x + i)));
    }
}

static EMBER_AVX512 void unary_avx512(int op, const float *x, float *out, int64_t n) {
    switch (op) {
    case EMBER_UNARY_RELU: unary_body_avx512(EMBER_UNARY_RELU, x, out, n); break;
    case EMBER_UNARY_EXP: unary_body_avx512(EMBER_UNARY_EXP, x, out, n); break;
    case EMBER_UNARY_TANH: unary_body_avx512(EMBER_UNARY_TANH, x, out, n); break;
    default: unary_body_avx512(EMBER_UNARY_SIGMOID, x, out, n); break;
    }
}

static EMBER_AVX512 void backward_from_output_avx512(int op, const float *g, const float *y,
                                                     float *out, int64_t n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const bool tanh_op = op == EMBER_UNARY_TANH;
    for (int64_t i = 0; i < n; i += 16) {
        __mmask16 m = ember_tail_mask(n - i);
        __m512 gv = _mm512_maskz_loadu_ps(m, g + i), yv = _mm512_maskz_loadu_ps(m, y + i);
        __m512 d = tanh_op ? _mm512_fnmadd_ps(yv, yv, one)                        // 1 - y^2
                           : _mm512_mul_ps(_mm512_sub_ps(one, yv), yv);          // (1 - y) y
        _mm512_mask_storeu_ps(out + i, m, _mm512_mul_ps(gv, d));
    }
}

static EMBER_AVX512 void relu_backward_avx512(const float *g, const float *x, float *out,
                                              int64_t n) {
    const __m512 zero = _mm512_setzero_ps();
    for (int64_t i = 0; i < n; i += 16) {
        __mmask16 m = ember_tail_mask(n - i);
        // "not less-or-equal, unordered" keeps the gradient for x > 0 and for NaN.
        __mmask16 pass = _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, x + i), zero,
                                                 _CMP_NLE_UQ);
        _mm512_mask_storeu_ps(out + i, m, _mm512_maskz_loadu_ps(pass, g + i));
    }
}

// MARK: - AVX2

EMBER_INLINE_AVX2 __m256 tanh_avx2(__m256 x) { // as tanh_avx512
    const __m256 one = _mm256_set1_ps(1.0f), sign_bit = _mm256_set1_ps(-0.0f);
    __m256 a = _mm256_andnot_ps(sign_bit, x), z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(EMBER_TANH_P0);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(EMBER_TANH_P1));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(EMBER_TANH_P2));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(EMBER_TANH_P3));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(EMBER_TANH_P4));
    __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), a, a);
    __m256 e = ember_exp_avx2(_mm256_add_ps(a, a));
    __m256 large = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
    __m256 below = _mm256_cmp_ps(a, _mm256_set1_ps(EMBER_TANH_SMALL), _CMP_LT_OQ);
    return _mm256_or_ps(_mm256_blendv_ps(large, small, below), _mm256_and_ps(x, sign_bit));
}

EMBER_INLINE_AVX2 __m256 unary_vec_avx2(int op, __m256 x) {
    switch (op) {
    case EMBER_UNARY_RELU: return _mm256_max_ps(_mm256_setzero_ps(), x);
    case EMBER_UNARY_EXP: return ember_exp_avx2(x);
    case EMBER_UNARY_TANH: return tanh_avx2(x);
    default: { // SIGMOID, as sigmoid_scalar
        const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
        // -|x|: set the sign bit
        __m256 e = ember_exp_avx2(_mm256_or_ps(x, _mm256_set1_ps(-0.0f)));
        __m256 neg = _mm256_cmp_ps(x, zero, _CMP_LT_OQ);
        return _mm256_div_ps(_mm256_blendv_ps(one, e, neg), _mm256_add_ps(one, e));
    }
    }
}

EMBER_INLINE_AVX2 void unary_body_avx2(int op, const float *x, float *out, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
        _mm256_storeu_ps(out + i, unary_vec_avx2(op, v0));
        _mm256_storeu_ps(out + i + 8, unary_vec_avx2(op, v1));
    }
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, unary_vec_avx2(op, _mm256_loadu_ps(x + i)));
    if (i < n) { // the same vector code for the last elements, through a buffer
        float buf[8];
        _mm256_storeu_ps(buf, unary_vec_avx2(op, ember_load_partial_avx2(x + i, n - i)));
        for (int64_t k = 0; i + k < n; k++) out[i + k] = buf[k];
    }
}

static EMBER_AVX2 void unary_avx2(int op, const float *x, float *out, int64_t n) {
    switch (op) {
    case EMBER_UNARY_RELU: unary_body_avx2(EMBER_UNARY_RELU, x, out, n); break;
    case EMBER_UNARY_EXP: unary_body_avx2(EMBER_UNARY_EXP, x, out, n); break;
    case EMBER_UNARY_TANH: unary_body_avx2(EMBER_UNARY_TANH, x, out, n); break;
    default: unary_body_avx2(EMBER_UNARY_SIGMOID, x, out, n); break;
    }
}

static EMBER_AVX2 void backward_from_output_avx2(int op, const float *g, const float *y,
                                                 float *out, int64_t n) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const bool tanh_op = op == EMBER_UNARY_TANH;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gv = _mm256_loadu_ps(g + i), yv = _mm256_loadu_ps(y + i);
        __m256 d = tanh_op ? _mm256_fnmadd_ps(yv, yv, one) : _mm256_mul_ps(_mm256_sub_ps(one, yv), yv);
        _mm256_storeu_ps(out + i, _mm256_mul_ps(gv, d));
    }
    backward_from_output_generic(op, g + i, y + i, out + i, n - i);
}

static EMBER_AVX2 void relu_backward_avx2(const float *g, const float *x, float *out,
                                          int64_t n) {
    const __m256 zero = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 pass = _mm256_cmp_ps(_mm256_loadu_ps(x + i), zero, _CMP_NLE_UQ);
        _mm256_storeu_ps(out + i, _mm256_and_ps(pass, _mm256_loadu_ps(g + i)));
    }
    for (; i < n; i++) out[i] = x[i] <= 0.0f ? 0.0f : g[i];
}

#endif

EMBER_DISPATCHER(unary_vec_impl, unary_fn, unary_vec_generic, unary_avx2, unary_avx512)
EMBER_DISPATCHER(backward_from_output_impl, backward_from_output_fn, backward_from_output_generic,
                 backward_from_output_avx2, backward_from_output_avx512)
EMBER_DISPATCHER(relu_backward_impl, relu_backward_fn, relu_backward_generic,
                 relu_backward_avx2, relu_backward_avx512)

// MARK: - Entry points

void ember_unary_f32(int op, const float *x, float *out, int64_t n, float p0, float p1) {
    if (n <= 0) return;
    if (op == EMBER_UNARY_RELU || op == EMBER_UNARY_EXP || op == EMBER_UNARY_SIGMOID ||
        op == EMBER_UNARY_TANH)
        unary_vec_impl()(op, x, out, n);
    else
        unary_generic(op, x, out, n, p0, p1);
}

void ember_unary_backward_f32(int op, const float *grad, const float *x, const float *y,
                              float *out, int64_t n, float p0, float p1) {
    if (n <= 0) return;
    if (op == EMBER_UNARY_RELU) {
        // y > 0 exactly where x > 0 (and y is NaN where x is), so either one gives the mask.
        relu_backward_impl()(grad, x ? x : y, out, n);
        return;
    }
    // hardtanh's output lies strictly inside (p0, p1) exactly where its input does, and is
    // NaN where the input is: the gradient rule reads the same on either.
    if (op == EMBER_UNARY_HARDTANH && !x) x = y;
    if (op == EMBER_UNARY_SIGMOID || op == EMBER_UNARY_TANH) {
        backward_from_output_impl()(op, grad, y, out, n);
        return;
    }
    // EMBER_GRAD_X reads the forward input as v, EMBER_GRAD_Y the forward output.
#define EMBER_GRAD(SRC, EXPR)                                                              \
    for (int64_t i = 0; i < n; i++) {                                                      \
        const float g = grad[i], v = SRC[i];                                               \
        out[i] = (EXPR);                                                                   \
    }                                                                                      \
    break
#define EMBER_GRAD_X(EXPR) EMBER_GRAD(x, EXPR)
#define EMBER_GRAD_Y(EXPR) EMBER_GRAD(y, EXPR)
    switch (op) {
    case EMBER_UNARY_NEG:
        for (int64_t i = 0; i < n; i++) out[i] = -grad[i];
        break;
    case EMBER_UNARY_SIGN:
        for (int64_t i = 0; i < n; i++) out[i] = 0.0f;
        break;
    case EMBER_UNARY_ABS: EMBER_GRAD_X(g * (float)((v > 0.0f) - (v < 0.0f)));
    case EMBER_UNARY_EXP: EMBER_GRAD_Y(g * v);
    case EMBER_UNARY_LOG: EMBER_GRAD_X(g / v);
    case EMBER_UNARY_SQRT: EMBER_GRAD_Y(g / (2.0f * v));
    case EMBER_UNARY_RSQRT: EMBER_GRAD_Y(-0.5f * g * (v * v * v));
    case EMBER_UNARY_SIN: EMBER_GRAD_X(g * cosf(v));
    case EMBER_UNARY_COS: EMBER_GRAD_X(g * -sinf(v));
    case EMBER_UNARY_GELU: // Phi(x) + x phi(x)
        EMBER_GRAD_X(g * (0.5f * (1.0f + erff(v * EMBER_SQRT1_2)) +
                          v * (EMBER_INV_SQRT_2PI * expf(-0.5f * v * v))));
    case EMBER_UNARY_GELU_TANH: EMBER_GRAD_X(g * gelu_tanh_derivative(v));
    case EMBER_UNARY_LEAKY_RELU: EMBER_GRAD_X(v > 0.0f ? g : g * p0);
    case EMBER_UNARY_SOFTPLUS: // sigmoid(beta x) below the threshold, 1 above
        EMBER_GRAD_X(v * p0 > p1 ? g : g / (1.0f + expf(-v * p0)));
    case EMBER_UNARY_CLAMP: // torch: (x > min) & (x < max), each test dropped without its bound
        EMBER_GRAD_X(((p0 == -INFINITY || v > p0) && (p1 == INFINITY || v < p1)) ? g : 0.0f);
    case EMBER_UNARY_HARDTANH: EMBER_GRAD_X((v <= p0 || v >= p1) ? 0.0f : g);
    case EMBER_UNARY_SQUARE: EMBER_GRAD_X(g * (2.0f * v));
    case EMBER_UNARY_RECIPROCAL: EMBER_GRAD_Y(-g * (v * v));
    default: break;
    }
#undef EMBER_GRAD_Y
#undef EMBER_GRAD_X
#undef EMBER_GRAD
}
