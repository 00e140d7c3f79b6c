#include "norm/name.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/Dict.hpp>
#include <opencc/DictEntry.hpp>
#include <opencc/DictGroup.hpp>
#include <opencc/Exception.hpp>
#include <opencc/Lexicon.hpp>
#include <opencc/MaxMatchSegmentation.hpp>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/utf8.h"
#include "norm/unihan.h"

namespace popreg::norm {
namespace {

using utf8::AppendUtf8;
using utf8::kIllFormed;
using utf8::NextCodePoint;

// Thread safety: one opencc::Converter is shared by every thread, without a lock.
// Converter::Convert is const, and in OpenCC 1.1 it only reads the dictionaries (the
// segmentation and the conversion chain use marisa-trie lookups with a local marisa::Agent and
// build their output in local objects); the OpenCC maintainer confirms that converters may be
// shared (BYVoid/OpenCC issue #231). name_test runs CanonicalName from several threads at once.
// A converter costs a few milliseconds and a few hundred kilobytes to load, so it is made once.
// The tables below are filled in the same one-time initialisation (a function-local static,
// which C++ initialises exactly once even when threads race) and only read afterwards.
//
// Speed: a conversion costs about 2.5 microseconds even for a short name (OpenCC segments the
// text with its phrase dictionary, looks every segment up again in the conversion chain and
// builds the output through string streams), more than the rest of CanonicalName together. Two
// shortcuts give OpenCC's result without calling it:
// - `changes` collects every code point that a dictionary entry of the conversion chain would
//   replace: for an entry key -> value (OpenCC uses the first value) of equal length the key's
//   characters where the two differ, for one of different length all of the key's characters. A
//   conversion only replaces entry keys by their values, so a text that has none of these
//   characters comes out unchanged, and CanonicalName skips OpenCC for it.
// - For a text that does have one, OpenCC's result is character by character whenever no
//   dictionary key of two or more characters (a phrase, such as 乾隆 or 著名) occurs in it: the
//   segmentation then only cuts between characters, and the conversion replaces each character
//   that is a key of a one-character entry by that entry's first value, taking the first
//   dictionary of the chain's group that has it, and keeps every other character. So at load
//   time `single` takes each one-character entry (from OpenCC's own dictionaries, through the
//   API the converter came from), and `phrase_pairs` the first two characters of every longer
//   key of the segmentation and conversion dictionaries. A text without such a pair and without
//   an `unsure` character (a one-character key whose value is not one character, or that two
//   dictionaries map differently) is converted through `single`, in tens of nanoseconds; any
//   other goes to the converter. name_test checks the two agree over every character the
//   dictionaries and Unihan know and over generated names.
// (The t2s dictionaries hold about 4,400 entries, 277 of them phrases; about 4,100 characters,
// all traditional or variant forms, can change.) When a dictionary cannot list its entries, or
// the configuration is not one segmentation dictionary and one conversion, the shortcuts that
// depend on it are off: every text is converted (all_change), or every text that may change is
// (no table).
struct T2s {
  Status status;
  std::shared_ptr<const opencc::Converter> converter;
  bool all_change = false;                        // no fast path: convert every text
  std::vector<uint64_t> changes;                  // bitset over code points, see above
  bool table = false;                             // `single` gives OpenCC's result, see above
  std::unordered_map<char32_t, char32_t> single;  // one-character key -> its first value
  std::vector<uint64_t> unsure;                   // bitset: characters `single` cannot convert
  std::vector<uint64_t> phrase_starts;            // bitset: first characters of longer keys
  std::unordered_set<uint64_t> phrase_pairs;      // PhrasePair of the first two characters

  bool MayChange(char32_t cp) const { return all_change || HasBit(changes, cp); }

