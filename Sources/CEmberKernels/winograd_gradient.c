// The weight gradient of a Winograd F(4×4, 3×3) convolution. The forward output tile is
// y = Aᵀ [U ⊙ V] A with U = G g Gᵀ and V = Bᵀ d B, linear in U; so for an output gradient
// tile dy, ∂L/∂U = (A dy Aᵀ) ⊙ V, and ∂L/∂g = Gᵀ (∂L/∂U) G. Summed over the tiles, the
// 36 points of ∂L/∂U are matrix products over tiles:
//   du[p][k][c] = Σ_t dy_points[p][k][t] × v[p][c][t]
// Per block, in scratch:
//   v       [36][channels][block_tiles + 8]          the input transform, as forward
//   vt      [36][block_tiles][channels_padded]       v turned, tiles by rows
//   points  [36][out_channels_padded / 4][block_tiles + 8][4]  A dy Aᵀ, 4 output channels
//                                                    side by side for the products' broadcasts
// and du [36][out_channels_padded][channels_padded], written by the first block of a call
// and added to by the others.
#include "winograd_internal.h"

#include <string.h>

static int64_t channels_padded(ember_winograd_geometry g) { return round_up(g.channels, LANES); }

int64_t ember_winograd_gradient_scratch_floats(ember_winograd_geometry g) {
    return POINTS * (g.channels * row_length(g) + g.block_tiles * channels_padded(g)
                     + g.out_channels_padded * row_length(g));
}

ember_winograd_geometry ember_winograd_single_block(ember_winograd_geometry g) {
    g.block_tiles = round_up(g.batch * g.tiles_h * g.tiles_w, LANES), g.blocks = 1;
    return g;
}

int64_t ember_winograd_weight_gradient_floats(ember_winograd_geometry g) {
    return POINTS * g.out_channels_padded * channels_padded(g);
}

#if EMBER_X86

/// A for a column (or row) y[0..3] of an output-gradient tile: 6 points.
EMBER_INLINE_AVX2 void gradient_points(const __m256 y[4], __m256 o[6]) {
    __m256 even = _mm256_add_ps(y[0], y[2]), odd = _mm256_add_ps(y[1], y[3]);
    __m256 even4 = _mm256_fmadd_ps(_mm256_set1_ps(4), y[2], y[0]);
    __m256 odd4 = _mm256_fmadd_ps(_mm256_set1_ps(8), y[3], _mm256_mul_ps(_mm256_set1_ps(2), y[1]));
    o[0] = y[0];
    o[1] = _mm256_add_ps(even, odd);
    o[2] = _mm256_sub_ps(even, odd);
    o[3] = _mm256_add_ps(even4, odd4);
    o[4] = _mm256_sub_ps(even4, odd4);
    o[5] = y[3];
}

/// Gᵀ for a column (or row) u[0..5] of a kernel's points: 3 values.
EMBER_INLINE_AVX2 void kernel_values(const __m256 u[6], __m256 o[3]) {
    __m256 sum12 = _mm256_add_ps(u[1], u[2]), diff21 = _mm256_sub_ps(u[2], u[1]);
    __m256 sum34 = _mm256_add_ps(u[3], u[4]), diff34 = _mm256_sub_ps(u[3], u[4]);
    const __m256 sixth = _mm256_set1_ps(1.0f / 6);
    o[0] = _mm256_fmadd_ps(_mm256_set1_ps(0.25f), u[0],
                           _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 24), sum34, _mm256_mul_ps(_mm256_set1_ps(-1.0f / 6), sum12)));
    o[1] = _mm256_fmadd_ps(sixth, diff21, _mm256_mul_ps(_mm256_set1_ps(1.0f / 12), diff34));
    o[2] = _mm256_add_ps(_mm256_mul_ps(sixth, _mm256_sub_ps(sum34, sum12)), u[5]);
}

