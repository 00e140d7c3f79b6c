#include "norm/id_number.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace popreg::norm {
namespace {

const Date kAsOf{2026, 6, 30};

// `first17` with its check character appended.
std::string WithCheck(std::string first17) {
  first17.push_back(IdCheckChar(first17));
  return first17;
}

TEST(IdCheckCharTest, KnownNumbers) {
  // 11010519491231002X, by hand: 1*7 + 1*9 + 0*10 + 1*5 + 0*8 + 5*4 + 1*2 + 9*1 + 4*6 + 9*3
  // + 1*7 + 2*9 + 3*10 + 1*5 + 0*8 + 0*4 + 2*2 = 167; 167 mod 11 = 2; "10X98765432"[2] = 'X'.
  EXPECT_EQ(IdCheckChar("11010519491231002"), 'X');
  // 350902198803120021: 3*7 + 5*9 + 0 + 9*5 + 0 + 2*4 + 1*2 + 9*1 + 8*6 + 8*3 + 0 + 3*9 + 1*10
  // + 2*5 + 0 + 0 + 2*2 = 253; 253 mod 11 = 0 -> '1'.
  EXPECT_EQ(IdCheckChar("35090219880312002"), '1');
  EXPECT_EQ(IdCheckChar("44030419900101001"), '1');
  EXPECT_EQ(IdCheckChar("11010119800101000"), '2');
  EXPECT_EQ(IdCheckChar("31010419851111123"), 'X');
  EXPECT_EQ(IdCheckChar("51010719700228456"), '4');
  EXPECT_EQ(IdCheckChar("32031119770706001"), '8');
}

TEST(CleanIdNumberTest, RemovesWhatPeopleType) {
  EXPECT_EQ(CleanIdNumber("11010519491231002x"), "11010519491231002X");
  EXPECT_EQ(CleanIdNumber(" 110105 19491231 002X "), "11010519491231002X");
  EXPECT_EQ(CleanIdNumber("110105-19491231-002X"), "11010519491231002X");
  EXPECT_EQ(CleanIdNumber("110105\u201419491231\u2212002X"), "11010519491231002X");
  EXPECT_EQ(CleanIdNumber("110105\u301019491231\u3000002X"), "110105\u301019491231002X");
  EXPECT_EQ(CleanIdNumber("\u3000１１０１０５１９４９１２３１００２ｘ"), "11010519491231002X");
  EXPECT_EQ(CleanIdNumber("１１０１０５１９４９１２３１００２Ｘ"), "11010519491231002X");
  EXPECT_EQ(CleanIdNumber("110105\u00A019491231\t002X"), "11010519491231002X");
  EXPECT_EQ(CleanIdNumber("１１０１０５－１９４９"), "1101051949");
  EXPECT_EQ(CleanIdNumber(""), "");
  EXPECT_EQ(CleanIdNumber("abc"), "abc");  // only x is upper-cased
}

TEST(UpgradeId15Test, InsertsCenturyAndCheck) {
  EXPECT_EQ(UpgradeId15("110105491231002"), "11010519491231002X");
  EXPECT_EQ(UpgradeId15("350902880312002"), "350902198803120021");
  EXPECT_EQ(UpgradeId15("320311770706001"), "320311197707060018");
  EXPECT_EQ(UpgradeId15("130503670401001"), "130503196704010016");
  EXPECT_EQ(UpgradeId15("130503670231001"), std::nullopt);  // 1967-02-31
  EXPECT_EQ(UpgradeId15("13050367040100"), std::nullopt);
  EXPECT_EQ(UpgradeId15("13050367040100X"), std::nullopt);
  EXPECT_EQ(UpgradeId15("11010519491231002X"), std::nullopt);
}

TEST(ParseIdNumberTest, Valid18) {
  const IdInfo info = ParseIdNumber("11010519491231002X", kAsOf);
  EXPECT_TRUE(info.valid());
  EXPECT_EQ(info.error, IdError::kNone);
  EXPECT_EQ(info.normalized, "11010519491231002X");
  EXPECT_EQ(info.birth, (Date{1949, 12, 31}));
  EXPECT_EQ(info.sex, 'F');  // sequence 002
  EXPECT_FALSE(info.legacy15);

  const IdInfo man = ParseIdNumber("320311197707060018", kAsOf);
  EXPECT_TRUE(man.valid());
  EXPECT_EQ(man.sex, 'M');  // sequence 001
  EXPECT_EQ(man.birth, (Date{1977, 7, 6}));
}

TEST(ParseIdNumberTest, TypedForms) {
  for (const char* raw : {"11010519491231002x", " 110105 1949 1231 002X", "110105-19491231-002X",
                          "１１０１０５１９４９１２３１００２ｘ", "110105\u201419491231\u2212002Ｘ",
                          "\u3000110105\u300019491231002X\u3000"}) {
    const IdInfo info = ParseIdNumber(raw, kAsOf);
    EXPECT_TRUE(info.valid()) << raw << ": " << IdErrorName(info.error);
    EXPECT_EQ(info.normalized, "11010519491231002X") << raw;
  }
}

TEST(ParseIdNumberTest, Legacy15IsUpgraded) {
  const IdInfo info = ParseIdNumber("350902880312002", kAsOf);
  EXPECT_TRUE(info.valid());
  EXPECT_TRUE(info.legacy15);
  EXPECT_EQ(info.normalized, "350902198803120021");
  EXPECT_EQ(info.birth, (Date{1988, 3, 12}));
  EXPECT_EQ(info.sex, 'F');

  const IdInfo man = ParseIdNumber("320311-770706-001", kAsOf);
  EXPECT_TRUE(man.valid());
  EXPECT_EQ(man.normalized, "320311197707060018");
  EXPECT_EQ(man.sex, 'M');
}

TEST(ParseIdNumberTest, Empty) {
  EXPECT_EQ(ParseIdNumber("", kAsOf).error, IdError::kEmpty);
  EXPECT_EQ(ParseIdNumber("  \u3000 ", kAsOf).error, IdError::kEmpty);
  EXPECT_EQ(ParseIdNumber("--", kAsOf).error, IdError::kEmpty);
}

TEST(ParseIdNumberTest, Length) {
  EXPECT_EQ(ParseIdNumber("1101051949123100", kAsOf).error, IdError::kLength);     // 16
  EXPECT_EQ(ParseIdNumber("11010519491231002X1", kAsOf).error, IdError::kLength);  // 19
  EXPECT_EQ(ParseIdNumber("11010519491231002", kAsOf).error, IdError::kLength);    // 17
  EXPECT_EQ(ParseIdNumber("11010549123100", kAsOf).error, IdError::kLength);       // 14
  const IdInfo info = ParseIdNumber("1", kAsOf);
  EXPECT_EQ(info.error, IdError::kLength);
  EXPECT_EQ(info.normalized, "1");
  EXPECT_EQ(info.sex, 0);
}

TEST(ParseIdNumberTest, Characters) {
  EXPECT_EQ(ParseIdNumber("1101051949123100XX", kAsOf).error, IdError::kCharacters);
  EXPECT_EQ(ParseIdNumber("X1010519491231002X", kAsOf).error, IdError::kCharacters);
  EXPECT_EQ(ParseIdNumber("11010519491231002A", kAsOf).error, IdError::kCharacters);
  EXPECT_EQ(ParseIdNumber("11010549123100X", kAsOf).error, IdError::kCharacters);  // 15 has no X
  EXPECT_EQ(ParseIdNumber("1101051949123100号X", kAsOf).error, IdError::kCharacters);  // 18 chars
  EXPECT_EQ(ParseIdNumber("11010519491231002\xFF", kAsOf).error, IdError::kCharacters);
  EXPECT_EQ(ParseIdNumber("1101051949123100.X", kAsOf).error, IdError::kCharacters);
}

TEST(ParseIdNumberTest, BirthDate) {
  // 1949-02-30 is not a day (check character computed for the digits as written).
  std::string bad_day = "11010519490230002";
  bad_day.push_back(IdCheckChar(bad_day));
  IdInfo info = ParseIdNumber(bad_day, kAsOf);
  EXPECT_EQ(info.error, IdError::kBirthDate);
  EXPECT_EQ(info.birth, Date{});
  EXPECT_EQ(info.sex, 'F');

  std::string future = "11010520300101001";
  future.push_back(IdCheckChar(future));
  EXPECT_EQ(ParseIdNumber(future, kAsOf).error, IdError::kBirthDate);
  // Born on the reference date is fine; the day after is not.
  std::string on_day = "11010520260630001";
  on_day.push_back(IdCheckChar(on_day));
  EXPECT_TRUE(ParseIdNumber(on_day, kAsOf).valid());
  EXPECT_EQ(ParseIdNumber(on_day, Date{2026, 6, 29}).error, IdError::kBirthDate);

  std::string old = "11010518991231001";
  old.push_back(IdCheckChar(old));
  EXPECT_EQ(ParseIdNumber(old, kAsOf).error, IdError::kBirthDate);

  EXPECT_EQ(ParseIdNumber("110105491331002", kAsOf).error, IdError::kBirthDate);  // month 13
  EXPECT_EQ(ParseIdNumber("110105490229002", kAsOf).error, IdError::kBirthDate);  // 1949 not leap
  const IdInfo legacy_bad = ParseIdNumber("110105490229002", kAsOf);
  EXPECT_TRUE(legacy_bad.legacy15);
  EXPECT_EQ(legacy_bad.normalized, "110105490229002");           // not upgraded
  EXPECT_TRUE(ParseIdNumber("110105480229002", kAsOf).valid());  // 1948 is
}

TEST(ParseIdNumberTest, CheckDigit) {
  const IdInfo info = ParseIdNumber("110105194912310021", kAsOf);
  EXPECT_EQ(info.error, IdError::kCheckDigit);
  EXPECT_FALSE(info.valid());
  EXPECT_EQ(info.normalized, "110105194912310021");
  EXPECT_EQ(info.birth, (Date{1949, 12, 31}));  // still known
  EXPECT_EQ(info.sex, 'F');
  EXPECT_EQ(ParseIdNumber("350902198803120022", kAsOf).error, IdError::kCheckDigit);
  EXPECT_EQ(ParseIdNumber("32031119770706001X", kAsOf).error, IdError::kCheckDigit);
}

TEST(IdErrorNameTest, StableNames) {
  EXPECT_EQ(IdErrorName(IdError::kNone), "none");
  EXPECT_EQ(IdErrorName(IdError::kEmpty), "empty");
  EXPECT_EQ(IdErrorName(IdError::kLength), "length");
  EXPECT_EQ(IdErrorName(IdError::kCharacters), "characters");
  EXPECT_EQ(IdErrorName(IdError::kBirthDate), "birth_date");
  EXPECT_EQ(IdErrorName(IdError::kCheckDigit), "check_digit");
  EXPECT_EQ(IdErrorName(IdError::kPlaceholder), "placeholder");
  EXPECT_EQ(IdErrorName(IdError::kSpreadsheet), "spreadsheet_damaged");
  EXPECT_EQ(IdErrorName(IdError::kRegion), "region");
}

TEST(IdAddressCodeTest, EverUsed) {
  EXPECT_TRUE(IdAddressCodeEverUsed("350902198803120021"));
  EXPECT_TRUE(IdAddressCodeEverUsed("110103194912310021"));  // 崇文区, retired 2010
  EXPECT_FALSE(IdAddressCodeEverUsed("999999194912310021"));
  EXPECT_FALSE(IdAddressCodeEverUsed("1101"));
}

TEST(IdAddressCodeTest, CityDistrictsCodes) {
  // 市辖区 codes xxxx01 of prefecture-level cities are not rows of the table but are used.
  EXPECT_TRUE(IdAddressCodeEverUsed("350901"));   // 宁德市市辖区
  EXPECT_TRUE(IdAddressCodeEverUsed("370101"));   // 济南市市辖区
  EXPECT_FALSE(IdAddressCodeEverUsed("152901"));  // 阿拉善盟 is not a city: no 市辖区
  EXPECT_FALSE(IdAddressCodeEverUsed("142101"));  // 雁北地区
  EXPECT_FALSE(IdAddressCodeEverUsed("350001"));  // under a province, not a prefecture
  EXPECT_FALSE(IdAddressCodeEverUsed("999901"));
  EXPECT_FALSE(IdAddressCodeEverUsed("350903"));  // no such county, and not xxxx01
  EXPECT_TRUE(IdAddressCodeEverUsed("350900"));   // the prefecture itself is a row
  EXPECT_TRUE(IdAddressCodeEverUsed("350000"));   // so is the province
}

TEST(IdRegionNameTest, FullNames) {
  EXPECT_EQ(IdRegionName("350902", 1988), "福建省宁德市蕉城区");
  EXPECT_EQ(IdRegionName("110101", 1988), "北京市东城区");  // 直辖 is not written
  EXPECT_EQ(IdRegionName("350900", 1988), "福建省宁德市");  // the city's name once
  EXPECT_EQ(IdRegionName("350000", 1988), "福建省");
  EXPECT_EQ(IdRegionName("429004", 1988), "湖北省仙桃市");  // 省直辖
  EXPECT_EQ(IdRegionName("350901", 2000), "福建省宁德市市辖区");
  EXPECT_EQ(IdRegionName("370101", 1960), "山东省济南市市辖区");
  EXPECT_EQ(IdRegionName("999999", 1988), "");
  EXPECT_EQ(IdRegionName("152901", 1988), "");
  EXPECT_EQ(IdRegionName("35090", 1988), "");
}

TEST(IdRegionNameTest, RowInUseAtBirth) {
  // 120110: 东郊区 1981-1992, then 东丽区.
  EXPECT_EQ(IdRegionName("120110", 1980), "天津市东郊区");
  EXPECT_EQ(IdRegionName("120110", 1991), "天津市东郊区");
  EXPECT_EQ(IdRegionName("120110", 1992), "天津市东丽区");
  EXPECT_EQ(IdRegionName("120110", 1995), "天津市东丽区");
  // 132201: 邢台市 1981-1983, 南宫市 1986-1993, then retired.
  EXPECT_EQ(IdRegionName("132201", 1970), "河北省邢台地区邢台市");
  EXPECT_EQ(IdRegionName("132201", 1984), "河北省邢台地区南宫市");  // given once it was in use
  EXPECT_EQ(IdRegionName("132201", 2000), "河北省邢台地区南宫市");  // all retired: the latest
  // 130503: 桥西区 1983-2020, then 信都区.
  EXPECT_EQ(IdRegionName("130503", 1967), "河北省邢台市桥西区");
  EXPECT_EQ(IdRegionName("130503", 2021), "河北省邢台市信都区");
  // 110103 崇文区 was retired in 2010; a number with it is still a number.
  EXPECT_EQ(IdRegionName("110103", 2015), "北京市崇文区");
}

TEST(ParseIdNumberTest, RegionOfValidNumbers) {
  EXPECT_EQ(ParseIdNumber("350902198803120021", kAsOf).region, "福建省宁德市蕉城区");
  EXPECT_EQ(ParseIdNumber("11010519491231002X", kAsOf).region, "北京市朝阳区");
  // The legacy number's year is 19YY.
  EXPECT_EQ(ParseIdNumber("320311770706001", kAsOf).region, "江苏省徐州市郊区");
  EXPECT_EQ(ParseIdNumber(WithCheck("32031119950706001"), kAsOf).region, "江苏省徐州市泉山区");
  EXPECT_EQ(ParseIdNumber(WithCheck("13050319670401001"), kAsOf).region, "河北省邢台市桥西区");
  const IdInfo districts = ParseIdNumber(WithCheck("35090119990101002"), kAsOf);
  EXPECT_TRUE(districts.valid()) << IdErrorName(districts.error);
  EXPECT_EQ(districts.region, "福建省宁德市市辖区");
  // Invalid numbers carry no region.
  EXPECT_EQ(ParseIdNumber("350902198803120022", kAsOf).region, "");
}

TEST(ParseIdNumberTest, Region) {
  const IdInfo info = ParseIdNumber(WithCheck("99999919880312002"), kAsOf);
  EXPECT_EQ(info.error, IdError::kRegion);
  EXPECT_FALSE(info.valid());
  EXPECT_FALSE(info.missing());
  EXPECT_EQ(info.birth, (Date{1988, 3, 12}));  // known: the date was checked before
  EXPECT_EQ(info.sex, 'F');
  EXPECT_EQ(info.region, "");
  EXPECT_EQ(info.normalized, WithCheck("99999919880312002"));
  EXPECT_EQ(ParseIdNumber(WithCheck("15290119880312002"), kAsOf).error, IdError::kRegion);
  EXPECT_EQ(ParseIdNumber(WithCheck("35000119880312002"), kAsOf).error, IdError::kRegion);

  const IdInfo legacy = ParseIdNumber("999999880312002", kAsOf);
  EXPECT_EQ(legacy.error, IdError::kRegion);
  EXPECT_TRUE(legacy.legacy15);
  EXPECT_EQ(legacy.normalized, "999999880312002");  // not upgraded: it is not valid
}

TEST(ParseIdNumberTest, OrderOfChecks) {
  // Each input fails several checks; the first in the documented order is reported.
  // placeholder before length and characters:
  EXPECT_EQ(ParseIdNumber("0", kAsOf).error, IdError::kPlaceholder);
  // spreadsheet before length:
  EXPECT_EQ(ParseIdNumber("3.50902E+17", kAsOf).error, IdError::kSpreadsheet);
  EXPECT_EQ(ParseIdNumber("350902198803120021.0", kAsOf).error, IdError::kSpreadsheet);
  // spreadsheet before birth date: 1988-13-12 and a failing check, ending in 000.
  EXPECT_EQ(ParseIdNumber("350902198813120000", kAsOf).error, IdError::kSpreadsheet);
  // characters before birth date:
  EXPECT_EQ(ParseIdNumber("35090219881312002A", kAsOf).error, IdError::kCharacters);
  // birth date before check digit (month 13, wrong check):
  std::string bad_month = WithCheck("35090219881312002");
  bad_month[17] = bad_month[17] == '1' ? '2' : '1';
  EXPECT_EQ(ParseIdNumber(bad_month, kAsOf).error, IdError::kBirthDate);
  // check digit before region:
  std::string bad_both = WithCheck("99999919880312002");
  bad_both[17] = bad_both[17] == '1' ? '2' : '1';
  EXPECT_EQ(ParseIdNumber(bad_both, kAsOf).error, IdError::kCheckDigit);
  // birth date before region:
  EXPECT_EQ(ParseIdNumber(WithCheck("99999919881312002"), kAsOf).error, IdError::kBirthDate);
}

TEST(ParseIdNumberTest, Placeholders) {
  const std::vector<std::string> placeholders = {
      // only zeros, any length
      "000000000000000000", "000000000000000", "0", "000000", "000 000 000", "０００００",
      // the address code 000000, and the children's placeholder 000000+YYYYMMDD+0000
      "000000201501010000", "000000201501010001", "000000880312002", WithCheck("00000019880312002"),
      "00000020150101000X", "000000-20150101-0000",
      // runs of one digit (the 18th character is not looked at)
      "111111111111111111", "11111111111111111X", "99999999999999999x", "222222222222222",
      // counting up or down, modulo 10
      "123456789012345678", "12345678901234567X", "012345678901234567", "123456789012345",
      "987654321098765432", "876543210987654"};
  for (const std::string& raw : placeholders) {
    const IdInfo info = ParseIdNumber(raw, kAsOf);
    EXPECT_EQ(info.error, IdError::kPlaceholder) << raw << ": " << IdErrorName(info.error);
    EXPECT_TRUE(info.missing()) << raw;
    EXPECT_FALSE(info.valid()) << raw;
    EXPECT_EQ(info.sex, 0) << raw;  // a placeholder says nothing about sex
    EXPECT_EQ(info.birth, Date{}) << raw;
    EXPECT_EQ(info.region, "") << raw;
  }
  // Near misses are ordinary errors.
  EXPECT_EQ(ParseIdNumber("0000002015010100", kAsOf).error, IdError::kLength);   // 16 characters
  EXPECT_EQ(ParseIdNumber("12345678901234567", kAsOf).error, IdError::kLength);  // 17
  EXPECT_EQ(ParseIdNumber("00000020150101000A", kAsOf).error, IdError::kCharacters);
  EXPECT_EQ(ParseIdNumber("123456789012345579", kAsOf).error, IdError::kBirthDate);  // 7890-12-34
  EXPECT_EQ(ParseIdNumber("111111111111111112", kAsOf).error, IdError::kPlaceholder);
  EXPECT_EQ(ParseIdNumber("111111111111111211", kAsOf).error, IdError::kBirthDate);  // 1111-11-11
  EXPECT_EQ(ParseIdNumber("100000000000000001", kAsOf).error, IdError::kBirthDate);  // 0000-00-00
}

TEST(ParseIdNumberTest, SpreadsheetDamage) {
  // 350902198803120021 as Excel shows it: 15 significant digits, then zeros.
  ASSERT_NE(IdCheckChar("35090219880312000"), '0');
  ASSERT_NE(IdCheckChar("35090219880312100"), '0');
  const std::vector<std::string> damaged = {
      // scientific notation, exponent 14 to 17
      "3.50902E+17", "3.50902198803120E+17", "3.50902e+17", "3.50902E17", "3,50902E+17",
      "3.50902E+017", "３．５０９０２Ｅ＋１７", " 3.50902E+17 ", "3E+17", "3.50902E+14",
      "1.10105491231002E+14",
      // a float's trailing .0
      "350902880312002.0", "350902880312002.00", "350902198803120021.0",
      // the last digits turned to 000 (check character fails)
      "350902198803120000", "350902198803121000", "350902-19880312-0000"};
  for (const std::string& raw : damaged) {
    const IdInfo info = ParseIdNumber(raw, kAsOf);
    EXPECT_EQ(info.error, IdError::kSpreadsheet) << raw << ": " << IdErrorName(info.error);
    EXPECT_TRUE(info.missing()) << raw;
    EXPECT_EQ(info.sex, 0) << raw;
  }
  // Not damage: other exponents, other fractions, other lengths.
  EXPECT_EQ(ParseIdNumber("3.5E+05", kAsOf).error, IdError::kLength);
  EXPECT_EQ(ParseIdNumber("3.50902E+18", kAsOf).error, IdError::kLength);
  EXPECT_EQ(ParseIdNumber("0.50902E+17", kAsOf).error, IdError::kLength);
  EXPECT_EQ(ParseIdNumber("35090288031200.0", kAsOf).error, IdError::kLength);       // 14 digits
  EXPECT_EQ(ParseIdNumber("3509021988031200210.0", kAsOf).error, IdError::kLength);  // 19 digits
  EXPECT_EQ(ParseIdNumber("350902198803120.50", kAsOf).error, IdError::kCharacters);
  EXPECT_EQ(ParseIdNumber("35090219880312002.", kAsOf).error, IdError::kCharacters);
  // 18 digits ending in 00 (not 000) with a failing check are a wrong number, not damage.
  ASSERT_NE(IdCheckChar("35090219880312010"), '0');
  EXPECT_EQ(ParseIdNumber("350902198803120100", kAsOf).error, IdError::kCheckDigit);
  // A number that really ends in 000 passes its check and is valid.
  std::string real;
  for (char seq = '1'; seq <= '9' && real.empty(); ++seq) {
    for (int day = 10; day <= 28 && real.empty(); ++day) {
      const std::string first17 = "35090219880" + std::to_string(300 + day) + seq + "00";
      if (IdCheckChar(first17) == '0') real = first17 + "0";
    }
  }
  ASSERT_EQ(real.size(), 18u);
  EXPECT_TRUE(ParseIdNumber(real, kAsOf).valid()) << real;
  // A 15-digit number ending in 000 fits a double exactly: not damage.
  EXPECT_TRUE(ParseIdNumber("350902880312000", kAsOf).valid());
}

TEST(IdInfoTest, Missing) {
  EXPECT_TRUE(ParseIdNumber("", kAsOf).missing());
  EXPECT_TRUE(ParseIdNumber("000000000000000000", kAsOf).missing());
  EXPECT_TRUE(ParseIdNumber("3.50902E+17", kAsOf).missing());
  EXPECT_FALSE(ParseIdNumber("350902198803120021", kAsOf).missing());
  EXPECT_FALSE(ParseIdNumber("350902198803120022", kAsOf).missing());
  EXPECT_FALSE(ParseIdNumber("1", kAsOf).missing());
  EXPECT_FALSE(ParseIdNumber(WithCheck("99999919880312002"), kAsOf).missing());
}

TEST(IdSexMatchesTest, Parity) {
  const IdInfo woman = ParseIdNumber("350902198803120021", kAsOf);  // sequence 002
  const IdInfo man = ParseIdNumber("320311197707060018", kAsOf);    // sequence 001
  EXPECT_TRUE(IdSexMatches(woman, 'F'));
  EXPECT_FALSE(IdSexMatches(woman, 'M'));
  EXPECT_TRUE(IdSexMatches(man, 'M'));
  EXPECT_FALSE(IdSexMatches(man, 'F'));
  EXPECT_FALSE(IdSexMatches(man, 0));                                           // unknown sex
  EXPECT_FALSE(IdSexMatches(man, 'm'));                                         // not a parsed sex
  EXPECT_FALSE(IdSexMatches(ParseIdNumber("000000201501010000", kAsOf), 'F'));  // placeholder
  // An invalid number still tells the sex when its sequence is readable.
  EXPECT_TRUE(IdSexMatches(ParseIdNumber("350902198803120022", kAsOf), 'F'));
}

// Every valid number one replacement (0-9 or X anywhere) or one adjacent swap away from `raw`'s
// cleaned 18 code points, by brute force.
std::vector<std::string> BruteForceCandidates(const std::string& raw, const Date& as_of) {
  const std::string cleaned = CleanIdNumber(raw);
  std::vector<std::string> slots;  // code points as strings
  for (size_t i = 0; i < cleaned.size();) {
    size_t n = 1;
    const auto b = static_cast<unsigned char>(cleaned[i]);
    if (b >= 0xF0) {
      n = 4;
    } else if (b >= 0xE0) {
      n = 3;
    } else if (b >= 0xC0) {
      n = 2;
    }
    slots.push_back(cleaned.substr(i, n));
    i += n;
  }
  std::set<std::string> out;
  if (slots.size() != 18) return {};
  auto join = [](const std::vector<std::string>& s) {
    std::string j;
    for (const std::string& x : s) j += x;
    return j;
  };
  for (size_t i = 0; i < 18; ++i) {
    for (char c : std::string("0123456789X")) {
      std::vector<std::string> s = slots;
      s[i] = std::string(1, c);
      const std::string id = join(s);
      if (id != cleaned && ParseIdNumber(id, as_of).valid()) out.insert(id);
    }
    if (i + 1 < 18) {
      std::vector<std::string> s = slots;
      std::swap(s[i], s[i + 1]);
      const std::string id = join(s);
      if (id != cleaned && ParseIdNumber(id, as_of).valid()) out.insert(id);
    }
  }
  return {out.begin(), out.end()};
}

TEST(IdCandidatesTest, CheckCharacterTypo) {
  const std::vector<std::string> c = IdCandidates("350902198803120022", kAsOf);
  EXPECT_TRUE(std::binary_search(c.begin(), c.end(), "350902198803120021"));
  EXPECT_TRUE(std::is_sorted(c.begin(), c.end()));
  EXPECT_EQ(std::adjacent_find(c.begin(), c.end()), c.end());
  for (const std::string& id : c) {
    EXPECT_EQ(id.size(), 18u);
    EXPECT_TRUE(ParseIdNumber(id, kAsOf).valid()) << id;
  }
  EXPECT_EQ(c, BruteForceCandidates("350902198803120022", kAsOf));
}

TEST(IdCandidatesTest, TranspositionAndSubstitution) {
  // 350902198803120021 with 1 and 9 of the year swapped: 9188 is in the future.
  const std::vector<std::string> swapped = IdCandidates("350902918803120021", kAsOf);
  EXPECT_TRUE(std::binary_search(swapped.begin(), swapped.end(), "350902198803120021"));
  // 3 typed as 8 in the address code: 850902 was never used.
  const std::vector<std::string> typo = IdCandidates("850902198803120021", kAsOf);
  EXPECT_TRUE(std::binary_search(typo.begin(), typo.end(), "350902198803120021"));
  // A letter O for a zero.
  const std::vector<std::string> letter = IdCandidates("3509021988O3120021", kAsOf);
  EXPECT_EQ(letter, std::vector<std::string>{"350902198803120021"});
  // A non-ASCII check character; the full-width digits are cleaned first.
  const std::vector<std::string> han = IdCandidates("３５０９０２１９８８０３１２００２号", kAsOf);
  EXPECT_EQ(han, std::vector<std::string>{"350902198803120021"});
  // Lower-case x is the same as X.
  EXPECT_EQ(IdCandidates("11010519491231003x", kAsOf), IdCandidates("11010519491231003X", kAsOf));
}

TEST(IdCandidatesTest, AgreesWithBruteForce) {
  for (const char* raw :
       {"350902198803120022", "350902918803120021", "850902198803120021", "3509021988O3120021",
        "350902198813120021", "35090219880312002A", "11010519491231002Y", "X1010519491231002X",
        "110105194912310021", "110105-19491231-0021", "32031119770706001X", "99999919880312002X",
        "350902202607010021", "35090219880312002ÿ", "123X56789012345678",
        "１１０１０５１９４９１２３１００２１"}) {
    EXPECT_EQ(IdCandidates(raw, kAsOf), BruteForceCandidates(raw, kAsOf)) << raw;
  }
}

TEST(IdCandidatesTest, NothingForValidMissingOrOtherLengths) {
  EXPECT_TRUE(IdCandidates("350902198803120021", kAsOf).empty());   // valid
  EXPECT_TRUE(IdCandidates("350902880312002", kAsOf).empty());      // valid legacy
  EXPECT_TRUE(IdCandidates("", kAsOf).empty());                     // empty
  EXPECT_TRUE(IdCandidates("000000201501010000", kAsOf).empty());   // placeholder
  EXPECT_TRUE(IdCandidates("350902198803120000", kAsOf).empty());   // spreadsheet
  EXPECT_TRUE(IdCandidates("3.50902E+17", kAsOf).empty());          // spreadsheet
  EXPECT_TRUE(IdCandidates("350902881312002", kAsOf).empty());      // 15 digits
  EXPECT_TRUE(IdCandidates("35090219880312002", kAsOf).empty());    // 17 characters
  EXPECT_TRUE(IdCandidates("3509021988031200211", kAsOf).empty());  // 19 characters
  EXPECT_TRUE(IdCandidates("AB0902198803120021", kAsOf).empty());   // two edits away
}

}  // namespace
}  // namespace popreg::norm
