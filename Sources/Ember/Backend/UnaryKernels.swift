import CEmberKernels

/// Dispatch of elementwise unary kernels and their fused backward kernels.
enum UnaryKernels {
    /// Elements per thread for `op`: operators that cost an exponential, a logarithm or a
    /// sine per element are compute-bound, so two threads pay off from a quarter of the
    /// plain elementwise grain (tanh of 50,176 elements: 14 µs on one thread, 8 µs on two;
    /// an add of that size gains nothing).
    static func grain(_ op: ember_unary_op) -> Int {
        switch op {
        case EMBER_UNARY_EXP, EMBER_UNARY_LOG, EMBER_UNARY_SIN, EMBER_UNARY_COS, EMBER_UNARY_SIGMOID,
             EMBER_UNARY_TANH, EMBER_UNARY_GELU, EMBER_UNARY_GELU_TANH, EMBER_UNARY_SOFTPLUS:
            elementwiseGrain / 4
        default: elementwiseGrain
        }
    }

    /// `op(x)` elementwise on float32 (other dtypes are converted first).
    static func apply(_ op: ember_unary_op, _ x: Tensor, _ p0: Float = 0, _ p1: Float = 0) -> Tensor {
        let x = x.to(.float32).contiguous()
        let out = Tensor(uninitialized: x.shape)
        let px = x.floatPointer, o = out.floatPointer
        parallelFor(x.numel, grain: grain(op)) { r in
            ember_unary_f32(Int32(op.rawValue), px + r.lowerBound, o + r.lowerBound, Int64(r.count), p0, p1)
        }
        return out
    }

    /// `grad * op'(x)` from the forward input `x` and/or output `y` (see the C header for
    /// which each op needs).
    static func backward(
        _ op: ember_unary_op, grad: Tensor, x: Tensor?, y: Tensor?, _ p0: Float = 0, _ p1: Float = 0
    ) -> Tensor {
        let g = grad.contiguous()
        let x = x?.contiguous(), y = y?.contiguous()
        let out = Tensor(uninitialized: g.shape)
        let pg = g.floatPointer, px = x?.floatPointer, py = y?.floatPointer, o = out.floatPointer
        parallelFor(g.numel, grain: elementwiseGrain) { r in
            ember_unary_backward_f32(Int32(op.rawValue), pg + r.lowerBound, px.map { $0 + r.lowerBound },
                                     py.map { $0 + r.lowerBound }, o + r.lowerBound, Int64(r.count), p0, p1)
        }
        return out
    }
}

extension Tensor {
    /// Which forward value a unary op's derivative is computed from.
    enum SavedValue { case input, output, none }

    /// Applies a unary kernel and records its fused backward.
    func unary(_ op: ember_unary_op, _ name: String, saving saved: SavedValue,
               _ p0: Float = 0, _ p1: Float = 0) -> Tensor {
        let out = UnaryKernels.apply(op, self, p0, p1)
        guard GradMode.isEnabled && requiresGrad else { return out }
        let x = saved == .input ? detach() : nil
        let y = saved == .output ? out.detach() : nil
        return Tensor.record(name, output: out, inputs: [self]) { g in
            if saved == .none { return [Tensor.zerosLike(g)] }
            return [UnaryKernels.backward(op, grad: g, x: x, y: y, p0, p1)]
        }
    }
}
