// Float32 comparisons over broadcast shapes, producing bool bytes.
#include "ember_internal.h"

EMBER_INLINE uint8_t compare_scalar(int op, float a, float b) {
    switch (op) {
    case EMBER_CMP_EQ: return a == b;
    case EMBER_CMP_NE: return a != b; // true when either is NaN, as in PyTorch
    case EMBER_CMP_LT: return a < b;
    case EMBER_CMP_LE: return a <= b;
    case EMBER_CMP_GT: return a > b;
    default: return a >= b;
    }
}

/// One row; called with literal steps for the common cases so the loop is specialised
/// (and vectorisable) for them. Broadcast operands are read once up front: byte stores to
/// `out` could otherwise alias them.
EMBER_INLINE void compare_row(int op, const float *a, int64_t sa, const float *b, int64_t sb,
                              uint8_t *out, int64_t n) {
    const float ka = a[0], kb = b[0];
    switch (op) {
#define EMBER_COMPARE_CASE(OP)                                                             \
    case OP:                                                                               \
        for (int64_t i = 0; i < n; i++)                                                    \
            out[i] = compare_scalar(OP, sa ? a[i * sa] : ka, sb ? b[i * sb] : kb);         \
        break;
    EMBER_COMPARE_CASE(EMBER_CMP_EQ)
    EMBER_COMPARE_CASE(EMBER_CMP_NE)
    EMBER_COMPARE_CASE(EMBER_CMP_LT)
    EMBER_COMPARE_CASE(EMBER_CMP_LE)
    EMBER_COMPARE_CASE(EMBER_CMP_GT)
    EMBER_COMPARE_CASE(EMBER_CMP_GE)
#undef EMBER_COMPARE_CASE
    default: break;
    }
}

void ember_compare_strided_f32(int op, int ndim, const int64_t *shape, const float *a,
                               const int64_t *a_strides, const float *b,
                               const int64_t *b_strides, uint8_t *out) {
    ember_iter it;
    const int64_t *strides[3] = {a_strides, b_strides, NULL};
    if (!ember_iter_init(&it, ndim, shape, 3, strides)) return;
    const int64_t n = ember_iter_len(&it), sa = ember_iter_step(&it, 0),
                  sb = ember_iter_step(&it, 1);
    do {
        const float *pa = a + it.offset[0], *pb = b + it.offset[1];
        uint8_t *po = out + it.offset[2];
        if (sa == 1 && sb == 1) compare_row(op, pa, 1, pb, 1, po, n);
        else if (sa == 1 && sb == 0) compare_row(op, pa, 1, pb, 0, po, n);
        else if (sa == 0 && sb == 1) compare_row(op, pa, 0, pb, 1, po, n);
        else compare_row(op, pa, sa, pb, sb, po, n);
    } while (ember_iter_next(&it));
}
