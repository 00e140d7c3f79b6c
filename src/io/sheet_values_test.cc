#include "io/sheet_values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace popreg::io::internal {
namespace {

TEST(FormatDoubleTest, PlainShortestRoundTrip) {
  EXPECT_EQ(FormatDouble(0), "0");
  EXPECT_EQ(FormatDouble(-0.0), "0");
  EXPECT_EQ(FormatDouble(42), "42");
  EXPECT_EQ(FormatDouble(-7), "-7");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(1.5), "1.5");
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.30000000000000004");
  // An 18-digit ID that went through a double: the digits of its shortest form, not "3.5e17".
  EXPECT_EQ(FormatDouble(3.50902198803120E+17), "350902198803120000");
  EXPECT_EQ(FormatDouble(350902198803120021.0), "350902198803120000");
  EXPECT_EQ(FormatDouble(123456789012345680.0), "123456789012345680");
  EXPECT_EQ(FormatDouble(1e20), "100000000000000000000");
  EXPECT_EQ(FormatDouble(1e21), "1e+21");
  EXPECT_EQ(FormatDouble(0.0015), "0.0015");
  EXPECT_EQ(FormatDouble(1e-6), "0.000001");
  EXPECT_EQ(FormatDouble(1e-7), "1e-07");
}

TEST(FormatDoubleTest, ReadsBackAsTheSameDouble) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint64_t> bits;
  for (int i = 0; i < 20000; ++i) {
    double x;
    const uint64_t b = bits(rng);
    std::memcpy(&x, &b, sizeof x);
    if (!std::isfinite(x)) continue;
    const std::string s = FormatDouble(x);
    const std::optional<double> back = ParseNumberText(s);
    ASSERT_TRUE(back.has_value()) << s;
    EXPECT_EQ(*back, x == 0 ? 0.0 : x) << s;
    EXPECT_EQ(s.find('e') == std::string::npos,
              x == 0 || (std::fabs(x) >= 1e-6 && std::fabs(x) < 1e21))
        << s;
  }
}

TEST(FormatNumberTextTest, IntegersKeepTheirDigits) {
  EXPECT_EQ(FormatNumberText("350902198803120021"), "350902198803120021");
  EXPECT_EQ(FormatNumberText("007"), "7");
  EXPECT_EQ(FormatNumberText("-0"), "0");
  EXPECT_EQ(FormatNumberText("000"), "0");
  EXPECT_EQ(FormatNumberText(" 12 "), "12");
  EXPECT_EQ(FormatNumberText("-12"), "-12");
  EXPECT_EQ(FormatNumberText("123456789012345678901234567890"), "123456789012345678901234567890");
}

TEST(FormatNumberTextTest, OthersGoThroughTheDouble) {
  EXPECT_EQ(FormatNumberText("3.50902198803120E+17"), "350902198803120000");
  EXPECT_EQ(FormatNumberText("3.5090219880312E+17"), "350902198803120000");
  EXPECT_EQ(FormatNumberText("1.5E-3"), "0.0015");
  EXPECT_EQ(FormatNumberText("0.30000000000000004"), "0.30000000000000004");
  EXPECT_EQ(FormatNumberText("1.10"), "1.1");
  EXPECT_EQ(FormatNumberText("12.0"), "12");
  EXPECT_EQ(FormatNumberText("1E+21"), "1e+21");
  EXPECT_EQ(FormatNumberText("1e308"), "1e+308");
}

TEST(FormatNumberTextTest, RejectsWhatIsNotANumber) {
  for (const char* s :
       {"", " ", "abc", "1e999", "inf", "nan", "0x10", "+1", "1,5", "1.2.3", "--1", "-"}) {
    EXPECT_FALSE(FormatNumberText(s).has_value()) << s;
  }
}

TEST(NumberFormatTest, BuiltinIds) {
  for (int id : {14, 15, 16, 17, 22, 27, 30, 31, 36, 50, 57, 58}) {
    EXPECT_EQ(BuiltinFormatKind(id), NumberFormatKind::kDate) << id;
  }
  for (int id : {18, 19, 20, 21, 45, 46, 47}) {
    EXPECT_EQ(BuiltinFormatKind(id), NumberFormatKind::kTime) << id;
  }
  for (int id : {0, 1, 2, 9, 10, 11, 12, 13, 23, 26, 37, 44, 48, 49, 59, 163}) {
    EXPECT_EQ(BuiltinFormatKind(id), NumberFormatKind::kNumber) << id;
  }
}

TEST(NumberFormatTest, CustomCodes) {
  for (const char* code :
       {"yyyy/m/d", "yyyy-mm-dd", "YYYY-MM-DD", "d-mmm-yy", "mmm", "mm/dd",
        "yyyy\"年\"m\"月\"d\"日\"", "[$-804]yyyy\"年\"m\"月\"d\"日\"",
        "[DBNum1][$-804]yyyy\"年\"m\"月\"", "yyyy/m/d h:mm AM/PM", "[Red]yyyy-mm-dd", "dddd"}) {
    EXPECT_EQ(FormatCodeKind(code), NumberFormatKind::kDate) << code;
  }
  for (const char* code : {"h:mm:ss", "[h]:mm", "mm:ss", "h:mm AM/PM", "[mm]:ss", "hh\"时\"mm"}) {
    EXPECT_EQ(FormatCodeKind(code), NumberFormatKind::kTime) << code;
  }
  for (const char* code :
       {"General", "0", "0.00", "#,##0.00", "0.00E+00", "@", "#,##0 \"元\"", "\"day\" 0",
        "0_);[Red](0)", "\\d0", "[$¥-804]#,##0.00", "0 \"yyyy\"", "_m0", "*d0", "[Red]0", ""}) {
    EXPECT_EQ(FormatCodeKind(code), NumberFormatKind::kNumber) << code;
  }
}

