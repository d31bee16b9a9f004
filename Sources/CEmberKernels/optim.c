// Optimizer update kernels (see ember_optim.h). Each update is one scalar loop, written
// once and instantiated per instruction set: the target attribute of the AVX2 / AVX-512
// wrappers lets the compiler vectorise the same loop for that ISA. Which state buffers a
// loop touches is a compile-time constant after inlining, so the loops never branch on
// it; the remaining options (maximize, weight decay, nesterov) are loop-invariant selects.
// Arithmetic follows ATen's CPU kernels: addcmul is self + (value * t1) * t2, addcdiv is
// self + (value * t1) / t2, lerp switches formula at weight 0.5, maximum propagates NaN.
#include "ember_internal.h"

#include <math.h>

#if __has_builtin(__builtin_elementwise_sqrt)
// libm's sqrtf may set errno, which keeps the compiler from vectorising it.
#define OPTIM_SQRT(x) __builtin_elementwise_sqrt(x)
#else
#define OPTIM_SQRT(x) sqrtf(x)
#endif

/// torch.lerp: start + weight * (end - start), computed from the nearer end.
EMBER_INLINE float optim_lerp(float start, float end, float weight) {
    return fabsf(weight) < 0.5f ? start + weight * (end - start)
                                : end - (end - start) * (1.0f - weight);
}

/// torch.maximum: NaN in either operand gives NaN.
EMBER_INLINE float optim_maximum(float a, float b) {
    return (a != a || a > b) ? a : b;
}

/// The gradient as the update sees it: negated when maximizing, plus the L2 penalty.
EMBER_INLINE float optim_grad(float grad, float param, bool maximize, float weight_decay) {
    const float g = maximize ? -grad : grad;
    return weight_decay != 0.0f ? g + weight_decay * param : g;
}

