/// The activations a layer can apply to its result in the same pass when nothing can tell
/// the difference: `BatchNorm.callAsFunction(_:then:)`, `Conv2d.callAsFunction(_:then:)`,
/// and `Sequential` for a batch norm or convolution followed by a ReLU or ReLU6.
public enum FusedActivation: Sendable {
    /// `max(0, x)`.
    case relu
    /// `min(max(0, x), 6)`.
    case relu6

    var bounds: (low: Float, high: Float) { self == .relu ? (0, .infinity) : (0, 6) }

    /// The activation a `ReLU` or `ReLU6` module applies; nil for other modules.
    public init?(_ module: Module) {
        switch module {
        case is ReLU: self = .relu
        case is ReLU6: self = .relu6
        default: return nil
        }
    }

    /// The activation applied the ordinary way, recorded for autograd as usual.
    func apply(_ x: Tensor) -> Tensor { self == .relu ? x.relu() : x.relu6() }

    /// The activation `module` applies when it can be fused: a `ReLU` or `ReLU6` without
    /// forward hooks (a hook must see the module run).
    static func fusable(_ module: Module) -> FusedActivation? {
        module.forwardHooks.isEmpty ? FusedActivation(module) : nil
    }
}
