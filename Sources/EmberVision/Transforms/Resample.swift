import CEmberKernels

/// Pillow's resampling of 8-bit images (`Image.resize`), which torchvision's `F.resize`
/// uses on PIL images: separable filtering in two passes, with the filter widened
/// by the downscale factor (antialiasing), per-pixel normalised weights and 22-bit
/// fixed-point accumulation; NEAREST samples pixel centres without filtering.
enum PillowResample {
    /// Bits after the point in the fixed-point weights (`32 - 8 - 2`).
    static let precisionBits = 22

    /// A filter's kernel and half-width at scale 1.
    enum Filter {
        case bilinear, bicubic

        var support: Double { self == .bilinear ? 1 : 2 }

        func kernel(_ x: Double) -> Double {
            let x = abs(x)
            switch self {
            case .bilinear:
                return x < 1 ? 1 - x : 0
            case .bicubic:
                let a = -0.5
                if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
                if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
                return 0
            }
        }
    }

    /// For each output position: the first input index, how many follow, and their
    /// fixed-point weights (`ksize` per output position).
    struct Coefficients {
        var first: [Int64]
        var count: [Int64]
        var weights: [Int32]
        var ksize: Int
    }

    /// For each output position: the first input index and the normalised weights of the
    /// inputs from there on (Pillow's `precompute_coeffs`, which PyTorch's antialiased
    /// interpolation follows too), `ksize` slots per output.
    static func normalizedWeights(inSize: Int, outSize: Int, filter: Filter)
        -> (first: [Int], count: [Int], weights: [Double], ksize: Int)
    {
        let scale = Double(Float(inSize)) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        let inverse = 1 / filterScale
        var first = [Int](), count = [Int]()
        var weights = [Double](repeating: 0, count: outSize * ksize)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            let low = max(Int(center - support + 0.5), 0)
            let high = min(Int(center + support + 0.5), inSize)
            let n = high - low
            var total = 0.0
            for x in 0..<n {
                weights[xx * ksize + x] = filter.kernel((Double(x + low) - center + 0.5) * inverse)
                total += weights[xx * ksize + x]
            }
            if total != 0 { for x in 0..<n { weights[xx * ksize + x] /= total } }
            first.append(low)
            count.append(n)
        }
        return (first, count, weights, ksize)
    }

    /// The weights in Pillow's 22-bit fixed point, for the 8-bit passes.
    static func coefficients(inSize: Int, outSize: Int, filter: Filter) -> Coefficients {
        let (first, count, weights, ksize) = normalizedWeights(inSize: inSize, outSize: outSize, filter: filter)
        let one = Double(1 << precisionBits)
        return Coefficients(first: first.map(Int64.init), count: count.map(Int64.init),
                            weights: weights.map { Int32($0 < 0 ? -0.5 + $0 * one : 0.5 + $0 * one) }, ksize: ksize)
    }

    /// The weights as a dense `[outSize, inSize]` matrix, for resampling tensors by matrix
    /// products along each axis.
    static func matrix(inSize: Int, outSize: Int, filter: Filter) -> Tensor {
        let (first, count, weights, ksize) = normalizedWeights(inSize: inSize, outSize: outSize, filter: filter)
        var dense = [Float](repeating: 0, count: outSize * inSize)
        for o in 0..<outSize {
            for k in 0..<count[o] { dense[o * inSize + first[o] + k] = Float(weights[o * ksize + k]) }
        }
        return Tensor(shape: [outSize, inSize], scalars: dense)
    }

    /// The horizontal pass: rows `firstRow ..< firstRow + rows` of `pixels` (`inWidth`
    /// columns) filtered to `width` columns.
    static func horizontal(_ pixels: [UInt8], inWidth: Int, channels c: Int, firstRow: Int, rows: Int, width: Int,
                           filter: Filter) -> [UInt8] {
        let h = coefficients(inSize: inWidth, outSize: width, filter: filter)
        var out = [UInt8](repeating: 0, count: rows * width * c)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                ember_resample_horizontal_u8(source.baseAddress, Int64(inWidth), Int64(c), Int64(firstRow),
                                             Int64(firstRow + rows), target.baseAddress, Int64(width), h.first, h.count,
                                             h.weights, Int64(h.ksize))
            }
        }
        return out
    }

    /// The vertical pass with `vertical`'s coefficients, whose rows start `rowOffset` rows
    /// into `pixels` (`width` columns).
    static func vertical(_ pixels: [UInt8], width: Int, channels c: Int, coefficients vertical: Coefficients,
                         rowOffset: Int, height: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: height * width * c)
        let first = vertical.first.map { $0 - Int64(rowOffset) }
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                ember_resample_vertical_u8(source.baseAddress, Int64(width * c), 0, Int64(height), target.baseAddress,
                                           first, vertical.count, vertical.weights, Int64(vertical.ksize))
            }
        }
        return out
    }

    /// `image` resampled to `width × height` with `filter`, as Pillow 13's `ImagingResample`:
    /// the horizontal pass first (over only the rows the vertical pass reads), unless the
    /// height shrinks by more than twice as many pixels as the width, when the vertical pass
    /// goes first. The order changes some results by one level.
    static func resample(_ image: Image, width: Int, height: Int, filter: Filter) -> Image {
        let c = image.channels
        let needHorizontal = width != image.width, needVertical = height != image.height
        let shrink = image.height - height
        let horizontalFirst = !(shrink > 0 && shrink > (image.width - width) * 2)
        let rowWeights = coefficients(inSize: image.height, outSize: height, filter: filter)
        var pixels = image.pixels
        if horizontalFirst {
            var rowOffset = 0
            if needHorizontal {
                let firstRow = Int(rowWeights.first[0])
                let lastRow = Int(rowWeights.first[height - 1] + rowWeights.count[height - 1])
                pixels = horizontal(pixels, inWidth: image.width, channels: c, firstRow: firstRow,
                                    rows: lastRow - firstRow, width: width, filter: filter)
                rowOffset = firstRow
            }
            if needVertical {
                pixels = vertical(pixels, width: width, channels: c, coefficients: rowWeights, rowOffset: rowOffset,
                                  height: height)
            }
        } else {
            if needVertical {
                pixels = vertical(pixels, width: image.width, channels: c, coefficients: rowWeights, rowOffset: 0,
                                  height: height)
            }
            if needHorizontal {
                pixels = horizontal(pixels, inWidth: image.width, channels: c, firstRow: 0, rows: height,
                                    width: width, filter: filter)
            }
        }
        return Image(width: width, height: height, channels: c, pixels: pixels)
    }

    /// `image` resized to `width × height` by nearest neighbour, as Pillow's NEAREST
    /// (`ImagingScaleAffine`: the source of output pixel `x` is `floor((x + 0.5) * in / out)`,
    /// accumulated in double precision).
    static func nearest(_ image: Image, width: Int, height: Int) -> Image {
        func sources(inSize: Int, outSize: Int) -> [Int] {
            let step = Double(Float(inSize)) / Double(outSize)
            var position = step * 0.5
            var result = [Int]()
            result.reserveCapacity(outSize)
            for _ in 0..<outSize {
                result.append(min(max(position < 0 ? -1 : Int(position), 0), inSize - 1))
                position += step
            }
            return result
        }
        let xs = sources(inSize: image.width, outSize: width)
        let ys = sources(inSize: image.height, outSize: height)
        let c = image.channels
        var out = [UInt8](repeating: 0, count: width * height * c)
        for (y, sy) in ys.enumerated() {
            for (x, sx) in xs.enumerated() {
                let from = (sy * image.width + sx) * c, to = (y * width + x) * c
                for ch in 0..<c { out[to + ch] = image.pixels[from + ch] }
            }
        }
        return Image(width: width, height: height, channels: c, pixels: out)
    }
}
