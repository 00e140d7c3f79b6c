#include "norm/name.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

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

}  // namespace
}  // namespace popreg::norm
