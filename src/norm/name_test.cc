#include "norm/name.h"

#include <gtest/gtest.h>
#include <opencc.h>  // NOLINT: OpenCC's pkg-config puts its folder on the include path.
#include <unicode/uchar.h>

#include <cstdio>
#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/DictGroup.hpp>
#include <opencc/Lexicon.hpp>
#include <opencc/MaxMatchSegmentation.hpp>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/utf8.h"
#include "norm/unihan.h"

#ifndef POPREG_UNICODE_DIR
#define POPREG_UNICODE_DIR "/usr/share/unicode"
#endif

namespace popreg::norm {
namespace {

TEST(NamesInitTest, ConverterLoads) {
  const Status s = InitNames();
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(NamesInitTest, MissingConfigIsNamed) {
  const Status s = CheckOpenccConfig("/nonexistent/popreg-t2s.json");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("/nonexistent/popreg-t2s.json"), std::string::npos) << s.message();
  EXPECT_TRUE(CheckOpenccConfig(kT2sConfig).ok());
}

TEST(CanonicalNameTest, TraditionalToSimplified) {
  EXPECT_EQ(CanonicalName("張偉"), "张伟");
  EXPECT_EQ(CanonicalName("張 偉"), "张伟");
  EXPECT_EQ(CanonicalName("张伟"), "张伟");
  EXPECT_EQ(CanonicalName("劉德華"), "刘德华");
  EXPECT_EQ(CanonicalName("歐陽娜娜"), "欧阳娜娜");
}

TEST(CanonicalNameTest, Spaces) {
  EXPECT_EQ(CanonicalName("王 小明"), "王小明");
  EXPECT_EQ(CanonicalName(" 王\u3000小\u00A0明\t"), "王小明");
  EXPECT_EQ(CanonicalName("王\u200B小明\uFEFF"), "王小明");  // zero-width space, BOM
  EXPECT_EQ(CanonicalName("Li Lei"), "LiLei");
  EXPECT_EQ(CanonicalName(""), "");
  EXPECT_EQ(CanonicalName(" \u3000 "), "");
}

TEST(CanonicalNameTest, FullWidth) {
  EXPECT_EQ(CanonicalName("ＬＩ　Ｌｅｉ"), "LILei");
  EXPECT_EQ(CanonicalName("王ＡＢ"), "王AB");
  EXPECT_EQ(CanonicalName("李１２"), "李12");
}

TEST(CanonicalNameTest, EveryMiddleDotForm) {
  const std::string expected = "买买提\u00B7艾力";
  for (const char* dot : {"\u00B7", "\u2022", "\uFF0E", ".", "\u30FB", "\u2027", "\uFF65", "\u2219",
                          "\u22C5", "\u0387", " \u00B7 ", "\u3000\u2022"}) {
    const std::string name = std::string("買買提") + dot + "艾力";
    EXPECT_EQ(CanonicalName(name), expected) << name;
    const std::string simplified = std::string("买买提") + dot + "艾力";
    EXPECT_EQ(CanonicalName(simplified), expected) << simplified;
  }
  EXPECT_EQ(CanonicalName("買買提•艾力"), "买买提·艾力");
  EXPECT_EQ(CanonicalName("阿沛·阿旺晉美"), "阿沛·阿旺晋美");
  EXPECT_EQ(CanonicalName("John.Smith"), "John\u00B7Smith");
}

TEST(CanonicalNameTest, CommonTraditionalSurnames) {
  const std::pair<const char*, const char*> kSurnames[] = {
      {"陳", "陈"}, {"劉", "刘"}, {"黃", "黄"}, {"趙", "赵"}, {"鄭", "郑"},
      {"孫", "孙"}, {"馬", "马"}, {"楊", "杨"}, {"吳", "吴"}, {"周", "周"},
  };
  for (const auto& [trad, simp] : kSurnames) {
    EXPECT_EQ(CanonicalName(trad), simp) << trad;
    EXPECT_EQ(CanonicalName(std::string(trad) + "小明"), std::string(simp) + "小明") << trad;
  }
}

// The data generator (src/gen) writes these traditional given-name characters; they must come
// back to the simplified form it started from.
TEST(CanonicalNameTest, GivenNameCharactersRoundTrip) {
  const std::pair<const char*, const char*> kChars[] = {
      {"偉", "伟"}, {"華", "华"}, {"麗", "丽"}, {"國", "国"}, {"軍", "军"}, {"東", "东"},
      {"紅", "红"}, {"龍", "龙"}, {"鳳", "凤"}, {"蘭", "兰"}, {"濤", "涛"}, {"強", "强"},
      {"輝", "辉"}, {"傑", "杰"}, {"靜", "静"}, {"豔", "艳"}, {"雲", "云"}, {"飛", "飞"},
      {"鵬", "鹏"}, {"瑩", "莹"}, {"嬌", "娇"}, {"霞", "霞"}, {"慧", "慧"}, {"婷", "婷"},
  };
  for (const auto& [trad, simp] : kChars) {
    EXPECT_EQ(CanonicalName(trad), simp) << trad;
    EXPECT_EQ(CanonicalName(simp), simp) << simp;  // simplified stays
    EXPECT_EQ(CanonicalName(std::string("王") + trad), std::string("王") + simp) << trad;
    EXPECT_EQ(CanonicalName(std::string("李") + trad + "華"), std::string("李") + simp + "华")
        << trad;
  }
}

TEST(CanonicalNameTest, IllFormedInputIsKept) {
  EXPECT_EQ(CanonicalName("王\xFF明"), "王\uFFFD明");
  EXPECT_EQ(CanonicalName("\xFF"), "\uFFFD");
  EXPECT_EQ(CanonicalName(std::string("王\0明", 7)), "王明");  // a NUL is a control, dropped
}

TEST(CanonicalNameTest, ConcurrentCallsAgree) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"張偉", "张伟"},          {"買買提•艾力", "买买提·艾力"}, {"劉 德華", "刘德华"},
      {"ＬＩ　Ｌｅｉ", "LILei"}, {"歐陽靜雲", "欧阳静云"},
  };
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const auto& [in, out] = cases[(i + t) % cases.size()];
        if (CanonicalName(in) != out) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(CanonicalNameTest, VariantFold) {
  EXPECT_EQ(CanonicalName("李峯"), "李峰");
  EXPECT_EQ(CanonicalName("羣"), "群");
  EXPECT_EQ(CanonicalName("郞"), "郎");
  EXPECT_EQ(CanonicalName("張喆"), "张喆");  // 喆 is standard (2013 table): kept
  EXPECT_EQ(CanonicalName("寗"), CanonicalName("甯"));
  // Folding keeps the rest of the contract: spaces, dots and width.
  EXPECT_EQ(CanonicalName("買買提 ・ 艾峯"), "买买提·艾峰");
  EXPECT_EQ(CanonicalName("ＬＩ峯"), "LI峰");
}

