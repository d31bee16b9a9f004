/// Weight initialisation schemes, like `torch.nn.init`. Each fills its tensor in place,
/// without recording gradients, from the default generator (`manualSeed` makes them
/// reproducible), and returns it.
///
/// ```swift
/// Init.kaimingNormal(conv.weight, mode: .fanOut, nonlinearity: .relu)
/// Init.zeros(conv.bias!)
/// ```
public enum Init {
    /// Which fan Kaiming initialisation preserves: the forward pass's variance (`fanIn`)
    /// or the backward pass's (`fanOut`).
    public enum FanMode: Sendable { case fanIn, fanOut }

    /// The function that follows a layer, for `calculateGain`.
    public enum Nonlinearity: Sendable {
        /// Linear and convolution layers without an activation: gain 1.
        case linear, conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d
        /// Activation functions, each with its own gain.
        case sigmoid, tanh, relu, leakyRelu, selu
    }

    /// The recommended gain for a nonlinearity (`calculate_gain`): 1 for linear and sigmoid,
    /// 5/3 for tanh, √2 for ReLU, √(2 / (1 + slope²)) for leaky ReLU (slope `param`, default
    /// 0.01), 3/4 for SELU.
    public static func calculateGain(_ nonlinearity: Nonlinearity, param: Float? = nil) -> Float {
        switch nonlinearity {
        case .linear, .conv1d, .conv2d, .conv3d, .convTranspose1d, .convTranspose2d, .convTranspose3d, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: Float(2).squareRoot()
        case .leakyRelu:
            (2 / (1 + (param ?? 0.01) * (param ?? 0.01))).squareRoot()
        case .selu: 0.75
        }
    }

    /// Fan-in and fan-out of a weight laid out `[out, in, *kernel]`: `in * kernel` and
    /// `out * kernel` elements (`_calculate_fan_in_and_fan_out`).
    public static func fans(_ tensor: Tensor) -> (fanIn: Int, fanOut: Int) {
        precondition(tensor.ndim >= 2, "Init: fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape \(tensor.shape))")
        let receptiveField = tensor.shape.dropFirst(2).reduce(1, *)
        return (tensor.shape[1] * receptiveField, tensor.shape[0] * receptiveField)
    }

    /// Fills with values from `U(low, high)` (`uniform_`).
    @discardableResult
    public static func uniform(_ tensor: Tensor, low: Float = 0, high: Float = 1) -> Tensor {
        guard !isSkipping else { return tensor }
        return fill(tensor, with: Tensor.uniform(tensor.shape, low: low, high: high))
    }

    /// Fills with values from `N(mean, std²)` (`normal_`).
    @discardableResult
    public static func normal(_ tensor: Tensor, mean: Float = 0, std: Float = 1) -> Tensor {
        guard !isSkipping else { return tensor }
        return fill(tensor, with: Tensor.normal(tensor.shape, mean: mean, std: std))
    }

    /// Fills with values from `N(mean, std²)` truncated to `[a, b]` (`trunc_normal_`; the
    /// bounds are absolute values, not multiples of `std`). A value outside the bounds is
    /// drawn again, which gives exactly the truncated distribution.
    @discardableResult
    public static func truncNormal(_ tensor: Tensor, mean: Float = 0, std: Float = 1, a: Float = -2, b: Float = 2) -> Tensor {
        precondition(a < b, "trunc_normal_: expected a < b, got a=\(a), b=\(b)")
        guard !isSkipping else { return tensor }
        let values = Tensor(uninitialized: tensor.shape)
        let out = values.floatPointer, count = values.numel
        DefaultGenerator.with { g in
            // Drawn in bulk (Inception v3 draws 27M at construction), then each value outside
            // the bounds drawn again until it falls inside.
            g.fillNormal(out, count: count, mean: mean, std: std)
            var draw: Float = 0
            for i in 0..<count where !(out[i] >= a && out[i] <= b) {
                repeat { g.fillNormal(&draw, count: 1, mean: mean, std: std) } while !(draw >= a && draw <= b)
                out[i] = draw
            }
        }
        return fill(tensor, with: values)
    }

