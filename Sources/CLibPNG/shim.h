#ifndef FLOWLAB_CLIBPNG_SHIM_H
#define FLOWLAB_CLIBPNG_SHIM_H
// libpng's simplified API (png_image_*): errors are reported in the struct
// instead of through longjmp, which Swift cannot catch.
#include <png.h>

// Composite macros that Swift does not import.
static const png_uint_32 flowlab_png_format_rgba = PNG_FORMAT_RGBA;
static const png_uint_32 flowlab_png_image_version = PNG_IMAGE_VERSION;
static const png_uint_32 flowlab_png_image_error = PNG_IMAGE_ERROR;
#endif
