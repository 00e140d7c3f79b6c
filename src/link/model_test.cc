#include "link/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "base/env.h"

namespace popreg::link {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Three comparisons: a name with a term-frequency adjusted exact level, a date, a sex.
Model TestModel() {
  Model model;
  model.lambda = 1e-4;
  model.comparisons.push_back({.name = "surname",
                               .level_labels = {"null", "exact", "pinyin", "else"},
                               .m = {0, 0.85, 0.10, 0.05},
                               .u = {0, 0.02, 0.03, 0.95},
                               .tf_adjust = {false, true, false, false}});
  model.comparisons.push_back({.name = "birth_date",
                               .level_labels = {"null", "exact", "one_off", "else"},
                               .m = {0, 0.9, 0.07, 0.03},
                               .u = {0, 0.0001, 0.002, 0.9979},
                               .tf_adjust = {false, false, false, false}});
  model.comparisons.push_back({.name = "sex",
                               .level_labels = {"null", "agree", "disagree"},
                               .m = {0, 0.98, 0.02},
                               .u = {0, 0.5, 0.5},
                               .tf_adjust = {false, false, false}});
  return model;
}

// A fresh directory under the system temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "popreg_model_test_XXXXXX").string();
    const char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

void WriteText(const std::string& path, const std::string& text) {
  ASSERT_TRUE(Env::Default().WriteFileAtomic(path, text).ok());
}

// ---------------------------------------------------------------------------------------------
// Weights

TEST(ModelTest, PriorAndLevelWeights) {
  const Model model = TestModel();
  EXPECT_DOUBLE_EQ(model.PriorWeight(), std::log2(1e-4 / (1 - 1e-4)));
  EXPECT_DOUBLE_EQ(model.LevelWeight(0, 1), std::log2(0.85 / 0.02));
  EXPECT_DOUBLE_EQ(model.LevelWeight(0, 3), std::log2(0.05 / 0.95));
  EXPECT_DOUBLE_EQ(model.LevelWeight(1, 1), std::log2(0.9 / 0.0001));
  EXPECT_DOUBLE_EQ(model.LevelWeight(2, 1), std::log2(0.98 / 0.5));
  for (size_t c = 0; c < model.comparisons.size(); ++c) EXPECT_EQ(model.LevelWeight(c, 0), 0.0);
  EXPECT_GT(model.LevelWeight(0, 1), model.LevelWeight(0, 2));
  EXPECT_LT(model.LevelWeight(0, 3), 0.0);
}

TEST(ModelTest, ZeroProbabilitiesAreClampedToFiniteWeights) {
  Model model = TestModel();
  model.comparisons[0].u[1] = 0.0;  // never seen among non-matches
  model.comparisons[0].m[3] = 0.0;  // never seen among matches
  EXPECT_DOUBLE_EQ(model.LevelWeight(0, 1), std::log2(0.85 / kMinProbability));
  EXPECT_DOUBLE_EQ(model.LevelWeight(0, 3), std::log2(kMinProbability / 0.95));
  EXPECT_TRUE(std::isfinite(model.LevelWeight(0, 1)));
  model.comparisons[0].m[2] = 0.0;
  model.comparisons[0].u[2] = 0.0;
  EXPECT_EQ(model.LevelWeight(0, 2), 0.0);
  model.lambda = 0.0;
  EXPECT_DOUBLE_EQ(model.PriorWeight(), std::log2(kMinProbability / (1 - kMinProbability)));
  model.lambda = 1.0;
  EXPECT_TRUE(std::isfinite(model.PriorWeight()));
  EXPECT_GT(model.PriorWeight(), 39.0);
}

TEST(ModelTest, WeightIsPriorPlusLevelWeightsInOrder) {
  const Model model = TestModel();
  const std::vector<Level> levels = {1, 2, 1};
  double expected = model.PriorWeight();
  expected += model.LevelWeight(0, 1);
  expected += model.LevelWeight(1, 2);
  expected += model.LevelWeight(2, 1);
  EXPECT_EQ(model.Weight(levels), expected);
  const std::vector<Level> all_null = {0, 0, 0};
  EXPECT_EQ(model.Weight(all_null), model.PriorWeight());
}

TEST(ModelTest, Probability) {
  EXPECT_DOUBLE_EQ(Model::Probability(0), 0.5);
  EXPECT_DOUBLE_EQ(Model::Probability(1), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(Model::Probability(-1), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(Model::Probability(10), 1024.0 / 1025.0);
  EXPECT_EQ(Model::Probability(5000), 1.0);
  EXPECT_EQ(Model::Probability(-5000), 0.0);
}

// The explanation's terms add up, in order, to exactly the weight the model scores with.
TEST(ModelTest, ExplanationSumsExactlyToWeight) {
  const Model model = TestModel();
  const std::vector<std::vector<Level>> cases = {{1, 1, 1}, {2, 3, 2}, {0, 1, 2},
                                                 {3, 0, 0}, {0, 0, 0}, {1, 2, 1}};
  for (const std::vector<Level>& levels : cases) {
    const Explanation e = model.Explain(levels);
    ASSERT_EQ(e.terms.size(), 4u);
    EXPECT_EQ(e.terms[0].name, "prior");
    EXPECT_EQ(e.terms[0].label, "lambda = 0.0001");
    EXPECT_EQ(e.terms[0].weight, model.PriorWeight());
    double sum = 0;
    for (const ExplanationTerm& t : e.terms) sum += t.weight;
    for (size_t c = 0; c < levels.size(); ++c) {
      const ExplanationTerm& t = e.terms[c + 1];
      EXPECT_EQ(t.name, model.comparisons[c].name);
      EXPECT_EQ(t.level, levels[c]);
      EXPECT_EQ(t.label, model.comparisons[c].level_labels[levels[c]]);
      EXPECT_EQ(t.weight, model.LevelWeight(c, levels[c]));
      EXPECT_FALSE(t.tf_adjusted);
    }
    EXPECT_EQ(e.weight, sum);
    EXPECT_EQ(e.weight, model.Weight(levels));
    EXPECT_EQ(e.probability, Model::Probability(model.Weight(levels)));
  }
  const std::vector<Level> levels = {0, 2, 1};
  const Explanation e = model.Explain(levels);
  EXPECT_EQ(e.terms[1].label, "null");
  EXPECT_EQ(e.terms[1].weight, 0.0);
  EXPECT_EQ(e.terms[2].label, "one_off");
  EXPECT_EQ(e.terms[3].name, "sex");
  EXPECT_EQ(e.terms[3].label, "agree");
}

TEST(ModelTest, ExplanationWithFrequenciesSumsExactlyToWeight) {
  const Model model = TestModel();
  const std::vector<Level> levels = {1, 1, 2};
  const std::vector<double> frequencies = {0.013, 0.5, kNoFrequency};
  const Explanation e = model.Explain(levels, frequencies);
  ASSERT_EQ(e.terms.size(), 4u);
  EXPECT_FALSE(e.terms[0].tf_adjusted);  // the prior
  EXPECT_TRUE(e.terms[1].tf_adjusted);
  EXPECT_EQ(e.terms[1].value_frequency, 0.013);
  EXPECT_EQ(e.terms[1].weight, model.TfAdjustedLevelWeight(0, 1, 0.013));
  EXPECT_FALSE(e.terms[2].tf_adjusted);  // birth_date has no tf_adjust level
  EXPECT_EQ(e.terms[2].weight, model.LevelWeight(1, 1));
  EXPECT_FALSE(e.terms[3].tf_adjusted);
  EXPECT_EQ(e.weight,
            e.terms[0].weight + e.terms[1].weight + e.terms[2].weight + e.terms[3].weight);
  EXPECT_EQ(e.weight, model.Weight(levels, frequencies));
  EXPECT_NE(e.weight, model.Weight(levels));
  // The scorer's loop (prior, then each level's weight, tf where adjusted) gives the same bits.
  double scored = model.PriorWeight();
  for (size_t c = 0; c < levels.size(); ++c) {
    scored += model.comparisons[c].tf_adjust[levels[c]]
                  ? model.TfAdjustedLevelWeight(c, levels[c], frequencies[c])
                  : model.LevelWeight(c, levels[c]);
  }
  EXPECT_EQ(e.weight, scored);
}

// ---------------------------------------------------------------------------------------------
// Term-frequency adjustment

TEST(ModelTest, TermFrequencyLowersTheWeightOfCommonValues) {
  const Model model = TestModel();
  const double common = 0.006;   // 王伟-like: 0.6% of the records
  const double rare = 0.000002;  // 欧阳娜娜-like
  const double w_common = model.TfAdjustedLevelWeight(0, 1, common);
  const double w_rare = model.TfAdjustedLevelWeight(0, 1, rare);
  EXPECT_LT(w_common, w_rare);
  EXPECT_DOUBLE_EQ(w_common, std::log2(0.85 / common));
  EXPECT_DOUBLE_EQ(w_rare, std::log2(0.85 / rare));
  // A value more common than the average agreement (u = 0.02) says less than the plain level.
  EXPECT_LT(model.TfAdjustedLevelWeight(0, 1, 0.05), model.LevelWeight(0, 1));
  EXPECT_GT(model.TfAdjustedLevelWeight(0, 1, 0.001), model.LevelWeight(0, 1));
}

TEST(ModelTest, TermFrequencyNeverWeighsExactBelowALessSimilarLevel) {
  // The engine's order: 1 else, 2 pinyin, 3 exact (adjusted). A value so common that m / f falls
  // below the pinyin level's m / u takes the pinyin level's weight instead.
  Model model;
  model.lambda = 1e-4;
  model.comparisons.push_back({.name = "name",
                               .level_labels = {"null", "else", "pinyin", "exact"},
                               .m = {0, 0.05, 0.10, 0.85},
                               .u = {0, 0.97, 0.0001, 0.0299},
                               .tf_adjust = {false, false, false, true}});
  const double pinyin = model.LevelWeight(0, 2);                      // log2(1000), about 9.97
  EXPECT_DOUBLE_EQ(model.TfAdjustedLevelWeight(0, 3, 0.01), pinyin);  // log2(85) would be 6.4
  EXPECT_DOUBLE_EQ(model.TfAdjustedLevelWeight(0, 3, 0.00001), std::log2(0.85 / 0.00001));
}

TEST(ModelTest, TermFrequencyOnlyOnAdjustedLevelsWithKnownFrequency) {
  const Model model = TestModel();
  EXPECT_EQ(model.TfAdjustedLevelWeight(0, 2, 0.001), model.LevelWeight(0, 2));  // not adjusted
  EXPECT_EQ(model.TfAdjustedLevelWeight(1, 1, 0.001),
            model.LevelWeight(1, 1));                        // no tf_adjust level
  EXPECT_EQ(model.TfAdjustedLevelWeight(0, 0, 0.001), 0.0);  // null
  EXPECT_EQ(model.TfAdjustedLevelWeight(0, 1, kNoFrequency), model.LevelWeight(0, 1));
  EXPECT_EQ(model.TfAdjustedLevelWeight(0, 1, -1.0), model.LevelWeight(0, 1));
  EXPECT_EQ(model.TfAdjustedLevelWeight(0, 1, std::nan("")), model.LevelWeight(0, 1));
  EXPECT_DOUBLE_EQ(model.TfAdjustedLevelWeight(0, 1, 1e-30), std::log2(0.85 / kMinProbability));
  EXPECT_DOUBLE_EQ(model.TfAdjustedLevelWeight(0, 1, 7.0), std::log2(0.85));  // f clamped to 1
}

// ---------------------------------------------------------------------------------------------
// Validation

TEST(ModelTest, ValidateAcceptsTheTestModel) { EXPECT_TRUE(TestModel().Validate().ok()); }

TEST(ModelTest, ValidateNamesTheField) {
  struct Case {
    void (*mutate)(Model&);
    const char* field;
  };
  const Case cases[] = {
      {[](Model& m) { m.lambda = 0; }, "lambda"},
      {[](Model& m) { m.lambda = 1; }, "lambda"},
      {[](Model& m) { m.comparisons.clear(); }, "comparisons"},
      {[](Model& m) { m.comparisons[1].name = ""; }, "comparisons[1].name"},
      {[](Model& m) { m.comparisons[2].name = "surname"; }, "comparisons[2].name"},
      {[](Model& m) { m.comparisons[1].m.pop_back(); }, "comparisons[1].m"},
      {[](Model& m) { m.comparisons[1].u.push_back(0.1); }, "comparisons[1].u"},
      {[](Model& m) { m.comparisons[0].tf_adjust.pop_back(); }, "comparisons[0].tf_adjust"},
      {[](Model& m) { m.comparisons[0].tf_adjust[0] = true; }, "comparisons[0].tf_adjust[0]"},
      {[](Model& m) { m.comparisons[2].m[2] = 1.5; }, "comparisons[2].m[2]"},
      {[](Model& m) { m.comparisons[2].u[1] = -0.1; }, "comparisons[2].u[1]"},
      {[](Model& m) { m.comparisons[2].u[1] = std::nan(""); }, "comparisons[2].u[1]"},
      {[](Model& m) {
         m.comparisons[2].level_labels = {"null"};
         m.comparisons[2].m = {0};
         m.comparisons[2].u = {0};
       },
       "comparisons[2].level_labels"},
  };
  for (const Case& c : cases) {
    Model model = TestModel();
    c.mutate(model);
    const Status s = model.Validate();
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << c.field;
    EXPECT_THAT(s.message(), HasSubstr(std::string(c.field) + ":")) << c.field;
  }
}

TEST(ModelTest, CheckShape) {
  const Model model = TestModel();
  const std::vector<size_t> right = {4, 4, 3};
  EXPECT_TRUE(model.CheckShape(right).ok());
  const std::vector<size_t> fewer = {4, 4};
  EXPECT_EQ(model.CheckShape(fewer).code(), ErrorCode::kInvalidArgument);
  const std::vector<size_t> wrong = {4, 5, 3};
  const Status s = model.CheckShape(wrong);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("birth_date"));
}

// ---------------------------------------------------------------------------------------------
// JSON

void ExpectSameModel(const Model& a, const Model& b) {
  EXPECT_EQ(a.lambda, b.lambda);
  ASSERT_EQ(a.comparisons.size(), b.comparisons.size());
  for (size_t c = 0; c < a.comparisons.size(); ++c) {
    EXPECT_EQ(a.comparisons[c].name, b.comparisons[c].name);
    EXPECT_EQ(a.comparisons[c].level_labels, b.comparisons[c].level_labels);
    EXPECT_EQ(a.comparisons[c].m, b.comparisons[c].m);  // bit for bit
    EXPECT_EQ(a.comparisons[c].u, b.comparisons[c].u);
    EXPECT_EQ(a.comparisons[c].tf_adjust, b.comparisons[c].tf_adjust);
  }
}

TEST(ModelJsonTest, RoundTripIsExact) {
  Model model = TestModel();
  model.lambda = 1.0 / 3.0;
  model.comparisons[0].m = {0, 0.1 + 0.2, 0.7 - 0.2 - 0.1, 1.0 / 7.0};
  model.comparisons[1].u[1] = 1.234567890123456789e-9;
  model.comparisons[0].name = "姓名";
  model.comparisons[0].level_labels[2] = "同音";
  const std::string text = ModelToJson(model);
  EXPECT_THAT(text, HasSubstr("\"format\": \"popreg-link-model\""));
  EXPECT_THAT(text, HasSubstr("\"tf_adjust\": true"));
  Result<Model> back = ModelFromJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameModel(model, *back);
  EXPECT_EQ(ModelToJson(*back), text);
}

TEST(ModelJsonTest, SaveAndLoad) {
  TempDir dir;
  const std::string path = dir.File("model.json");
  const Model model = TestModel();
  ASSERT_TRUE(SaveModel(model, path).ok());
  Result<Model> back = LoadModel(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameModel(model, *back);
  // Saving again replaces the file.
  Model other = TestModel();
  other.lambda = 0.25;
  ASSERT_TRUE(SaveModel(other, path).ok());
  EXPECT_EQ(LoadModel(path)->lambda, 0.25);
}

TEST(ModelJsonTest, SaveRefusesAnInvalidModelNamingTheField) {
  TempDir dir;
  const std::string path = dir.File("model.json");
  Model model = TestModel();
  model.comparisons[0].m.pop_back();  // level counts not consistent
  const Status s = SaveModel(model, path);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(path));
  EXPECT_THAT(s.message(), HasSubstr("comparisons[0].m:"));
  EXPECT_FALSE(fs::exists(path));
}

TEST(ModelJsonTest, LoadMissingFile) {
  TempDir dir;
  const std::string path = dir.File("no-such-model.json");
  Result<Model> r = LoadModel(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr(path));
}

// A valid document with one comparison; `levels` is spliced in as its levels array.
std::string Document(const std::string& levels, const std::string& extra = "") {
  return R"({"format": "popreg-link-model", "version": 1, "lambda": 0.001,)" + extra +
         R"( "comparisons": [{"name": "surname", "levels": )" + levels + "}]}";
}

const char kGoodLevels[] =
    R"([{"label": "null"}, {"label": "exact", "m": 0.9, "u": 0.01, "tf_adjust": true},
        {"label": "else", "m": 0.1, "u": 0.99}])";

