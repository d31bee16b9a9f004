import CDNNL
import Synchronization

/// One 2-D convolution's sizes, as oneDNN describes them: an *image* `[batch, imageChannels,
/// imageSize]` (the input of `conv2d`, the output of `convTranspose2d`) and its *response*
/// `[batch, responseChannels, responseSize]` (the output of `conv2d`) through a weight
/// `[responseChannels, imageChannels / groups, kernel]`.
struct ConvolutionGeometry: Hashable, Sendable {
    var batch: Int, imageChannels: Int, responseChannels: Int, groups: Int
    var imageHeight: Int, imageWidth: Int, responseHeight: Int, responseWidth: Int
    var kernelHeight: Int, kernelWidth: Int
    var strideHeight: Int, strideWidth: Int, dilationHeight: Int, dilationWidth: Int
    /// Zeros before (top, left) and after (bottom, right) the image.
    var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    var hasBias: Bool

    /// The geometry of a convolution of `image` (`[N, C, H, W]`) to `responseChannels`
    /// planes of `responseSize`, with padding given per side. The padding must agree with
    /// the sizes exactly: `response = (image + before + after - span) / stride + 1`.
    init(image: [Int], responseChannels: Int, responseSize: IntPair, kernel: IntPair, stride: IntPair,
         dilation: IntPair, groups: Int, padding: (left: Int, right: Int, top: Int, bottom: Int), hasBias: Bool) {
        (batch, imageChannels, imageHeight, imageWidth) = (image[0], image[1], image[2], image[3])
        (self.responseChannels, responseHeight, responseWidth) = (responseChannels, responseSize.height, responseSize.width)
        (kernelHeight, kernelWidth, strideHeight, strideWidth) = (kernel.height, kernel.width, stride.height, stride.width)
        (dilationHeight, dilationWidth, self.groups, self.hasBias) = (dilation.height, dilation.width, groups, hasBias)
        (padTop, padLeft, padBottom, padRight) = (padding.top, padding.left, padding.bottom, padding.right)
    }
}

/// oneDNN's convolution primitives for one geometry: forward, backward-data and
/// backward-weights, built once per geometry and cached (building one compiles its kernel:
/// milliseconds).
///
/// oneDNN's fastest kernels read and write channel-blocked layouts (16 channels side by
/// side); each primitive chooses its own layouts and Ember's NCHW tensors are reordered to
/// and from them around each call. Sides with fewer than 16 channels stay NCHW, where
/// oneDNN's plain kernels beat reordering. The algorithm is oneDNN's choice
/// (`dnnl_convolution_auto`): on AVX-512, Winograd F(4×4, 3×3) for 3×3 stride-1 layers with
/// channels in multiples of 16, direct convolution otherwise. On AVX2, where Debian's oneDNN
/// has no Winograd, `conv2d` sends those layers to `WinogradConvolution` instead. Measured here at 2 threads, one run:
/// forward + data gradient + weight gradient, reorders included, in milliseconds:
///
/// | layer | NCHW direct | blocked direct | blocked, auto (Winograd) |
/// |---|---|---|---|
/// | 64→64 3×3 on 16×56×56 (ResNet18) | 98 | 47 | 20.5 |
/// | 32→64 3×3 on 64×14×14 (SimpleCNN) | 11.4 | 5.1 | 4.1 |
///
/// and the data gradient of DCGAN's first layer (3→64 4×4 stride 2 on 64×64×64): 9.6 ms
/// with a blocked 3-channel image, 4.6 ms with it left NCHW.
///
/// Winograd is asked for only where the response has `winogradMinimumPixels` or more: its
/// 6×6 input tiles give 4×4 outputs, and on ResNet18 at 32×32 input (layers of 8×8 down to
/// 1×1 pixels) they are mostly padding — a training step of 64 images took 163 ms with
/// oneDNN's choice and 83 ms with direct convolution there; SimpleCNN's 8×8 layer is the
/// same either way.
final class ConvolutionPrimitives: @unchecked Sendable {
    /// Responses smaller than this (10×10) use direct convolution.
    static let winogradMinimumPixels = 100

    let geometry: ConvolutionGeometry
    private let forward: DNNLPrimitive, backwardData: DNNLPrimitive, backwardWeights: DNNLPrimitive

    /// The plain layouts of Ember's tensors.
    private let imageLayout: dnnl_memory_desc_t, responseLayout: dnnl_memory_desc_t, weightLayout: dnnl_memory_desc_t
    private let biasLayout: dnnl_memory_desc_t

    /// Reorders between this geometry's layouts, built on first use.
    private let reorders = Mutex<[Reorder]>([])

    private static let cache = Mutex(Cache())

    /// The primitives for `geometry`, built on first use.
    static func forGeometry(_ geometry: ConvolutionGeometry) -> ConvolutionPrimitives {
        if let cached = cache.withLock({ $0.use(geometry) }) { return cached }
        let built = ConvolutionPrimitives(geometry)
        return cache.withLock { $0.use(geometry) ?? $0.insert(built) }
    }

