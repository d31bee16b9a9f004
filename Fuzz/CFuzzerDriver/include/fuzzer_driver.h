// libFuzzer's driver entry point. SwiftPM links an executable's own `main`, so libFuzzer's
// `main` never runs: a fuzz target calls the driver itself. LLVMFuzzerRunDriver is declared
// weak so that the targets still link in an ordinary build (without -sanitize=fuzzer),
// where it is absent and `ember_fuzz_main` says how to build the target instead.
#ifndef EMBER_FUZZER_DRIVER_H
#define EMBER_FUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

typedef int (*ember_fuzz_callback)(const uint8_t *data, size_t size);

/// Runs libFuzzer on `callback` with the command line and exits with its status; without
/// libFuzzer, prints that `name` must be built with Fuzz/run and exits with 2.
_Noreturn void ember_fuzz_main(int argc, char **argv, ember_fuzz_callback callback, const char *name);

#endif
