// What the Winograd files share: the block layout's sizes, runs of tiles, the input
// transform, the regrouping of 8 lanes and the matrix-product kernel.
#ifndef EMBER_WINOGRAD_INTERNAL_H
#define EMBER_WINOGRAD_INTERNAL_H

#include "ember_simd.h"
#include "ember_winograd.h"

enum { POINTS = 36, LANES = 8, STRIP = 16, DEPTH = 32, MAX_BLOCK = 96 };

static inline int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

/// The length of the rows of v and m.
static inline int64_t row_length(ember_winograd_geometry g) { return g.block_tiles + LANES; }

/// The tiles of block `b`: the first and how many.
static inline void block_range(ember_winograd_geometry g, int64_t b, int64_t *first, int64_t *count) {
    const int64_t tiles = g.batch * g.tiles_h * g.tiles_w;
    *first = b * g.block_tiles;
    *count = tiles - *first < g.block_tiles ? tiles - *first : g.block_tiles;
}

#if EMBER_X86

/// A run of a block's tiles along one tile row of one image: `count` tiles (at most
/// MAX_BLOCK) from column `x` (in pixels) of output row `y`, in block columns
/// [first, first + count).
typedef struct {
    int64_t image, y, x, first, count;
} tile_run;

/// The run that starts at column `first` of a block whose tiles begin at `block_first`
/// and number `count`.
static inline tile_run run_at(ember_winograd_geometry g, int64_t block_first, int64_t first, int64_t count) {
    int64_t tile = block_first + first, in_row = tile % g.tiles_w, row = tile / g.tiles_w;
    int64_t length = g.tiles_w - in_row < count - first ? g.tiles_w - in_row : count - first;
    if (length > MAX_BLOCK) length = MAX_BLOCK;
    return (tile_run){row / g.tiles_h, row % g.tiles_h * 4, in_row * 4, first, length};
}

/// Calls `body` with each run of a block, in order.
#define FOR_EACH_RUN(geometry, block_first, tiles, run, body)                               \
    for (int64_t at_ = 0; at_ < (tiles);) {                                                 \
        tile_run run = run_at(geometry, block_first, at_, tiles);                           \
        body;                                                                               \
        at_ += run.count;                                                                   \
    }

/// From 4 vectors holding 8 consecutive 4-float groups (two per vector), the 4 vectors
/// whose lane l holds element j of group l.
EMBER_INLINE_AVX2 void groups_to_lanes(const __m256 q[4], __m256 e[4]) {
    __m256 r0 = _mm256_permute2f128_ps(q[0], q[2], 0x20), r1 = _mm256_permute2f128_ps(q[0], q[2], 0x31);
    __m256 r2 = _mm256_permute2f128_ps(q[1], q[3], 0x20), r3 = _mm256_permute2f128_ps(q[1], q[3], 0x31);
    __m256 u0 = _mm256_unpacklo_ps(r0, r1), u1 = _mm256_unpackhi_ps(r0, r1);
    __m256 u2 = _mm256_unpacklo_ps(r2, r3), u3 = _mm256_unpackhi_ps(r2, r3);
    e[0] = _mm256_shuffle_ps(u0, u2, 0x44), e[1] = _mm256_shuffle_ps(u0, u2, 0xEE);
    e[2] = _mm256_shuffle_ps(u1, u3, 0x44), e[3] = _mm256_shuffle_ps(u1, u3, 0xEE);
}

/// The inverse of groups_to_lanes: element j of lane l to position 4 l + j.
EMBER_INLINE_AVX2 void lanes_to_groups(const __m256 e[4], __m256 q[4]) {
    __m256 u0 = _mm256_unpacklo_ps(e[0], e[1]), u1 = _mm256_unpackhi_ps(e[0], e[1]);
    __m256 u2 = _mm256_unpacklo_ps(e[2], e[3]), u3 = _mm256_unpackhi_ps(e[2], e[3]);
    __m256 r0 = _mm256_shuffle_ps(u0, u2, 0x44), r1 = _mm256_shuffle_ps(u0, u2, 0xEE);
    __m256 r2 = _mm256_shuffle_ps(u1, u3, 0x44), r3 = _mm256_shuffle_ps(u1, u3, 0xEE);
    q[0] = _mm256_permute2f128_ps(r0, r1, 0x20), q[1] = _mm256_permute2f128_ps(r2, r3, 0x20);
    q[2] = _mm256_permute2f128_ps(r0, r1, 0x31), q[3] = _mm256_permute2f128_ps(r2, r3, 0x31);
}

