#include "recon/words.h"

#include <gtest/gtest.h>

namespace popreg::recon {
namespace {

TEST(WordsTest, FieldsAreNamedAsTheRegistersColumns) {
  EXPECT_EQ(FieldWord("name"), "姓名");
  EXPECT_EQ(FieldWord("id_number"), "公民身份号码");
  EXPECT_EQ(FieldWord("relation"), "与户主关系");
  EXPECT_EQ(FieldWord("no_such_field"), "no_such_field");
  EXPECT_EQ(FieldWords("name,sex,birth_date"), "姓名、性别、出生日期");
  EXPECT_EQ(FieldWords("id_number"), "公民身份号码");
  EXPECT_EQ(FieldWords(""), "");
}

TEST(WordsTest, DepartmentsSexesAndIdFaults) {
  EXPECT_EQ(KindWord("cremations"), "火化登记");
  EXPECT_EQ(KindWord("something_else"), "something_else");
  EXPECT_EQ(RowWords("police_population", 910), "公安户籍第 910 行");
  EXPECT_EQ(SexWord("M"), "男");
  EXPECT_EQ(SexWord("F"), "女");
  EXPECT_EQ(SexWord("男"), "男");
  EXPECT_EQ(SexWord(""), "?");
  EXPECT_EQ(IdErrorWord(norm::IdError::kCheckDigit), "校验位不符");
  for (norm::IdError e :
       {norm::IdError::kEmpty, norm::IdError::kPlaceholder, norm::IdError::kSpreadsheet,
        norm::IdError::kLength, norm::IdError::kCharacters, norm::IdError::kBirthDate,
        norm::IdError::kRegion}) {
    EXPECT_FALSE(IdErrorWord(e).empty());
    EXPECT_NE(IdErrorWord(e), IdErrorWord(norm::IdError::kCheckDigit));
  }
}

}  // namespace
}  // namespace popreg::recon
