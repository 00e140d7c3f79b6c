// The exchange spec's rules 1-7 ("Rules that decide between types"), one test per rule, each
// citing the rule it checks.
#include "recon/rules.h"

#include <gtest/gtest.h>

namespace popreg::recon {
namespace {

const Date kAsOf{2026, 9, 30};
const Window kWindow{{2025, 10, 1}, kAsOf};

// Rule 1: death evidence (a cremation, a death certificate) wins over absent_from_source.
TEST(RulesTest, Rule1DeathEvidenceWinsOverAbsent) {
  EXPECT_TRUE(Rule1AbsentUnlessDead(/*on_police_list=*/false, /*has_death_evidence=*/false));
  EXPECT_FALSE(Rule1AbsentUnlessDead(false, true));  // unrecorded_death instead
  EXPECT_FALSE(Rule1AbsentUnlessDead(true, false));  // on the list: not absent at all
}

// Rule 2: a child born in the window is unrecorded_birth, never missing_in_register.
TEST(RulesTest, Rule2ChildOfTheWindowIsNeverMissing) {
  EXPECT_FALSE(Rule2MissingUnlessBorn(kWindow, "2026-01-17"));
  EXPECT_FALSE(Rule2MissingUnlessBorn(kWindow, "2025-10-01"));  // the window's first day
  EXPECT_FALSE(Rule2MissingUnlessBorn(kWindow, "2026-09-30"));  // and its last
  EXPECT_TRUE(Rule2MissingUnlessBorn(kWindow, "2025-09-30"));   // the day before
  EXPECT_TRUE(Rule2MissingUnlessBorn(kWindow, "1985-03-02"));
  EXPECT_TRUE(Rule2MissingUnlessBorn(kWindow, ""));  // unknown birth: an ordinary person
}

// Rule 3: values equal after normalisation are not mismatches.
TEST(RulesTest, Rule3EqualAfterNormalisationIsNoMismatch) {
  EXPECT_FALSE(Rule3Differs(Field::kName, "張偉", "张伟", kAsOf));                // traditional
  EXPECT_FALSE(Rule3Differs(Field::kName, "王 小明", "王小明", kAsOf));           // a space inside
  EXPECT_FALSE(Rule3Differs(Field::kName, "买买提•艾力", "买买提·艾力", kAsOf));  // the dot
  EXPECT_FALSE(Rule3Differs(Field::kName, "ＬＩ", "LI", kAsOf));                  // full width
  // A 15-digit legacy number that converts to the 18-digit one.
  EXPECT_FALSE(Rule3Differs(Field::kIdNumber, "350902850302123", "350902198503021232", kAsOf));
  EXPECT_FALSE(Rule3Differs(Field::kIdNumber, "35090219850302103x", "35090219850302103X", kAsOf));
  // The same text, or the same but for spaces around it, is never a mismatch, whatever it is.
  EXPECT_FALSE(Rule3Differs(Field::kName, " 李娜\t", "李娜", kAsOf));
  EXPECT_FALSE(Rule3Differs(Field::kIdNumber, "3509021985O3021232", "3509021985O3021232", kAsOf));
  EXPECT_FALSE(Rule3Differs(Field::kBirthDate, "1985-02-03\r\n", " 1985-02-03", kAsOf));
  EXPECT_TRUE(Rule3Differs(Field::kSex, " M ", "F", kAsOf));
  EXPECT_TRUE(Rule3Differs(Field::kName, "李娜", "李纳", kAsOf));
  EXPECT_TRUE(Rule3Differs(Field::kSex, "M", "F", kAsOf));
  EXPECT_TRUE(Rule3Differs(Field::kBirthDate, "1985-02-03", "1985-03-02", kAsOf));
  EXPECT_TRUE(Rule3Differs(Field::kIdNumber, "350902198503021240", "350902198503021232", kAsOf));
}

// Rule 4: invalid_id_number whether or not the person is linked; a valid 15-digit legacy number
// is not invalid; a missing number is not invalid (it is incomplete).
TEST(RulesTest, Rule4InvalidIdNumberByTheStandard) {
  EXPECT_TRUE(Rule4InvalidIdNumber("350902198503021235", kAsOf));  // check digit
  EXPECT_TRUE(Rule4InvalidIdNumber("35090219850302123", kAsOf));   // length
  EXPECT_TRUE(Rule4InvalidIdNumber("3509021985O3021232", kAsOf));  // a letter O
  EXPECT_TRUE(Rule4InvalidIdNumber("350902198502301232", kAsOf));  // 30 February
  EXPECT_FALSE(Rule4InvalidIdNumber("350902198503021232", kAsOf));
  EXPECT_FALSE(Rule4InvalidIdNumber("350902850302123", kAsOf));  // legacy, valid date
  EXPECT_TRUE(Rule4InvalidIdNumber("350902851302123", kAsOf));   // legacy, month 13
  EXPECT_FALSE(Rule4InvalidIdNumber("", kAsOf));
  EXPECT_FALSE(Rule4InvalidIdNumber("000000000000000000", kAsOf));  // a placeholder
  // A number whose last digits a spreadsheet rounded away is still a wrong number, as is a
  // typo that happens to end in 000.
  EXPECT_TRUE(Rule4InvalidIdNumber("350902198503021000", kAsOf));
  EXPECT_TRUE(Rule4InvalidIdNumber("3.50902E+17", kAsOf));
  // And the linked person's differing ID is a field_mismatch besides (rule 3 on id_number).
  EXPECT_TRUE(Rule3Differs(Field::kIdNumber, "350902198503021235", "350902198503021232", kAsOf));
}

// Rule 5: an empty register value is not a mismatch; the person is an incomplete_record.
TEST(RulesTest, Rule5EmptyValueIsIncompleteNotMismatch) {
  EXPECT_FALSE(Rule3Differs(Field::kName, "", "李娜", kAsOf));
  EXPECT_FALSE(Rule3Differs(Field::kSex, "", "F", kAsOf));
  EXPECT_FALSE(Rule3Differs(Field::kBirthDate, "", "1985-03-02", kAsOf));
  EXPECT_FALSE(Rule3Differs(Field::kIdNumber, "", "350902198503021232", kAsOf));
  EXPECT_EQ(Rule5MissingFields("", "F", "1985-03-02", "350902198503021232", kAsOf), "name");
  EXPECT_EQ(Rule5MissingFields("李娜", "", "", "350902198503021232", kAsOf), "sex,birth_date");
  EXPECT_EQ(Rule5MissingFields("李娜", "F", "1985-03-02", "", kAsOf), "id_number");
  EXPECT_EQ(Rule5MissingFields("李娜", "F", "1985-03-02", "000000000000000000", kAsOf),
            "id_number");
  // No ID number is complete under the age of one year on as_of, and incomplete from it on.
  EXPECT_EQ(Rule5MissingFields("李娜", "F", "2025-10-01", "", kAsOf), "");
  EXPECT_EQ(Rule5MissingFields("李娜", "F", "2025-09-30", "", kAsOf), "id_number");
  EXPECT_EQ(Rule5MissingFields("李娜", "F", "1985-03-02", "350902198503021232", kAsOf), "");
}

// Rule 6: a child born in the window who is not on the police list yet is not absent.
TEST(RulesTest, Rule6NewbornIsNotAbsent) {
  EXPECT_FALSE(Rule6AbsentUnlessNewborn(kWindow, "2026-08-02"));
  EXPECT_TRUE(Rule6AbsentUnlessNewborn(kWindow, "2025-08-02"));
  EXPECT_TRUE(Rule6AbsentUnlessNewborn(kWindow, ""));
}

// Rule 7: of a duplicate pair, the card the police person is not linked to is not absent.
TEST(RulesTest, Rule7OnlyThePrimaryCardIsJudged) {
  EXPECT_TRUE(Rule7JudgedOnItsOwn(/*in_duplicate_cluster=*/false, /*is_primary=*/false));
  EXPECT_TRUE(Rule7JudgedOnItsOwn(true, true));
  EXPECT_FALSE(Rule7JudgedOnItsOwn(true, false));
}

TEST(RulesTest, MissingFieldListSplitsRule5sList) {
  EXPECT_EQ(MissingFieldList("name,birth_date"), (std::vector<std::string>{"name", "birth_date"}));
  EXPECT_EQ(MissingFieldList("id_number"), (std::vector<std::string>{"id_number"}));
  EXPECT_TRUE(MissingFieldList("").empty());
}

}  // namespace
}  // namespace popreg::recon
