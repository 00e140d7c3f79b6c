#include "norm/pinyin.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/utf8.h"
#include "norm/name.h"

namespace popreg::norm {
namespace {

using Strings = std::vector<std::string>;

std::string Key(std::string_view name) { return PinyinKey(AnalyzeName(name)); }

std::string Toned(std::string_view name) {
  std::string out;
  for (const std::string& s : AnalyzeName(name).pinyin_toned) {
    if (!out.empty()) out.push_back(' ');
    out += s;
  }
  return out;
}

std::vector<char32_t> Chars(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t pos = 0; pos < s.size();) out.push_back(utf8::NextCodePoint(s, &pos));
  return out;
}

TEST(PinyinTest, SurnameReadings) {
  EXPECT_EQ(Key("单雄信"), "shan xiong xin");
  EXPECT_EQ(Toned("单雄信"), "shan4 xiong2 xin4");
  EXPECT_EQ(AnalyzeName("单雄信").initials, "sxx");
  EXPECT_EQ(AnalyzeName("单雄信").surname_length, 1);
  EXPECT_EQ(Key("曾国藩"), "zeng guo fan");
  EXPECT_EQ(Key("解缙"), "xie jin");
  EXPECT_EQ(Key("区伟"), "ou wei");
  EXPECT_EQ(Key("查良镛"), "zha liang yong");
  EXPECT_EQ(Key("仇英"), "qiu ying");
  EXPECT_EQ(Key("朴树"), "piao shu");
  EXPECT_EQ(Key("翟志刚"), "zhai zhi gang");
  EXPECT_EQ(Key("尉缭"), "wei liao");
  // Traditional input reads the same after t2s.
  EXPECT_EQ(Key("單雄信"), "shan xiong xin");
}

TEST(PinyinTest, SurnameCharactersElsewhereReadCommonly) {
  EXPECT_EQ(Key("王单"), "wang dan");
  EXPECT_EQ(Key("李曾"), "li ceng");
  EXPECT_EQ(Key("张解"), "zhang jie");
  EXPECT_EQ(Key("单"), "dan");  // one character: no surname split
  EXPECT_EQ(AnalyzeName("单").surname_length, 0);
}

TEST(PinyinTest, SurnameReadingComesFirstAmongReadings) {
  const NameKeys k = AnalyzeName("单雄信");
  ASSERT_EQ(k.readings.size(), 3u);
  ASSERT_FALSE(k.readings[0].empty());
  EXPECT_EQ(SyllableText(k.readings[0][0]), "shan");
  Strings all;
  for (Syllable s : k.readings[0]) all.emplace_back(SyllableText(s));
  EXPECT_EQ(all, (Strings{"shan", "dan", "chan"}));
}

TEST(PinyinTest, CompoundSurnames) {
  const NameKeys k = AnalyzeName("欧阳娜娜");
  EXPECT_EQ(k.surname_length, 2);
  EXPECT_EQ(PinyinKey(k), "ou yang na na");
  EXPECT_EQ(k.initials, "oynn");
  EXPECT_EQ(AnalyzeName("歐陽娜娜").surname_length, 2);
  EXPECT_EQ(Key("万俟卨"), "mo qi xie");
  EXPECT_EQ(Key("尉迟恭"), "yu chi gong");
  EXPECT_EQ(Key("长孙无忌"), "zhang sun wu ji");
  EXPECT_EQ(Key("单于蓝"), "chan yu lan");
  EXPECT_EQ(Key("令狐冲"), "ling hu chong");
  EXPECT_EQ(Key("诸葛亮"), "zhu ge liang");
  EXPECT_EQ(Toned("诸葛亮"), "zhu1 ge3 liang4");
  EXPECT_EQ(AnalyzeName("司马光").surname_length, 2);
  // Two characters are a surname and a given name, not a compound surname alone.
  EXPECT_EQ(AnalyzeName("欧阳").surname_length, 1);
  EXPECT_EQ(AnalyzeName("王小明").surname_length, 1);
}

TEST(PinyinTest, SurnameTableAgreesWithUnihan) {
  size_t singles = 0;
  size_t compounds = 0;
  for (const SurnameReading& row : SurnameTable()) {
    const std::vector<char32_t> chars = Chars(row.surname);
    std::vector<std::string> syllables;
    std::string_view rest = row.reading;
    while (!rest.empty()) {
      const size_t sp = rest.find(' ');
      syllables.emplace_back(rest.substr(0, sp));
      rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
    }
    ASSERT_EQ(chars.size(), syllables.size()) << row.surname;
    for (size_t i = 0; i < chars.size(); ++i) {
      Strings readings;
      for (TonedSyllable t : HanReadings(chars[i])) readings.emplace_back(TonedSyllableText(t));
      EXPECT_NE(std::find(readings.begin(), readings.end(), syllables[i]), readings.end())
          << row.surname << " " << syllables[i] << " is not a Unihan reading";
      if (chars.size() == 1) {
        // A single surname is listed only when its reading is not the most common one.
        ASSERT_FALSE(readings.empty());
        EXPECT_NE(readings.front(), syllables[i]) << row.surname << " need not be listed";
      }
    }
    // AnalyzeName uses it.
    const std::string name = std::string(row.surname) + "明华";
    const NameKeys k = AnalyzeName(name);
    EXPECT_EQ(k.surname_length, static_cast<int>(chars.size())) << name;
    for (size_t i = 0; i < chars.size(); ++i) {
      EXPECT_EQ(k.pinyin_toned[i], syllables[i]) << name;
    }
    (chars.size() == 1 ? singles : compounds)++;
  }
  EXPECT_GE(singles, 40u);
  EXPECT_GE(compounds, 60u);
}

TEST(PinyinTest, UmlautWrittenV) {
  EXPECT_EQ(Key("吕"), "lv");
  EXPECT_EQ(Key("女"), "nv");
  EXPECT_EQ(Key("吕布"), "lv bu");
  EXPECT_EQ(Toned("吕布"), "lv3 bu4");
  EXPECT_EQ(AnalyzeName("吕布").initials, "lb");
  EXPECT_EQ(Key("闾丘露"), "lv qiu lu");
}

TEST(PinyinTest, CanonicalAndTraditional) {
  EXPECT_EQ(CanonicalName("张伟"), CanonicalName("張偉"));
  const NameKeys a = AnalyzeName("张伟");
  const NameKeys b = AnalyzeName("張 偉");
  EXPECT_EQ(a.canonical, "张伟");
  EXPECT_EQ(a.canonical, b.canonical);
  EXPECT_EQ(a.chars, b.chars);
  EXPECT_EQ(a.pinyin, b.pinyin);
  EXPECT_EQ(PinyinKey(a), "zhang wei");
}

TEST(PinyinTest, VariantsFold) {
  EXPECT_EQ(CanonicalName("李峯"), "李峰");
  EXPECT_EQ(AnalyzeName("李峯").canonical, AnalyzeName("李峰").canonical);
  EXPECT_EQ(CanonicalName("王羣"), "王群");
  EXPECT_EQ(CanonicalName("張喆"), "张喆");  // standard since 2013: kept
  EXPECT_EQ(CanonicalName("王堃"), "王堃");
  // A standard variant that t2s converts ends up as t2s makes it: 寗 -> 甯 -> 宁.
  EXPECT_EQ(CanonicalName("寗"), CanonicalName("甯"));
}

TEST(PinyinTest, DottedNames) {
  const NameKeys k = AnalyzeName("买买提·艾力");
  EXPECT_TRUE(k.dotted);
  EXPECT_EQ(k.surname_length, 0);
  EXPECT_EQ(k.chars.size(), 5u);
  EXPECT_EQ(PinyinKey(k), "mai mai ti ai li");
  EXPECT_EQ(k.initials, "mmtal");
  EXPECT_FALSE(k.partial);
  EXPECT_EQ(AnalyzeName("買買提•艾力").canonical, "买买提·艾力");
  EXPECT_TRUE(SameReading("买买提·艾力", "买买提艾力"));
  EXPECT_EQ(AnalyzeName("阿沛·阿旺晋美").surname_length, 0);
  EXPECT_EQ(AnalyzeName("买买提艾力").surname_length, 1);  // without the dot: unknown to us
}

TEST(PinyinTest, PartialNames) {
  for (const char* name : {"王?", "王？", "王*", "王＊", "王□", "王■", "王○", "王(讠+兑)",
                           "王[讠兑]", "王（讠兑）", "王【讠兑】", "王⿰讠兑", "王口", "王\xFF"}) {
    const NameKeys k = AnalyzeName(name);
    EXPECT_TRUE(k.partial) << name;
    ASSERT_EQ(k.chars.size(), 2u) << name;
    EXPECT_EQ(k.chars[1], kUnknownChar) << name;
    EXPECT_EQ(PinyinKey(k), "wang ?") << name;
    EXPECT_EQ(k.initials, "w?") << name;
    EXPECT_TRUE(k.readings[1].empty()) << name;
    EXPECT_EQ(k.surname_length, 1) << name;
  }
  // One bracket or description sequence is one character, wherever it is.
  EXPECT_EQ(AnalyzeName("王(讠+兑)明").chars.size(), 3u);
  EXPECT_EQ(Key("王⿱艹⿰日月明"), "wang ? ming");
  EXPECT_EQ(Key("王(讠兑"), "wang ?");  // unclosed: to the end
  EXPECT_TRUE(AnalyzeName("王小口").partial);
  EXPECT_TRUE(AnalyzeName("口口明").partial);
  EXPECT_EQ(AnalyzeName("口口明").chars[0], kUnknownChar);
  EXPECT_EQ(AnalyzeName("口?明").chars[0], kUnknownChar);
  EXPECT_EQ(AnalyzeName("?明").surname_length, 0);
  // 口 as a surname, and alone, is the character.
  EXPECT_FALSE(AnalyzeName("口伟").partial);
  EXPECT_EQ(Key("口伟"), "kou wei");
  EXPECT_FALSE(AnalyzeName("口").partial);
  // Nothing missing.
  EXPECT_FALSE(AnalyzeName("王小明").partial);
  EXPECT_FALSE(AnalyzeName("").partial);
}

TEST(PinyinTest, CharactersWithoutReadings) {
  const NameKeys k = AnalyzeName("Li Lei");
  EXPECT_EQ(k.canonical, "LiLei");
  EXPECT_EQ(PinyinKey(k), "l i l e i");
  EXPECT_EQ(k.surname_length, 0);
  const NameKeys e = AnalyzeName("");
  EXPECT_TRUE(e.chars.empty());
  EXPECT_EQ(PinyinKey(e), "");
  EXPECT_EQ(e.initials, "");
}

TEST(PinyinTest, SameReading) {
  EXPECT_TRUE(SameReading("张伟", "章伟"));
  EXPECT_TRUE(SameReading("张伟", "张卫"));
  EXPECT_TRUE(SameReading("张伟", "張偉"));
  EXPECT_TRUE(SameReading("单雄信", "善雄信"));  // surname reading shan
  EXPECT_TRUE(SameReading("单雄信", "丹雄信"));  // and the character's other readings
  EXPECT_TRUE(SameReading("吕丽", "旅莉"));
  EXPECT_TRUE(SameReading("王?明", "王小明"));  // unknown matches anything
  EXPECT_FALSE(SameReading("张伟", "张明"));
  EXPECT_FALSE(SameReading("张伟", "张伟明"));
  EXPECT_FALSE(SameReading("吕丽", "卢丽"));  // lv is not lu
  EXPECT_TRUE(SameReading("", ""));
}

TEST(PinyinTest, ReusedKeysAreOverwritten) {
  NameKeys k;
  AnalyzeName("欧阳娜娜", &k);
  AnalyzeName("王?", &k);
  EXPECT_EQ(k.canonical, "王?");
  EXPECT_EQ(k.chars.size(), 2u);
  EXPECT_EQ(k.surname_length, 1);
  EXPECT_TRUE(k.partial);
  EXPECT_EQ(PinyinKey(k), "wang ?");
  AnalyzeName("买买提·艾力", &k);
  EXPECT_FALSE(k.partial);
  EXPECT_TRUE(k.dotted);
  EXPECT_EQ(k.initials, "mmtal");
}

TEST(PinyinTest, ConcurrentCallsAgree) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"單雄信", "shan xiong xin"},
      {"歐陽娜娜", "ou yang na na"},
      {"吕布", "lv bu"},
      {"王?", "wang ?"},
      {"曾国藩", "zeng guo fan"},
  };
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      NameKeys k;
      for (int i = 0; i < 300; ++i) {
        const auto& [in, out] = cases[(i + t) % cases.size()];
        AnalyzeName(in, &k);
        if (PinyinKey(k) != out) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace popreg::norm
