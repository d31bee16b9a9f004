import CEmberKernels

/// Adagrad, like `torch.optim.Adagrad`:
///
///     g = ±grad + weight_decay * p
///     sum = sum + g²
///     p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
///
/// State per parameter: `step` and `sum`, created when the optimizer is built (as in
/// PyTorch) with `sum` filled with `initialAccumulatorValue`.
public final class Adagrad: Optimizer {
    /// Adagrad over one group of parameters.
    public convenience init(
        _ params: [Tensor], lr: Float = 1e-2, lrDecay: Float = 0, weightDecay: Float = 0,
        initialAccumulatorValue: Float = 0, eps: Float = 1e-10, maximize: Bool = false
    ) {
        self.init([ParamGroup(params: params)], lr: lr, lrDecay: lrDecay, weightDecay: weightDecay,
                  initialAccumulatorValue: initialAccumulatorValue, eps: eps, maximize: maximize)
    }

    /// Adagrad over several groups; the arguments are the defaults for options a group leaves out.
    public init(
        _ groups: [ParamGroup], lr: Float = 1e-2, lrDecay: Float = 0, weightDecay: Float = 0,
        initialAccumulatorValue: Float = 0, eps: Float = 1e-10, maximize: Bool = false
    ) {
        super.init(groups, defaults: [
            "lr": .number(lr), "lr_decay": .number(lrDecay), "weight_decay": .number(weightDecay),
            "initial_accumulator_value": .number(initialAccumulatorValue), "eps": .number(eps),
            "maximize": .flag(maximize),
        ])
        for group in paramGroups {
            for param in group.params { _ = initialState(for: param, in: group) }
        }
    }

    /// Adagrad keeps `step` and `sum` for every parameter.
    public override func stateNames(for group: ParamGroup) -> Set<String> {
        ["step", "sum"]
    }

    private func initialState(for param: Tensor, in group: ParamGroup) -> [String: Tensor] {
        initializedState(for: param, in: group, fill: Float(group.initialAccumulatorValue))
    }

    /// One Adagrad step for the group's parameters that have a gradient.
    public override func update(_ group: ParamGroup) {
        forEachParameterWithGrad(in: group) { param, grad in
            let state = initialState(for: param, in: group)
            let step = advanceStep(state)
            let clr = group.number("lr") / (1 + (step - 1) * group.number("lr_decay"))
            let args = ember_adagrad_args(
                neg_clr: Float(-clr), eps: Float(group.number("eps")),
                weight_decay: Float(group.number("weight_decay")), maximize: group.maximize)
            let sum = buffer(state, "sum")
            applyKernel(to: param, grad: grad) { p, g, offset, count in
                ember_adagrad_f32(p + offset, g + offset, sum + offset, Int64(count), args)
            }
        }
    }
}
