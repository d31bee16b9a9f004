// The n-dimensional row walker behind the strided copy, binary and comparison kernels.
#include "ember_internal.h"

bool ember_iter_init(ember_iter *it, int ndim, const int64_t *shape, int nops,
                     const int64_t *const *strides) {
    it->nops = nops;
    it->ndim = 0;
    // Contiguous strides for operands given as NULL, computed from the innermost outwards.
    int64_t contiguous[EMBER_MAX_DIMS];
    int64_t step = 1;
    for (int d = ndim - 1; d >= 0; d--) {
        if (shape[d] == 0) return false;
        contiguous[d] = step;
        step *= shape[d];
    }
    for (int d = 0; d < ndim; d++) {
        if (shape[d] == 1) continue;
        int last = it->ndim - 1;
        // Merge into the previous kept dimension when, for every operand, stepping once
        // along it equals stepping shape[d] times along d.
        bool merge = last >= 0;
        for (int k = 0; k < nops && merge; k++) {
            int64_t s = strides[k] ? strides[k][d] : contiguous[d];
            merge = it->strides[k][last] == s * shape[d];
        }
        if (merge) {
            it->shape[last] *= shape[d];
            for (int k = 0; k < nops; k++)
                it->strides[k][last] = strides[k] ? strides[k][d] : contiguous[d];
        } else {
            it->shape[it->ndim] = shape[d];
            for (int k = 0; k < nops; k++)
                it->strides[k][it->ndim] = strides[k] ? strides[k][d] : contiguous[d];
            it->ndim++;
        }
    }
    if (it->ndim == 0) { // a single element
        it->ndim = 1;
        it->shape[0] = 1;
        for (int k = 0; k < nops; k++) it->strides[k][0] = 0;
    }
    for (int d = 0; d < it->ndim; d++) it->index[d] = 0;
    for (int k = 0; k < nops; k++) it->offset[k] = 0;
    return true;
}

bool ember_iter_next(ember_iter *it) {
    for (int d = it->ndim - 2; d >= 0; d--) {
        if (++it->index[d] < it->shape[d]) {
            for (int k = 0; k < it->nops; k++) it->offset[k] += it->strides[k][d];
            return true;
        }
        it->index[d] = 0;
        for (int k = 0; k < it->nops; k++) it->offset[k] -= it->strides[k][d] * (it->shape[d] - 1);
    }
    return false;
}
