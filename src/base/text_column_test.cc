#include "base/text_column.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/env.h"

namespace popreg {
namespace {

using ::testing::ElementsAre;

TEST(TextColumnTest, HoldsWhatWasAppended) {
  TextColumn c;
  EXPECT_TRUE(c.empty());
  c.push_back("张伟");
  c.push_back("");
  c.push_back("110101199003071234");
  c.push_back(std::string("a\0b", 3));
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0], "张伟");
  EXPECT_EQ(c[1], "");
  EXPECT_EQ(c[2], "110101199003071234");
  EXPECT_EQ(c[3], std::string_view("a\0b", 3));
  EXPECT_EQ(c.back(), std::string_view("a\0b", 3));
  EXPECT_THAT(c, ElementsAre("张伟", "", "110101199003071234", std::string_view("a\0b", 3)));
}

TEST(TextColumnTest, ARowEqualToTheOneBeforeSharesItsBytes) {
  TextColumn shared;
  TextColumn apart;
  const std::string address = "北京市东城区东华门街道多福巷社区 12 号楼 3 单元 402";
  for (int i = 0; i < 1000; ++i) shared.push_back(address);
  for (int i = 0; i < 1000; ++i) apart.push_back(address + (i % 2 ? "" : " "));
  EXPECT_EQ(shared[999], address);
  // The rows (4 bytes each, reserved by doubling) and the address once; apart, every copy.
  EXPECT_LT(shared.memory(), 1024 * sizeof(uint32_t) + 64 + 2 * address.size());
  EXPECT_GT(apart.memory(), 1000 * address.size());
  // A value equal to one further back is not looked for: only the row before.
  TextColumn c{"a", "b", "a"};
  EXPECT_THAT(c, ElementsAre("a", "b", "a"));
}

TEST(TextColumnTest, ResizeCutsOrPadsWithEmptyRows) {
  TextColumn c{"x", "y", "z"};
  c.resize(2);
  EXPECT_THAT(c, ElementsAre("x", "y"));
  c.resize(4);
  EXPECT_THAT(c, ElementsAre("x", "y", "", ""));
  c.push_back("w");
  EXPECT_THAT(c, ElementsAre("x", "y", "", "", "w"));
  EXPECT_THAT(TextColumn(3), ElementsAre("", "", ""));
  c.clear();
  EXPECT_TRUE(c.empty());
  c.push_back("again");
  EXPECT_THAT(c, ElementsAre("again"));
}

TEST(TextColumnTest, AppendJoinsTwoColumns) {
  TextColumn a{"x", "x", "yy"};
  const TextColumn b{"", "zzz", "zzz"};
  a.Append(b);
  EXPECT_THAT(a, ElementsAre("x", "x", "yy", "", "zzz", "zzz"));
  a.Append(TextColumn());
  a.push_back("zzz");
  EXPECT_THAT(a, ElementsAre("x", "x", "yy", "", "zzz", "zzz", "zzz"));
  TextColumn empty;
  empty.Append(b);
  EXPECT_EQ(empty, b);
}

TEST(TextColumnTest, ALongValueKeepsItsLength) {
  // A value's length takes more bytes from 128 bytes on; 16 MiB takes four.
  const std::string big(size_t{1} << 24, 'x');
  const std::string bigger = big + "yz";
  TextColumn c;
  c.push_back("a");
  c.push_back(big);
  c.push_back(bigger);
  c.push_back(bigger);
  c.push_back("b");
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[1], big);
  EXPECT_EQ(c[2], bigger);
  EXPECT_EQ(c[3], bigger);
  EXPECT_EQ(c[4], "b");
  c.resize(2);
  c.push_back("c");
  EXPECT_THAT(c, ElementsAre("a", big, "c"));
  TextColumn d{"d"};
  d.Append(c);
  EXPECT_THAT(d, ElementsAre("d", "a", big, "c"));
}

// Rows are counted from the first entry of their block of 4,096: runs of equal values, empty
// rows and cuts across the blocks' edges, and columns of any length appended, read back as
// they were written.
TEST(TextColumnTest, RowsAcrossBlocksReadBackAsWritten) {
  std::vector<std::string> values;
  for (int i = 0; i < 3 * 4096 + 17; ++i) {
    // A run of one value across the first edge, empty rows across the second.
    if (i >= 4090 && i < 4100) {
      values.push_back("run");
    } else if (i >= 8190 && i < 8200) {
      values.emplace_back();
    } else {
      values.push_back(std::string(static_cast<size_t>(i % 150), 'a' + i % 26));
    }
  }
  TextColumn c;
  for (const std::string& v : values) c.push_back(v);
  ASSERT_EQ(c.size(), values.size());
  EXPECT_TRUE(std::equal(c.begin(), c.end(), values.begin(), values.end()));
  // Cut inside a block and at an edge, then written on.
  for (size_t cut : {size_t{5000}, size_t{4096}, size_t{4095}}) {
    TextColumn d(values);
    d.resize(cut);
    d.push_back("after");
    d.push_back("after");
    d.resize(cut + 4200);  // empty rows across the next edge
    d.push_back("end");
    ASSERT_EQ(d.size(), cut + 4201);
    EXPECT_TRUE(
        std::equal(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(cut), values.begin()));
    EXPECT_EQ(d[cut], "after");
    EXPECT_EQ(d[cut + 1], "after");
    EXPECT_EQ(d[cut + 2], "");
    EXPECT_EQ(d[cut + 4199], "");
    EXPECT_EQ(d[cut + 4200], "end");
  }
  // Parts of odd lengths, and of whole blocks (copied as they are), appended are the whole.
  for (size_t part : {size_t{1000}, size_t{4096}, size_t{8192}}) {
    TextColumn joined;
    for (size_t at = 0; at < values.size(); at += part) {
      const size_t end = std::min(values.size(), at + part);
      joined.Append(
          TextColumn(std::vector<std::string>(values.begin() + at, values.begin() + end)));
    }
    EXPECT_EQ(joined, TextColumn(values)) << part;
    joined.push_back(values.back());  // shares the last part's entry
    EXPECT_EQ(joined.back(), values.back());
  }
}

TEST(TextColumnTest, EqualsAVectorOfTheSameStrings) {
  Rng rng(7);
  std::vector<std::string> values;
  for (int i = 0; i < 5000; ++i) {
    // Runs of equal values, empty ones, and values of every length up to 40 bytes.
    if (!values.empty() && rng.Uniform(3) == 0) {
      values.push_back(values.back());
      continue;
    }
    std::string v(rng.Uniform(41), ' ');
    for (char& ch : v) ch = static_cast<char>('a' + rng.Uniform(3));
    values.push_back(v);
  }
  const TextColumn c(values);
  ASSERT_EQ(c.size(), values.size());
  EXPECT_TRUE(std::equal(c.begin(), c.end(), values.begin(), values.end()));
  TextColumn d;
  for (const std::string& v : values) d.push_back(v);
  EXPECT_TRUE(c == d);
  d.push_back("");
  EXPECT_FALSE(c == d);
  EXPECT_EQ(c.end() - c.begin(), static_cast<std::ptrdiff_t>(values.size()));
}

}  // namespace
}  // namespace popreg
