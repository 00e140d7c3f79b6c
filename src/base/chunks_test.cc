#include "base/chunks.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace popreg {
namespace {

TEST(ChunksTest, JoinsInChunkOrderAndFreesTheChunks) {
  std::vector<std::vector<int>> chunks = {{1, 2}, {}, {3}, {4, 5, 6}};
  EXPECT_EQ(JoinChunks(chunks), (std::vector<int>{1, 2, 3, 4, 5, 6}));
  for (const auto& c : chunks) {
    EXPECT_TRUE(c.empty());
    EXPECT_EQ(c.capacity(), 0u);
  }
}

TEST(ChunksTest, AppendsAfterWhatIsThereAndMovesOnlyTypes) {
  std::vector<std::unique_ptr<int>> out;
  out.push_back(std::make_unique<int>(0));
  std::vector<std::vector<std::unique_ptr<int>>> chunks(2);
  chunks[0].push_back(std::make_unique<int>(1));
  chunks[1].push_back(std::make_unique<int>(2));
  AppendChunks(chunks, out);
  ASSERT_EQ(out.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*out[static_cast<size_t>(i)], i);
}

}  // namespace
}  // namespace popreg
