// Chinese person names: the canonical form two spellings of one name share.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace popreg::norm {

// The OpenCC configuration used for traditional to simplified conversion. OpenCC looks for it
// as given, then in its data folder (/usr/share/opencc, package libopencc-data).
inline constexpr std::string_view kT2sConfig = "t2s.json";

// Loads the shared OpenCC converter (kT2sConfig) once; later calls return the first result.
// Returns OK, or FailedPrecondition naming the configuration that could not be loaded. Programs
// call it at start-up to fail with a clear message; CanonicalName calls it lazily otherwise.
// Thread-safe.
Status InitNames();

// Checks that OpenCC can load `config` (a file name or path) by loading it into a throwaway
// converter. For diagnostics and tests; does not change the converter CanonicalName uses.
Status CheckOpenccConfig(std::string_view config);

// Unicode Normalization Form KC of `s` (ICU), after every ill-formed UTF-8 byte sequence has
// become U+FFFD. The first step of CanonicalName, exposed for tests against Unicode's
// NormalizationTest.txt. Thread-safe. Aborts when ICU's normalisation data is missing (a broken
// installation).
std::string Nfkc(std::string_view s);

// OpenCC's t2s conversion of `text` (kT2sConfig), as CanonicalName applies it: `text` itself
// when none of its characters can change, through a one-character table built from OpenCC's own
// dictionaries when no phrase of them occurs, else through OpenCC's converter; the result is
// what the converter alone gives (see name.cc). Exposed for tests against OpenCC. Ill-formed
// UTF-8 becomes U+FFFD and NUL is dropped first. Thread-safe; aborts like CanonicalName when
// OpenCC cannot load.
std::string TraditionalToSimplified(std::string_view text);

// The canonical simplified form of a name, in this order: ill-formed UTF-8 bytes become U+FFFD;
// Unicode NFKC (so full-width letters become half-width); every White_Space character (ASCII,
// U+3000, no-break space...), control and default-ignorable character removed; every middle-dot
// form (· • ． . ・ ･ ‧ ∙ ⋅ and U+00B7) unified to U+00B7 '·'; traditional characters converted
// to simplified with OpenCC (t2s); then every character outside the standard set replaced by its
// standard variant where Unihan gives exactly one (FoldVariant in unihan.h: 峯 -> 峰, 羣 -> 群),
// and t2s applied once more when that changed anything. Letter case is kept.
// 張 偉 -> 张伟; 買買提•艾力 -> 买买提·艾力; 李峯 -> 李峰.
// Thread-safe: every thread shares one converter (see name.cc). When the OpenCC configuration
// cannot be loaded (see InitNames) this prints the reason to stderr and aborts, because every
// name comparison would silently be wrong.
std::string CanonicalName(std::string_view name);

}  // namespace popreg::norm
