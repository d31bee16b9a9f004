// Winograd F(4×4, 3×3) convolution for 3×3, stride-1, ungrouped layers on AVX2 machines,
// where oneDNN has none (its Winograd kernels need AVX-512). Each 6×6 input tile and each
// 3×3 kernel is transformed into 36 points; the convolution becomes 36 matrix products
// of [out_channels × channels] by [channels × tiles], 4 times fewer multiply-adds than
// direct convolution, and each product's 36 points transform back to a 4×4 output tile.
//
// The work is cut into blocks of tiles that fit in cache: a block's input is transformed,
// multiplied and transformed back before the next one starts. Every function handles the
// range it is given on one thread.
#ifndef EMBER_WINOGRAD_H
#define EMBER_WINOGRAD_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The sizes of one Winograd convolution, from `ember_winograd_plan`.
typedef struct {
    int64_t batch, channels, height, width;            // the input, NCHW
    int64_t out_channels, out_height, out_width;       // the output, NCHW
    int64_t pad_top, pad_left;                         // zeros before the input
    int64_t tiles_h, tiles_w;                          // 4×4 output tiles per plane
    int64_t padded_h, padded_w;                        // the zero-padded input plane
    int64_t out_channels_padded;                       // rounded up to 8
    int64_t block_tiles;                               // tiles per block, a multiple of 8
    int64_t blocks;
    bool one_block;                                    // every tile in one block: run its phases
} ember_winograd_geometry;

/// Whether this CPU runs the kernels (AVX2 and FMA).
bool ember_winograd_supported(void);

/// The geometry of a 3×3 stride-1 convolution of [batch, channels, height, width] to
/// `out_channels` planes with the given zero padding per side (the output must have at
/// least one pixel), its blocks sized for `threads` threads.
ember_winograd_geometry ember_winograd_plan(int64_t batch, int64_t channels, int64_t height,
                                            int64_t width, int64_t out_channels,
                                            int64_t pad_top, int64_t pad_left,
                                            int64_t pad_bottom, int64_t pad_right,
                                            int64_t threads);

/// Floats of the transformed weights (36 × out_channels_padded × channels), the padded
/// input (batch × channels × padded_h × padded_w, and a little slack) and one block's
/// scratch (one per thread, or one shared by the phases of a one-block geometry).
int64_t ember_winograd_weight_floats(ember_winograd_geometry g);
int64_t ember_winograd_padded_floats(ember_winograd_geometry g);
int64_t ember_winograd_scratch_floats(ember_winograd_geometry g);

/// Transforms the kernels of input channels [c_begin, c_end) into `u`. `weight` is
/// [out_channels, channels, 3, 3]; with `adjoint` it is the weight of the convolution
/// this one is the data gradient of, [channels, out_channels, 3, 3], used flipped.
void ember_winograd_transform_weights(const float *weight, ember_winograd_geometry g,
                                      bool adjoint, int64_t c_begin, int64_t c_end, float *u);

/// Copies input planes [plane_begin, plane_end) (plane = n × channels + c) into the
/// zero-padded layout the blocks read.
void ember_winograd_pad_input(const float *x, ember_winograd_geometry g, int64_t plane_begin,
                              int64_t plane_end, float *padded);

/// Computes the output tiles of blocks [block_begin, block_end) into `out`
/// ([batch, out_channels, out_height, out_width]), adding `bias` (may be NULL).
/// `scratch` holds ember_winograd_scratch_floats floats.
void ember_winograd_convolve(const float *padded, const float *u, const float *bias,
                             ember_winograd_geometry g, int64_t block_begin, int64_t block_end,
                             float *scratch, float *out);

// A geometry with `one_block` (large weights, few tiles) runs the block's three phases
// one after the other, each split across threads by its own dimension, sharing one
// scratch: the input transform by input channel, the products by point (of 36), the
// output transform by output channel.
void ember_winograd_transform_input(const float *padded, ember_winograd_geometry g, int64_t c_begin,
                                    int64_t c_end, float *scratch);
void ember_winograd_multiply(const float *u, ember_winograd_geometry g, int64_t point_begin,
                             int64_t point_end, float *scratch);
void ember_winograd_transform_output(const float *scratch, const float *bias, ember_winograd_geometry g,
                                     int64_t k_begin, int64_t k_end, float *out);

// The weight gradient (winograd_gradient.c), for the geometry of the forward convolution:
// blocks [block_begin, block_end) sum points [point_begin, point_end) of ∂L/∂U into `du`
// (ember_winograd_weight_gradient_floats floats, written, not added to); threads take
// either disjoint blocks, each into its own du, or disjoint points of one du. `grad` is
// the output gradient, NCHW. The finish sums `copies` consecutive du and turns output
// channels [k_begin, k_end) into the [out_channels, channels, 3, 3] weight gradient.
/// `g` with every tile in one block: each weight-gradient point is then written once.
ember_winograd_geometry ember_winograd_single_block(ember_winograd_geometry g);
int64_t ember_winograd_gradient_scratch_floats(ember_winograd_geometry g);
int64_t ember_winograd_weight_gradient_floats(ember_winograd_geometry g);
void ember_winograd_accumulate_weight_gradient(const float *padded, const float *grad,
                                               ember_winograd_geometry g, int64_t block_begin,
                                               int64_t block_end, int64_t point_begin,
                                               int64_t point_end, float *scratch, float *du);
void ember_winograd_finish_weight_gradient(const float *du, int64_t copies, ember_winograd_geometry g,
                                           int64_t k_begin, int64_t k_end, float *weight_grad);

#ifdef __cplusplus
}
#endif

#endif
