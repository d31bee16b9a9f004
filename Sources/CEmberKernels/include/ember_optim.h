// Optimizer update kernels: each one applies a whole optimizer step to one parameter in a
// single pass over its memory (parameter, gradient and state buffers), element by element
// in exactly the order of operations of PyTorch's single-tensor ("for-loop") updates.
// Scalars derived from hyper-parameters (bias corrections, 1 - beta, -lr, ...) are
// computed by the caller in double precision, as Python does, and passed rounded to float.
// Every function handles elements [0, n) on one thread; the Swift side splits the range.
#ifndef EMBER_OPTIM_H
#define EMBER_OPTIM_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What an update does with a momentum buffer.
typedef enum {
    EMBER_MOMENTUM_NONE = 0,   ///< no buffer (momentum == 0); the pointer may be NULL
    EMBER_MOMENTUM_INIT = 1,   ///< first step: the buffer is written, not read
    EMBER_MOMENTUM_UPDATE = 2, ///< later steps: the buffer is read and written
} ember_momentum_mode;

/// Scalars of torch.optim.SGD.
typedef struct {
    float neg_lr;              ///< -lr
    float weight_decay;        ///< L2 penalty added to the gradient
    float momentum;
    float one_minus_dampening; ///< 1 - dampening
    bool nesterov;
    bool maximize;             ///< ascend: the gradient is negated first
} ember_sgd_args;

/// g = ±grad (+ weight_decay * p); buf = g (INIT) or buf * momentum + (1 - dampening) * g;
/// g = g + momentum * buf (nesterov) or buf; p += -lr * g.
void ember_sgd_f32(float *param, const float *grad, float *buf, int64_t n,
                   ember_momentum_mode mode, ember_sgd_args args);

/// Scalars of torch.optim.Adam / AdamW.
typedef struct {
    float decay;            ///< decoupled (AdamW) weight decay factor 1 - lr * wd, else 1
    float weight_decay;     ///< L2 penalty added to the gradient (Adam), else 0
    float one_minus_beta1;  ///< lerp weight of the first moment
    float beta2;
    float one_minus_beta2;
    float neg_step_size;    ///< -lr / (1 - beta1^step)
    float bias_correction2_sqrt;
    float eps;
    bool maximize;
} ember_adam_args;

/// p *= decay; g = ±grad (+ weight_decay * p); m = lerp(m, g, 1 - beta1);
/// v = v * beta2 + (1 - beta2) * g * g; vmax = max(vmax, v) when `max_exp_avg_sq` is not
/// NULL (amsgrad); p += -step_size * m / (sqrt(vmax or v) / bias_correction2_sqrt + eps).
void ember_adam_f32(float *param, const float *grad, float *exp_avg, float *exp_avg_sq,
                    float *max_exp_avg_sq, int64_t n, ember_adam_args args);

/// Scalars of torch.optim.RMSprop.
typedef struct {
    float neg_lr;
    float alpha;
    float one_minus_alpha;
    float eps;
    float weight_decay;
    float momentum;
    bool maximize;
} ember_rmsprop_args;

/// g = ±grad (+ weight_decay * p); s = s * alpha + (1 - alpha) * g * g; when `grad_avg` is
/// not NULL (centered) a = lerp(a, g, 1 - alpha) and avg = sqrt(s - a * a), else
/// avg = sqrt(s); avg += eps; with a momentum buffer (not NULL) buf = buf * momentum + g / avg
/// and p += -lr * buf, else p += -lr * g / avg.
void ember_rmsprop_f32(float *param, const float *grad, float *square_avg, float *grad_avg,
                       float *momentum_buffer, int64_t n, ember_rmsprop_args args);

/// Scalars of torch.optim.Adagrad.
typedef struct {
    float neg_clr; ///< -lr / (1 + (step - 1) * lr_decay)
    float eps;
    float weight_decay;
    bool maximize;
} ember_adagrad_args;

/// g = ±grad (+ weight_decay * p); sum += g * g; p += -clr * g / (sqrt(sum) + eps).
void ember_adagrad_f32(float *param, const float *grad, float *sum, int64_t n,
                       ember_adagrad_args args);

#ifdef __cplusplus
}
#endif

#endif
