import CEmberKernels
import Foundation

/// Adam, like `torch.optim.Adam`:
///
///     g = ±grad + weight_decay * p           (AdamW instead decays p by 1 - lr * weight_decay)
///     m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g²
///     p = p - lr / (1 - beta1^t) * m / (sqrt(v or max(v)) / sqrt(1 - beta2^t) + eps)
///
/// State per parameter: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with amsgrad.
public class Adam: Optimizer {
    /// Adam over one group of parameters (`Adam(model.parameters(), lr: 1e-3)`).
    public convenience init(
        _ params: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false, maximize: Bool = false,
        decoupledWeightDecay: Bool = false
    ) {
        self.init([ParamGroup(params: params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
                  amsgrad: amsgrad, maximize: maximize, decoupledWeightDecay: decoupledWeightDecay)
    }

    /// Adam over several groups; the arguments are the defaults for options a group leaves out.
    /// `decoupledWeightDecay` makes it AdamW.
    public init(
        _ groups: [ParamGroup], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false, maximize: Bool = false,
        decoupledWeightDecay: Bool = false
    ) {
        super.init(groups, defaults: [
            "lr": .number(lr), "betas": .pair(betas.0, betas.1), "eps": .number(eps),
            "weight_decay": .number(weightDecay), "amsgrad": .flag(amsgrad), "maximize": .flag(maximize),
            "decoupled_weight_decay": .flag(decoupledWeightDecay),
        ])
    }

    /// `step`, `exp_avg` and `exp_avg_sq`, plus `max_exp_avg_sq` with `amsgrad`.
    public override func stateNames(for group: ParamGroup) -> Set<String> {
        group.amsgrad ? ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["step", "exp_avg", "exp_avg_sq"]
    }

    /// One Adam (or AdamW) step for the group's parameters that have a gradient.
    public override func update(_ group: ParamGroup) {
        let (lr, (beta1, beta2), weightDecay) = (group.number("lr"), group.pair("betas"), group.number("weight_decay"))
        let decoupled = group["decoupled_weight_decay"] == .flag(true)
        forEachParameterWithGrad(in: group) { param, grad in
            let state = initializedState(for: param, in: group)
            let step = advanceStep(state)
            let biasCorrection1 = 1 - pow(beta1, step)
            let biasCorrection2 = 1 - pow(beta2, step)
            let args = ember_adam_args(
                decay: decoupled && weightDecay != 0 ? Float(1 - lr * weightDecay) : 1,
                weight_decay: decoupled ? 0 : Float(weightDecay),
                one_minus_beta1: Float(1 - beta1), beta2: Float(beta2), one_minus_beta2: Float(1 - beta2),
                neg_step_size: Float(-(lr / biasCorrection1)),
                bias_correction2_sqrt: Float(pow(biasCorrection2, 0.5)), eps: Float(group.number("eps")),
                maximize: group.maximize)
            let m = buffer(state, "exp_avg"), v = buffer(state, "exp_avg_sq")
            let vmax = group.amsgrad ? buffer(state, "max_exp_avg_sq") : nil
            applyKernel(to: param, grad: grad) { p, g, offset, count in
                ember_adam_f32(p + offset, g + offset, m + offset, v + offset, vmax.map { $0 + offset }, Int64(count), args)
            }
        }
    }
}

/// Adam with decoupled weight decay, like `torch.optim.AdamW`: parameters shrink by
/// `1 - lr * weight_decay` each step instead of the decay being added to the gradient.
public final class AdamW: Adam {
    /// AdamW over one group of parameters.
    public convenience init(
        _ params: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 1e-2, amsgrad: Bool = false, maximize: Bool = false
    ) {
        self.init([ParamGroup(params: params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
                  amsgrad: amsgrad, maximize: maximize)
    }

    /// AdamW over several groups; the arguments are the defaults for options a group leaves out.
    public init(
        _ groups: [ParamGroup], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 1e-2, amsgrad: Bool = false, maximize: Bool = false
    ) {
        super.init(groups, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                   maximize: maximize, decoupledWeightDecay: true)
    }
}