// CanonicalName calls OpenCC only for names with a character that t2s may change; for every
// other name the result must be what OpenCC gives. Checked on every character of the CJK Unified
// Ideographs and Extension A blocks between two common characters (phrases need context).
TEST(CanonicalNameTest, SkippingOpenccChangesNothing) {
  const opencc::SimpleConverter t2s{std::string(kT2sConfig)};
  size_t compared = 0;
  for (char32_t cp = 0x3400; cp < 0xA000; ++cp) {
    if (cp >= 0x4DC0 && cp < 0x4E00) continue;  // Yijing hexagram symbols
    std::string name = "王";
    utf8::AppendUtf8(cp, &name);
    name += "华";
    const std::string expected = t2s.Convert(name);
    bool folds = false;
    for (size_t pos = 0; pos < expected.size();) {
      const char32_t c = utf8::NextCodePoint(expected, &pos);
      folds |= FoldVariant(c) != c;
    }
    if (folds) continue;  // CanonicalName folds it further
    ++compared;
    EXPECT_EQ(CanonicalName(name), expected) << name;
  }
  EXPECT_GT(compared, 25000u);
}

// Every key of the t2s dictionaries (one-character entries and phrases), in the order OpenCC's
// segmentation and conversion chain hold them.
std::vector<std::u32string> OpenccKeys() {
  std::vector<std::u32string> keys;
  opencc::Config loader;
  const auto converter = loader.NewFromFile(std::string(kT2sConfig));
  std::vector<opencc::DictPtr> dicts;
  for (const auto& c : converter->GetConversionChain()->GetConversions()) {
    dicts.push_back(c->GetDict());
  }
  if (const auto mm =
          std::dynamic_pointer_cast<opencc::MaxMatchSegmentation>(converter->GetSegmentation())) {
    dicts.push_back(mm->GetDict());
  }
  while (!dicts.empty()) {
    const opencc::DictPtr d = dicts.back();
    dicts.pop_back();
    if (const auto group = std::dynamic_pointer_cast<opencc::DictGroup>(d)) {
      for (const auto& member : group->GetDicts()) dicts.push_back(member);
      continue;
    }
    for (const auto& entry : *d->GetLexicon()) {
      std::u32string key;
      const std::string& k = entry->Key();
      for (size_t pos = 0; pos < k.size();) key.push_back(utf8::NextCodePoint(k, &pos));
      keys.push_back(key);
    }
  }
  return keys;
}

