// libzip (Debian: libzip-dev), used by Ember/Serialization/Pth to read and write the zip
// container of PyTorch checkpoints in memory: every failure comes back as a zip_error_t.
#ifndef EMBER_CZIP_SHIM_H
#define EMBER_CZIP_SHIM_H
#include <zip.h>
#endif
