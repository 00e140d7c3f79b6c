#include "link/job.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "base/env.h"
#include "link/blocking.h"

namespace popreg::link {
namespace {

std::string WriteConfig(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) / name).string();
  std::ofstream(path) << text;
  return path;
}

constexpr const char* kConfig = R"(
[input]
left = "a.csv"
right = "b.csv"
id = ["card_no", "person_no"]
[[field]]
name = "name"
normalize = "name_zh"
[[field]]
name = "dob"
normalize = "date"
[[comparison]]
field = "name"
levels = ["exact", "pinyin", "levenshtein<=1"]
tf = true
[[comparison]]
field = "dob"
levels = ["exact", "date_swap"]
[blocking]
rules = [["dob"], ["name.pinyin"]]
[training]
deterministic = [["name", "dob"]]
u_pairs = 5000
[output]
threshold = 0.9
)";

TEST(LinkSpecTest, ReadsAgreeOnly) {
  std::string text = kConfig;
  const std::string dob = "levels = [\"exact\", \"date_swap\"]\n";
  text.replace(text.find(dob), dob.size(), dob + "agree_only = true\n");
  auto spec = ParseLinkSpec(WriteConfig("agree.toml", text));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_FALSE(spec->comparisons[0].agree_only);
  EXPECT_TRUE(spec->comparisons[1].agree_only);
  text.replace(text.find("agree_only = true"), 17, "agree_only = 1");
  EXPECT_FALSE(ParseLinkSpec(WriteConfig("agree-bad.toml", text)).ok());
}

TEST(LinkSpecTest, ReadsEveryPartAndResolvesPathsAgainstTheFile) {
  const std::string path = WriteConfig("ok.toml", kConfig);
  auto spec = ParseLinkSpec(path);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->left, (std::filesystem::path(path).parent_path() / "a.csv").string());
  EXPECT_EQ(spec->id_columns, (std::vector<std::string>{"card_no", "person_no"}));
  ASSERT_EQ(spec->fields.size(), 2u);
  EXPECT_EQ(spec->fields[0].normalizer, Normalizer::kNameZh);
  EXPECT_EQ(spec->fields[0].column, "name");
  ASSERT_EQ(spec->comparisons.size(), 2u);
  EXPECT_TRUE(spec->comparisons[0].tf);
  EXPECT_FALSE(spec->comparisons[0].agree_only);
  EXPECT_EQ(spec->blocking.size(), 2u);
  EXPECT_EQ(spec->u_pairs, 5000);
  EXPECT_DOUBLE_EQ(spec->threshold, 0.9);
  EXPECT_FALSE(spec->dedupe());
}

TEST(LinkSpecTest, ErrorsNameTheFileAndTheKey) {
  auto error = [](const std::string& text) {
    auto s = ParseLinkSpec(WriteConfig("bad.toml", text));
    EXPECT_FALSE(s.ok());
    return s.status().message();
  };
  auto with = [](std::string_view from, std::string_view to) {
    std::string text = kConfig;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  EXPECT_NE(error("[input\n").find("bad.toml: line 1"), std::string::npos);
  EXPECT_NE(error(with(R"("exact", "date_swap")", R"("exact", "datee")"))
                .find("comparison[1]: levels: unknown comparison level 'datee'"),
            std::string::npos);
  EXPECT_NE(error(with("id = ", "xx = ")).find("input.id: missing"), std::string::npos);
  EXPECT_NE(error(with("threshold = 0.9", "threshold = 1.5")).find("output.threshold"),
            std::string::npos);
  EXPECT_NE(error(with("normalize = \"date\"", "normalize = \"soundex\""))
                .find("field[1]: normalize: unknown normalize 'soundex'"),
            std::string::npos);
  EXPECT_FALSE(ParseLinkSpec("/nonexistent/x.toml").ok());
}

// Two small sets with known matches: right[i] is a corrupted copy of left[i] for i < 200.
void MakeSets(RecordSet* left, RecordSet* right) {
  const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵"};
  const char* given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "艳", "杰"};
  Rng rng(3);
  std::vector<std::string> ln, ld, rn, rd, lid, rid;
  for (int i = 0; i < 400; ++i) {
    const std::string name = std::string(rng.Pick(surnames)) + rng.Pick(given) + rng.Pick(given);
    const Date dob = Date{1950, 1, 1}.AddDays(static_cast<int64_t>(rng.Uniform(20000)));
    ln.push_back(name);
    ld.push_back(dob.Iso());
    lid.push_back("L" + std::to_string(i));
    if (i < 200) {
      std::string n = name;
      const size_t wei = n.find("伟");
      if (i % 2 == 0 && wei != std::string::npos) n.replace(wei, 3, "玮");  // a homophone
      rn.push_back(n);
      rd.push_back(i % 7 == 0 ? Date{dob.year, dob.day <= 12 ? dob.day : dob.month,
                                     dob.day <= 12 ? dob.month : dob.day}
                                    .Iso()
                              : dob.Iso());
    } else {
      rn.push_back(std::string(rng.Pick(surnames)) + rng.Pick(given));
      rd.push_back(Date{1950, 1, 1}.AddDays(static_cast<int64_t>(rng.Uniform(20000))).Iso());
    }
    rid.push_back("R" + std::to_string(i));
  }
  const std::vector<FieldSpec> fields = {{"name", Normalizer::kNameZh}, {"dob", Normalizer::kDate}};
  *left = BuildRecordSet(lid, fields, {ln, ld}).value();
  *right = BuildRecordSet(rid, fields, {rn, rd}).value();
}

