#include "link/job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/env.h"
#include "link/blocking.h"
#include "link/test_config.h"

namespace popreg::link {
namespace {

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

// `text` with `from`, which it must hold, replaced by `to`.
std::string Replaced(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The message of ParseLinkSpec's error for `text`, written to bad.toml; a failure when it parses.
std::string ParseError(const std::string& text) {
  auto s = ParseLinkSpec(WriteConfig("bad.toml", text));
  EXPECT_FALSE(s.ok()) << text;
  return s.ok() ? std::string() : s.status().message();
}

// kConfig's blocking rules line.
constexpr std::string_view kRules = "rules = [[\"dob\"], [\"name.pinyin\"]]\n";

TEST(LinkSpecTest, ReadsAgreeOnly) {
  const std::string dob = "levels = [\"exact\", \"date_swap\"]\n";
  std::string text = Replaced(kConfig, dob, dob + "agree_only = true\n");
  auto spec = ParseLinkSpec(WriteConfig("agree.toml", text));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_FALSE(spec->comparisons[0].agree_only);
  EXPECT_TRUE(spec->comparisons[1].agree_only);
  EXPECT_FALSE(ParseLinkSpec(WriteConfig("agree-bad.toml",
                                         Replaced(text, "agree_only = true", "agree_only = 1")))
                   .ok());
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
  const auto error = ParseError;
  auto with = [](std::string_view from, std::string_view to) {
    return Replaced(kConfig, from, to);
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
struct RawSets {
  std::vector<std::string> ln, ld, rn, rd, lid, rid;
};
RawSets MakeRaw() {
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
  return {ln, ld, rn, rd, lid, rid};
}

const std::vector<FieldSpec> kFields = {{"name", Normalizer::kNameZh}, {"dob", Normalizer::kDate}};

void MakeSets(RecordSet* left, RecordSet* right) {
  const RawSets r = MakeRaw();
  *left = BuildRecordSet(r.lid, kFields, {r.ln, r.ld}).value();
  *right = BuildRecordSet(r.rid, kFields, {r.rn, r.rd}).value();
}

// The two sets as one, to deduplicate, and chains of three records of which only the middle one
// links to both: clusters that hold a pair weaker than their links.
RecordSet MakeOneSet() {
  RawSets r = MakeRaw();
  std::vector<std::string> ids = r.lid, names = r.ln, dates = r.ld;
  for (size_t i = 0; i < r.rid.size(); ++i) {
    ids.push_back(r.rid[i]);
    names.push_back(r.rn[i]);
    dates.push_back(r.rd[i]);
  }
  // Chains A - B - C: B is A with a homophone in the name, C is B with another last character.
  // B links to both, while A and C, two characters apart, do not.
  Rng rng(9);
  for (int i = 0; i < 40; ++i) {
    const std::string surname = i % 2 == 0 ? "欧阳" : "司马";
    const std::string given = i % 3 == 0 ? "秀" : "文";
    const Date dob = Date{1960, 1, 1 + i % 12}.AddDays(static_cast<int64_t>(rng.Uniform(3000)));
    for (const auto& [id, name, date] : {std::tuple{"A", surname + "伟" + given, dob},
                                         std::tuple{"B", surname + "玮" + given, dob},
                                         std::tuple{"C", surname + "玮" + "琳", dob}}) {
      ids.push_back(std::string(id) + std::to_string(i));
      names.push_back(name);
      dates.push_back(date.Iso());
    }
  }
  return BuildRecordSet(ids, kFields, {names, dates}).value();
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

// Keeping only what the assignment or the clustering reads changes neither: the same links and
// clusters, and the kept pairs are exactly the full run's pairs at or above the threshold
// (linking) or the full run's pairs inside a component of its links (deduplicating).
TEST(RunLinkTest, KeepingOnlyWhatIsUsedGivesTheSameLinksAndClusters) {
  auto spec = ParseLinkSpec(WriteConfig("keep.toml", kConfig));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto same = [](const ScoredPair& a, const ScoredPair& b) {
    return a.left == b.left && a.right == b.right && a.weight == b.weight &&
           a.probability == b.probability;
  };
  {
    RecordSet left, right;
    MakeSets(&left, &right);
    spec->keep_all_scored = true;
    auto all = RunLink(*spec, &left, &right, {});
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    spec->keep_all_scored = false;
    auto kept = RunLink(*spec, &left, &right, {});
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_EQ(kept->candidate_pairs, all->candidate_pairs);
    std::vector<ScoredPair> above;
    for (const ScoredPair& p : all->scored) {
      if (p.probability >= spec->threshold) above.push_back(p);
    }
    EXPECT_LT(above.size(), all->scored.size());
    EXPECT_GE(above.size(), 190u);
    ASSERT_EQ(kept->scored.size(), above.size());
    for (size_t i = 0; i < above.size(); ++i) EXPECT_TRUE(same(kept->scored[i], above[i])) << i;
    ASSERT_EQ(kept->accepted.size(), all->accepted.size());
    for (size_t i = 0; i < all->accepted.size(); ++i) {
      EXPECT_TRUE(same(kept->accepted[i], all->accepted[i])) << i;
    }
  }
  spec->right.clear();  // deduplicate the two sets as one
  for (int threads : {1, 3}) {
    spec->threads = threads;
    RecordSet one = MakeOneSet();
    spec->keep_all_scored = true;
    auto all = RunLink(*spec, &one, nullptr, {});
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    spec->keep_all_scored = false;
    auto kept = RunLink(*spec, &one, nullptr, {});
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_EQ(kept->clusters, all->clusters);
    // The components of the full run's links, by a simple union-find of its own.
    std::vector<uint32_t> parent(one.size());
    for (uint32_t i = 0; i < parent.size(); ++i) parent[i] = i;
    std::function<uint32_t(uint32_t)> find = [&](uint32_t x) {
      return parent[x] == x ? x : parent[x] = find(parent[x]);
    };
    for (const ScoredPair& p : all->scored) {
      if (p.probability >= spec->threshold) parent[find(p.left)] = find(p.right);
    }
    std::vector<ScoredPair> inside;
    for (const ScoredPair& p : all->scored) {
      if (find(p.left) == find(p.right)) inside.push_back(p);
    }
    EXPECT_LT(inside.size(), all->scored.size());
    int weak_inside = 0;  // pairs below the threshold that the clustering weighs
    for (const ScoredPair& p : inside) weak_inside += p.probability < spec->threshold ? 1 : 0;
    EXPECT_GT(weak_inside, 0);
    ASSERT_EQ(kept->scored.size(), inside.size());
    for (size_t i = 0; i < inside.size(); ++i) EXPECT_TRUE(same(kept->scored[i], inside[i])) << i;
  }
}

// Residual rules pair only the records settled_by leaves unsettled: the run's pairs are the
// pairs of the ordinary rules and, of the pairs the residual rule would add, those whose records
// are unsettled on the sides residual_sides names; the model and the weights are the same.
TEST(RunLinkTest, ResidualRulesPairOnlyTheUnsettledRecords) {
  const std::string text = Replaced(kConfig, "u_pairs = 5000",
                                    "u_pairs = 5000\nem_rules = [[\"dob\"], [\"name.pinyin\"]]");
  auto full = ParseLinkSpec(WriteConfig("residual-full.toml", text));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  auto residual = ParseLinkSpec(WriteConfig(
      "residual.toml", Replaced(text, kRules,
                                "rules = [[\"dob\"]]\nresidual_rules = [[\"name.pinyin\"]]\n"
                                "settled_by = [\"name\", \"dob\"]\n")));
  ASSERT_TRUE(residual.ok()) << residual.status().ToString();
  ASSERT_EQ(residual->blocking.size(), 1u);
  ASSERT_EQ(residual->residual_blocking.size(), 1u);
  EXPECT_EQ(residual->settled_by, (RuleConfig{"name", "dob"}));
  EXPECT_EQ(residual->residual_sides, "both");

  const RawSets raw = MakeRaw();
  std::vector<char> settled_left(raw.ln.size(), 0), settled_right(raw.rn.size(), 0);
  for (size_t l = 0; l < raw.ln.size(); ++l) {
    for (size_t r = 0; r < raw.rn.size(); ++r) {
      if (raw.ln[l] == raw.rn[r] && raw.ld[l] == raw.rd[r]) settled_left[l] = settled_right[r] = 1;
    }
  }
  RecordSet left, right;
  MakeSets(&left, &right);
  auto all = RunLink(*full, &left, &right, {});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  for (const std::string sides : {"both", "left", "right"}) {
    SCOPED_TRACE(sides);
    residual->residual_sides = sides;
    MakeSets(&left, &right);
    auto r = RunLink(*residual, &left, &right, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::vector<ScoredPair> expected;
    int dropped = 0;
    for (const ScoredPair& p : all->scored) {
      const bool keep =
          raw.ld[p.left] == raw.rd[p.right] || ((sides == "right" || !settled_left[p.left]) &&
                                                (sides == "left" || !settled_right[p.right]));
      if (keep) {
        expected.push_back(p);
      } else {
        ++dropped;
      }
    }
    EXPECT_GT(dropped, 0);
    EXPECT_EQ(r->candidate_pairs, static_cast<int64_t>(expected.size()));
    ASSERT_EQ(r->scored.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(r->scored[i].left, expected[i].left) << i;
      EXPECT_EQ(r->scored[i].right, expected[i].right) << i;
      EXPECT_EQ(r->scored[i].weight, expected[i].weight) << i;
    }
    ASSERT_EQ(r->blocking.rules.size(), 2u);
    EXPECT_EQ(r->blocking.rules[1].name, "name.pinyin (unsettled)");
    int right_links = 0;
    for (const ScoredPair& p : r->accepted) right_links += p.left == p.right ? 1 : 0;
    EXPECT_GE(right_links, 190);
  }
  // Deduplicating: a settled record of a cluster may have fuzzier duplicates.
  residual->right.clear();
  RecordSet one = MakeOneSet();
  auto dedupe = RunLink(*residual, &one, nullptr, {});
  ASSERT_FALSE(dedupe.ok());
  EXPECT_NE(dedupe.status().message().find("blocking.residual_rules: for linking two sets only"),
            std::string::npos);
}

TEST(LinkSpecTest, ResidualRulesNeedTheirSettlingKeys) {
  auto error = [](std::string_view blocking) {
    return ParseError(Replaced(kConfig, kRules, blocking));
  };
  EXPECT_NE(error("rules = [[\"dob\"]]\nresidual_rules = [[\"name.pinyin\"]]\n")
                .find("bad.toml: blocking.settled_by: residual rules need the keys"),
            std::string::npos);
  EXPECT_NE(error("rules = [[\"dob\"]]\nsettled_by = [\"name\"]\n")
                .find("blocking.residual_rules: settled_by is given but no residual rule"),
            std::string::npos);
  EXPECT_NE(error("rules = [[\"dob\"]]\nresidual_rules = [[\"name.pinyin\"]]\n"
                  "settled_by = [\"name\"]\nresidual_sides = \"one\"\n")
                .find("blocking.residual_sides: must be \"both\", \"left\" or \"right\""),
            std::string::npos);
  EXPECT_NE(error("rules = [[\"dob\"]]\nresidual_rules = [[\"name.pinyin\"]]\nsettled_by = []\n")
                .find("blocking.settled_by: must be a list of keys"),
            std::string::npos);
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