/// Bᵀ d for a column (or row) d[0..5] of an input tile.
EMBER_INLINE_AVX2 void input_points(const __m256 d[6], __m256 o[6]) {
    const __m256 two = _mm256_set1_ps(2), four = _mm256_set1_ps(4), five = _mm256_set1_ps(5);
    o[0] = _mm256_fmadd_ps(four, d[0], _mm256_fnmadd_ps(five, d[2], d[4]));
    o[1] = _mm256_fnmadd_ps(four, _mm256_add_ps(d[1], d[2]), _mm256_add_ps(d[3], d[4]));
    o[2] = _mm256_fmadd_ps(four, _mm256_sub_ps(d[1], d[2]), _mm256_sub_ps(d[4], d[3]));
    o[3] = _mm256_fmadd_ps(two, _mm256_sub_ps(d[3], d[1]), _mm256_sub_ps(d[4], d[2]));
    o[4] = _mm256_fnmadd_ps(two, _mm256_sub_ps(d[3], d[1]), _mm256_sub_ps(d[4], d[2]));
    o[5] = _mm256_fmadd_ps(four, d[1], _mm256_fnmadd_ps(five, d[3], d[5]));
}

/// Bᵀ over the 6 input rows of a run, along the whole run at once.
enum { RUN_WIDTH = 4 * MAX_BLOCK + 16 };

/// Transforms the input tiles of `run`, channels [c_begin, c_end), into the block's v.
EMBER_AVX2 void ember_winograd_input_run(const float *padded, ember_winograd_geometry g, tile_run run,
                                         int64_t c_begin, int64_t c_end, float *v);

/// m[4 rows, 8 × n_vectors columns] (+)= a[channels][4]ᵀ × b[channels rows of `ldb`], for
/// n_vectors of 1 or 2: 8 accumulators, enough to keep both FMA units busy through their
/// latency; a third column of vectors would need every register and the compiler spills.
EMBER_INLINE_AVX2 void product_4xn(const int n_vectors, const float *a, const float *b, int64_t ldb,
                                   int64_t channels, bool accumulate, float *m, int64_t ldm) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
    __m256 c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    if (accumulate) {
        c00 = _mm256_loadu_ps(m), c10 = _mm256_loadu_ps(m + ldm);
        c20 = _mm256_loadu_ps(m + 2 * ldm), c30 = _mm256_loadu_ps(m + 3 * ldm);
        if (n_vectors > 1) {
            c01 = _mm256_loadu_ps(m + 8), c11 = _mm256_loadu_ps(m + ldm + 8);
            c21 = _mm256_loadu_ps(m + 2 * ldm + 8), c31 = _mm256_loadu_ps(m + 3 * ldm + 8);
        }
    }
    for (int64_t c = 0; c < channels; c++, a += 4, b += ldb) {
        __m256 b0 = _mm256_loadu_ps(b);
        __m256 b1 = n_vectors > 1 ? _mm256_loadu_ps(b + 8) : b0;
        __m256 w = _mm256_broadcast_ss(a);
        c00 = _mm256_fmadd_ps(w, b0, c00);
        if (n_vectors > 1) c01 = _mm256_fmadd_ps(w, b1, c01);
        w = _mm256_broadcast_ss(a + 1);
        c10 = _mm256_fmadd_ps(w, b0, c10);
        if (n_vectors > 1) c11 = _mm256_fmadd_ps(w, b1, c11);
        w = _mm256_broadcast_ss(a + 2);
        c20 = _mm256_fmadd_ps(w, b0, c20);
        if (n_vectors > 1) c21 = _mm256_fmadd_ps(w, b1, c21);
        w = _mm256_broadcast_ss(a + 3);
        c30 = _mm256_fmadd_ps(w, b0, c30);
        if (n_vectors > 1) c31 = _mm256_fmadd_ps(w, b1, c31);
    }
    __m256 rows[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
    for (int r = 0; r < 4; r++)
        for (int q = 0; q < n_vectors; q++) _mm256_storeu_ps(m + r * ldm + q * 8, rows[r][q]);
}

#endif

#endif
