#include "norm/name.h"

#include <opencc.h>  // NOLINT: OpenCC's pkg-config puts its folder on the include path.
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "base/utf8.h"

namespace popreg::norm {
namespace {

using utf8::AppendUtf8;
using utf8::kIllFormed;
using utf8::NextCodePoint;

// Thread safety: one opencc::SimpleConverter is shared by every thread, without a lock.
// SimpleConverter::Convert is const, and in OpenCC 1.1 it only reads the dictionaries (the
// segmentation and the conversion chain use marisa-trie lookups with a local marisa::Agent and
// build their output in local objects); the OpenCC maintainer confirms that converters may be
// shared (BYVoid/OpenCC issue #231). name_test runs CanonicalName from several threads at once.
// A converter costs a few milliseconds and a few hundred kilobytes to load, so it is made once.
struct T2s {
  Status status;
  std::unique_ptr<const opencc::SimpleConverter> converter;
};

Status LoadConverter(std::string_view config, std::unique_ptr<const opencc::SimpleConverter>* out) {
  try {
    *out = std::make_unique<const opencc::SimpleConverter>(std::string(config));
    return Status::Ok();
  } catch (const std::exception& e) {
    return FailedPrecondition(
        "cannot load the OpenCC configuration '" + std::string(config) +
        "' (package libopencc-data installs it in /usr/share/opencc): " + e.what());
  }
}

const T2s& SharedT2s() {
  static const T2s* t2s = [] {
    auto* t = new T2s;  // never freed: names may be normalised until the process ends
    t->status = LoadConverter(kT2sConfig, &t->converter);
    return t;
  }();
  return *t2s;
}

// Forms of the middle dot that separates the parts of a minority or foreign name, as they
// remain after NFKC (which already turns U+FF0E, U+2024 and U+FE52 into '.', U+FF65 into U+30FB
// and U+0387 into U+00B7).
bool IsMiddleDot(char32_t cp) {
  switch (cp) {
    case '.':
    case 0x00B7:  // · middle dot
    case 0x2022:  // • bullet
    case 0x2027:  // ‧ hyphenation point
    case 0x2219:  // ∙ bullet operator
    case 0x22C5:  // ⋅ dot operator
    case 0x2E31:  // ⸱ word separator middle dot
    case 0x30FB:  // ・ katakana middle dot
      return true;
    default:
      return false;
  }
}

// Characters that are not part of a name: every White_Space character, controls (C0, C1 and so
// NUL) and default-ignorable characters (zero-width spaces and joiners, soft hyphens, a stray
// BOM, variation selectors).
bool IsDropped(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  return u_isUWhiteSpace(c) || u_charType(c) == U_CONTROL_CHAR ||
         u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Drops IsDropped characters, unifies middle dots; ill-formed bytes become U+FFFD.
std::string Filter(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp = NextCodePoint(s, &pos);
    if (cp == kIllFormed) cp = 0xFFFD;
    if (IsDropped(cp)) continue;
    if (IsMiddleDot(cp)) cp = 0x00B7;
    AppendUtf8(cp, &out);
  }
  return out;
}

}  // namespace

Status InitNames() { return SharedT2s().status; }

Status CheckOpenccConfig(std::string_view config) {
  std::unique_ptr<const opencc::SimpleConverter> converter;
  return LoadConverter(config, &converter);
}

std::string CanonicalName(std::string_view name) {
  if (IsAscii(name)) return Filter(name);  // NFKC and t2s leave ASCII as it is

  // ICU takes int32_t lengths; a "name" longer than that is not one, and is cut.
  constexpr size_t kMax = 1 << 30;
  // Valid UTF-8 first: ICU's normaliser passes ill-formed bytes through and OpenCC rejects them.
  std::string text;
  text.reserve(name.size());
  {
    size_t pos = 0;
    const std::string_view in = name.substr(0, kMax);
    while (pos < in.size()) {
      const char32_t cp = NextCodePoint(in, &pos);
      AppendUtf8(cp == kIllFormed ? 0xFFFD : cp, &text);
    }
  }

  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  std::string normalized;
  if (U_SUCCESS(err)) {
    icu::StringByteSink<std::string> sink(&normalized);
    nfkc->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink,
                        nullptr, err);
  }
  if (U_FAILURE(err)) {
    // Only a broken ICU installation (missing normalisation data) gets here.
    std::fprintf(stderr, "popreg: ICU NFKC normalisation is unavailable: %s\n", u_errorName(err));
    std::abort();
  }

  std::string filtered = Filter(normalized);
  if (IsAscii(filtered)) return filtered;

  const T2s& t2s = SharedT2s();
  if (!t2s.status.ok()) {
    std::fprintf(stderr, "popreg: %s\n", t2s.status.ToString().c_str());
    std::abort();
  }
  try {
    return t2s.converter->Convert(filtered.data(), filtered.size());
  } catch (const std::exception&) {
    // Not expected: the text is valid UTF-8 without NUL. Keep the name unconverted rather than
    // lose it.
    return filtered;
  }
}

}  // namespace popreg::norm