TEST(ModelJsonTest, LoadsAHandWrittenDocument) {
  Result<Model> r = ModelFromJson(Document(kGoodLevels));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->comparisons.size(), 1u);
  const ComparisonModel& c = r->comparisons[0];
  EXPECT_EQ(c.level_labels, (std::vector<std::string>{"null", "exact", "else"}));
  EXPECT_EQ(c.m, (std::vector<double>{0, 0.9, 0.1}));
  EXPECT_EQ(c.u, (std::vector<double>{0, 0.01, 0.99}));
  EXPECT_EQ(c.tf_adjust, (std::vector<bool>{false, true, false}));
  // "format" and "version" are optional; integers are fine probabilities.
  r = ModelFromJson(R"({"lambda": 0.5, "comparisons": [{"name": "x", "levels":
        [{"label": "null"}, {"label": "a", "m": 1, "u": 0}]}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->comparisons[0].m[1], 1.0);
  EXPECT_EQ(r->comparisons[0].tf_adjust, (std::vector<bool>{false, false}));
}

// Each bad document fails with kInvalidArgument naming the file and the field.
TEST(ModelJsonTest, LoadErrorsNameFileAndField) {
  struct Case {
    std::string text;
    std::string field;
  };
  const std::vector<Case> cases = {
      // A probability out of range.
      {Document(R"([{"label": "null"}, {"label": "exact", "m": 1.2, "u": 0.01},
                    {"label": "else", "m": 0.1, "u": 0.99}])"),
       "comparisons[0].levels[1].m: 1.2 is not a probability"},
      {Document(R"([{"label": "null"}, {"label": "exact", "m": 0.9, "u": 0.01},
                    {"label": "else", "m": 0.1, "u": -0.5}])"),
       "comparisons[0].levels[2].u: -0.5 is not a probability"},
      {R"({"lambda": 1.5, "comparisons": []})", "lambda: 1.5"},
      // Wrong level counts: only the null level; the null level with evidence.
      {Document(R"([{"label": "null"}])"), "comparisons[0].levels: 'surname' has 1 levels"},
      {Document(R"([{"label": "null", "m": 0.1}, {"label": "exact", "m": 0.9, "u": 0.01}])"),
       "comparisons[0].levels[0].m"},
      {Document(R"([])"), "comparisons[0].levels"},
      // Missing fields, wrong types, unknown fields.
      {Document(R"([{"label": "null"}, {"label": "exact", "u": 0.01}])"),
       "comparisons[0].levels[1].m: missing"},
      {Document(R"([{"label": "null"}, {"label": "exact", "m": "0.9", "u": 0.01}])"),
       "comparisons[0].levels[1].m: expected a number, found string"},
      {Document(R"([{"label": "null"}, {"label": "exact", "m": 0.9, "u": 0.01, "tf": true}])"),
       "comparisons[0].levels[1].tf: unknown field"},
      {Document(kGoodLevels, R"( "lamda": 0.1,)"), "lamda: unknown field"},
      {R"({"comparisons": []})", "lambda: missing"},
      {Document(kGoodLevels, R"( "version": 2,)"), "version"},
      {R"({"lambda": 0.1, "comparisons": [{"levels": []}]})", "comparisons[0].name: missing"},
      {R"({"lambda": 0.1, "comparisons": [{"name": "a", "levels":
            [{"label": "null"}, {"label": "x", "m": 1, "u": 1}]},
           {"name": "a", "levels": [{"label": "null"}, {"label": "x", "m": 1, "u": 1}]}]})",
       "comparisons[1].name: 'a' is used twice"},
      {"[1, 2]", "not a JSON object"},
      {"{\"lambda\": 0.1,", "not valid JSON"},
  };
  TempDir dir;
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string path = dir.File("bad" + std::to_string(i) + ".json");
    WriteText(path, cases[i].text);
    Result<Model> r = LoadModel(path);
    ASSERT_FALSE(r.ok()) << cases[i].text;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << cases[i].text;
    EXPECT_THAT(r.status().message(), HasSubstr(path + ": ")) << cases[i].text;
    EXPECT_THAT(r.status().message(), HasSubstr(cases[i].field)) << r.status().message();
  }
}

}  // namespace
}  // namespace popreg::link