/// The points of a run's output-gradient tiles, 4 output channels at a time, into
/// `points`. Outside the output the gradient reads as zero.
EMBER_AVX2 static void transform_gradient(const float *grad, ember_winograd_geometry g, tile_run run,
                                          float *points) {
    const int64_t ow = g.out_width, out_plane = g.out_height * ow, ld = row_length(g);
    const int64_t groups = round_up(run.count, LANES);
    const int64_t rows = g.out_height - run.y < 4 ? g.out_height - run.y : 4;
    for (int64_t k0 = 0; k0 < round_up(g.out_channels, 4); k0 += 4) {
        for (int64_t lane0 = 0; lane0 < groups; lane0 += LANES) {
            int64_t width = ow - run.x - 4 * lane0, in_run = 4 * (run.count - lane0);
            if (width > in_run) width = in_run;
            if (width > 32) width = 32;
            __m256 by_channel[4][POINTS];
            for (int kk = 0; kk < 4; kk++) {
                int64_t k = k0 + kk;
                __m256 tile[4][4];  // [row][column], one tile per lane
                for (int r = 0; r < 4; r++) {
                    __m256 q[4];
                    if (k >= g.out_channels || r >= rows) {
                        for (int j = 0; j < 4; j++) tile[r][j] = _mm256_setzero_ps();
                        continue;
                    }
                    const float *src = grad + (run.image * g.out_channels + k) * out_plane + (run.y + r) * ow
                        + run.x + 4 * lane0;
                    float part[32] = {0};
                    if (width < 32) memcpy(part, src, (size_t)width * sizeof(float)), src = part;
                    for (int j = 0; j < 4; j++) q[j] = _mm256_loadu_ps(src + 8 * j);
                    groups_to_lanes(q, tile[r]);
                }
                __m256 columns[6][4];  // A applied down each column
                for (int j = 0; j < 4; j++) {
                    __m256 column[4] = {tile[0][j], tile[1][j], tile[2][j], tile[3][j]}, o[6];
                    gradient_points(column, o);
                    for (int i = 0; i < 6; i++) columns[i][j] = o[i];
                }
                for (int i = 0; i < 6; i++) gradient_points(columns[i], by_channel[kk] + i * 6);
            }
            for (int p = 0; p < POINTS; p++) {
                __m256 e[4] = {by_channel[0][p], by_channel[1][p], by_channel[2][p], by_channel[3][p]}, q[4];
                lanes_to_groups(e, q);
                float *dst = points + ((p * g.out_channels_padded / 4 + k0 / 4) * ld + run.first + lane0) * 4;
                for (int j = 0; j < 4; j++) _mm256_storeu_ps(dst + 8 * j, q[j]);
            }
        }
    }
}

/// vt[p] = v[p]ᵀ for points [p_begin, p_end), in 8 × 8 squares.
EMBER_AVX2 static void turn_input_points(const float *v, ember_winograd_geometry g, int64_t tiles,
                                         int64_t p_begin, int64_t p_end, float *vt) {
    const int64_t channels = g.channels, cp = channels_padded(g), ld = row_length(g);
    for (int64_t p = p_begin; p < p_end; p++) {
        const float *src = v + p * channels * ld;
        float *dst = vt + p * g.block_tiles * cp;
        for (int64_t c0 = 0; c0 < channels; c0 += 8) {
            for (int64_t t0 = 0; t0 < tiles; t0 += 8) {
                // Rows past the last channel read on into the next point (or scratch that
                // follows): they only fill padding columns of vt, never read.
                __m256 r[8];
                for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + (c0 + i) * ld + t0);
                __m256 a0 = _mm256_unpacklo_ps(r[0], r[1]), a1 = _mm256_unpackhi_ps(r[0], r[1]);
                __m256 a2 = _mm256_unpacklo_ps(r[2], r[3]), a3 = _mm256_unpackhi_ps(r[2], r[3]);
                __m256 a4 = _mm256_unpacklo_ps(r[4], r[5]), a5 = _mm256_unpackhi_ps(r[4], r[5]);
                __m256 a6 = _mm256_unpacklo_ps(r[6], r[7]), a7 = _mm256_unpackhi_ps(r[6], r[7]);
                __m256 b0 = _mm256_shuffle_ps(a0, a2, 0x44), b1 = _mm256_shuffle_ps(a0, a2, 0xEE);
                __m256 b2 = _mm256_shuffle_ps(a1, a3, 0x44), b3 = _mm256_shuffle_ps(a1, a3, 0xEE);
                __m256 b4 = _mm256_shuffle_ps(a4, a6, 0x44), b5 = _mm256_shuffle_ps(a4, a6, 0xEE);
                __m256 b6 = _mm256_shuffle_ps(a5, a7, 0x44), b7 = _mm256_shuffle_ps(a5, a7, 0xEE);
                __m256 out[8] = {
                    _mm256_permute2f128_ps(b0, b4, 0x20), _mm256_permute2f128_ps(b1, b5, 0x20),
                    _mm256_permute2f128_ps(b2, b6, 0x20), _mm256_permute2f128_ps(b3, b7, 0x20),
                    _mm256_permute2f128_ps(b0, b4, 0x31), _mm256_permute2f128_ps(b1, b5, 0x31),
                    _mm256_permute2f128_ps(b2, b6, 0x31), _mm256_permute2f128_ps(b3, b7, 0x31),
                };
                int64_t rows = tiles - t0 < 8 ? tiles - t0 : 8;
                for (int i = 0; i < rows; i++) _mm256_storeu_ps(dst + (t0 + i) * cp + c0, out[i]);
            }
        }
    }
}

