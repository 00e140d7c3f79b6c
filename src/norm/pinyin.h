// Pinyin keys of Chinese person names, for blocking and comparing in the linker: the canonical
// characters, the surname, the reading of every character (surname readings such as 单 shan),
// toned and toneless pinyin, initials, and whether the name is partial (a placeholder stands for
// a character the clerk could not type).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "norm/unihan.h"

namespace popreg::norm {

// Stands in `NameKeys::chars` for a character the name does not give: a placeholder (? * □ ■ ○,
// 口 where it is one, see AnalyzeName), a bracketed description of components (王(讠+兑)), an
// ideographic description sequence (⿰讠兑) or U+FFFD from ill-formed input.
inline constexpr char32_t kUnknownChar = 0xFFFD;

struct NameKeys {
  // CanonicalName of the input.
  std::string canonical;
  // The name's character positions: canonical's code points without the '·' separators, with
  // every unknown character (see kUnknownChar) as one kUnknownChar.
  std::vector<char32_t> chars;
  // How many of the first chars form the surname: 2 for a compound surname (欧阳, 司马 ...), 1
  // otherwise; 0 when the name has a '·' (minority and foreign names have no surname split), has
  // fewer than two positions, or does not start with a Han character that has a reading.
  int surname_length = 0;
  // The canonical name has a '·'.
  bool dotted = false;
  // A placeholder or bracketed component stands for at least one character.
  bool partial = false;
  // One entry per chars position: the toneless syllable ("shan"); the surname reading for the
  // surname positions, the most common reading for the others. A position without a reading has
  // the character itself (ASCII letters lower-cased), and an unknown one "?".
  std::vector<std::string> pinyin;
  // Like pinyin, with the tone in numbered form ("shan4"; 5 for the neutral tone).
  std::vector<std::string> pinyin_toned;
  // The first letter of each pinyin entry ("sxx" for 单雄信); the whole entry for a position
  // without a reading ("wx?" for 王小?).
  std::string initials;
  // One entry per chars position: every toneless reading of the character, the most common first
  // (a surname position starts with its surname reading); empty for a position without one.
  // The spans point into process-wide tables and stay valid until the process ends.
  std::vector<std::span<const Syllable>> readings;
};

// One row of the surname table AnalyzeName uses: a single or compound surname and its reading as
// a surname, numbered, one syllable per character ("单", "shan4"; "尉迟", "yu4 chi2").
struct SurnameReading {
  std::string_view surname;
  std::string_view reading;
};

// The surname table: the single surnames whose surname reading differs from the character's most
// common one, then the compound surnames; sources in pinyin.cc. Static data.
std::span<const SurnameReading> SurnameTable();

// The keys of one name; see NameKeys. Which characters are placeholders:
// - ? * □ ■ ○ ◯ (also full-width ？ ＊, which NFKC makes ASCII) and U+FFFD;
// - a bracketed run: an opening bracket ( [ { < 【 〔 〖 〈 《 (full-width （ ［ ｛ ＜ become ASCII
//   in NFKC), what follows and its closing bracket (or the end of the name) count as one unknown
//   character, e.g. 王(讠+兑), 王[讠兑], 王（讠兑）;
// - an ideographic description sequence (⿰讠兑, ⿱艹⿰日月) counts as one unknown character;
// - 口, which is also a real (very rare) surname, only where it cannot be one: at any position
//   but the first, or at the first when the next position is 口 or another placeholder. Given
//   names do not use 口, while clerks type it for a character their input method lacks (and for
//   the look-alike □).
// Surnames: a name of three or more positions whose first two characters are a compound surname
// of the table in pinyin.cc has surname_length 2. Surname readings follow the conventional
// readings of characters as surnames (现代汉语词典's 姓 entries; the 百家姓 for compound
// surnames): 单 shan4, 曾 zeng1, 解 xie4, 区 ou1, 查 zha1, 仇 qiu2, 朴 piao2, 尉迟 yu4 chi2 ...
// (see SurnameTable).
// Thread-safe; the tables are built on first use.
NameKeys AnalyzeName(std::string_view name);

// The same into *out, which is overwritten. Its vectors keep their capacity, so a loop over many
// names reusing one NameKeys allocates little (the canonical string is built anew, on the heap
// only for names longer than five Han characters).
void AnalyzeName(std::string_view name, NameKeys* out);

// The toneless syllables joined by single spaces: "shan xiong xin" for 单雄信.
std::string PinyinKey(const NameKeys& keys);

// True when names `a` and `b` can be read alike, ignoring tones (homophones such as 张伟 and
// 章伟): after AnalyzeName they have the same number of positions, and at each position the two
// characters share a toneless reading (readings), or are the same character when either has no
// reading, or either is unknown (kUnknownChar matches any character).
bool SameReading(std::string_view a, std::string_view b);

// The same on analysed names.
bool SameReading(const NameKeys& a, const NameKeys& b);

}  // namespace popreg::norm
