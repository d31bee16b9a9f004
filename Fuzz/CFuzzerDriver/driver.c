#include "fuzzer_driver.h"

#include <stdio.h>
#include <stdlib.h>

__attribute__((weak)) int LLVMFuzzerRunDriver(int *argc, char ***argv, ember_fuzz_callback callback);

void ember_fuzz_main(int argc, char **argv, ember_fuzz_callback callback, const char *name) {
    if (!LLVMFuzzerRunDriver) {
        fprintf(stderr, "%s: built without libFuzzer; build and run it with Fuzz/run\n", name);
        exit(2);
    }
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback));
}
