/// A size given either as one number for both spatial dimensions or as a (height, width)
/// pair, like PyTorch's `_size_2_t`: `kernelSize: 2` or `kernelSize: [2, 3]`. It remembers
/// which form it was given in, so layer reprs print `2` or `(2, 3)` as PyTorch does.
public struct IntPair: Equatable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral
{
    /// The size along the height.
    public let height: Int
    /// The size along the width.
    public let width: Int
    /// Whether it was given as a pair.
    public let isPair: Bool

    /// The same size in both dimensions.
    public init(_ value: Int) {
        (height, width, isPair) = (value, value, false)
    }

    /// Separate sizes for height and width.
    public init(_ height: Int, _ width: Int) {
        (self.height, self.width, isPair) = (height, width, true)
    }

    /// The same size in both dimensions: `kernelSize: 3`.
    public init(integerLiteral value: Int) { self.init(value) }

    /// A (height, width) pair: `kernelSize: [3, 5]`; exactly two values.
    public init(arrayLiteral elements: Int...) {
        precondition(elements.count == 2, "expected a pair of sizes (height, width), got \(elements)")
        self.init(elements[0], elements[1])
    }

    /// Python's repr: `2` or `(2, 3)`.
    public var description: String { isPair ? "(\(height), \(width))" : "\(height)" }

    /// Python's repr of `_pair(self)`: always `(h, w)`.
    var pairDescription: String { "(\(height), \(width))" }
}
