// Clang thread-safety annotations (-Wthread-safety), as in Abseil's thread_annotations.h.
//
// They document which mutex guards which field. Under Clang they are checked at compile time;
// under other compilers they expand to nothing.
#pragma once

#if defined(__clang__)
#define POPREG_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define POPREG_THREAD_ANNOTATION_(x)
#endif

// The field may be read or written only while holding mutex `x`.
#define POPREG_GUARDED_BY(x) POPREG_THREAD_ANNOTATION_(guarded_by(x))
// The function may be called only while holding mutex `x`.
#define POPREG_REQUIRES(x) POPREG_THREAD_ANNOTATION_(requires_capability(x))
// The function must be called without holding mutex `x` (it acquires it).
#define POPREG_EXCLUDES(x) POPREG_THREAD_ANNOTATION_(locks_excluded(x))
