import CDNNL
import CEmberKernels

/// 3×3 stride-1 convolutions by Winograd F(4×4, 3×3) (`winograd.c`) on processors where
/// oneDNN has no Winograd kernel of its own: its Winograd needs AVX-512, and on an AVX2
/// machine it falls back to direct convolution, four times the multiply-adds. Layers take
/// it that are 3×3, stride 1, without dilation or groups, with 16 or more channels on both
/// sides (fewer are too little work per transformed tile), 64 tiles or more over the batch
/// (fewer gain nothing measurable and would trade direct convolution's rounding for
/// Winograd's), tiles × channels in × channels out of 2²² or more (below it the weight
/// transform and the padded copy outweigh the products: ResNet-18's training step at
/// 32×32 and batch 64, whose 8×8 and 4×4 layers fall under it, took 300 ms with oneDNN's
/// direct kernels and 340 with these), and a response that fills at least half of its
/// tiles: ResNet-18's 7×7 layers at batch 16 fill 49 of 64 pixels and run 1.3 times faster
/// than oneDNN's direct kernel, while a 2×2 response fills a quarter of its one tile.
///
/// The forward convolution, its data gradient (a 3×3 stride-1 convolution too, with the
/// kernel turned by 180° and the channels swapped) and, with enough tiles, its weight
/// gradient run here. The results differ from direct convolution by rounding only, about
/// 1e-5 of the output's scale.
enum WinogradConvolution {
    /// Whether this machine runs Winograd here rather than leaving it to oneDNN.
    static let isPreferred = ember_winograd_supported()
        && dnnl_get_effective_cpu_isa().rawValue < dnnl_cpu_isa_avx512_core.rawValue

    /// The 4×4 output tiles of `g`, over the batch.
    private static func tiles(_ g: ConvolutionGeometry) -> Int {
        g.batch * ((g.responseHeight + 3) / 4) * ((g.responseWidth + 3) / 4)
    }

