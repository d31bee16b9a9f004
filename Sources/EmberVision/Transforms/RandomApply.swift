/// Applies a list of transforms, in order, with probability `p`, or none of them
/// (`transforms.RandomApply`): `RandomApply<Image>([ColorJitter(brightness: 0.4)], p: 0.8)`.
/// The draw comes from Ember's default generator.
public struct RandomApply<Value>: Transform {
    /// The probability of applying the transforms.
    public let p: Double
    private let pipeline: Compose<Value, Value>

    /// `RandomApply(transforms, p=0.5)`; each transform must take and give `Value`.
    public init(_ transforms: [any Transform], p: Double = 0.5) {
        precondition((0...1).contains(p), "RandomApply: p must be in 0...1, got \(p)")
        self.p = p
        pipeline = Compose<Value, Value>(transforms)
    }

    /// The transforms' result when a uniform draw is at most `p`, else the input.
    public func callAsFunction(_ input: Value) -> Value {
        p < randomUniform() ? input : pipeline(input)
    }
}