  static bool HasBit(const std::vector<uint64_t>& bits, char32_t cp) {
    const size_t word = cp / 64;
    return word < bits.size() && ((bits[word] >> (cp % 64)) & 1) != 0;
  }
};

uint64_t PhrasePair(char32_t a, char32_t b) { return (uint64_t{a} << 32) | b; }

Status CannotLoad(std::string_view config, const char* why) {
  return FailedPrecondition("cannot load the OpenCC configuration '" + std::string(config) +
                            "' (package libopencc-data installs it in /usr/share/opencc): " + why);
}

Status LoadConverter(std::string_view config, std::shared_ptr<const opencc::Converter>* out) {
  try {
    opencc::Config loader;
    *out = loader.NewFromFile(std::string(config));
    if (*out == nullptr) return FailedPrecondition("OpenCC returned no converter");
    return Status::Ok();
  } catch (const opencc::Exception& e) {  // not derived from std::exception
    return CannotLoad(config, e.what());
  } catch (const std::exception& e) {
    return CannotLoad(config, e.what());
  }
}

std::u32string Decode(std::string_view s) {
  std::u32string out;
  size_t pos = 0;
  while (pos < s.size()) out.push_back(NextCodePoint(s, &pos));
  return out;
}

void Mark(char32_t cp, std::vector<uint64_t>* bits) {
  if (cp == kIllFormed) return;
  if (cp / 64 >= bits->size()) bits->resize(cp / 64 + 1, 0);
  (*bits)[cp / 64] |= uint64_t{1} << (cp % 64);
}

// The dictionaries of `dict` (itself, or a group's members), in the order a group consults them.
void Leaves(const opencc::DictPtr& dict, std::vector<opencc::DictPtr>* out) {
  if (const auto group = std::dynamic_pointer_cast<opencc::DictGroup>(dict)) {
    for (const opencc::DictPtr& d : group->GetDicts()) Leaves(d, out);
    return;
  }
  out->push_back(dict);
}

// Adds the phrases of `dict` (keys of two or more characters) to t->phrase_*.
void CollectPhrases(const std::u32string& key, T2s* t) {
  if (key.size() < 2) return;
  Mark(key[0], &t->phrase_starts);
  t->phrase_pairs.insert(PhrasePair(key[0], key[1]));
}

// Adds what the conversion dictionary `dict` may replace to t->changes, its phrases to
// t->phrase_*, and its one-character entries to t->single (see T2s). Throws when a dictionary
// cannot list its entries.
void CollectConversion(const opencc::DictPtr& dict, T2s* t) {
  std::vector<opencc::DictPtr> leaves;
  Leaves(dict, &leaves);
  for (const opencc::DictPtr& leaf : leaves) {
    const opencc::LexiconPtr lexicon = leaf->GetLexicon();
    if (lexicon == nullptr) throw std::runtime_error("no lexicon");
    std::unordered_set<char32_t> keys_here;  // a key twice in one dictionary: the first counts
    for (const auto& entry : *lexicon) {
      const std::u32string key = Decode(entry->Key());
      const std::u32string value = Decode(entry->GetDefault());
      for (size_t i = 0; i < key.size(); ++i) {
        if (key.size() != value.size() || key[i] != value[i]) Mark(key[i], &t->changes);
      }
      CollectPhrases(key, t);
      if (key.size() != 1 || !keys_here.insert(key[0]).second) continue;
      if (value.size() != 1) {
        Mark(key[0], &t->unsure);
        continue;
      }
      const auto [it, added] = t->single.emplace(key[0], value[0]);
      if (!added && it->second != value[0]) Mark(key[0], &t->unsure);  // dictionaries disagree
    }
  }
}

// Adds the phrases of the segmentation dictionary `dict` to t->phrase_*. Throws when a
// dictionary cannot list its entries.
void CollectSegmentation(const opencc::DictPtr& dict, T2s* t) {
  std::vector<opencc::DictPtr> leaves;
  Leaves(dict, &leaves);
  for (const opencc::DictPtr& leaf : leaves) {
    const opencc::LexiconPtr lexicon = leaf->GetLexicon();
    if (lexicon == nullptr) throw std::runtime_error("no lexicon");
    for (const auto& entry : *lexicon) CollectPhrases(Decode(entry->Key()), t);
  }
}

const T2s& SharedT2s() {
  static const T2s* t2s = [] {
    auto* t = new T2s;  // never freed: names may be normalised until the process ends
    t->status = LoadConverter(kT2sConfig, &t->converter);
    if (!t->status.ok()) return t;
    try {
      const auto& conversions = t->converter->GetConversionChain()->GetConversions();
      for (const opencc::ConversionPtr& c : conversions) CollectConversion(c->GetDict(), t);
      const auto segmentation =
          std::dynamic_pointer_cast<opencc::MaxMatchSegmentation>(t->converter->GetSegmentation());
      if (segmentation != nullptr && conversions.size() == 1) {
        CollectSegmentation(segmentation->GetDict(), t);
        t->table = true;
      }
    } catch (const opencc::Exception&) {
      t->all_change = true;
    } catch (const std::exception&) {
      t->all_change = true;
    }
    if (t->all_change) t->table = false;
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
  std::shared_ptr<const opencc::Converter> converter;
  return LoadConverter(config, &converter);
}

std::string Nfkc(std::string_view s) {
  // ICU takes int32_t lengths; a "name" longer than that is not one, and is cut.
  constexpr size_t kMax = 1 << 30;
  const std::string_view in = s.substr(0, kMax);
  // Valid UTF-8 first: ICU's normaliser passes ill-formed bytes through (and OpenCC rejects them).
  std::string valid;
  bool ill_formed = false;
  for (size_t pos = 0; pos < in.size();) {
    if (NextCodePoint(in, &pos) == kIllFormed) {
      ill_formed = true;
      break;
    }
  }
  if (ill_formed) {
    valid.reserve(in.size() + 8);
    for (size_t pos = 0; pos < in.size();) {
      const char32_t cp = NextCodePoint(in, &pos);
      AppendUtf8(cp == kIllFormed ? 0xFFFD : cp, &valid);
    }
  }
  const std::string_view text = ill_formed ? std::string_view(valid) : in;

  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  std::string normalized;
  if (U_SUCCESS(err)) {
    normalized.reserve(text.size());
    icu::StringByteSink<std::string> sink(&normalized);
    nfkc->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink,
                        nullptr, err);
  }
  if (U_FAILURE(err)) {
    // Only a broken ICU installation (missing normalisation data) gets here.
    std::fprintf(stderr, "popreg: ICU NFKC normalisation is unavailable: %s\n", u_errorName(err));
    std::abort();
  }
  return normalized;
}

namespace {

// OpenCC's converter on `text` (valid UTF-8 without NUL).
std::string ConvertWithOpencc(const T2s& t2s, std::string text) {
  try {
    return t2s.converter->Convert(text);
  } catch (const opencc::Exception&) {
    // Not expected: the text is valid UTF-8 without NUL. Keep the name unconverted rather than
    // lose it.
    return text;
  } catch (const std::exception&) {
    return text;
  }
}

// OpenCC t2s of `text` (valid UTF-8 without NUL): `text` itself when none of its characters
// can change, through the one-character table when no phrase can occur, else OpenCC's converter
// (see T2s).
std::string ToSimplified(std::string text) {
  const T2s& t2s = SharedT2s();
  if (!t2s.status.ok()) {
    std::fprintf(stderr, "popreg: %s\n", t2s.status.ToString().c_str());
    std::abort();
  }
  bool change = false;
  bool table = t2s.table;
  char32_t previous = 0;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = NextCodePoint(text, &pos);
    change |= t2s.MayChange(cp);
    if (table &&
        (T2s::HasBit(t2s.unsure, cp) || (T2s::HasBit(t2s.phrase_starts, previous) &&
                                         t2s.phrase_pairs.contains(PhrasePair(previous, cp))))) {
      table = false;
    }
    previous = cp;
  }
  if (!change) return text;
  if (table) {
    std::string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
      char32_t cp = NextCodePoint(text, &pos);
      if (t2s.MayChange(cp)) {
        const auto it = t2s.single.find(cp);
        if (it != t2s.single.end()) cp = it->second;
      }
      AppendUtf8(cp, &out);
    }
    return out;
  }
  return ConvertWithOpencc(t2s, std::move(text));
}

}  // namespace

