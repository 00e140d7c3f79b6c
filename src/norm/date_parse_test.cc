#include "norm/date_parse.h"

#include <gtest/gtest.h>

namespace popreg::norm {
namespace {

const Date kMarch2{1985, 3, 2};

TEST(ParseDateTest, EverySpelling) {
  for (const char* s :
       {"1985-03-02", "1985-3-2", "1985-03-2", "1985-3-02", "1985/3/2", "1985/03/02", "19850302",
        "1985.03.02", "1985.3.2", "1985年3月2日", "1985年03月02日", "1985 年 3 月 2 日"}) {
    EXPECT_EQ(ParseDate(s), kMarch2) << s;
  }
}

TEST(ParseDateTest, FullWidthAndSpaces) {
  for (const char* s :
       {"１９８５－０３－０２", "１９８５/３/２", "１９８５／３／２", "１９８５０３０２",
        "１９８５．０３．０２", "１９８５年３月２日", "  1985-03-02  ", "\u30001985年3月2日\u3000",
        "\t19850302\r\n", "\u00A01985.3.2"}) {
    EXPECT_EQ(ParseDate(s), kMarch2) << s;
  }
}

TEST(ParseDateTest, RealDaysAtTheEdges) {
  EXPECT_EQ(ParseDate("2024-02-29"), (Date{2024, 2, 29}));
  EXPECT_EQ(ParseDate("2000/2/29"), (Date{2000, 2, 29}));
  EXPECT_EQ(ParseDate("19991231"), (Date{1999, 12, 31}));
  EXPECT_EQ(ParseDate("2026年1月17日"), (Date{2026, 1, 17}));
}

TEST(ParseDateTest, ImpossibleDaysAreNotGuessed) {
  for (const char* s :
       {"2023-02-29", "1900-02-29", "1985-13-01", "1985-00-10", "1985-01-00", "1985-04-31",
        "20230229", "19851301", "1985年2月30日", "0000-01-01", "1985/12/32"}) {
    EXPECT_EQ(ParseDate(s), std::nullopt) << s;
  }
}

TEST(ParseDateTest, UnknownSpellingsAndJunk) {
  for (const char* s : {"",
                        "   ",
                        "abc",
                        "1985",
                        "198503",
                        "1985-03",
                        "850302",
                        "1985032",
                        "198503021",
                        "85-3-2",
                        "1985-3/2",
                        "1985/3-2",
                        "1985-003-02",
                        "1985-03-002",
                        "1985--03-02",
                        "1985-03-02x",
                        "1985-03-02 00:00:00",
                        "x1985-03-02",
                        "1985年3月2",
                        "1985年3月2日晚",
                        "1985年3月",
                        "3/2/1985",
                        "02.03.1985",
                        "1985-03-02-",
                        "+1985-03-02",
                        "1985 03 02",
                        "1985-0x-02",
                        "一九八五年三月二日",
                        "1985\xFF-03-02",
                        "1985-03-0２x"}) {
    EXPECT_EQ(ParseDate(s), std::nullopt) << s;
  }
}

TEST(IsBlankTest, OnlySpaces) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank("   "));
  EXPECT_TRUE(IsBlank("\u3000 \t"));
  EXPECT_FALSE(IsBlank("0"));
  EXPECT_FALSE(IsBlank(" 1985-03-02 "));
  EXPECT_FALSE(IsBlank("\xFF"));
}

}  // namespace
}  // namespace popreg::norm
