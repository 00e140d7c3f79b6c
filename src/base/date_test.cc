#include "base/date.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace popreg {
namespace {

// Known day numbers (checked against Python's datetime.date).
TEST(DateTest, KnownDayNumbers) {
  EXPECT_EQ((Date{1970, 1, 1}.ToDays()), 0);
  EXPECT_EQ((Date{1969, 12, 31}.ToDays()), -1);
  EXPECT_EQ((Date{1900, 1, 1}.ToDays()), -25567);
  EXPECT_EQ((Date{2000, 3, 1}.ToDays()), 11017);
  EXPECT_EQ((Date{2024, 2, 29}.ToDays()), 19782);
  EXPECT_EQ((Date{2100, 12, 31}.ToDays()), 47846);
  EXPECT_EQ((Date{1, 1, 1}.ToDays()), -719162);
  EXPECT_EQ((Date{9999, 12, 31}.ToDays()), 2932896);
  EXPECT_EQ(Date::FromDays(-719162), (Date{1, 1, 1}));
  EXPECT_EQ(Date::FromDays(2932896), (Date{9999, 12, 31}));
}

// Every day from 1900-01-01 to 2100-12-31, against a calendar that simply counts days forward.
TEST(DateTest, RoundTripEveryDay1900To2100) {
  Date counter{1900, 1, 1};
  const int64_t first = counter.ToDays();
  const int64_t last = Date{2100, 12, 31}.ToDays();
  int64_t checked = 0;
  for (int64_t n = first; n <= last; ++n) {
    ASSERT_TRUE(counter.Valid()) << counter.Iso();
    ASSERT_EQ(counter.ToDays(), n) << counter.Iso();
    ASSERT_EQ(Date::FromDays(n), counter) << n;
    ASSERT_EQ(counter.AddDays(1).ToDays(), n + 1);
    ++checked;
    // Step the counter one day forward.
    if (++counter.day > DaysInMonth(counter.year, counter.month)) {
      counter.day = 1;
      if (++counter.month > 12) {
        counter.month = 1;
        ++counter.year;
      }
    }
  }
  EXPECT_EQ(counter, (Date{2101, 1, 1}));
  EXPECT_EQ(checked, 73414);  // 201 years, 49 of them leap (1900 and 2100 are not)
}

TEST(DateTest, LeapYears) {
  EXPECT_TRUE(IsLeapYear(2000));   // divisible by 400
  EXPECT_FALSE(IsLeapYear(1900));  // by 100 but not 400
  EXPECT_FALSE(IsLeapYear(2100));
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_FALSE(IsLeapYear(2023));
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 4), 30);
  EXPECT_EQ(DaysInMonth(2023, 12), 31);
  EXPECT_EQ(DaysInMonth(2023, 0), 0);
  EXPECT_EQ(DaysInMonth(2023, 13), 0);
}

TEST(DateTest, Valid) {
  EXPECT_TRUE((Date{2024, 2, 29}.Valid()));
  EXPECT_FALSE((Date{2023, 2, 29}.Valid()));
  EXPECT_FALSE((Date{2023, 4, 31}.Valid()));
  EXPECT_FALSE((Date{2023, 0, 1}.Valid()));
  EXPECT_FALSE((Date{2023, 1, 0}.Valid()));
  EXPECT_FALSE((Date{0, 1, 1}.Valid()));
  EXPECT_FALSE((Date{10000, 1, 1}.Valid()));
  EXPECT_FALSE(Date{}.Valid());
}

TEST(DateTest, AddYearsOnFebruary29) {
  const Date leap_day{2024, 2, 29};
  EXPECT_EQ(leap_day.AddYears(1), (Date{2025, 2, 28}));
  EXPECT_EQ(leap_day.AddYears(4), (Date{2028, 2, 29}));
  EXPECT_EQ(leap_day.AddYears(-4), (Date{2020, 2, 29}));
  EXPECT_EQ(leap_day.AddYears(-124), (Date{1900, 2, 28}));
  EXPECT_EQ(leap_day.AddYears(0), leap_day);
  EXPECT_EQ((Date{2023, 3, 1}.AddYears(1)), (Date{2024, 3, 1}));
  EXPECT_EQ((Date{2023, 12, 31}.AddYears(-23)), (Date{2000, 12, 31}));
}

