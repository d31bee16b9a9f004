// Winograd F(4×4, 3×3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016), with the interpolation points 0, ±1, ±2 and ∞:
//   output tile = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
// for a 6×6 input tile d and a 3×3 kernel g. Layouts, per block of `block_tiles` tiles:
//   u  [36][out_channels_padded / 4][channels][4]   transformed weights, 4 output channels
//                                                   side by side for the products' broadcasts
//   v  [36][channels][block_tiles + 8]              transformed input tiles
//   m  [36][out_channels_padded][block_tiles + 8]   their products, before the output transform
// (8 spare columns per row take the stores of lanes past the block's last tile).
// The transforms work on 8 tiles (or 8 output channels) at once, one per AVX2 lane.
#include "winograd_internal.h"

#include <string.h>

bool ember_winograd_supported(void) { return ember_cpu_isa() >= EMBER_ISA_AVX2; }

ember_winograd_geometry ember_winograd_plan(int64_t batch, int64_t channels, int64_t height,
                                            int64_t width, int64_t out_channels,
                                            int64_t pad_top, int64_t pad_left,
                                            int64_t pad_bottom, int64_t pad_right,
                                            int64_t threads) {
    ember_winograd_geometry g = {0};
    g.batch = batch, g.channels = channels, g.height = height, g.width = width;
    g.out_channels = out_channels, g.pad_top = pad_top, g.pad_left = pad_left;
    g.out_height = height + pad_top + pad_bottom - 2;
    g.out_width = width + pad_left + pad_right - 2;
    g.tiles_h = (g.out_height + 3) / 4, g.tiles_w = (g.out_width + 3) / 4;
    g.padded_h = 4 * g.tiles_h + 2, g.padded_w = 4 * g.tiles_w + 2;
    g.out_channels_padded = round_up(out_channels, LANES);
    // A block's v and m take about 4 MiB at most; more tiles per block reuse each
    // transformed weight more, fewer keep the block in cache.
    int64_t tiles = batch * g.tiles_h * g.tiles_w;
    int64_t per_tile = POINTS * (channels + g.out_channels_padded);
    // Where the transformed weights pass 4 MiB and all tiles' v and m fit in 24 MiB, one
    // block of every tile reads each weight once (blocks would each read all of u).
    if (POINTS * g.out_channels_padded * channels >= (1 << 20) && per_tile * (tiles + LANES) <= 6 << 20) {
        g.block_tiles = round_up(tiles, LANES), g.blocks = 1, g.one_block = true;
        return g;
    }
    int64_t fit = (1 << 20) / per_tile / LANES * LANES;
    int64_t block = fit < 32 ? 32 : fit > MAX_BLOCK ? MAX_BLOCK : fit;
    // Enough blocks for every thread.
    int64_t share = round_up((tiles + threads - 1) / threads, LANES);
    if (share < block) block = share;
    g.block_tiles = block;
    g.blocks = (tiles + block - 1) / block;
    return g;
}

int64_t ember_winograd_weight_floats(ember_winograd_geometry g) {
    return POINTS * g.out_channels_padded * g.channels;
}
int64_t ember_winograd_padded_floats(ember_winograd_geometry g) {
    // The rows of a run are read 8 floats at a time, up to 40 past its last tile.
    return g.batch * g.channels * g.padded_h * g.padded_w + 64;
}
int64_t ember_winograd_scratch_floats(ember_winograd_geometry g) {
    return POINTS * (g.channels + g.out_channels_padded) * row_length(g);
}

void ember_winograd_pad_input(const float *x, ember_winograd_geometry g, int64_t plane_begin,
                              int64_t plane_end, float *padded) {
    const int64_t h = g.height, w = g.width, ph = g.padded_h, pw = g.padded_w;
    for (int64_t p = plane_begin; p < plane_end; p++) {
        const float *src = x + p * h * w;
        float *dst = padded + p * ph * pw;
        for (int64_t r = 0; r < ph; r++) {
            int64_t source_row = r - g.pad_top;
            float *row = dst + r * pw;
            if (source_row < 0 || source_row >= h) {
                memset(row, 0, (size_t)pw * sizeof(float));
                continue;
            }
            memset(row, 0, (size_t)g.pad_left * sizeof(float));
            memcpy(row + g.pad_left, src + source_row * w, (size_t)w * sizeof(float));
            memset(row + g.pad_left + w, 0, (size_t)(pw - g.pad_left - w) * sizeof(float));
        }
    }
}

#if EMBER_X86

// MARK: - The three transforms, on 8 lanes at once

