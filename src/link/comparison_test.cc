#include "link/comparison.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/thread_pool.h"
#include "link/record_set.h"

namespace popreg::link {
namespace {

// Two one-field record sets: left[i] against right[i].
struct Sets {
  RecordSet left, right;
};

Sets MakeSets(Normalizer n, const std::vector<std::string>& l, const std::vector<std::string>& r) {
  const std::vector<FieldSpec> fields = {{"f", n}};
  auto ids = [](size_t k) {
    std::vector<std::string> out;
    for (size_t i = 0; i < k; ++i) out.push_back(std::to_string(i));
    return out;
  };
  Sets s{BuildRecordSet(ids(l.size()), fields, {l}, "2026-09-30").value(),
         BuildRecordSet(ids(r.size()), fields, {r}, "2026-09-30").value()};
  return s;
}

Comparison Make(const std::vector<std::string>& levels) {
  Comparison c;
  c.name = "f";
  for (const std::string& l : levels) c.conditions.push_back(ParseCondition(l).value());
  return c;
}

// The level of each pair (left[i], right[i]).
std::vector<int> Levels(const Comparison& c, const Sets& s) {
  std::vector<int> out;
  for (RecordIndex i = 0; i < s.left.size(); ++i) out.push_back(c.Compare(s.left, i, s.right, i));
  return out;
}

TEST(ComparisonTest, LevelsCountDownFromTheMostSimilar) {
  const Comparison c = Make({"exact", "jaro_winkler>=0.9", "levenshtein<=3"});
  EXPECT_EQ(c.levels(), 5);
  EXPECT_EQ(c.LevelLabels(), (std::vector<std::string>{"null", "else", "levenshtein<=3",
                                                       "jaro_winkler>=0.9", "exact"}));
  const Sets s = MakeSets(Normalizer::kText, {"martha", "martha", "abcdef", "xyz", "", "a"},
                          {"Martha ", "marhta", "abcxyz", "uvwabc", "x", ""});
  EXPECT_EQ(Levels(c, s), (std::vector<int>{4, 3, 2, 1, 0, 0}));
}

TEST(ComparisonTest, AgreeOnlyScoresDisagreementAsMissing) {
  Comparison c = Make({"exact"});
  const Sets s = MakeSets(Normalizer::kText, {"18 hao", "18 hao", ""}, {"18 hao", "20 hao", "x"});
  EXPECT_EQ(Levels(c, s), (std::vector<int>{2, 1, 0}));
  c.agree_only = true;
  // Same levels and labels, but a pair no condition holds for is no evidence either way.
  EXPECT_EQ(c.levels(), 3);
  EXPECT_EQ(Levels(c, s), (std::vector<int>{2, 0, 0}));
}

TEST(ComparisonTest, ChineseNamesHomophonesAndLookAlikes) {
  const Comparison c = Make({"exact", "pinyin", "lookalike", "levenshtein<=1"});
  const Sets s = MakeSets(Normalizer::kNameZh, {"张伟", "张伟", "王未", "张伟", "李娜", "單雄信"},
                          {"張偉", "张玮", "王末", "张强", "王芳", "单雄信"});
  // 张伟/張偉 equal after t2s; 伟/玮 read wei; 未/末 look alike; 伟/强 one edit; 李娜/王芳 nothing.
  EXPECT_EQ(Levels(c, s), (std::vector<int>{5, 4, 3, 2, 1, 5}));
}

TEST(ComparisonTest, IdNumbers) {
  const Comparison c = Make({"exact", "id_typo", "id_birth"});
  const Sets s = MakeSets(Normalizer::kIdNumber,
                          {"350902198803120021", "350902198803120021", "350902198803120021",
                           "350902198803120021", "000000000000000000"},
                          {"350902 19880312 0021", "350902198803120012", "352201198803120045",
                           "110105194912310021", "350902198803120021"});
  // 15/18 and spacing equal; 21 -> 12 a transposition; same birth part; nothing; a placeholder
  // is null.
  EXPECT_EQ(Levels(c, s), (std::vector<int>{4, 3, 2, 1, 0}));
}

TEST(ComparisonTest, Dates) {
  const Comparison c = Make({"exact", "date_swap", "date_typo", "within_days<=30", "same_year"});
  const Sets s = MakeSets(Normalizer::kDate,
                          {"1985-03-02", "1985-03-02", "1985-03-02", "1985-03-02", "1985-03-02",
                           "1985-03-02", "1985-02-30"},
                          {"1985年3月2日", "1985-02-03", "1985-03-08", "1985-03-25", "1985-11-20",
                           "1986-07-01", "1985-03-02"});
  EXPECT_EQ(Levels(c, s), (std::vector<int>{6, 5, 4, 3, 2, 1, 0}));
}

TEST(ComparisonTest, NumbersAndPrefixes) {
  const Comparison num = Make({"exact", "abs_diff<=2"});
  const Sets n = MakeSets(Normalizer::kNumber, {"10", "10", "10", "x"}, {"10", "11.5", "13", "1"});
  EXPECT_EQ(Levels(num, n), (std::vector<int>{3, 2, 1, 0}));
  const Comparison pre = Make({"exact", "prefix<=3", "damerau<=1"});
  const Sets p = MakeSets(Normalizer::kDigits, {"4223", "4223", "4223"}, {"4223", "4229", "2423"});
  EXPECT_EQ(Levels(pre, p), (std::vector<int>{4, 3, 2}));
}

TEST(ComparisonTest, JaroAndPinyinJaroWinkler) {
  const Comparison jaro = Make({"jaro>=0.9", "jaro>=0.7"});
  const Sets t =
      MakeSets(Normalizer::kText, {"martha", "dwayne", "abc"}, {"marhta", "duane", "xyz"});
  // Jaro (no prefix boost): MARTHA/MARHTA 0.944, DWAYNE/DUANE 0.822.
  EXPECT_EQ(Levels(jaro, t), (std::vector<int>{3, 2, 1}));
  const Comparison py = Make({"pinyin_jaro_winkler>=0.95", "pinyin_jaro_winkler>=0.8"});
  const Sets n =
      MakeSets(Normalizer::kNameZh, {"张伟", "张伟", "张伟"}, {"章玮", "张维国", "李娜"});
  // zhang wei = zhang wei; zhang wei / zhang wei guo shares a long prefix; li na nothing.
  EXPECT_EQ(Levels(py, n), (std::vector<int>{3, 2, 1}));
}

TEST(ComparisonTest, BadConditionsAreNamed) {
  EXPECT_NE(ParseCondition("soundex").status().message().find("soundex"), std::string::npos);
  EXPECT_FALSE(ParseCondition("jaro_winkler>=x").ok());
  EXPECT_FALSE(ParseCondition("levenshtein<=-1").ok());
  EXPECT_FALSE(ParseCondition("exact2").ok());
}

// Four records of a name, a birth date and an ID, in several spellings.
const std::vector<FieldSpec> kFourFields = {
    {"name", Normalizer::kNameZh}, {"dob", Normalizer::kDate}, {"id", Normalizer::kIdNumber}};
const std::vector<std::vector<std::string>> kFourRaw = {
    {"张伟", "張偉", "章伟", ""},
    {"1985-03-02", "1985/3/9", "19850302", "1985-03-02"},
    {"350902198803120021", "", "350902 19880312 0021", "350902198803120021"}};

TEST(BlockingKeyTest, PartsOfValues) {
  const RecordSet s =
      BuildRecordSet({"a", "b", "c", "d"}, kFourFields, kFourRaw, "2026-09-30").value();
  auto key = [&](RecordIndex r, const std::string& spec) {
    return BlockingKey(s, r, {ParseKeyPart(spec, s).value()});
  };
  EXPECT_EQ(key(0, "name"), key(1, "name"));  // 張偉 is 张伟
  EXPECT_NE(key(0, "name"), key(2, "name"));
  EXPECT_EQ(key(0, "name.pinyin"), key(2, "name.pinyin"));  // zhang wei
  EXPECT_EQ(key(0, "name.initials"), key(2, "name.initials"));
  EXPECT_EQ(key(0, "dob.year"), key(1, "dob.year"));
  EXPECT_NE(key(0, "dob"), key(1, "dob"));
  EXPECT_EQ(key(0, "id.id_birth"), key(2, "id.id_birth"));
  EXPECT_EQ(key(3, "name"), 0u);  // null: no key
  EXPECT_EQ(key(1, "id"), 0u);
  const std::vector<KeyPart> both = {ParseKeyPart("name", s).value(),
                                     ParseKeyPart("dob", s).value()};
  EXPECT_NE(BlockingKey(s, 0, both), BlockingKey(s, 2, both));  // 章 is not 张
  EXPECT_NE(BlockingKey(s, 0, both), BlockingKey(s, 1, both));  // another day
  EXPECT_NE(BlockingKey(s, 0, both), 0u);
  EXPECT_FALSE(ParseKeyPart("nope", s).ok());
  EXPECT_FALSE(ParseKeyPart("name.first0", s).ok());
  EXPECT_FALSE(ParseKeyPart("dob.pinyin", s).ok());
}

// Records normalised from some rows of columns and appended to others are the records normalised
// all at once: the same values, keys and comparison levels.
TEST(RecordSetTest, RowsBuiltApartAndAppendedEqualTheWhole) {
  const RecordSet whole =
      BuildRecordSet({"a", "b", "c", "d"}, kFourFields, kFourRaw, "2026-09-30").value();
  std::vector<TextColumn> text;
  for (const auto& c : kFourRaw) text.emplace_back(c);
  std::vector<const TextColumn*> columns;
  for (const TextColumn& c : text) columns.push_back(&c);
  const std::vector<RecordIndex> first = {0, 1}, second = {2, 3};
  RecordSet set = BuildRecordSet({"a", "b"}, kFourFields, columns, first, "2026-09-30").value();
  RecordSet more = BuildRecordSet({"c", "d"}, kFourFields, columns, second, "2026-09-30").value();
  ASSERT_TRUE(Append(&set, std::move(more)).ok());
  ASSERT_EQ(set.size(), 4u);
  EXPECT_EQ(set.ids, whole.ids);
  for (size_t f = 0; f < whole.fields.size(); ++f) {
    for (RecordIndex r = 0; r < 4; ++r) {
      EXPECT_EQ(set.fields[f].ValueCopy(r), whole.fields[f].ValueCopy(r));
      EXPECT_EQ(set.fields[f].frequency_of(r), 0.0);
    }
  }
  // No frequencies until a job computes them: a million zeros per field otherwise.
  for (const FieldColumn& f : set.fields) EXPECT_TRUE(f.frequency.empty()) << f.name;
  std::u32string a, b;
  EXPECT_EQ(set.fields[0].pinyin(2, &a), whole.fields[0].pinyin(2, &b));
  EXPECT_EQ(set.fields[1].number(3), whole.fields[1].number(3));
  Comparison name;
  name.name = "name";
  name.field = 0;
  for (const char* l : {"exact", "pinyin"}) name.conditions.push_back(ParseCondition(l).value());
  for (RecordIndex a = 0; a < 4; ++a) {
    for (RecordIndex b = 0; b < 4; ++b) {
      EXPECT_EQ(name.Compare(set, a, set, b), name.Compare(whole, a, whole, b));
    }
  }
  // A row outside the columns, and sets of other fields, are refused.
  const std::vector<RecordIndex> outside = {7};
  EXPECT_FALSE(BuildRecordSet({"x"}, kFourFields, columns, outside, "2026-09-30").ok());
  RecordSet other =
      BuildRecordSet({"x"}, {{FieldSpec{"name", Normalizer::kText}}}, {{"张伟"}}, "2026-09-30")
          .value();
  EXPECT_FALSE(Append(&set, std::move(other)).ok());
  EXPECT_EQ(set.size(), 4u);
}

// Each row's frequency.
std::vector<double> Frequencies(const FieldColumn& f) {
  std::vector<double> out;
  for (RecordIndex r = 0; r < f.size(); ++r) out.push_back(f.frequency_of(r));
  return out;
}

// A value's frequency is its share of the non-null values of both sets together (of the one set
// when deduplicating); a null row's is 0.
TEST(RecordSetTest, TermFrequenciesCountTheValuesOfBothSets) {
  Sets s = MakeSets(Normalizer::kText, {"a", "b", "", "a"}, {"a", "c"});
  const std::vector<int> field = {0};
  ComputeTermFrequencies(&s.left, &s.right, field);
  const std::vector<double> left = {3.0 / 5, 1.0 / 5, 0.0, 3.0 / 5}, right = {3.0 / 5, 1.0 / 5};
  EXPECT_EQ(Frequencies(s.left.fields[0]), left);
  EXPECT_EQ(Frequencies(s.right.fields[0]), right);
  ComputeTermFrequencies(&s.left, nullptr, field);
  const std::vector<double> alone = {2.0 / 3, 1.0 / 3, 0.0, 2.0 / 3};
  EXPECT_EQ(Frequencies(s.left.fields[0]), alone);
}

// The same against counting by text in a std::map, on enough values to fill every shard of the
// engine's tables, with texts that have two codes in one set (after Append) and texts of one set
// only, on one thread and on three.
TEST(RecordSetTest, TermFrequenciesAddUpEveryCodeOfAText) {
  std::vector<std::string> l, r, more;
  for (int i = 0; i < 30000; ++i) {
    l.push_back(i % 11 == 0 ? "" : "v" + std::to_string(i * 7919 % 5003));
    r.push_back("v" + std::to_string(int64_t{i} * 104729 % 7001));
    if (i < 4000) more.push_back("v" + std::to_string(i % 2500));
  }
  Sets s = MakeSets(Normalizer::kText, l, r);
  const std::vector<FieldSpec> fields = {{"f", Normalizer::kText}};
  std::vector<std::string> more_ids;
  for (size_t i = 0; i < more.size(); ++i) more_ids.push_back("m" + std::to_string(i));
  ASSERT_TRUE(Append(&s.left, BuildRecordSet(more_ids, fields, {more}, "2026-09-30").value()).ok());
  l.insert(l.end(), more.begin(), more.end());
  std::map<std::string, int64_t> count;
  int64_t non_null = 0;
  for (const auto* side : {&l, &r}) {
    for (const std::string& v : *side) {
      if (!v.empty()) ++count[v], ++non_null;
    }
  }
  const double total = static_cast<double>(non_null);
  auto expected = [&](const std::vector<std::string>& side) {
    std::vector<double> out;
    for (const std::string& v : side) {
      out.push_back(v.empty() ? 0.0 : static_cast<double>(count[v]) / total);
    }
    return out;
  };
  const std::vector<int> field = {0};
  for (int threads : {1, 3}) {
    ThreadPool pool(threads);
    ComputeTermFrequencies(&s.left, &s.right, field, &pool);
    EXPECT_EQ(Frequencies(s.left.fields[0]), expected(l)) << threads << " threads";
    EXPECT_EQ(Frequencies(s.right.fields[0]), expected(r)) << threads << " threads";
  }
}

// A column whose characters are all below U+0100 holds a byte per character; one with any other
// holds four. Whatever the widths, the same characters are the same value: equal, the same hash,
// the same blocking key and comparison level, counted together for frequencies; and a narrow
// column that gets a wide value by Append becomes wide with its values unchanged.
TEST(RecordSetTest, NarrowAndWideColumnsHoldTheSameValues) {
  const std::vector<FieldSpec> fields = {{"f", Normalizer::kText}};
  RecordSet narrow =
      BuildRecordSet({"a", "b", "c"}, fields, {{"abc", "Zoë", "x y"}}, "2026-09-30").value();
  RecordSet wide =
      BuildRecordSet({"d", "e", "f"}, fields, {{"张伟", "abc", "zoë"}}, "2026-09-30").value();
  const FieldColumn& n = narrow.fields[0];
  const FieldColumn& w = wide.fields[0];
  EXPECT_TRUE(n.values.narrow());
  EXPECT_FALSE(w.values.narrow());
  EXPECT_EQ(n.ValueCopy(1), U"zoë");  // lower-cased by the text normaliser, ë kept
  EXPECT_TRUE(n.Same(0, w, 1));
  EXPECT_TRUE(w.Same(1, n, 0));
  EXPECT_TRUE(n.Same(1, w, 2));
  EXPECT_FALSE(n.Same(0, w, 0));
  EXPECT_EQ(n.values.Hash(n.code[0]), w.values.Hash(w.code[1]));
  const std::vector<KeyPart> key = {ParseKeyPart("f", narrow).value()};
  EXPECT_EQ(BlockingKey(narrow, 0, key), BlockingKey(wide, 1, key));
  EXPECT_NE(BlockingKey(narrow, 0, key), BlockingKey(wide, 0, key));
  const std::vector<KeyPart> first = {ParseKeyPart("f.first2", narrow).value()};
  EXPECT_EQ(BlockingKey(narrow, 1, first), BlockingKey(wide, 2, first));
  Comparison c;
  c.name = "f";
  c.field = 0;
  for (const char* l : {"exact", "levenshtein<=1"})
    c.conditions.push_back(ParseCondition(l).value());
  EXPECT_EQ(c.Compare(narrow, 0, wide, 1), 3);  // exact
  EXPECT_EQ(c.Compare(narrow, 1, wide, 2), 3);
  EXPECT_EQ(c.Compare(narrow, 2, wide, 0), 1);  // else
  ComputeTermFrequencies(&narrow, &wide, std::vector<int>{0});
  EXPECT_EQ(Frequencies(narrow.fields[0]), (std::vector<double>{2.0 / 6, 2.0 / 6, 1.0 / 6}));
  EXPECT_EQ(Frequencies(wide.fields[0]), (std::vector<double>{1.0 / 6, 2.0 / 6, 2.0 / 6}));
  const std::vector<std::u32string> before = {n.ValueCopy(0), n.ValueCopy(1), n.ValueCopy(2),
                                              w.ValueCopy(0), w.ValueCopy(1), w.ValueCopy(2)};
  ASSERT_TRUE(Append(&narrow, std::move(wide)).ok());
  const FieldColumn& all = narrow.fields[0];
  EXPECT_FALSE(all.values.narrow());
  for (RecordIndex r = 0; r < 6; ++r) EXPECT_EQ(all.ValueCopy(r), before[r]) << r;
  EXPECT_TRUE(all.Same(0, all, 4));
  EXPECT_EQ(all.frequency_of(0), 2.0 / 6);  // kept; the appended rows' are 0 until computed
  EXPECT_EQ(all.frequency_of(4), 0.0);
}

}  // namespace
}  // namespace popreg::link
