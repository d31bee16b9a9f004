// libjpeg-turbo's TurboJPEG API (Debian: libturbojpeg0-dev), used by EmberVision/Images only.
#ifndef EMBER_CTURBOJPEG_SHIM_H
#define EMBER_CTURBOJPEG_SHIM_H
#include <turbojpeg.h>
#endif