/// Defines `name_generic`, `name_avx2`, `name_avx512` calling `name_body` with the same
/// arguments, and the dispatcher `name_impl()`.
#if EMBER_X86
#define OPTIM_VARIANTS(name, params, args)                                                 \
    static void name##_generic params { name##_body args; }                                \
    static EMBER_AVX2 void name##_avx2 params { name##_body args; }                        \
    static EMBER_AVX512 void name##_avx512 params { name##_body args; }                    \
    typedef void(*name##_fn) params;                                                       \
    EMBER_DISPATCHER(name##_impl, name##_fn, name##_generic, name##_avx2, name##_avx512)
#else
#define OPTIM_VARIANTS(name, params, args)                                                 \
    static void name##_generic params { name##_body args; }                                \
    typedef void(*name##_fn) params;                                                       \
    EMBER_DISPATCHER(name##_impl, name##_fn, name##_generic, name##_generic, name##_generic)
#endif

// MARK: - SGD

EMBER_INLINE void sgd_loop(float *restrict p, const float *restrict grad, float *restrict buf,
                           int64_t n, const int mode, const ember_sgd_args a) {
    for (int64_t i = 0; i < n; i++) {
        float g = optim_grad(grad[i], p[i], a.maximize, a.weight_decay);
        if (mode != EMBER_MOMENTUM_NONE) {
            const float b = mode == EMBER_MOMENTUM_INIT
                                ? g
                                : buf[i] * a.momentum + a.one_minus_dampening * g;
            buf[i] = b;
            g = a.nesterov ? g + a.momentum * b : b;
        }
        p[i] += a.neg_lr * g;
    }
}

EMBER_INLINE void sgd_body(float *p, const float *grad, float *buf, int64_t n, int mode,
                           ember_sgd_args a) {
    switch (mode) {
    case EMBER_MOMENTUM_NONE: sgd_loop(p, grad, buf, n, EMBER_MOMENTUM_NONE, a); break;
    case EMBER_MOMENTUM_INIT: sgd_loop(p, grad, buf, n, EMBER_MOMENTUM_INIT, a); break;
    default: sgd_loop(p, grad, buf, n, EMBER_MOMENTUM_UPDATE, a); break;
    }
}

OPTIM_VARIANTS(sgd, (float *p, const float *grad, float *buf, int64_t n, int mode, ember_sgd_args a),
               (p, grad, buf, n, mode, a))

void ember_sgd_f32(float *param, const float *grad, float *buf, int64_t n,
                   ember_momentum_mode mode, ember_sgd_args args) {
    if (n > 0) sgd_impl()(param, grad, buf, n, (int)mode, args);
}

// MARK: - Adam / AdamW

EMBER_INLINE void adam_loop(float *restrict p, const float *restrict grad, float *restrict m,
                            float *restrict v, float *restrict vmax, int64_t n,
                            const bool amsgrad, const ember_adam_args a) {
    for (int64_t i = 0; i < n; i++) {
        const float param = p[i] * a.decay;
        const float g = optim_grad(grad[i], param, a.maximize, a.weight_decay);
        const float mi = optim_lerp(m[i], g, a.one_minus_beta1);
        const float vi = v[i] * a.beta2 + a.one_minus_beta2 * g * g;
        m[i] = mi;
        v[i] = vi;
        float second = vi;
        if (amsgrad) {
            second = optim_maximum(vmax[i], vi);
            vmax[i] = second;
        }
        const float denom = OPTIM_SQRT(second) / a.bias_correction2_sqrt + a.eps;
        p[i] = param + a.neg_step_size * mi / denom;
    }
}

EMBER_INLINE void adam_body(float *p, const float *grad, float *m, float *v, float *vmax,
                            int64_t n, ember_adam_args a) {
    if (vmax) adam_loop(p, grad, m, v, vmax, n, true, a);
    else adam_loop(p, grad, m, v, vmax, n, false, a);
}

OPTIM_VARIANTS(adam, (float *p, const float *grad, float *m, float *v, float *vmax, int64_t n,
                      ember_adam_args a),
               (p, grad, m, v, vmax, n, a))

void ember_adam_f32(float *param, const float *grad, float *exp_avg, float *exp_avg_sq,
                    float *max_exp_avg_sq, int64_t n, ember_adam_args args) {
    if (n > 0) adam_impl()(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, n, args);
}

// MARK: - RMSprop

EMBER_INLINE void rmsprop_loop(float *restrict p, const float *restrict grad,
                               float *restrict sq, float *restrict avg, float *restrict buf,
                               int64_t n, const bool centered, const bool momentum,
                               const ember_rmsprop_args a) {
    for (int64_t i = 0; i < n; i++) {
        const float g = optim_grad(grad[i], p[i], a.maximize, a.weight_decay);
        const float s = sq[i] * a.alpha + a.one_minus_alpha * g * g;
        sq[i] = s;
        float var = s;
        if (centered) {
            const float mean = optim_lerp(avg[i], g, a.one_minus_alpha);
            avg[i] = mean;
            var = s + (-1.0f * mean) * mean;
        }
        const float denom = OPTIM_SQRT(var) + a.eps;
        if (momentum) {
            const float b = buf[i] * a.momentum + g / denom;
            buf[i] = b;
            p[i] += a.neg_lr * b;
        } else {
            p[i] += a.neg_lr * g / denom;
        }
    }
}

EMBER_INLINE void rmsprop_body(float *p, const float *grad, float *sq, float *avg, float *buf,
                               int64_t n, ember_rmsprop_args a) {
    if (avg && buf) rmsprop_loop(p, grad, sq, avg, buf, n, true, true, a);
    else if (avg) rmsprop_loop(p, grad, sq, avg, buf, n, true, false, a);
    else if (buf) rmsprop_loop(p, grad, sq, avg, buf, n, false, true, a);
    else rmsprop_loop(p, grad, sq, avg, buf, n, false, false, a);
}

OPTIM_VARIANTS(rmsprop, (float *p, const float *grad, float *sq, float *avg, float *buf,
                         int64_t n, ember_rmsprop_args a),
               (p, grad, sq, avg, buf, n, a))

void ember_rmsprop_f32(float *param, const float *grad, float *square_avg, float *grad_avg,
                       float *momentum_buffer, int64_t n, ember_rmsprop_args args) {
    if (n > 0) rmsprop_impl()(param, grad, square_avg, grad_avg, momentum_buffer, n, args);
}

// MARK: - Adagrad

EMBER_INLINE void adagrad_body(float *restrict p, const float *restrict grad,
                               float *restrict sum, int64_t n, ember_adagrad_args a) {
    for (int64_t i = 0; i < n; i++) {
        const float g = optim_grad(grad[i], p[i], a.maximize, a.weight_decay);
        const float s = sum[i] + g * g;
        sum[i] = s;
        p[i] += a.neg_clr * g / (OPTIM_SQRT(s) + a.eps);
    }
}

OPTIM_VARIANTS(adagrad, (float *p, const float *grad, float *sum, int64_t n, ember_adagrad_args a),
               (p, grad, sum, n, a))

void ember_adagrad_f32(float *param, const float *grad, float *sum, int64_t n,
                       ember_adagrad_args args) {
    if (n > 0) adagrad_impl()(param, grad, sum, n, args);
}