/// Aᵀ m for a column (or row) m[0..5] of a tile's products.
EMBER_INLINE_AVX2 void output_points(const __m256 m[6], __m256 y[4]) {
    __m256 sum12 = _mm256_add_ps(m[1], m[2]), diff12 = _mm256_sub_ps(m[1], m[2]);
    __m256 sum34 = _mm256_add_ps(m[3], m[4]), diff34 = _mm256_sub_ps(m[3], m[4]);
    y[0] = _mm256_add_ps(_mm256_add_ps(m[0], sum12), sum34);
    y[1] = _mm256_fmadd_ps(_mm256_set1_ps(2), diff34, diff12);
    y[2] = _mm256_fmadd_ps(_mm256_set1_ps(4), sum34, sum12);
    y[3] = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(8), diff34, diff12), m[5]);
}

/// G g for a column (or row) g[0..2] of a kernel.
EMBER_INLINE_AVX2 void kernel_points(const __m256 g[3], __m256 o[6]) {
    const __m256 sixth = _mm256_set1_ps(1.0f / 6), twelfth = _mm256_set1_ps(1.0f / 12);
    const __m256 quarter = _mm256_set1_ps(0.25f);
    __m256 outer = _mm256_add_ps(g[0], g[2]);
    __m256 near = _mm256_fmadd_ps(quarter, g[0], g[2]);  // g0 / 4 + g2, times 1/6 below
    o[0] = _mm256_mul_ps(quarter, g[0]);
    o[1] = _mm256_mul_ps(_mm256_set1_ps(-1.0f / 6), _mm256_add_ps(outer, g[1]));
    o[2] = _mm256_mul_ps(_mm256_set1_ps(-1.0f / 6), _mm256_sub_ps(outer, g[1]));
    o[3] = _mm256_fmadd_ps(twelfth, g[1], _mm256_mul_ps(sixth, near));
    o[4] = _mm256_fnmadd_ps(twelfth, g[1], _mm256_mul_ps(sixth, near));
    o[5] = g[2];
}

// MARK: - Weights

EMBER_AVX2 static void transform_weights_avx2(const float *weight, ember_winograd_geometry g,
                                              bool adjoint, int64_t c_begin, int64_t c_end,
                                              float *u) {
    const int64_t channels = g.channels, outs = g.out_channels, kp = g.out_channels_padded;
    // Lane l reads output channel k0 + l: 9 floats apart in the adjoint weight, a whole
    // [channels, 3, 3] kernel stack apart in the forward one.
    const int32_t step = (int32_t)(adjoint ? 9 : channels * 9);
    const __m256i lanes = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                             _mm256_set1_epi32(step));
    // The points of CHUNK channels are gathered in `chunk` and copied out a row of u at a
    // time: written straight, each channel's 72 stores went to 72 rows (and pages) of u.
    enum { CHUNK = 16 };
    float chunk[POINTS][2][CHUNK][4];
    for (int64_t k0 = 0; k0 < kp; k0 += LANES) {
        __m256i valid = _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)(outs - k0)),
                                           _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int64_t c0 = c_begin; c0 < c_end; c0 += CHUNK) {
            int64_t count = c_end - c0 < CHUNK ? c_end - c0 : CHUNK;
            for (int64_t c = 0; c < count; c++) {
                const float *base = adjoint ? weight + ((c0 + c) * outs + k0) * 9
                                            : weight + (k0 * channels + c0 + c) * 9;
                __m256 rows[6][3];  // G g, row by kernel column
                for (int j = 0; j < 3; j++) {
                    __m256 column[3];
                    for (int i = 0; i < 3; i++) {
                        // The adjoint convolution uses the kernel rotated by 180°.
                        int64_t at = adjoint ? 8 - (i * 3 + j) : i * 3 + j;
                        column[i] = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), base + at, lanes,
                                                             _mm256_castsi256_ps(valid), 4);
                    }
                    __m256 points[6];
                    kernel_points(column, points);
                    for (int i = 0; i < 6; i++) rows[i][j] = points[i];
                }
                for (int i = 0; i < 6; i++) {
                    __m256 points[6];
                    kernel_points(rows[i], points);
                    for (int j = 0; j < 6; j++) {
                        _mm_storeu_ps(chunk[i * 6 + j][0][c], _mm256_castps256_ps128(points[j]));
                        _mm_storeu_ps(chunk[i * 6 + j][1][c], _mm256_extractf128_ps(points[j], 1));
                    }
                }
            }
            for (int p = 0; p < POINTS; p++)
                for (int half = 0; half < 2; half++)
                    memcpy(u + p * kp * channels + (k0 / 4 + half) * channels * 4 + c0 * 4, chunk[p][half],
                           (size_t)count * 4 * sizeof(float));
        }
    }
}

