#include "norm/id_number.h"

#include <gtest/gtest.h>

namespace popreg::norm {
namespace {

const Date kAsOf{2026, 6, 30};

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
}

TEST(IdAddressCodeTest, EverUsed) {
  EXPECT_TRUE(IdAddressCodeEverUsed("350902198803120021"));
  EXPECT_TRUE(IdAddressCodeEverUsed("110103194912310021"));  // 崇文区, retired 2010
  EXPECT_FALSE(IdAddressCodeEverUsed("999999194912310021"));
  EXPECT_FALSE(IdAddressCodeEverUsed("1101"));
}

}  // namespace
}  // namespace popreg::norm
