#ifndef EMBER_CDNNL_SHIM_H
#define EMBER_CDNNL_SHIM_H
#include <oneapi/dnnl/dnnl.h>
// oneDNN from Debian runs on OpenMP (libgomp), and Ember's own parallel loops use the same
// pool. Declared here because <omp.h> lives in GCC's private include folder, which clang
// does not search; GOMP_parallel is libgomp's entry point for `#pragma omp parallel`.
void omp_set_num_threads(int num_threads);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
#endif
