import CEmberKernels

/// 2-D convolution lowered to matrix products, im2col + GEMM per image.
///
/// One convolution relates an *image* `[N, C, ih, iw]` (the input of `conv2d`, the output
/// of `convTranspose2d`) to its *columns side* `[N, O, oh, ow]` through a weight laid out
/// `[O, C / groups, kh, kw]`, seen as the matrix `W [O, C/groups * kh * kw]`. Its three
/// products serve both ops forward and backward:
/// - `unfoldMultiply`: columns side = W · im2col(image);
/// - `multiplyFold`: image = col2im(Wᵀ · columns side), the adjoint;
/// - `weightGradient`: Σₙ columns side · im2col(image)ᵀ.
/// A 1×1 stride-1 unpadded kernel skips im2col/col2im: the image already is the column
/// matrix. GEMMs run one after another (each is parallel inside); only im2col/col2im are
/// split over channels.
struct ConvLowering {
    let geometry: ember_window2d_geometry
    /// Channels of the image side (`C`) and of the columns side (`O`).
    let imageChannels: Int, columnChannels: Int
    let groups: Int

    var imagePlane: Int { Int(geometry.ih * geometry.iw) }
    var columnPlane: Int { Int(geometry.oh * geometry.ow) }
    /// Rows of one group's block of the column matrix: `C/groups * kh * kw`.
    var groupRows: Int { imageChannels / groups * Int(geometry.kh * geometry.kw) }
    var groupColumnChannels: Int { columnChannels / groups }
    var isPointwise: Bool {
        geometry.kh == 1 && geometry.kw == 1 && geometry.sh == 1 && geometry.sw == 1
            && geometry.ph == 0 && geometry.pw == 0
    }

    /// `[N, O, oh, ow]` = W · im2col(image) (+ bias per channel); `image` is contiguous,
    /// `weight` the contiguous `[O, groupRows]` matrix.
    func unfoldMultiply(image: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let n = image.shape[0], l = columnPlane, og = groupColumnChannels, rows = groupRows
        let out = ConvLowering.planes([n, columnChannels, Int(geometry.oh), Int(geometry.ow)], filledWith: bias)
        let w = GEMM.operand(weight)
        let columns = columnBuffer()
        let images = GEMM.operand(image.reshape([n * imageChannels, imagePlane]))
        for i in 0..<n {
            let (source, base) = unfolded(image, i, into: columns, images)
            for g in 0..<groups {
                GEMM.multiply(w, source, into: out.floatPointer + (i * columnChannels + g * og) * l,
                              m: og, n: l, k: rows, aOffset: g * og * rows, bOffset: base + g * rows * l,
                              accumulate: true)
            }
        }
        return out
    }

    /// `[N, C, ih, iw]` = col2im(Wᵀ · columns) (+ bias per channel); `columns` is contiguous
    /// `[N, O, oh, ow]`.
    func multiplyFold(columns: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let n = columns.shape[0], l = columnPlane, og = groupColumnChannels, rows = groupRows
        let out = ConvLowering.planes([n, imageChannels, Int(geometry.ih), Int(geometry.iw)], filledWith: bias)
        let wT = GEMM.operand(weight.t())
        let source = GEMM.operand(columns.reshape([n * columnChannels, l]))
        let buffer = columnBuffer()
        for i in 0..<n {
            for g in 0..<groups {
                // Pointwise: the product lands on the image directly, on top of the bias.
                let destination = buffer.map { $0.floatPointer + g * rows * l }
                    ?? out.floatPointer + (i * imageChannels) * l + g * rows * l
                GEMM.multiply(wT, source, into: destination, m: rows, n: l, k: og,
                              aOffset: g * og * rows, bOffset: (i * columnChannels + g * og) * l,
                              accumulate: buffer == nil)
            }
            if let buffer { fold(buffer.floatPointer, into: out.floatPointer + i * imageChannels * imagePlane) }
        }
        return out
    }

    /// `[O, groupRows]` = Σₙ columns[n] · im2col(image[n])ᵀ, both contiguous.
    func weightGradient(image: Tensor, columns: Tensor) -> Tensor {
        let n = image.shape[0], l = columnPlane, og = groupColumnChannels, rows = groupRows
        let gradient = Tensor.zeros([columnChannels, rows])
        let a = GEMM.operand(columns.reshape([n * columnChannels, l]))
        let buffer = columnBuffer()
        let images = GEMM.operand(image.reshape([n * imageChannels, imagePlane]).t())
        for i in 0..<n {
            let (source, base) = unfolded(image, i, into: buffer, images, transposed: true)
            for g in 0..<groups {
                GEMM.multiply(a, source, into: gradient.floatPointer + g * og * rows, m: og, n: rows, k: l,
                              aOffset: (i * columnChannels + g * og) * l, bOffset: base + g * rows * l,
                              accumulate: true)
            }
        }
        return gradient
    }

    /// The column matrix `[C * kh * kw, oh * ow]` of one image, reused across images; nil
    /// for pointwise kernels.
    private func columnBuffer() -> Tensor? {
        isPointwise ? nil : Tensor(uninitialized: [groupRows * groups, columnPlane])
    }

    /// Image `i`'s column matrix as a GEMM operand (optionally transposed) and the offset of
    /// its first row: the unfolded buffer, or for pointwise kernels the image itself
    /// (`images`, the whole batch as `[N * C, ih * iw]` or its transpose).
    private func unfolded(
        _ image: Tensor, _ i: Int, into buffer: Tensor?, _ images: GEMM.Operand, transposed: Bool = false
    ) -> (GEMM.Operand, Int) {
        guard let buffer else { return (images, i * imageChannels * imagePlane) }
        let geometry = geometry, perChannel = Int(geometry.kh * geometry.kw) * columnPlane
        let src = image.floatPointer + i * imageChannels * imagePlane, dst = buffer.floatPointer
        parallelFor(imageChannels, grain: Swift.max(1, elementwiseGrain / Swift.max(perChannel, 1))) { range in
            ember_im2col_f32(src, geometry, Int64(range.lowerBound), Int64(range.upperBound), dst)
        }
        return (GEMM.operand(transposed ? buffer.t() : buffer), 0)
    }

    /// Adds the column matrix back onto one image (col2im), split over channels.
    private func fold(_ columns: UnsafeMutablePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let geometry = geometry, perChannel = Int(geometry.kh * geometry.kw) * columnPlane
        parallelFor(imageChannels, grain: Swift.max(1, elementwiseGrain / Swift.max(perChannel, 1))) { range in
            ember_col2im_f32(columns, geometry, Int64(range.lowerBound), Int64(range.upperBound), image)
        }
    }

    /// A `[N, C, h, w]` tensor whose every plane `(n, c)` holds `bias[c]`, or zeros.
    static func planes(_ shape: [Int], filledWith bias: Tensor?) -> Tensor {
        guard let bias else { return Tensor.zeros(shape) }
        let out = Tensor(uninitialized: shape)
        let b = bias.detach().contiguous(), plane = shape[2] * shape[3], channels = shape[1]
        let pb = b.floatPointer, o = out.floatPointer
        for p in 0..<(shape[0] * channels) {
            (o + p * plane).update(repeating: pb[p % channels], count: plane)
        }
        return out
    }
}
