#include "norm/unihan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"

namespace popreg::norm {
namespace {

char32_t Cp(std::string_view s) {
  size_t pos = 0;
  return utf8::NextCodePoint(s, &pos);
}

std::vector<std::string> TonedOf(std::string_view ch) {
  std::vector<std::string> out;
  for (TonedSyllable s : HanReadings(Cp(ch))) out.emplace_back(TonedSyllableText(s));
  return out;
}

std::vector<std::string> TonelessOf(std::string_view ch) {
  std::vector<std::string> out;
  for (Syllable s : HanTonelessReadings(Cp(ch))) out.emplace_back(SyllableText(s));
  return out;
}

std::string Utf8(char32_t cp) {
  std::string s;
  utf8::AppendUtf8(cp, &s);
  return s;
}

using Strings = std::vector<std::string>;

TEST(UnihanTest, VersionAndSize) {
  EXPECT_FALSE(UnihanVersion().empty());
  // Unihan 15.0 has about 41,000 characters with a Mandarin reading.
  EXPECT_GT(UnihanCharacterCount(), 40000u);
}

TEST(UnihanTest, ReadingsInOrder) {
  EXPECT_EQ(TonedOf("单"), (Strings{"dan1", "chan2", "shan4"}));
  EXPECT_EQ(TonelessOf("单"), (Strings{"dan", "chan", "shan"}));
  EXPECT_EQ(TonedOf("乐").front(), "le4");  // kMandarin first
  EXPECT_EQ(TonedOf("曾").front(), "ceng2");
  EXPECT_EQ(TonedOf("王").front(), "wang2");
}

TEST(UnihanTest, UmlautIsV) {
  EXPECT_EQ(TonedOf("吕"), (Strings{"lv3"}));
  EXPECT_EQ(TonedOf("女").front(), "nv3");
  EXPECT_EQ(TonelessOf("女").front(), "nv");
  EXPECT_EQ(TonedOf("绿").front(), "lv4");
  EXPECT_EQ(TonedOf("略").front(), "lve4");
}

TEST(UnihanTest, NeutralToneAndOddSyllables) {
  EXPECT_EQ(TonedOf("么").front(), "me5");
  // ḿ, ň and ê̌ (e-circumflex) readings come out numbered, too.
  const Strings m = TonedOf("呣");
  EXPECT_NE(std::find(m.begin(), m.end(), "m2"), m.end());
  const Strings ei = TonedOf("欸");
  EXPECT_NE(std::find(ei.begin(), ei.end(), "e3"), ei.end());
}

TEST(UnihanTest, NoReadings) {
  EXPECT_TRUE(HanReadings('a').empty());
  EXPECT_TRUE(HanReadings(0x00B7).empty());
  EXPECT_TRUE(HanTonelessReadings(0x10FFFF).empty());
}

TEST(UnihanTest, SyllableLookup) {
  TonedSyllable t = 0;
  ASSERT_TRUE(FindTonedSyllable("shan4", &t));
  EXPECT_EQ(TonedSyllableText(t), "shan4");
  EXPECT_EQ(SyllableText(Toneless(t)), "shan");
  Syllable s = 0;
  ASSERT_TRUE(FindSyllable("lv", &s));
  EXPECT_EQ(SyllableText(s), "lv");
  EXPECT_FALSE(FindTonedSyllable("shan", &t));
  EXPECT_FALSE(FindSyllable("xyzzy", &s));
}

TEST(UnihanTest, Shape) {
  const HanShape wang = Shape(Cp("王"));
  EXPECT_EQ(wang.total_strokes, 4);
  EXPECT_EQ(wang.radical, 96);
  ASSERT_EQ(wang.four_corner_count, 1);
  EXPECT_EQ(wang.four_corner[0].corners, 1010);
  EXPECT_EQ(wang.four_corner[0].extra, 4);
  const HanShape none = Shape('a');
  EXPECT_EQ(none.total_strokes, 0);
  EXPECT_EQ(none.four_corner_count, 0);
  EXPECT_TRUE(Shape(Cp("语")).simplified_radical);  // 149'
}

TEST(UnihanTest, StandardSet) {
  EXPECT_TRUE(InStandardSet(Cp("张")));  // GB 2312
  EXPECT_TRUE(InStandardSet(Cp("喆")));  // only in the 2013 table
  EXPECT_TRUE(InStandardSet(Cp("堃")));
  EXPECT_FALSE(InStandardSet(Cp("峯")));
  EXPECT_FALSE(InStandardSet(Cp("張")));
  EXPECT_FALSE(InStandardSet('a'));
}

TEST(UnihanTest, FoldVariant) {
  const std::pair<const char*, const char*> kFolds[] = {
      {"峯", "峰"}, {"羣", "群"}, {"郞", "郎"}, {"菫", "堇"}, {"週", "周"},
      {"樑", "梁"}, {"衆", "众"}, {"鬆", "松"}, {"蔴", "麻"}, {"幹", "干"},
  };
  for (const auto& [from, to] : kFolds) {
    EXPECT_EQ(Utf8(FoldVariant(Cp(from))), to) << from;
  }
  // Standard characters never fold, whatever their variants.
  for (const char* stays : {"峰", "喆", "堃", "后", "乾", "干", "淼", "昇", "甯", "张", "王"}) {
    EXPECT_EQ(Utf8(FoldVariant(Cp(stays))), stays) << stays;
  }
  // Ambiguous: 線 has two standard simplified variants, 线 and 缐 (a surname).
  EXPECT_EQ(Utf8(FoldVariant(Cp("線"))), "線");
  EXPECT_EQ(FoldVariant('a'), U'a');
}

TEST(UnihanTest, FoldTargetsAreStandardAndReadAlike) {
  size_t folded = 0;
  for (char32_t cp = 0x3400; cp < 0x32000; ++cp) {
    const char32_t to = FoldVariant(cp);
    if (to == cp) continue;
    ++folded;
    EXPECT_FALSE(InStandardSet(cp)) << Utf8(cp);
    EXPECT_TRUE(InStandardSet(to)) << Utf8(cp) << " -> " << Utf8(to);
    EXPECT_EQ(FoldVariant(to), to) << Utf8(to);
    const auto a = HanTonelessReadings(cp);
    const auto b = HanTonelessReadings(to);
    if (a.empty() || b.empty()) continue;
    bool shared = false;
    for (Syllable x : a) {
      for (Syllable y : b) shared |= x == y;
    }
    EXPECT_TRUE(shared) << Utf8(cp) << " -> " << Utf8(to);
  }
  // About 3,900 with Unihan 15.0; a broken rule gives none or far more.
  EXPECT_GT(folded, 2000u);
  EXPECT_LT(folded, 6000u);
}

// The Unihan fields read straight from Debian's file, independently of scripts/unihan-subset.
#ifndef POPREG_UNICODE_DIR
#define POPREG_UNICODE_DIR "/usr/share/unicode"
#endif

// A reading with diacritics ("lǚ", "shàn", "m̄") in numbered form ("lv3", "shan4", "m1").
std::string Numbered(std::string_view reading) {
  // Precomposed vowels with a tone: base letters and tone, in the order of each row's tones.
  static const std::map<char32_t, std::pair<char, int>> kToned = {
      {U'ā', {'a', 1}}, {U'á', {'a', 2}}, {U'ǎ', {'a', 3}}, {U'à', {'a', 4}}, {U'ē', {'e', 1}},
      {U'é', {'e', 2}}, {U'ě', {'e', 3}}, {U'è', {'e', 4}}, {U'ī', {'i', 1}}, {U'í', {'i', 2}},
      {U'ǐ', {'i', 3}}, {U'ì', {'i', 4}}, {U'ō', {'o', 1}}, {U'ó', {'o', 2}}, {U'ǒ', {'o', 3}},
      {U'ò', {'o', 4}}, {U'ū', {'u', 1}}, {U'ú', {'u', 2}}, {U'ǔ', {'u', 3}}, {U'ù', {'u', 4}},
      {U'ǖ', {'v', 1}}, {U'ǘ', {'v', 2}}, {U'ǚ', {'v', 3}}, {U'ǜ', {'v', 4}}, {U'ü', {'v', 0}},
      {U'ê', {'e', 0}}, {U'ế', {'e', 2}}, {U'ề', {'e', 4}}, {U'ḿ', {'m', 2}}, {U'ń', {'n', 2}},
      {U'ň', {'n', 3}}, {U'ǹ', {'n', 4}},
  };
  static const std::map<char32_t, int> kMarks = {
      {0x0304, 1}, {0x0301, 2}, {0x030C, 3}, {0x0300, 4}};
  std::string out;
  int tone = 0;
  for (size_t pos = 0; pos < reading.size();) {
    const char32_t cp = utf8::NextCodePoint(reading, &pos);
    if (cp >= 'a' && cp <= 'z') {
      out.push_back(static_cast<char>(cp));
    } else if (const auto it = kToned.find(cp); it != kToned.end()) {
      out.push_back(it->second.first);
      if (it->second.second != 0) tone = it->second.second;
    } else if (const auto m = kMarks.find(cp); m != kMarks.end()) {
      tone = m->second;
    } else {
      ADD_FAILURE() << "unexpected character in reading " << reading;
    }
  }
  return out + std::to_string(tone == 0 ? 5 : tone);
}

TEST(UnihanDifferentialTest, ReadingsMatchUnihan) {
  const std::string command =
      std::string("bzcat '") + POPREG_UNICODE_DIR + "/Unihan_Readings.txt.bz2'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr) << command;
  std::map<char32_t, std::vector<std::string>> mandarin;
  std::map<char32_t, std::set<std::string>> all;  // every reading of the four fields
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) {
    std::string_view line(buf);
    if (line.ends_with('\n')) line.remove_suffix(1);
    if (!line.starts_with("U+")) continue;
    const size_t tab1 = line.find('\t');
    const size_t tab2 = line.find('\t', tab1 + 1);
    const auto cp =
        static_cast<char32_t>(std::stoul(std::string(line.substr(2, tab1 - 2)), nullptr, 16));
    const std::string_view field = line.substr(tab1 + 1, tab2 - tab1 - 1);
    const std::string_view value = line.substr(tab2 + 1);
    const bool is_mandarin = field == "kMandarin";
    if (!is_mandarin && field != "kHanyuPinyin" && field != "kXHC1983" && field != "kTGHZ2013") {
      continue;
    }
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t sp = rest.find(' ');
      std::string_view token = rest.substr(0, sp);
      rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
      if (const size_t colon = token.rfind(':'); colon != std::string_view::npos) {
        token.remove_prefix(colon + 1);
      }
      while (!token.empty()) {
        const size_t comma = token.find(',');
        const std::string r = Numbered(token.substr(0, comma));
        if (is_mandarin) mandarin[cp].push_back(r);
        all[cp].insert(r);
        token.remove_prefix(comma == std::string_view::npos ? token.size() : comma + 1);
      }
    }
  }
  ASSERT_EQ(pclose(pipe), 0) << command;
  ASSERT_GT(mandarin.size(), 40000u);

  // A deterministic sample of about 3,000 characters: every 13th with a kMandarin reading.
  size_t i = 0;
  size_t checked = 0;
  for (const auto& [cp, expected] : mandarin) {
    if (i++ % 13 != 0) continue;
    ++checked;
    std::vector<std::string> ours;
    for (TonedSyllable s : HanReadings(cp)) ours.emplace_back(TonedSyllableText(s));
    ASSERT_FALSE(ours.empty()) << Utf8(cp);
    EXPECT_EQ(ours.front(), expected.front()) << Utf8(cp) << ": the most common reading";
    for (const std::string& r : expected) {
      EXPECT_NE(std::find(ours.begin(), ours.end(), r), ours.end()) << Utf8(cp) << " " << r;
    }
    EXPECT_EQ(std::set<std::string>(ours.begin(), ours.end()), all[cp]) << Utf8(cp);
  }
  EXPECT_GT(checked, 3000u);
}

}  // namespace
}  // namespace popreg::norm