std::string Utf8(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) utf8::AppendUtf8(cp, &out);
  return out;
}

// TraditionalToSimplified converts most names through its own table of OpenCC's one-character
// entries, and only those where a phrase of OpenCC's dictionaries occurs through the converter;
// the result must be what the converter alone gives (which is what CanonicalName gave before the
// table) for every text. Checked on every character of the CJK blocks (BMP and Extension B-G)
// alone and between two characters, every dictionary key alone, embedded and cut short, every
// pair of a phrase's first character with each one-character key, and generated names mixing
// traditional characters, phrase characters, simplified ones, dots and letters.
TEST(TraditionalToSimplifiedTest, TableAgreesWithOpencc) {
  const opencc::SimpleConverter t2s{std::string(kT2sConfig)};
  size_t compared = 0;
  size_t failures = 0;
  auto check = [&](const std::string& text) {
    ++compared;
    const std::string want = t2s.Convert(text);
    if (TraditionalToSimplified(text) != want && ++failures <= 20) {
      ADD_FAILURE() << text << ": OpenCC gives " << want << ", the table "
                    << TraditionalToSimplified(text);
    }
  };

  std::vector<char32_t> cjk;
  for (char32_t cp = 0x3400; cp < 0x4DC0; ++cp) cjk.push_back(cp);  // Extension A
  for (char32_t cp = 0x4E00; cp < 0xA000; ++cp) cjk.push_back(cp);  // Unified Ideographs
  for (char32_t cp = 0xF900; cp < 0xFB00; ++cp) cjk.push_back(cp);  // Compatibility
  for (char32_t cp = 0x20000; cp < 0x323B0; ++cp) {                 // Extensions B-H
    if (u_charType(static_cast<UChar32>(cp)) != U_UNASSIGNED) cjk.push_back(cp);
  }
  for (char32_t cp : cjk) {
    const std::u32string one(1, cp);
    check(Utf8(one));
    check("陳" + Utf8(one) + "華");
  }

  const std::vector<std::u32string> keys = OpenccKeys();
  std::vector<char32_t> singles;
  std::vector<char32_t> phrase_chars;
  for (const std::u32string& key : keys) {
    if (key.size() == 1) {
      singles.push_back(key[0]);
      continue;
    }
    phrase_chars.insert(phrase_chars.end(), key.begin(), key.end());
    check(Utf8(key));
    check("王" + Utf8(key) + "偉");
    for (size_t n = 2; n < key.size(); ++n) check(Utf8(key.substr(0, n)));
    check(Utf8(key.substr(1)));
  }
  ASSERT_GT(singles.size(), 3000u);
  ASSERT_GT(phrase_chars.size(), 200u);
  for (char32_t cp : singles) check("張" + Utf8(std::u32string(1, cp)));
  for (const std::u32string& key : keys) {  // a phrase's start, then not the phrase
    if (key.size() < 2) continue;
    for (size_t i = key.size(); i < singles.size(); i += 41) check(Utf8({key[0], singles[i]}));
  }

  // Generated names: two to five positions from a mix of the characters above.
  const std::vector<std::string> others = {"王", "李", "张", "欧阳", "·", "•", "A", "b", " ", "華"};
  uint64_t state = 12345;
  auto next = [&state](size_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>((state >> 33) % n);
  };
  for (int i = 0; i < 100000; ++i) {
    std::string name;
    const size_t length = 2 + next(4);
    for (size_t j = 0; j < length; ++j) {
      switch (next(4)) {
        case 0:
          utf8::AppendUtf8(singles[next(singles.size())], &name);
          break;
        case 1:
          utf8::AppendUtf8(phrase_chars[next(phrase_chars.size())], &name);
          break;
        case 2:
          utf8::AppendUtf8(cjk[next(cjk.size())], &name);
          break;
        default:
          name += others[next(others.size())];
      }
    }
    check(name);
  }
  EXPECT_EQ(failures, 0u) << "of " << compared;
  EXPECT_GT(compared, 300000u);
}