    /// Fills with `value` (`constant_`).
    @discardableResult
    public static func constant(_ tensor: Tensor, _ value: Float) -> Tensor {
        guard !isSkipping else { return tensor }
        withNoGrad { tensor.fill(value) }
        return tensor
    }

    /// Fills with zeros (`zeros_`).
    @discardableResult
    public static func zeros(_ tensor: Tensor) -> Tensor { constant(tensor, 0) }

    /// Fills with ones (`ones_`).
    @discardableResult
    public static func ones(_ tensor: Tensor) -> Tensor { constant(tensor, 1) }

    /// He initialisation, uniform: `U(-b, b)` with `b = gain * √(3 / fan)`, the gain of
    /// `nonlinearity` with negative slope `a` (`kaiming_uniform_`).
    @discardableResult
    public static func kaimingUniform(
        _ tensor: Tensor, a: Float = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu
    ) -> Tensor {
        guard tensor.numel > 0 else { return tensor }
        let bound = Float(3).squareRoot() * kaimingStd(tensor, a: a, mode: mode, nonlinearity: nonlinearity)
        return uniform(tensor, low: -bound, high: bound)
    }

    /// He initialisation, normal: `N(0, std²)` with `std = gain / √fan` (`kaiming_normal_`).
    @discardableResult
    public static func kaimingNormal(
        _ tensor: Tensor, a: Float = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu
    ) -> Tensor {
        guard tensor.numel > 0 else { return tensor }
        return normal(tensor, std: kaimingStd(tensor, a: a, mode: mode, nonlinearity: nonlinearity))
    }

    /// Glorot initialisation, uniform: `U(-b, b)` with `b = gain * √(6 / (fanIn + fanOut))`
    /// (`xavier_uniform_`).
    @discardableResult
    public static func xavierUniform(_ tensor: Tensor, gain: Float = 1) -> Tensor {
        let bound = Float(3).squareRoot() * xavierStd(tensor, gain: gain)
        return uniform(tensor, low: -bound, high: bound)
    }

    /// Glorot initialisation, normal: `N(0, std²)` with `std = gain * √(2 / (fanIn + fanOut))`
    /// (`xavier_normal_`).
    @discardableResult
    public static func xavierNormal(_ tensor: Tensor, gain: Float = 1) -> Tensor {
        normal(tensor, std: xavierStd(tensor, gain: gain))
    }

    private static func kaimingStd(_ tensor: Tensor, a: Float, mode: FanMode, nonlinearity: Nonlinearity) -> Float {
        let (fanIn, fanOut) = fans(tensor)
        return calculateGain(nonlinearity, param: a) / Float(mode == .fanIn ? fanIn : fanOut).squareRoot()
    }

    private static func xavierStd(_ tensor: Tensor, gain: Float) -> Float {
        let (fanIn, fanOut) = fans(tensor)
        return gain * (2 / Float(fanIn + fanOut)).squareRoot()
    }

    /// Whether the current thread is inside `skipInit(_:)`.
    @TaskLocal static var isSkipping = false

    private static func fill(_ tensor: Tensor, with values: Tensor) -> Tensor {
        withNoGrad { tensor.copy(from: values) }
        return tensor
    }
}

/// Builds modules without initialising their weights, like PyTorch's
/// `torch.nn.utils.skip_init`: inside `body` every `Init` function leaves its tensor as
/// allocated, so parameters start with unspecified values. For a model whose weights are
/// loaded right after (`skipInit { resnet152() }` then `loadStateDict`), this saves drawing
/// millions of random numbers; buffers such as batch-norm statistics start as usual.
public func skipInit<T>(_ body: () throws -> T) rethrows -> T {
    try Init.$isSkipping.withValue(true, operation: body)
}
