#include "fuzzer_driver.h"

__attribute__((weak)) int LLVMFuzzerRunDriver(int *argc, char ***argv, ember_fuzz_callback callback);

int ember_fuzzer_run(int *argc, char ***argv, ember_fuzz_callback callback) {
    if (!LLVMFuzzerRunDriver) return -1;
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
