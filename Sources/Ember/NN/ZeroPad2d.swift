/// Pads the last two dimensions with zeros (`nn.ZeroPad2d`): one size for all four sides,
/// or `(left, right, top, bottom)`; negative sizes crop.
public final class ZeroPad2d: Module {
    /// Columns added on the left and right, rows on the top and bottom.
    public let padding: (left: Int, right: Int, top: Int, bottom: Int)

    /// The same padding on every side.
    public convenience init(_ padding: Int) {
        self.init(left: padding, right: padding, top: padding, bottom: padding)
    }

    /// Separate sizes per side, in PyTorch's order.
    public init(left: Int, right: Int, top: Int, bottom: Int) {
        padding = (left, right, top, bottom)
        super.init()
    }

    /// `input` padded with zeros (cropped where a size is negative).
    public override func forward(_ input: Tensor) -> Tensor { pad(input, padding, mode: .constant, value: 0) }

    /// `(1, 1, 1, 1)`: left, right, top, bottom, as PyTorch prints it.
    public override var extraRepr: String {
        "(\(padding.left), \(padding.right), \(padding.top), \(padding.bottom))"
    }
}
