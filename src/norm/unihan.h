// Han characters: Mandarin readings, variants, stroke counts, radicals and four-corner codes
// from the Unicode Han Database (Unihan, (c) Unicode, Inc., Unicode License), built into the
// binary. At build time scripts/unihan-subset extracts the fields used here from Debian's
// unicode-data package (/usr/share/unicode/Unihan_*.txt.bz2) into the build folder, and
// unihan_data.S embeds the result; nothing of it is copied into the repository.
//
// The table is parsed once, on the first call of any function here (a few tens of
// milliseconds); afterwards every function is a lookup. All functions are thread-safe, and every
// span and string_view they return stays valid until the process ends.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace popreg::norm {

// A toned pinyin syllable in numbered form: letters a-z, then the tone 1-4, or 5 for the neutral
// tone; u with diaeresis is written v and e with circumflex e ("shan4", "lv3", "de5"). An index
// into the process-wide syllable table; see TonedSyllableText.
using TonedSyllable = uint16_t;

// A toneless pinyin syllable ("shan", "lv"): an index into a second table, see SyllableText.
// Two characters are homophones (ignoring tones) when they share a Syllable.
using Syllable = uint16_t;

// The text of a syllable ("shan4"; "shan"). Requires a value obtained from this module.
std::string_view TonedSyllableText(TonedSyllable s);
std::string_view SyllableText(Syllable s);

// The toneless syllable of a toned one: shan4 -> shan.
Syllable Toneless(TonedSyllable s);

// Looks a syllable up by its text ("shan4"; "shan"). Returns false, leaving *out alone, when no
// Unihan reading uses it.
bool FindTonedSyllable(std::string_view text, TonedSyllable* out);
bool FindSyllable(std::string_view text, Syllable* out);

// Every Mandarin reading of `cp`, each once, in this order: kMandarin (whose first value is the
// most common reading in mainland usage), kTGHZ2013, kXHC1983, kHanyuPinyin. Empty when Unihan
// has none (not a Han character, or a rare one). 单 -> dan1 chan2 shan4.
std::span<const TonedSyllable> HanReadings(char32_t cp);

// The toneless forms of HanReadings(cp), each once, in the order of their first toned reading.
// 单 -> dan chan shan.
std::span<const Syllable> HanTonelessReadings(char32_t cp);

// A kFourCornerCode value: the four corner digits and the optional fifth (附角) digit.
struct FourCorner {
  uint16_t corners = 0;  // the four main digits as a decimal number, 0..9999 ("1010.4" -> 1010)
  int8_t extra = -1;     // the digit after the point, -1 when the code has none
};

// The shape of a character, for look-alike comparison.
struct HanShape {
  int total_strokes = 0;  // kTotalStrokes, the zh-Hans (first) value; 0 when unknown
  int radical = 0;        // Kangxi radical number 1..214 of the first kRSUnicode; 0 unknown
  bool simplified_radical = false;  // the kRSUnicode radical is its simplified form (120')
  int residual_strokes = 0;         // strokes beyond the radical (first kRSUnicode)
  int four_corner_count = 0;        // how many of four_corner are set: 0, 1 or 2
  FourCorner four_corner[2] = {};   // kFourCornerCode values, in Unihan's order
};

// The shape data of `cp`; all zero when Unihan has none.
HanShape Shape(char32_t cp);

// True when `cp` is in the standard set: GB 2312 (a G0 kIRG_GSource) or the 2013 Table of
// General Standard Chinese Characters (通用规范汉字表, the characters with a kTGHZ2013 reading).
// The 2013 table matters for names: it admitted characters such as 喆, 堃, 昇 and 淼 that are
// used in personal names but are not in GB 2312.
bool InStandardSet(char32_t cp);

// The standard spelling of a non-standard variant character, for matching names; `cp` itself
// when it is in the standard set or has no single standard variant. CanonicalName applies it after
// OpenCC's t2s, so it only sees what t2s left, typically variants such as 峯 -> 峰, 羣 -> 群,
// 郞 -> 郎, 菫 -> 堇.
//
// The rule, so that distinct standard characters are never merged: only a character outside the
// standard set (InStandardSet) is folded, and only to a character inside it that shares a
// toneless Mandarin reading with it when both have readings. Candidates are looked for in tiers,
// stopping at the first tier that has any: (1) kSimplifiedVariant; (2) kZVariant; (3)
// kSemanticVariant, only when the relation is listed in both directions, and then the
// kSimplifiedVariant of such a semantic variant. A tier with more than one candidate folds
// nothing (ambiguous, e.g. 線 -> 线 or 缐). kTraditionalVariant points away from the standard set
// and kSpecializedSemanticVariant holds only in some contexts, so neither is used. So 喆 and 堃
// (standard since 2013) stay, and 後 (in GB 2312) is left to t2s.
char32_t FoldVariant(char32_t cp);

// How alike two characters look (形近字), from 0 (unrelated or unknown) to 1 (same character,
// or the same four-corner code, stroke count and radical, as 未/末 and 己/已). Used as a signal
// for misread handwriting, not as an equivalence.
//
// Let d be the most equal digits among the four main four-corner digits over the pairs of the
// two characters' kFourCornerCode values; shape = max(0, d - 1) / 3 (one equal digit in four is
// what unrelated characters often share by chance, so it counts nothing); strokes = max(0, 1 -
// |kTotalStrokes difference| / 3); radical = 1 for the same kRSUnicode radical, else 0. With
// four-corner codes on both sides the result is shape^2 * (0.6 + 0.25 * strokes + 0.15 *
// radical), so codes sharing two digits or fewer give at most 0.11, and 王/玉 0.92, 晴/睛 0.77,
// 侯/候 0.92. Without them it is at most 0.4: 0.4 * strokes when the radicals are the same,
// else 0.
double LookAlikeSimilarity(char32_t a, char32_t b);

// The Unicode version of the embedded Unihan data ("15.0.0") and how many code points it has.
std::string_view UnihanVersion();
size_t UnihanCharacterCount();

}  // namespace popreg::norm