    /// The number of geometries whose primitives are kept.
    static var cachedCount: Int { cache.withLock { $0.entries.count } }

    /// The most recently used geometries' primitives. A training loop needs a handful (one
    /// per layer and batch size); the bound keeps a program that sees many image sizes from
    /// holding every set of compiled kernels.
    struct Cache: ~Copyable {
        static let capacity = 64
        private(set) var entries: [ConvolutionGeometry: (primitives: ConvolutionPrimitives, lastUse: UInt64)] = [:]
        private var clock: UInt64 = 0

        mutating func use(_ geometry: ConvolutionGeometry) -> ConvolutionPrimitives? {
            guard let entry = entries[geometry] else { return nil }
            clock += 1
            entries[geometry]!.lastUse = clock
            return entry.primitives
        }

        mutating func insert(_ primitives: ConvolutionPrimitives) -> ConvolutionPrimitives {
            if entries.count >= Cache.capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                entries[oldest.key] = nil  // freed once no op in flight holds it
            }
            clock += 1
            entries[primitives.geometry] = (primitives, clock)
            return primitives
        }
    }

    private init(_ g: ConvolutionGeometry) {
        geometry = g
        let image = [g.batch, g.imageChannels, g.imageHeight, g.imageWidth]
        let response = [g.batch, g.responseChannels, g.responseHeight, g.responseWidth]
        let weight = g.groups == 1
            ? [g.responseChannels, g.imageChannels, g.kernelHeight, g.kernelWidth]
            : [g.groups, g.responseChannels / g.groups, g.imageChannels / g.groups, g.kernelHeight, g.kernelWidth]
        imageLayout = DNNL.layout(image, dnnl_nchw)
        responseLayout = DNNL.layout(response, dnnl_nchw)
        weightLayout = DNNL.layout(weight, g.groups == 1 ? dnnl_oihw : dnnl_goihw)
        biasLayout = DNNL.layout([g.responseChannels], dnnl_x)
        var imageChoice = DNNL.layout(image, g.imageChannels < 16 ? dnnl_nchw : dnnl_format_tag_any)
        var responseChoice = DNNL.layout(response, g.responseChannels < 16 ? dnnl_nchw : dnnl_format_tag_any)
        var weightChoice = DNNL.layout(weight, dnnl_format_tag_any)
        var bias = biasLayout
        let strides = [g.strideHeight, g.strideWidth].map(Int64.init)
        let dilations = [g.dilationHeight - 1, g.dilationWidth - 1].map(Int64.init)  // oneDNN counts gaps
        let before = [g.padTop, g.padLeft].map(Int64.init), after = [g.padBottom, g.padRight].map(Int64.init)
        let description = "convolution of image \(image) to \(response) with weight \(weight)"
        let algorithm = g.responseHeight * g.responseWidth >= Self.winogradMinimumPixels
            ? dnnl_convolution_auto : dnnl_convolution_direct

        var forwardDesc = dnnl_convolution_desc_t()
        withUnsafePointer(to: &bias) { bias in
            DNNL.check(dnnl_dilated_convolution_forward_desc_init(
                &forwardDesc, dnnl_forward_training, algorithm, &imageChoice, &weightChoice,
                g.hasBias ? bias : nil, &responseChoice, strides, dilations, before, after), description)
        }
        forward = DNNLPrimitive(&forwardDesc, hint: nil, description)
        var dataDesc = dnnl_convolution_desc_t()
        DNNL.check(dnnl_dilated_convolution_backward_data_desc_init(
            &dataDesc, algorithm, &imageChoice, &weightChoice, &responseChoice,
            strides, dilations, before, after), description)
        backwardData = DNNLPrimitive(&dataDesc, hint: forward.descriptor, description)
        var weightsDesc = dnnl_convolution_desc_t()
        withUnsafePointer(to: &bias) { bias in
            DNNL.check(dnnl_dilated_convolution_backward_weights_desc_init(
                &weightsDesc, algorithm, &imageChoice, &weightChoice, g.hasBias ? bias : nil,
                &responseChoice, strides, dilations, before, after), description)
        }
        backwardWeights = DNNLPrimitive(&weightsDesc, hint: forward.descriptor, description)
    }

    deinit {
        for primitive in [forward, backwardData, backwardWeights] { primitive.destroy() }
        reorders.withLock { list in list.forEach { dnnl_primitive_destroy($0.primitive) } }
    }

    /// Wraps an NCHW-contiguous tensor of `layout`'s size.
    private func plain(_ tensor: Tensor, _ layout: dnnl_memory_desc_t) -> LaidOutTensor {
        LaidOutTensor(storage: tensor, layout: layout)
    }

    /// response = image ⋆ weight (+ bias).
    func respond(to image: LaidOutTensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let source = laidOut(image, as: forward.layout(dnnl_query_src_md))
        let w = laidOut(plain(weight, weightLayout), as: forward.layout(dnnl_query_weights_md))
        let out = DNNL.output(forward.layout(dnnl_query_dst_md))
        var arguments = [(DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, w), (DNNL_ARG_DST, out)]
        if let bias { arguments.append((DNNL_ARG_BIAS, plain(bias, biasLayout))) }
        forward.execute(arguments)
        return tensor(out, responseLayout)
    }

    /// image = the adjoint of `respond` applied to `response` (the data gradient of a
    /// convolution, the forward pass of a transposed one).
    func image(from response: LaidOutTensor, weight: Tensor) -> Tensor {
        let source = laidOut(response, as: backwardData.layout(dnnl_query_diff_dst_md))
        let w = laidOut(plain(weight, weightLayout), as: backwardData.layout(dnnl_query_weights_md))
        let out = DNNL.output(backwardData.layout(dnnl_query_diff_src_md))
        backwardData.execute([(DNNL_ARG_DIFF_DST, source), (DNNL_ARG_WEIGHTS, w), (DNNL_ARG_DIFF_SRC, out)])
        return tensor(out, imageLayout)
    }

    /// The weight gradient Σₙ response[n] ⋆ image[n], as a `[O, C / groups, kh, kw]` tensor,
    /// and for a geometry with bias the bias gradient (the response summed over batch and
    /// space), which the same kernel computes on the way.
    func weightGradient(image: LaidOutTensor, response: LaidOutTensor) -> (weight: Tensor, bias: Tensor?) {
        let source = laidOut(image, as: backwardWeights.layout(dnnl_query_src_md))
        let gradient = laidOut(response, as: backwardWeights.layout(dnnl_query_diff_dst_md))
        let out = DNNL.output(backwardWeights.layout(dnnl_query_diff_weights_md))
        let bias = geometry.hasBias ? Tensor(uninitialized: [geometry.responseChannels]) : nil
        backwardWeights.execute([(DNNL_ARG_SRC, source), (DNNL_ARG_DIFF_DST, gradient),
                                 (DNNL_ARG_DIFF_WEIGHTS, out)]
                                + (bias.map { [(DNNL_ARG_DIFF_BIAS, plain($0, biasLayout))] } ?? []))
        let g = geometry
        let weight = tensor(out, weightLayout).reshape(
            [g.responseChannels, g.imageChannels / g.groups, g.kernelHeight, g.kernelWidth])
        return (weight, bias)
    }

    /// A response-shaped tensor (a convolution's output gradient, a transposed
    /// convolution's input) in the layout `image(from:)` reads, which the weight gradient
    /// usually shares: reordered once for both.
    func responseOperand(_ response: Tensor) -> LaidOutTensor {
        laidOut(plain(response, responseLayout), as: backwardData.layout(dnnl_query_diff_dst_md))
    }

    /// The image in the layout `respond` reads (a transposed convolution's gradient is the
    /// forward convolution of its output gradient, whose weight gradient reads it too).
    func imageOperand(_ image: Tensor) -> LaidOutTensor {
        laidOut(plain(image, imageLayout), as: forward.layout(dnnl_query_src_md))
    }

    /// `tensor` in `layout`: itself when the layouts agree, else a reordered copy.
    private func laidOut(_ tensor: LaidOutTensor, as layout: dnnl_memory_desc_t) -> LaidOutTensor {
        var mine = tensor.layout, wanted = layout
        if dnnl_memory_desc_equal(&mine, &wanted) != 0 { return tensor }
        let copy = DNNL.output(layout)
        DNNL.run(reorder(from: mine, to: wanted), [(DNNL_ARG_FROM, tensor), (DNNL_ARG_TO, copy)])
        return copy
    }

    /// A primitive's result as an Ember tensor of the plain `layout`'s shape.
    private func tensor(_ result: LaidOutTensor, _ layout: dnnl_memory_desc_t) -> Tensor {
        laidOut(result, as: layout).storage.reshape(DNNL.dims(layout))
    }

    /// The reorder from `from` to `to`, searched with oneDNN's own equality.
    private func reorder(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t) -> OpaquePointer {
        var from = from, to = to
        let found = reorders.withLock { list in
            list.first { dnnl_memory_desc_equal(&from, [$0.from]) != 0 && dnnl_memory_desc_equal(&to, [$0.to]) != 0 }?
                .primitive
        }
        if let found { return found }
        let built = Reorder(from: from, to: to, primitive: DNNL.reorder(from: from, to: to))
        reorders.withLock { $0.append(built) }
        return built.primitive
    }

    private struct Reorder: @unchecked Sendable {
        var from: dnnl_memory_desc_t, to: dnnl_memory_desc_t
        let primitive: OpaquePointer
    }
}