TEST(RunLinkTest, FindsTheCopiesAndIsTheSameWhateverTheThreadCount) {
  auto spec = ParseLinkSpec(WriteConfig("run.toml", kConfig));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  std::vector<std::vector<ScoredPair>> runs;
  for (int threads : {1, 3}) {
    spec->threads = threads;
    RecordSet left, right;
    MakeSets(&left, &right);
    auto r = RunLink(*spec, &left, &right, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    runs.push_back(r->accepted);
    int right_links = 0;
    for (const ScoredPair& p : r->accepted) right_links += p.left == p.right ? 1 : 0;
    EXPECT_GE(right_links, 190);
    EXPECT_LE(static_cast<int>(r->accepted.size()) - right_links, 5);
    // Every accepted pair's explanation sums to its weight.
    const ScoredPair& p = r->accepted.front();
    std::vector<double> freq;
    for (const Comparison& c : r->comparisons)
      freq.push_back(left.fields[c.field].frequency_of(p.left));
    const Explanation e =
        r->model.Explain(PairLevels(r->comparisons, left, p.left, right, p.right), freq);
    EXPECT_NEAR(e.weight, p.weight, 1e-9);
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) {
    EXPECT_EQ(runs[0][i].left, runs[1][i].left);
    EXPECT_EQ(runs[0][i].right, runs[1][i].right);
    EXPECT_DOUBLE_EQ(runs[0][i].weight, runs[1][i].weight);
  }
}

TEST(RandomPairStreamTest, DistinctUniformPrefixesAndDeterministic) {
  for (const bool dedupe : {false, true}) {
    RandomPairStream a(30, 20, dedupe, 7), b(30, 20, dedupe, 7);
    const uint64_t possible = dedupe ? 30 * 29 / 2 : 30 * 20;
    EXPECT_EQ(a.possible(), possible);
    // Asked in different steps, the same stream.
    std::vector<Pair> first = a.Next(10), rest = a.Next(5000);
    first.insert(first.end(), rest.begin(), rest.end());
    std::vector<Pair> other;
    for (int k = 0; k < 200; ++k) {
      const std::vector<Pair> step = b.Next(3);
      other.insert(other.end(), step.begin(), step.end());
    }
    ASSERT_EQ(first.size(), possible);  // every pair once, then nothing more
    EXPECT_EQ(a.drawn(), possible);
    EXPECT_TRUE(a.Next(1).empty());
    ASSERT_EQ(other.size(), possible);
    for (size_t i = 0; i < possible; ++i) {
      EXPECT_EQ(first[i].left, other[i].left);
      EXPECT_EQ(first[i].right, other[i].right);
    }
    std::set<std::pair<RecordIndex, RecordIndex>> seen;
    for (const Pair& p : first) {
      EXPECT_TRUE(seen.emplace(p.left, p.right).second);
      EXPECT_LT(p.left, 30u);
      EXPECT_LT(p.right, dedupe ? 30u : 20u);
      if (dedupe) {
        EXPECT_LT(p.left, p.right);
      }
    }
  }
  EXPECT_EQ(RandomPairStream(1, 0, true, 1).possible(), 0u);
  EXPECT_TRUE(RandomPairStream(5, 0, false, 1).Next(3).empty());
}

TEST(RunLinkTest, RandomPairsForUAreAllPairsOfASmallJob) {
  auto spec = ParseLinkSpec(WriteConfig("all.toml", kConfig));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  spec->u_pairs = 1'000'000;  // more than the 400 x 400 pairs
  RecordSet left, right;
  MakeSets(&left, &right);
  auto r = RunLink(*spec, &left, &right, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->u_pairs, (std::vector<int64_t>{160'000, 160'000}));
}

TEST(RunLinkTest, AComparisonWithRareLevelsComparesMoreRandomPairs) {
  auto spec = ParseLinkSpec(WriteConfig("rounds.toml", kConfig));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  spec->u_pairs = 150'000;  // fewer than the 160,000 pairs
  spec->u_min_count = 20;
  // Names (8 surnames, 12 given characters) agree exactly in about one random pair in a thousand
  // and are done before the cap; birth dates (20,000 days) agree in one in 20,000, and swapped
  // days and months are rarer still: they go on to the cap.
  RecordSet left, right;
  MakeSets(&left, &right);
  auto r = RunLink(*spec, &left, &right, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->u_pairs.size(), 2u);
  EXPECT_LT(r->u_pairs[0], 150'000);
  EXPECT_EQ(r->u_pairs[0] % kFirstURound, 0);  // whole rounds
  EXPECT_EQ(r->u_pairs[1], 150'000);
  // u_min_count 0: every comparison compares u_pairs pairs.
  spec->u_min_count = 0;
  MakeSets(&left, &right);
  auto all = RunLink(*spec, &left, &right, {});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->u_pairs, (std::vector<int64_t>{150'000, 150'000}));
  // The u of names from fewer pairs is close to the one from 150,000.
  for (size_t l = 1; l < r->model.comparisons[0].u.size(); ++l) {
    EXPECT_NEAR(r->model.comparisons[0].u[l], all->model.comparisons[0].u[l],
                0.3 * all->model.comparisons[0].u[l] + 1e-4)
        << "level " << l;
  }
}

}  // namespace
}  // namespace popreg::link
