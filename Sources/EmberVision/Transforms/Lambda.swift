/// A transform made from a closure (`transforms.Lambda`):
/// `Lambda { (x: Tensor) in x.flatten() }`, or for labels, `Lambda { (y: Int) in y % 2 }`.
public struct Lambda<Input, Output>: Transform {
    private let body: @Sendable (Input) -> Output

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable (Input) -> Output) {
        self.body = body
    }

    /// `body(input)`.
    public func callAsFunction(_ input: Input) -> Output { body(input) }
}
