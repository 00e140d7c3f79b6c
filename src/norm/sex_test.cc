#include "norm/sex.h"

#include <gtest/gtest.h>

namespace popreg::norm {
namespace {

TEST(ParseSexTest, Male) {
  for (const char* s : {"男", "M", "m", "male", "Male", "MALE", "mAlE", "1", " 男 ", "\u3000男",
                        "Ｍ", "ｍ", "ｍａｌｅ", "１", " 1\t"}) {
    EXPECT_EQ(ParseSex(s), 'M') << s;
  }
}

TEST(ParseSexTest, Female) {
  for (const char* s : {"女", "F", "f", "female", "Female", "FEMALE", "2", " 女\u3000", "Ｆ", "ｆ",
                        "ＦＥＭＡＬＥ", "２"}) {
    EXPECT_EQ(ParseSex(s), 'F') << s;
  }
}

TEST(ParseSexTest, UnknownOrEmpty) {
  for (const char* s : {"", "  ", "0", "9", "3", "12", "男女", "x", "ma", "mal", "males", "fem",
                        "男 性", "boy", "m f", "\xFF", "女\xFF"}) {
    EXPECT_EQ(ParseSex(s), 0) << s;
  }
}

}  // namespace
}  // namespace popreg::norm
