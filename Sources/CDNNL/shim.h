#ifndef EMBER_CDNNL_SHIM_H
#define EMBER_CDNNL_SHIM_H
#include <oneapi/dnnl/dnnl.h>
// oneDNN from Debian runs on OpenMP (libgomp); its thread count is OpenMP's. Declared here
// because <omp.h> belongs to GCC's private include folder, which clang does not search.
void omp_set_num_threads(int num_threads);
int omp_get_max_threads(void);
#endif
