// Runtime detection of the instruction set the kernels may use.
#include "ember_internal.h"

static ember_isa detect(void) {
#if EMBER_X86 && !defined(EMBER_FORCE_GENERIC)
    __builtin_cpu_init();
#ifndef EMBER_FORCE_AVX2
    if (__builtin_cpu_supports("avx512f")) return EMBER_ISA_AVX512;
#endif
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return EMBER_ISA_AVX2;
#endif
    return EMBER_ISA_GENERIC;
}

ember_isa ember_cpu_isa(void) {
    // -1 = not yet detected; detection is idempotent, so racing threads agree.
    static int cached = -1;
    int isa = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (isa < 0) {
        isa = (int)detect();
        __atomic_store_n(&cached, isa, __ATOMIC_RELAXED);
    }
    return (ember_isa)isa;
}
