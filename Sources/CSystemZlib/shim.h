#ifndef EMBER_CZLIB_SHIM_H
#define EMBER_CZLIB_SHIM_H
#include <zlib.h>
#endif
