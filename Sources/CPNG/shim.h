// libpng's simplified png_image API (Debian: libpng-dev), used by EmberVision/Images only:
// it reports errors through its return value and a message, so Swift needs no setjmp.
#ifndef EMBER_CPNG_SHIM_H
#define EMBER_CPNG_SHIM_H
#include <png.h>
#endif