// MARK: - One block

/// Transforms a run's input tiles of every channel into v. Bᵀ is applied down the 6 rows
/// with contiguous loads; the result is regrouped so that each lane holds one tile, and
/// B is applied along the rows of the tiles.
EMBER_AVX2 void ember_winograd_input_run(const float *padded, ember_winograd_geometry g, tile_run run,
                                         int64_t c_begin, int64_t c_end, float *v) {
    const int64_t channels = g.channels, pw = g.padded_w, ldv = row_length(g);
    const int64_t padded_plane = g.padded_h * pw, groups = round_up(run.count, LANES);
    float rows[6][RUN_WIDTH];
    for (int64_t c = c_begin; c < c_end; c++) {
        const float *src = padded + (run.image * channels + c) * padded_plane + run.y * pw + run.x;
        for (int64_t x = 0; x < 4 * groups + 8; x += 8) {
            __m256 d[6], o[6];
            for (int i = 0; i < 6; i++) d[i] = _mm256_loadu_ps(src + i * pw + x);
            input_points(d, o);
            for (int i = 0; i < 6; i++) _mm256_storeu_ps(rows[i] + x, o[i]);
        }
        for (int64_t lane0 = 0; lane0 < groups; lane0 += LANES) {
            for (int i = 0; i < 6; i++) {
                // Elements 0-3 of each tile's row, then 4-5: elements 0-1 one tile on.
                __m256 q[4], e[6], shifted[4], points[6];
                const float *row = rows[i] + 4 * lane0;
                for (int k = 0; k < 4; k++) q[k] = _mm256_loadu_ps(row + 8 * k);
                groups_to_lanes(q, e);
                for (int k = 0; k < 4; k++) q[k] = _mm256_loadu_ps(row + 4 + 8 * k);
                groups_to_lanes(q, shifted);
                e[4] = shifted[0], e[5] = shifted[1];
                input_points(e, points);
                // Lanes past the run land on the next run's columns, which it overwrites
                // later, or past the block's in the row's spare lanes.
                float *dst = v + (i * 6 * channels + c) * ldv + run.first + lane0;
                for (int j = 0; j < 6; j++) _mm256_storeu_ps(dst + j * channels * ldv, points[j]);
            }
        }
    }
}

/// The products of points [p_begin, p_end) of a block. Channels are taken DEPTH and tiles
/// MAX_BLOCK at a time, so that the part of v in use (DEPTH × MAX_BLOCK) stays in L1
/// while the rows of u pass over it.
EMBER_AVX2 static void multiply(const float *u, const float *v, ember_winograd_geometry g,
                                int64_t lanes_used, int64_t p_begin, int64_t p_end, float *m) {
    const int64_t channels = g.channels, kp = g.out_channels_padded, tb = row_length(g);
    const int64_t used_rows = round_up(g.out_channels, 4);
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *up = u + p * kp * channels, *vp = v + p * channels * tb;
        float *mp = m + p * kp * tb;
        for (int64_t t0 = 0; t0 < lanes_used; t0 += MAX_BLOCK) {
            int64_t t_end = lanes_used - t0 < MAX_BLOCK ? lanes_used : t0 + MAX_BLOCK;
            for (int64_t c0 = 0; c0 < channels; c0 += DEPTH) {
                int64_t depth = channels - c0 < DEPTH ? channels - c0 : DEPTH;
                for (int64_t k = 0; k < used_rows; k += 4) {
                    const float *a = up + k * channels + c0 * 4;
                    for (int64_t t = t0; t < t_end; t += STRIP) {
                        const float *b = vp + c0 * tb + t;
                        float *out = mp + k * tb + t;
                        if (t_end - t >= STRIP) product_4xn(2, a, b, tb, depth, c0 > 0, out, tb);
                        else product_4xn(1, a, b, tb, depth, c0 > 0, out, tb);
                    }
                }
            }
        }
    }
}

