import CEmberKernels

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and
/// weight decay, like `torch.optim.SGD`:
///
///     g = ±grad + weight_decay * p
///     buf = g on the first step, else momentum * buf + (1 - dampening) * g
///     g = g + momentum * buf (nesterov) or buf
///     p = p - lr * g
///
/// The momentum buffer (state `momentum_buffer`) exists only when momentum is nonzero.
public final class SGD: Optimizer {
    /// SGD over one group of parameters (`SGD(model.parameters(), lr: 0.01, momentum: 0.9)`).
    public convenience init(
        _ params: [Tensor], lr: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false, maximize: Bool = false
    ) {
        self.init([ParamGroup(params: params)], lr: lr, momentum: momentum, dampening: dampening,
                  weightDecay: weightDecay, nesterov: nesterov, maximize: maximize)
    }

    /// SGD over several groups; the arguments are the defaults for options a group leaves out.
    public init(
        _ groups: [ParamGroup], lr: Float = 1e-3, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false, maximize: Bool = false
    ) {
        super.init(groups, defaults: [
            "lr": .number(lr), "momentum": .number(momentum), "dampening": .number(dampening),
            "weight_decay": .number(weightDecay), "nesterov": .flag(nesterov), "maximize": .flag(maximize),
        ])
    }

    /// `momentum_buffer` when the group has momentum, else nothing.
    public override func stateNames(for group: ParamGroup) -> Set<String> {
        group.momentum != 0 ? ["momentum_buffer"] : []
    }

    /// One SGD step for the group's parameters that have a gradient.
    public override func update(_ group: ParamGroup) {
        let momentum = group.number("momentum")
        let args = ember_sgd_args(
            neg_lr: Float(-group.number("lr")), weight_decay: Float(group.number("weight_decay")),
            momentum: Float(momentum), one_minus_dampening: Float(1 - group.number("dampening")),
            nesterov: group.nesterov, maximize: group.maximize)
        forEachParameterWithGrad(in: group) { param, grad in
            var mode = EMBER_MOMENTUM_NONE
            var buffer: UnsafeMutablePointer<Float>?
            if momentum != 0 {
                var state = state(for: param)
                if state.isEmpty {
                    state["momentum_buffer"] = Tensor.empty(param.shape)
                    setState(state, for: param)
                    mode = EMBER_MOMENTUM_INIT
                } else {
                    mode = EMBER_MOMENTUM_UPDATE
                }
                buffer = self.buffer(state, "momentum_buffer")
            }
            applyKernel(to: param, grad: grad) { p, g, offset, count in
                ember_sgd_f32(p + offset, g + offset, buffer.map { $0 + offset }, Int64(count), mode, args)
            }
        }
    }
}