std::string TraditionalToSimplified(std::string_view text) {
  std::string valid;
  valid.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = NextCodePoint(text, &pos);
    if (cp != 0) AppendUtf8(cp == kIllFormed ? 0xFFFD : cp, &valid);
  }
  return ToSimplified(std::move(valid));
}

std::string CanonicalName(std::string_view name) {
  if (utf8::IsAscii(name)) return Filter(name);  // NFKC, t2s and the variant fold leave ASCII alone

  std::string filtered = Filter(Nfkc(name));
  if (utf8::IsAscii(filtered)) return filtered;
  std::string simplified = ToSimplified(std::move(filtered));

  // The variant fold (FoldVariant); rare, so the string is only rebuilt when something folds.
  bool folds = false;
  for (size_t pos = 0; pos < simplified.size() && !folds;) {
    const char32_t cp = NextCodePoint(simplified, &pos);
    folds = FoldVariant(cp) != cp;
  }
  if (!folds) return simplified;
  std::string folded;
  folded.reserve(simplified.size());
  for (size_t pos = 0; pos < simplified.size();) {
    AppendUtf8(FoldVariant(NextCodePoint(simplified, &pos)), &folded);
  }
  // A standard variant may itself be one that t2s converts (寗 -> 甯, which t2s makes 宁), and
  // the result must be what a name spelled with it gets.
  return ToSimplified(std::move(folded));
}

}  // namespace popreg::norm