EMBER_AVX2 static void accumulate_avx2(const float *padded, const float *grad, ember_winograd_geometry g,
                                       int64_t block_begin, int64_t block_end, int64_t p_begin,
                                       int64_t p_end, float *scratch, float *du) {
    const int64_t channels = g.channels, cp = channels_padded(g), kp = g.out_channels_padded;
    const int64_t ld = row_length(g), used_rows = round_up(g.out_channels, 4);
    float *v = scratch, *vt = v + POINTS * channels * ld, *points = vt + POINTS * g.block_tiles * cp;
    for (int64_t b = block_begin; b < block_end; b++) {
        int64_t first, count;
        block_range(g, b, &first, &count);
        FOR_EACH_RUN(g, first, count, run, ember_winograd_input_run(padded, g, run, 0, channels, v));
        FOR_EACH_RUN(g, first, count, run, transform_gradient(grad, g, run, points));
        turn_input_points(v, g, count, p_begin, p_end, vt);
        for (int64_t p = p_begin; p < p_end; p++) {
            const float *vp = vt + p * g.block_tiles * cp, *pp = points + p * kp * ld;
            float *dp = du + p * kp * cp;
            // A strip of 16 channels of vt (tiles × 16) stays in L1 while the rows of
            // output channels pass over it.
            for (int64_t c = 0; c < cp; c += STRIP) {
                for (int64_t k = 0; k < used_rows; k += 4) {
                    const float *a = pp + k * ld;
                    bool add = b > block_begin;  // the first block writes du
                    if (cp - c >= STRIP) product_4xn(2, a, vp + c, cp, count, add, dp + k * cp + c, cp);
                    else product_4xn(1, a, vp + c, cp, count, add, dp + k * cp + c, cp);
                }
            }
        }
    }
}

EMBER_AVX2 static void finish_avx2(const float *du, int64_t copies, ember_winograd_geometry g,
                                   int64_t k_begin, int64_t k_end, float *weight_grad) {
    const int64_t channels = g.channels, cp = channels_padded(g), kp = g.out_channels_padded;
    const int64_t copy_floats = POINTS * kp * cp;
    for (int64_t k = k_begin; k < k_end; k++) {
        for (int64_t c0 = 0; c0 < channels; c0 += LANES) {
            __m256 u[6][6];
            for (int p = 0; p < POINTS; p++) {
                __m256 sum = _mm256_setzero_ps();
                for (int64_t copy = 0; copy < copies; copy++)
                    sum = _mm256_add_ps(sum, _mm256_loadu_ps(du + copy * copy_floats + (p * kp + k) * cp + c0));
                u[p / 6][p % 6] = sum;
            }
            __m256 rows[3][6];  // Gᵀ applied down each column of points
            for (int j = 0; j < 6; j++) {
                __m256 column[6] = {u[0][j], u[1][j], u[2][j], u[3][j], u[4][j], u[5][j]}, o[3];
                kernel_values(column, o);
                for (int i = 0; i < 3; i++) rows[i][j] = o[i];
            }
            float values[9][LANES];
            for (int i = 0; i < 3; i++) {
                __m256 o[3];
                kernel_values(rows[i], o);
                for (int j = 0; j < 3; j++) _mm256_storeu_ps(values[i * 3 + j], o[j]);
            }
            int64_t lanes = channels - c0 < LANES ? channels - c0 : LANES;
            for (int64_t l = 0; l < lanes; l++)
                for (int q = 0; q < 9; q++) weight_grad[(k * channels + c0 + l) * 9 + q] = values[q][l];
        }
    }
}

#endif

void ember_winograd_accumulate_weight_gradient(const float *padded, const float *grad,
                                               ember_winograd_geometry g, int64_t block_begin,
                                               int64_t block_end, int64_t point_begin,
                                               int64_t point_end, float *scratch, float *du) {
#if EMBER_X86
    accumulate_avx2(padded, grad, g, block_begin, block_end, point_begin, point_end, scratch, du);
#endif
}

void ember_winograd_finish_weight_gradient(const float *du, int64_t copies, ember_winograd_geometry g,
                                           int64_t k_begin, int64_t k_end, float *weight_grad) {
#if EMBER_X86
    finish_avx2(du, copies, g, k_begin, k_end, weight_grad);
#endif
}