TEST(DateTest, AgeInYearsEdges) {
  const Date birth{2000, 5, 10};
  EXPECT_EQ(AgeInYears(birth, birth), 0);
  EXPECT_EQ(AgeInYears(birth, Date{2018, 5, 9}), 17);  // the day before the 18th birthday
  EXPECT_EQ(AgeInYears(birth, Date{2018, 5, 10}), 18);
  EXPECT_EQ(AgeInYears(birth, Date{2018, 5, 11}), 18);
  EXPECT_EQ(AgeInYears(birth, Date{2018, 4, 30}), 17);
  EXPECT_EQ(AgeInYears(birth, Date{2018, 6, 1}), 18);
  EXPECT_EQ(AgeInYears(birth, Date{2000, 12, 31}), 0);
  EXPECT_EQ(AgeInYears(birth, Date{2000, 5, 9}), -1);  // before birth: negative
  EXPECT_EQ(AgeInYears(birth, Date{1990, 5, 10}), -10);
}

// Pins the current convention for people born on 29 February: in a common year they reach the
// next age on 1 March (not on 28 February, which is what AddYears gives).
TEST(DateTest, AgeInYearsBornOnFebruary29) {
  const Date birth{2004, 2, 29};
  EXPECT_EQ(AgeInYears(birth, Date{2022, 2, 28}), 17);
  EXPECT_EQ(AgeInYears(birth, Date{2022, 3, 1}), 18);
  EXPECT_EQ(AgeInYears(birth, Date{2024, 2, 28}), 19);
  EXPECT_EQ(AgeInYears(birth, Date{2024, 2, 29}), 20);
}

TEST(DateTest, Formatting) {
  EXPECT_EQ((Date{2024, 2, 9}.Iso()), "2024-02-09");
  EXPECT_EQ((Date{987, 12, 31}.Iso()), "0987-12-31");
  EXPECT_EQ((Date{2024, 2, 9}.Compact()), "20240209");
}

TEST(DateTest, ParseIsoAcceptsValidDates) {
  EXPECT_EQ(Date::ParseIso("2024-02-29"), (Date{2024, 2, 29}));
  EXPECT_EQ(Date::ParseIso("0001-01-01"), (Date{1, 1, 1}));
  EXPECT_EQ(Date::ParseIso("9999-12-31"), (Date{9999, 12, 31}));
  EXPECT_EQ(Date::ParseIso("1987-07-05")->Iso(), "1987-07-05");
}

TEST(DateTest, ParseIsoRejectsBadInput) {
  for (const char* bad : {"",
                          "2024",
                          "2024-1-01",
                          "2024-01-1",
                          "2024/01/01",
                          "20240101",
                          "2024-13-01",
                          "2024-00-10",
                          "2024-01-00",
                          "2024-02-30",
                          "2023-02-29",
                          "0000-01-01",
                          " 2024-01-01",
                          "2024-01-01 ",
                          "2024-01-01T00:00",
                          "+024-01-01",
                          "-024-01-01",
                          "2024-0a-01",
                          "2024--1-01",
                          "2024-01-+1",
                          "２０２４-01-01"}) {
    EXPECT_EQ(Date::ParseIso(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(DateTest, Ordering) {
  EXPECT_LT((Date{2023, 12, 31}), (Date{2024, 1, 1}));
  EXPECT_LT((Date{2024, 1, 31}), (Date{2024, 2, 1}));
  EXPECT_GT((Date{2024, 2, 2}), (Date{2024, 2, 1}));
}

}  // namespace
}  // namespace popreg