TEST(CanonicalNameTest, Idempotent) {
  for (const char* name : {"張偉", "李峯", "寗", "甯", "買買提•艾力", "歐陽靜雲", "王羣", "乾隆",
                           "於", "後", "著", "線", "綫", "ＬＩ　Ｌｅｉ", "王\xFF明"}) {
    const std::string once = CanonicalName(name);
    EXPECT_EQ(CanonicalName(once), once) << name;
  }
}

TEST(NfkcTest, Basics) {
  EXPECT_EQ(Nfkc("ＡＢＣ１２３"), "ABC123");
  EXPECT_EQ(Nfkc("\u3000"), " ");
  EXPECT_EQ(Nfkc("e\u0301"), "\u00E9");
  EXPECT_EQ(Nfkc("\uFB01"), "fi");
  EXPECT_EQ(Nfkc("\u2F00"), "\u4E00");  // Kangxi radical one -> 一
  EXPECT_EQ(Nfkc("王\xFF明"), "王\uFFFD明");
  EXPECT_EQ(Nfkc(""), "");
  // NFKC alone keeps spaces, dots and traditional characters (CanonicalName removes them).
  EXPECT_EQ(Nfkc("張 偉"), "張 偉");
}

// Code points as UTF-8 from a NormalizationTest column: hex numbers separated by spaces.
std::string Column(std::string_view hex) {
  std::string out;
  while (!hex.empty()) {
    const size_t sp = hex.find(' ');
    const std::string_view one = hex.substr(0, sp);
    if (!one.empty()) {
      utf8::AppendUtf8(static_cast<char32_t>(std::stoul(std::string(one), nullptr, 16)), &out);
    }
    hex.remove_prefix(sp == std::string_view::npos ? hex.size() : sp + 1);
  }
  return out;
}

// Unicode's conformance test (NormalizationTest.txt of Debian's unicode-data, the same Unicode
// version as ICU's data): for every line, c4 == NFKC(c1) == NFKC(c2) == NFKC(c3) == NFKC(c4) ==
// NFKC(c5); and every assigned code point not in Part 1 is its own NFKC.
TEST(NfkcTest, UnicodeNormalizationTest) {
  const std::string command =
      std::string("bzcat '") + POPREG_UNICODE_DIR + "/NormalizationTest.txt.bz2'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr) << command;
  std::set<char32_t> part1;
  std::string part;
  size_t lines = 0;
  size_t part1_lines = 0;
  size_t failures = 0;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) {
    std::string_view line(buf);
    if (line.ends_with('\n')) line.remove_suffix(1);
    if (line.starts_with("@Part")) {
      part = std::string(line.substr(0, 6));
      continue;
    }
    if (line.empty() || line.starts_with('#')) continue;
    std::string_view c[5];
    for (auto& column : c) {
      const size_t semi = line.find(';');
      ASSERT_NE(semi, std::string_view::npos) << line;
      column = line.substr(0, semi);
      line.remove_prefix(semi + 1);
    }
    ++lines;
    const std::string nfkc = Column(c[3]);
    if (part == "@Part1") {
      ++part1_lines;
      size_t pos = 0;
      const std::string source = Column(c[0]);
      part1.insert(utf8::NextCodePoint(source, &pos));
    }
    for (const auto& column : c) {
      const std::string input = Column(column);
      if (Nfkc(input) != nfkc && ++failures <= 20) {
        ADD_FAILURE() << part << ": NFKC(" << column << ") should be " << c[3];
      }
    }
  }
  ASSERT_EQ(pclose(pipe), 0) << command;
  EXPECT_EQ(failures, 0u);
  EXPECT_GT(lines, 19000u);
  EXPECT_GT(part1_lines, 17000u);

  size_t checked = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    if (part1.count(cp) != 0 || u_charType(static_cast<UChar32>(cp)) == U_UNASSIGNED) continue;
    std::string x;
    utf8::AppendUtf8(cp, &x);
    ++checked;
    if (Nfkc(x) != x && ++failures <= 20)
      ADD_FAILURE() << "NFKC changes U+" << std::hex << static_cast<uint32_t>(cp);
  }
  EXPECT_EQ(failures, 0u);
  EXPECT_GT(checked, 250000u);
}

}  // namespace
}  // namespace popreg::norm