TEST(ExcelSerialTest, System1900WithTheLeapYearBug) {
  EXPECT_EQ(ExcelSerialToIso(0, false), "1900-01-00");
  EXPECT_EQ(ExcelSerialToIso(1, false), "1900-01-01");
  EXPECT_EQ(ExcelSerialToIso(59, false), "1900-02-28");
  EXPECT_EQ(ExcelSerialToIso(60, false), "1900-02-29");  // Excel's phantom day
  EXPECT_EQ(ExcelSerialToIso(61, false), "1900-03-01");
  EXPECT_EQ(ExcelSerialToIso(31108, false), "1985-03-02");
  EXPECT_EQ(ExcelSerialToIso(31108.99999, false), "1985-03-02");  // time of day dropped
  EXPECT_EQ(ExcelSerialToIso(46039, false), "2026-01-17");
  EXPECT_EQ(ExcelSerialToIso(2958465, false), "9999-12-31");
  EXPECT_EQ(ExcelSerialToIso(2958466, false), std::nullopt);
  EXPECT_EQ(ExcelSerialToIso(-1, false), std::nullopt);
  EXPECT_EQ(ExcelSerialToIso(3.50902198803120E+17, false), std::nullopt);
  EXPECT_EQ(ExcelSerialToIso(std::numeric_limits<double>::infinity(), false), std::nullopt);
  EXPECT_EQ(ExcelSerialToIso(std::nan(""), false), std::nullopt);
}

TEST(ExcelSerialTest, System1904) {
  EXPECT_EQ(ExcelSerialToIso(0, true), "1904-01-01");
  EXPECT_EQ(ExcelSerialToIso(29646, true), "1985-03-02");
  EXPECT_EQ(ExcelSerialToIso(2957003, true), "9999-12-31");
  EXPECT_EQ(ExcelSerialToIso(2957004, true), std::nullopt);
  EXPECT_EQ(ExcelSerialToIso(-0.5, true), std::nullopt);
}

TEST(CellRefTest, NamesAndParses) {
  EXPECT_EQ(ColumnName(0), "A");
  EXPECT_EQ(ColumnName(25), "Z");
  EXPECT_EQ(ColumnName(26), "AA");
  EXPECT_EQ(ColumnName(701), "ZZ");
  EXPECT_EQ(ColumnName(702), "AAA");
  EXPECT_EQ(ColumnName(16383), "XFD");
  for (int col = 0; col < kMaxSheetColumns; col += 7) {
    int c = -1;
    int64_t r = -1;
    ASSERT_TRUE(ParseCellRef(ColumnName(col) + "12", &c, &r));
    EXPECT_EQ(c, col);
    EXPECT_EQ(r, 12);
  }
  int c = 0;
  int64_t r = 0;
  EXPECT_TRUE(ParseCellRef("b7", &c, &r));
  EXPECT_EQ(c, 1);
  EXPECT_EQ(r, 7);
  EXPECT_TRUE(ParseCellRef("XFD1048576", &c, &r));
  for (const char* bad : {"", "B", "7", "B0", "B07", "XFE1", "A1048577", "$B$7", "B-7", "B7 ", "Б7",
                          "AAAAAAAAAAAAAAAAAAAAAAAAA1"}) {
    EXPECT_FALSE(ParseCellRef(bad, &c, &r)) << bad;
  }
}

std::string Decode(std::string_view s) {
  std::string out;
  DecodeXstring(s, &out);
  return out;
}

TEST(XstringTest, Decodes) {
  EXPECT_EQ(Decode("a_x000D_b"), "a\rb");
  EXPECT_EQ(Decode("_x005F_x000D_"), "_x000D_");
  EXPECT_EQ(Decode("_x4E2D_"), "中");
  EXPECT_EQ(Decode("_xD83D__xDE00_"), "\xF0\x9F\x98\x80");  // a surrogate pair
  EXPECT_EQ(Decode("_xD83D_"), "_xD83D_");                  // a lone surrogate stays
  EXPECT_EQ(Decode("_x00G1_ _x12_ _x_ x0041_"), "_x00G1_ _x12_ _x_ x0041_");
  EXPECT_EQ(Decode("__x0041__"), "_A_");
}

TEST(XstringTest, EscapedLiteralsDecodeToThemselves) {
  for (const char* s : {"_x0041_", "a_x000D_b", "_x005F_x0041_", "__x0041__", "_x_x0041_", "plain",
                        "", "_x", "_x004"}) {
    EXPECT_EQ(Decode(EscapeXstringLiterals(s)), s) << s;
  }
  EXPECT_EQ(EscapeXstringLiterals("_x0041_"), "_x005F_x0041_");
}

TEST(DisplayWidthTest, WideCharactersCountDouble) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("张伟"), 4);
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4);  // full-width forms
  EXPECT_EQ(DisplayWidth("王·小明"), 7);
  EXPECT_EQ(DisplayWidth("ab\n张伟伟"), 6);  // the widest line
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2);
}

TEST(TrimTrailingEmptyTest, DropsOnlyTheEnd) {
  std::vector<std::string> v = {"", "a", "", "b", "", ""};
  TrimTrailingEmpty(&v);
  EXPECT_EQ(v, (std::vector<std::string>{"", "a", "", "b"}));
  std::vector<std::string> e = {"", ""};
  TrimTrailingEmpty(&e);
  EXPECT_TRUE(e.empty());
}

}  // namespace
}  // namespace popreg::io::internal
