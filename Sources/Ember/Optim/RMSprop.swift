import CEmberKernels

/// RMSprop, like `torch.optim.RMSprop`:
///
///     g = ±grad + weight_decay * p
///     s = alpha * s + (1 - alpha) * g²
///     avg = sqrt(s - a²) with a = lerp(a, g, 1 - alpha) when centered, else sqrt(s); avg += eps
///     buf = momentum * buf + g / avg; p = p - lr * buf      (momentum > 0)
///     p = p - lr * g / avg                                  (otherwise)
///
/// State per parameter: `step`, `square_avg`, `momentum_buffer` when momentum > 0 and
/// `grad_avg` when centered.
public final class RMSprop: Optimizer {
    /// RMSprop over one group of parameters.
    public convenience init(
        _ params: [Tensor], lr: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false, maximize: Bool = false
    ) {
        self.init([ParamGroup(params: params)], lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                  momentum: momentum, centered: centered, maximize: maximize)
    }

    /// RMSprop over several groups; the arguments are the defaults for options a group leaves out.
    public init(
        _ groups: [ParamGroup], lr: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false, maximize: Bool = false
    ) {
        super.init(groups, defaults: [
            "lr": .number(lr), "alpha": .number(alpha), "eps": .number(eps),
            "weight_decay": .number(weightDecay), "momentum": .number(momentum),
            "centered": .flag(centered), "maximize": .flag(maximize),
        ])
    }

    /// `step` and `square_avg`, plus `momentum_buffer` with momentum and `grad_avg` when centered.
    public override func stateNames(for group: ParamGroup) -> Set<String> {
        var names: Set = ["step", "square_avg"]
        if group.momentum > 0 { names.insert("momentum_buffer") }
        if group.centered { names.insert("grad_avg") }
        return names
    }

    /// One RMSprop step for the group's parameters that have a gradient.
    public override func update(_ group: ParamGroup) {
        let alpha = group.number("alpha")
        let args = ember_rmsprop_args(
            neg_lr: Float(-group.number("lr")), alpha: Float(alpha), one_minus_alpha: Float(1 - alpha),
            eps: Float(group.number("eps")), weight_decay: Float(group.number("weight_decay")),
            momentum: Float(group.number("momentum")), maximize: group.maximize)
        forEachParameterWithGrad(in: group) { param, grad in
            let state = initializedState(for: param, in: group)
            _ = advanceStep(state)
            let square = buffer(state, "square_avg")
            let average = group.centered ? buffer(state, "grad_avg") : nil
            let momentum = group.momentum > 0 ? buffer(state, "momentum_buffer") : nil
            applyKernel(to: param, grad: grad) { p, g, offset, count in
                ember_rmsprop_f32(p + offset, g + offset, square + offset, average.map { $0 + offset },
                                  momentum.map { $0 + offset }, Int64(count), args)
            }
        }
    }
}
