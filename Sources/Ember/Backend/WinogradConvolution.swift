import CDNNL
import CEmberKernels

/// 3×3 stride-1 convolutions by Winograd F(4×4, 3×3) (`winograd.c`) on processors where
/// oneDNN has no Winograd kernel of its own: its Winograd needs AVX-512, and on an AVX2
/// machine it falls back to direct convolution, four times the multiply-adds. The same
/// layers oneDNN would give Winograd on AVX-512 take it here: 3×3, stride 1, no dilation
/// or groups, a response of `ConvolutionPrimitives.winogradMinimumPixels` or more, and 16
/// or more channels on both sides (fewer are too little work per transformed tile).
///
/// Both the forward convolution and its data gradient run here (the data gradient of a
/// 3×3 stride-1 convolution is one too, with the kernel turned by 180° and the channels
/// swapped); the weight gradient stays with oneDNN. The results differ from direct
/// convolution by rounding only: the transforms' error is about 1e-6 of the output's scale.
enum WinogradConvolution {
    /// Whether this machine runs Winograd here rather than leaving it to oneDNN.
    static let isPreferred = ember_winograd_supported()
        && dnnl_get_effective_cpu_isa().rawValue < dnnl_cpu_isa_avx512_core.rawValue

    /// Whether the convolution of `geometry`, and its data gradient, run here.
    static func applies(to g: ConvolutionGeometry) -> Bool {
        isPreferred && g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1 && g.groups == 1
            && g.imageChannels >= 16 && g.responseChannels >= 16
            && g.responseHeight * g.responseWidth >= ConvolutionPrimitives.winogradMinimumPixels
            && Swift.max(g.padTop, g.padLeft, g.padBottom, g.padRight) <= 2
    }

    /// response = image ⋆ weight (+ bias), for NCHW-contiguous `image` and `weight`.
    static func respond(to image: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry) -> Tensor {
        let plan = ember_winograd_plan(
            Int64(g.batch), Int64(g.imageChannels), Int64(g.imageHeight), Int64(g.imageWidth),
            Int64(g.responseChannels), Int64(g.padTop), Int64(g.padLeft), Int64(g.padBottom), Int64(g.padRight),
            Int64(Threading.numThreads))
        return convolve(image, weight: weight, adjoint: false, bias: bias, plan)
    }

    /// The data gradient of the convolution of `geometry`: the image-shaped result of its
    /// adjoint applied to the NCHW-contiguous `response` through the forward `weight`.
    static func image(from response: Tensor, weight: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
        let plan = ember_winograd_plan(
            Int64(g.batch), Int64(g.responseChannels), Int64(g.responseHeight), Int64(g.responseWidth),
            Int64(g.imageChannels), Int64(2 - g.padTop), Int64(2 - g.padLeft), Int64(2 - g.padBottom),
            Int64(2 - g.padRight), Int64(Threading.numThreads))
        return convolve(response, weight: weight, adjoint: true, bias: nil, plan)
    }

    private static func convolve(
        _ input: Tensor, weight: Tensor, adjoint: Bool, bias: Tensor?, _ g: ember_winograd_geometry
    ) -> Tensor {
        let out = Tensor(uninitialized: [Int(g.batch), Int(g.out_channels), Int(g.out_height), Int(g.out_width)])
        let u = Tensor(uninitialized: [Int(ember_winograd_weight_floats(g))])
        let padded = Tensor(uninitialized: [Int(ember_winograd_padded_floats(g))])
        let threads = Swift.min(Threading.numThreads, g.one_block ? Int.max : Int(g.blocks))
        let scratchFloats = Int(ember_winograd_scratch_floats(g))
        let scratch = Tensor(uninitialized: [(g.one_block ? 1 : threads) * scratchFloats])
        withExtendedLifetime((input, weight, bias)) {
            let (x, w, b) = (input.floatPointer, weight.floatPointer, bias?.floatPointer)
            let (pu, pp, ps, po) = (u.floatPointer, padded.floatPointer, scratch.floatPointer, out.floatPointer)
            parallelFor(Int(g.channels), grain: 1) { c in
                ember_winograd_transform_weights(w, g, adjoint, Int64(c.lowerBound), Int64(c.upperBound), pu)
            }
            parallelFor(Int(g.batch * g.channels), grain: 1) { p in
                ember_winograd_pad_input(x, g, Int64(p.lowerBound), Int64(p.upperBound), pp)
            }
            if g.one_block {
                parallelFor(Int(g.channels), grain: 1) { c in
                    ember_winograd_transform_input(pp, g, Int64(c.lowerBound), Int64(c.upperBound), ps)
                }
                parallelFor(36, grain: 1) { p in
                    ember_winograd_multiply(pu, g, Int64(p.lowerBound), Int64(p.upperBound), ps)
                }
                parallelFor(Int(g.out_channels), grain: 1) { k in
                    ember_winograd_transform_output(ps, b, g, Int64(k.lowerBound), Int64(k.upperBound), po)
                }
            } else {
                let perThread = (Int(g.blocks) + threads - 1) / threads
                parallelChunks(threads) { t in
                    let first = t * perThread, last = Swift.min(first + perThread, Int(g.blocks))
                    guard first < last else { return }
                    ember_winograd_convolve(pp, pu, b, g, Int64(first), Int64(last), ps + t * scratchFloats, po)
                }
            }
        }
        return out
    }
}
