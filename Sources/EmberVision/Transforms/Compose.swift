/// Chains transforms, each taking what the previous one gives (`transforms.Compose`):
///
/// ```swift
/// let transform = Compose([ToTensor(), Normalize(mean: [0.1307], std: [0.3081])])
/// ```
///
/// `Input` and `Output` come from where the composition is used (`Compose<Int, Int>`,
/// a parameter's type) and are `Image` and `Tensor` when nothing says otherwise; the chain
/// is checked when it is created.
public struct Compose<Input, Output>: Transform {
    /// The steps, in order.
    public let transforms: [any Transform]
    /// What runs: `transforms`, with each image-to-tensor affine step fused with the affine
    /// tensor steps after it (`ToTensor` then `Normalize` map bytes to normalised floats in
    /// one pass instead of three).
    private let steps: [any Transform]

    /// Composes `transforms`; the first must take `Input`, each next one what the one
    /// before gives, and the last must give `Output`.
    public init(_ transforms: [any Transform]) {
        self.init(checking: transforms)
    }

    private init(checking transforms: [any Transform]) {
        var current: Any.Type = Input.self
        for (position, step) in transforms.enumerated() {
            let (takes, gives) = Self.types(of: step)
            precondition(
                takes == current,
                "Compose: transform \(position) (\(type(of: step))) takes \(takes) but receives \(current)")
            current = gives
        }
        precondition(current == Output.self, "Compose: the transforms give \(current), expected \(Output.self)")
        self.transforms = transforms
        self.steps = Self.fused(transforms)
    }

    private static func fused(_ transforms: [any Transform]) -> [any Transform] {
        var result: [any Transform] = []
        for step in transforms {
            let (takes, gives) = types(of: step)
            if let last = result.last as? AffineImageToTensor, takes == Tensor.self, gives == Tensor.self,
               let map = step.channelAffine {
                result[result.count - 1] = AffineImageToTensor(map: last.map.then(map))
            } else if takes == Image.self, gives == Tensor.self, let map = step.channelAffine {
                result.append(AffineImageToTensor(map: map))
            } else {
                result.append(step)
            }
        }
        return result
    }

    private static func types<T: Transform>(of step: T) -> (Any.Type, Any.Type) {
        (T.Input.self, T.Output.self)
    }

    /// Each transform in turn.
    public func callAsFunction(_ input: Input) -> Output {
        steps.reduce(input as Any) { value, step in Self.apply(step, to: value) } as! Output
    }

    private static func apply<T: Transform>(_ step: T, to value: Any) -> Any {
        step(value as! T.Input)
    }

    /// The steps' maps chained, when every step is one.
    public var channelAffine: ChannelAffine? {
        var combined = ChannelAffine.identity
        for step in transforms {
            guard let map = step.channelAffine else { return nil }
            combined = combined.then(map)
        }
        return combined
    }
}

extension Compose where Input == Image, Output == Tensor {
    /// An image pipeline, the usual case, so that
    /// `let transform = Compose([ToTensor(), Normalize(mean: [0.5], std: [0.5])])` needs no
    /// type annotation.
    public init(_ transforms: [any Transform]) {
        self.init(checking: transforms)
    }
}
