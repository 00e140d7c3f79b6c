// FUZZ_CHECK(condition): aborts with the failed condition printed, so that a broken property
// is a finding just as a sanitizer report would be. Shared by the fuzz targets of this folder.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                            \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)
