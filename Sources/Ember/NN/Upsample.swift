/// Resizes `[N, C, H, W]` feature maps (`nn.Upsample`) to a fixed `size` or by a
/// `scaleFactor`; see `interpolate` for the modes and `alignCorners`.
public final class Upsample: Module {
    /// The output size, if fixed.
    public let size: IntPair?
    /// The multiplier of the input size, if no size is fixed.
    public let scaleFactor: Double?
    /// The resampling algorithm.
    public let mode: InterpolationMode
    /// For bilinear mode: whether corner pixels are aligned (nil: false).
    public let alignCorners: Bool?

    /// An upsampling to `size` or by `scaleFactor` (exactly one of them).
    public init(size: IntPair? = nil, scaleFactor: Double? = nil, mode: InterpolationMode = .nearest, alignCorners: Bool? = nil) {
        precondition((size == nil) != (scaleFactor == nil), "Upsample: either size or scale_factor should be defined, not both or neither")
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
        super.init()
    }

    /// `input` resized with `interpolate`.
    public override func forward(_ input: Tensor) -> Tensor {
        interpolate(input, size: size, scaleFactor: scaleFactor.map { ($0, $0) }, mode: mode, alignCorners: alignCorners)
    }

    /// `scale_factor=2.0, mode='nearest'` (or `size=...`), as PyTorch prints it.
    public override var extraRepr: String {
        let target = scaleFactor.map { "scale_factor=\($0)" } ?? "size=\(size!)"
        return "\(target), mode='\(mode.rawValue)'"
    }
}