    /// Whether the convolution of `geometry`, and its data gradient, run here.
    static func applies(to g: ConvolutionGeometry) -> Bool {
        isPreferred && g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1 && g.groups == 1
            && g.imageChannels >= 16 && g.responseChannels >= 16
            && tiles(g) >= 64 && tiles(g) * g.imageChannels * g.responseChannels >= 1 << 22
            && 2 * g.responseHeight * g.responseWidth >= 16 * tiles(g) / g.batch
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

    /// How threads share the weight gradient of a geometry, or nil where oneDNN computes it.
    /// Its 36 × out × in points are written once per block of tiles (and per thread): with
    /// many tiles, threads take blocks, each summing into its own copy of the points; with
    /// larger points, each thread takes every tile in one block and a share of the 36
    /// points, at the cost of each transforming every tile.
    private enum WeightGradientSchedule {
        case byBlocks(ember_winograd_geometry)
        case byPoints(ember_winograd_geometry)

        init?(_ g: ConvolutionGeometry) {
            let plan = ember_winograd_plan(
                Int64(g.batch), Int64(g.imageChannels), Int64(g.imageHeight), Int64(g.imageWidth),
                Int64(g.responseChannels), Int64(g.padTop), Int64(g.padLeft), Int64(g.padBottom),
                Int64(g.padRight), Int64(Threading.numThreads))
            if Int(plan.blocks) >= Threading.numThreads && ember_winograd_weight_gradient_floats(plan) <= 2 << 20 {
                self = .byBlocks(plan)
                return
            }
            let single = ember_winograd_single_block(plan)
            guard ember_winograd_gradient_scratch_floats(single) <= 2 << 20 else { return nil }
            self = .byPoints(single)
        }
    }

    /// Whether the weight gradient of `geometry` (one that `applies(to:)`) runs here too:
    /// unless one block of all its tiles would take more than 8 MiB of scratch a thread
    /// (ResNet-18's 14×14 and 7×7 layers at batch 16 would take 29 and 15 MiB: allowed, the
    /// training step's peak memory rose by 35 MB and its time did not measurably change).
    static func computesWeightGradient(of g: ConvolutionGeometry) -> Bool {
        WeightGradientSchedule(g) != nil
    }

    /// The weight gradient Σₙ response[n] ⋆ image[n] of the convolution of `geometry`,
    /// `[out, in, 3, 3]`, from the NCHW-contiguous image and output gradient.
    static func weightGradient(image: Tensor, response: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
        let schedule = WeightGradientSchedule(g)!
        let threads = Threading.numThreads
        let (plan, byBlocks) = switch schedule {
        case .byBlocks(let plan): (plan, true)
        case .byPoints(let plan): (plan, false)
        }
        let pointFloats = Int(ember_winograd_weight_gradient_floats(plan))
        let copies = byBlocks ? threads : 1
        let points = Tensor(uninitialized: [copies * pointFloats])
        let padded = pad(image, plan)
        let scratchFloats = Int(ember_winograd_gradient_scratch_floats(plan))
        let scratch = Tensor(uninitialized: [threads * scratchFloats])
        let out = Tensor(uninitialized: [g.responseChannels, g.imageChannels, 3, 3])
        withExtendedLifetime((response, padded)) {
            let (pp, dy, ps, pd) = (padded.floatPointer, response.floatPointer, scratch.floatPointer, points.floatPointer)
            let blocks = Int(plan.blocks)
            parallelChunks(threads) { t in
                let (blockRange, pointRange) = byBlocks
                    ? (t * blocks / threads..<(t + 1) * blocks / threads, 0..<36)
                    : (0..<blocks, t * 36 / threads..<(t + 1) * 36 / threads)
                ember_winograd_accumulate_weight_gradient(
                    pp, dy, plan, Int64(blockRange.lowerBound), Int64(blockRange.upperBound),
                    Int64(pointRange.lowerBound), Int64(pointRange.upperBound), ps + t * scratchFloats,
                    pd + (byBlocks ? t * pointFloats : 0))
            }
            parallelFor(g.responseChannels, grain: 1) { k in
                ember_winograd_finish_weight_gradient(pd, Int64(copies), plan, Int64(k.lowerBound),
                                                      Int64(k.upperBound), out.floatPointer)
            }
        }
        return out
    }

    /// `image` zero-padded as the blocks of `g` read it.
    private static func pad(_ image: Tensor, _ g: ember_winograd_geometry) -> Tensor {
        let padded = Tensor(uninitialized: [Int(ember_winograd_padded_floats(g))])
        withExtendedLifetime(image) {
            let (x, pp) = (image.floatPointer, padded.floatPointer)
            parallelFor(Int(g.batch * g.channels), grain: 1) { p in
                ember_winograd_pad_input(x, g, Int64(p.lowerBound), Int64(p.upperBound), pp)
            }
        }
        return padded
    }

    private static func convolve(
        _ input: Tensor, weight: Tensor, adjoint: Bool, bias: Tensor?, _ g: ember_winograd_geometry
    ) -> Tensor {
        let out = Tensor(uninitialized: [Int(g.batch), Int(g.out_channels), Int(g.out_height), Int(g.out_width)])
        let u = Tensor(uninitialized: [Int(ember_winograd_weight_floats(g))])
        let padded = pad(input, g)
        let threads = Swift.min(Threading.numThreads, g.one_block ? Int.max : Int(g.blocks))
        let scratchFloats = Int(ember_winograd_scratch_floats(g))
        let scratch = Tensor(uninitialized: [(g.one_block ? 1 : threads) * scratchFloats])
        withExtendedLifetime((weight, bias, padded)) {
            let (w, b) = (weight.floatPointer, bias?.floatPointer)
            let (pu, pp, ps, po) = (u.floatPointer, padded.floatPointer, scratch.floatPointer, out.floatPointer)
            parallelFor(Int(g.channels), grain: 1) { c in
                ember_winograd_transform_weights(w, g, adjoint, Int64(c.lowerBound), Int64(c.upperBound), pu)
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
