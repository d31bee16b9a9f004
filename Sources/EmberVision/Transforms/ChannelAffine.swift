/// A per-channel affine map of values, `value * scale[c] + shift[c]` for channel `c`: what
/// `ToTensor` (1/255), `Normalize` and their compositions do to pixel values. One entry
/// applies to every channel. Fusing a pipeline into one of these lets a data set of 8-bit
/// images turn a batch into normalised floats in a single pass.
public struct ChannelAffine: Sendable, Equatable {
    /// Multipliers, one per channel or one for all.
    public let scale: [Float]
    /// Offsets added after scaling, as many as `scale`.
    public let shift: [Float]

    /// The map `value * scale[c] + shift[c]`.
    public init(scale: [Float], shift: [Float]) {
        precondition(!scale.isEmpty && scale.count == shift.count,
                     "ChannelAffine: scale and shift need the same non-zero count, got \(scale.count) and \(shift.count)")
        self.scale = scale
        self.shift = shift
    }

    /// Leaves values unchanged.
    public static let identity = ChannelAffine(scale: [1], shift: [0])

    /// This map followed by `next`.
    public func then(_ next: ChannelAffine) -> ChannelAffine {
        let channels = max(scale.count, next.scale.count)
        precondition(
            scale.count == next.scale.count || min(scale.count, next.scale.count) == 1,
            "ChannelAffine: cannot chain maps over \(scale.count) and \(next.scale.count) channels")
        let a = Self.broadcast(self, to: channels), b = Self.broadcast(next, to: channels)
        return ChannelAffine(
            scale: (0..<channels).map { a.scale[$0] * b.scale[$0] },
            shift: (0..<channels).map { a.shift[$0] * b.scale[$0] + b.shift[$0] })
    }

    private static func broadcast(_ map: ChannelAffine, to channels: Int) -> (scale: [Float], shift: [Float]) {
        map.scale.count == channels ? (map.scale, map.shift)
            : (Array(repeating: map.scale[0], count: channels), Array(repeating: map.shift[0], count: channels))
    }

    /// A float `[B, C, H, W]` tensor from `B` images of `height × width × channels` bytes
    /// (channel-last), the `b`-th starting at `offsets[b]` in `pixels`, with every value
    /// mapped through this affine.
    func images(
        from pixels: UnsafeBufferPointer<UInt8>, offsets: [Int], height: Int, width: Int, channels: Int
    ) -> Tensor {
        precondition(scale.count == 1 || scale.count == channels,
                     "ChannelAffine: a map over \(scale.count) channels applied to images with \(channels) channels")
        let (scale, shift) = Self.broadcast(self, to: channels)
        let plane = height * width
        return Tensor(shape: [offsets.count, channels, height, width]) { out in
            for (b, offset) in offsets.enumerated() {
                precondition(offset >= 0 && offset + plane * channels <= pixels.count, "ChannelAffine: image \(b) lies outside the pixel buffer")
                for c in 0..<channels {
                    let source = pixels.baseAddress! + offset + c
                    let target = out.baseAddress! + (b * channels + c) * plane
                    let (s, t) = (scale[c], shift[c])
                    for p in 0..<plane { target[p] = Float(source[p * channels]) * s + t }
                }
            }
        }
    }
}