/// Transforms a run's products back into output tiles, adding the bias.
EMBER_AVX2 static void transform_output(const float *m, const float *bias, ember_winograd_geometry g,
                                        tile_run run, int64_t k_begin, int64_t k_end, float *out) {
    const int64_t kp = g.out_channels_padded, tb = row_length(g), ow = g.out_width;
    const int64_t out_plane = g.out_height * ow, groups = round_up(run.count, LANES);
    const int64_t rows = g.out_height - run.y < 4 ? g.out_height - run.y : 4;
    for (int64_t k = k_begin; k < k_end; k++) {
        __m256 b = _mm256_set1_ps(bias ? bias[k] : 0);
        float *plane = out + (run.image * g.out_channels + k) * out_plane + run.y * ow + run.x;
        for (int64_t lane0 = 0; lane0 < groups; lane0 += LANES) {
            __m256 columns[4][6];  // Aᵀ applied down each column of the products
            for (int j = 0; j < 6; j++) {
                __m256 column[6], y[4];
                for (int i = 0; i < 6; i++)
                    column[i] = _mm256_loadu_ps(m + ((i * 6 + j) * kp + k) * tb + run.first + lane0);
                output_points(column, y);
                for (int r = 0; r < 4; r++) columns[r][j] = y[r];
            }
            // The output columns these 8 tiles cover inside the run and the image.
            int64_t width = ow - run.x - 4 * lane0, in_run = 4 * (run.count - lane0);
            if (width > in_run) width = in_run;
            for (int r = 0; r < rows; r++) {
                __m256 y[4], q[4];
                output_points(columns[r], y);
                for (int j = 0; j < 4; j++) y[j] = _mm256_add_ps(y[j], b);
                lanes_to_groups(y, q);
                float *dst = plane + r * ow + 4 * lane0;
                if (width >= 32) {
                    for (int q8 = 0; q8 < 4; q8++) _mm256_storeu_ps(dst + 8 * q8, q[q8]);
                } else {
                    // Masked stores are slow on AMD processors: copy the part through memory.
                    float part[32];
                    for (int q8 = 0; q8 < 4; q8++) _mm256_storeu_ps(part + 8 * q8, q[q8]);
                    memcpy(dst, part, (size_t)width * sizeof(float));
                }
            }
        }
    }
}

EMBER_AVX2 static void convolve_avx2(const float *padded, const float *u, const float *bias,
                                     ember_winograd_geometry g, int64_t block_begin,
                                     int64_t block_end, float *scratch, float *out) {
    float *v = scratch, *m = scratch + POINTS * g.channels * row_length(g);
    for (int64_t b = block_begin; b < block_end; b++) {
        int64_t first, count;
        block_range(g, b, &first, &count);
        FOR_EACH_RUN(g, first, count, run, ember_winograd_input_run(padded, g, run, 0, g.channels, v));
        multiply(u, v, g, round_up(count, LANES), 0, POINTS, m);
        FOR_EACH_RUN(g, first, count, run, transform_output(m, bias, g, run, 0, g.out_channels, out));
    }
}

#endif

void ember_winograd_transform_weights(const float *weight, ember_winograd_geometry g,
                                      bool adjoint, int64_t c_begin, int64_t c_end, float *u) {
#if EMBER_X86
    transform_weights_avx2(weight, g, adjoint, c_begin, c_end, u);
#endif
}

void ember_winograd_convolve(const float *padded, const float *u, const float *bias,
                             ember_winograd_geometry g, int64_t block_begin, int64_t block_end,
                             float *scratch, float *out) {
#if EMBER_X86
    convolve_avx2(padded, u, bias, g, block_begin, block_end, scratch, out);
#endif
}

// The one-block schedule: each phase over all tiles.

void ember_winograd_transform_input(const float *padded, ember_winograd_geometry g, int64_t c_begin,
                                    int64_t c_end, float *scratch) {
#if EMBER_X86
    FOR_EACH_RUN(g, 0, g.batch * g.tiles_h * g.tiles_w, run, ember_winograd_input_run(padded, g, run, c_begin, c_end, scratch));
#endif
}

void ember_winograd_multiply(const float *u, ember_winograd_geometry g, int64_t point_begin,
                             int64_t point_end, float *scratch) {
#if EMBER_X86
    multiply(u, scratch, g, round_up(g.batch * g.tiles_h * g.tiles_w, LANES), point_begin, point_end,
             scratch + POINTS * g.channels * row_length(g));
#endif
}

void ember_winograd_transform_output(const float *scratch, const float *bias, ember_winograd_geometry g,
                                     int64_t k_begin, int64_t k_end, float *out) {
#if EMBER_X86
    const float *m = scratch + POINTS * g.channels * row_length(g);
    FOR_EACH_RUN(g, 0, g.batch * g.tiles_h * g.tiles_w, run, transform_output(m, bias, g, run, k_begin, k_end, out));
#endif
}
