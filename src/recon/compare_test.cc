// The comparison end to end on the real components: a district from the generator, imported into
// a real SQLite store file, compared, and scored against the generator's truth.csv.
#include "recon/compare.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "gen/district.h"
#include "io/csv.h"
#include "io/table.h"
#include "recon/words.h"
#include "store/import.h"

namespace popreg::recon {
namespace {

namespace fs = std::filesystem;

using Key = std::tuple<std::string, std::string, std::string, std::string>;  // type,key,key2,field

// The truth file's rows, keyed as check-discrepancies keys them.
std::set<Key> ReadTruth(const std::string& path) {
  std::set<Key> truth;
  auto reader = io::TableReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  io::CsvRecord rec;
  EXPECT_TRUE(*(*reader)->Next(&rec));  // header
  while (*(*reader)->Next(&rec)) {
    truth.insert({rec.fields[0], rec.fields[1], rec.fields[2], rec.fields[3]});
  }
  return truth;
}

Key KeyOf(const store::Discrepancy& d) {
  if (d.type == "missing_in_register") return {d.type, d.source_id_number, "", ""};
  if (d.type == "unrecorded_birth") return {d.type, d.birth_key, "", ""};
  if (d.type == "field_mismatch") return {d.type, d.register_key, "", d.field};
  return {d.type, d.register_key, d.register_key_2, ""};
}

class CompareTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("popreg-compare-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    gen::GenOptions g;
    g.out_dir = (*dir_ / "district").string();
    g.households = 1500;
    g.seed = 11;
    auto summary = gen::GenerateDistrict(g);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    files_ = new std::map<std::string, std::string>;
    for (const gen::FileSummary& f : summary->files) {
      (*files_)[f.file.substr(0, f.file.find('.'))] = f.file;
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete files_;
  }

  // A new store with every file of the district imported.
  std::unique_ptr<store::Store> ImportedStore(const std::string& name) {
    auto s = store::CreateStore((*dir_ / name).string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store::ImportOptions options;
    options.as_of = "2026-09-30";
    for (io::Kind kind : io::AllKinds()) {
      auto file = files_->find(std::string(io::KindName(kind)));
      if (file == files_->end()) continue;
      const std::string path = File(file->second);
      auto r = store::ImportFile(**s, kind, path, options);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
    return std::move(s).value();
  }

  static std::string File(const std::string& name) { return (*dir_ / "district" / name).string(); }

  static CompareOptions Options() {
    CompareOptions o;
    o.as_of = {2026, 9, 30};
    o.since = {2025, 10, 1};
    return o;
  }

  static fs::path* dir_;
  static std::map<std::string, std::string>* files_;  // kind name -> file name
};

fs::path* CompareTest::dir_ = nullptr;
std::map<std::string, std::string>* CompareTest::files_ = nullptr;

TEST_F(CompareTest, EveryTypeReachesPrecisionAndRecallOf099OnAGeneratedDistrict) {
  auto store = ImportedStore("score.db");
  auto run = RunComparison(*store, Options(), "tester");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const std::set<Key> truth = ReadTruth(File("truth.csv"));
  std::map<std::string, int64_t> truth_n, found_n, right_n;
  for (const Key& k : truth) ++truth_n[std::get<0>(k)];
  for (const store::Discrepancy& d : run->compare.items) {
    ++found_n[d.type];
    if (truth.count(KeyOf(d))) ++right_n[d.type];
  }
  for (std::string_view type : store::kDiscrepancyTypes) {
    const std::string t(type);
    SCOPED_TRACE(t);
    ASSERT_GT(truth_n[t], 0) << "the district should have every type";
    const double precision = found_n[t] ? double(right_n[t]) / found_n[t] : 0;
    const double recall = double(right_n[t]) / truth_n[t];
    EXPECT_GE(precision, 0.99) << right_n[t] << " of " << found_n[t] << " found are true";
    EXPECT_GE(recall, 0.99) << right_n[t] << " of " << truth_n[t] << " true are found";
  }
  // Every item carries a proposal, in the office's words (Chinese, the field and department
  // named as its forms name them), and linked ones their probability and explanation.
  const std::map<std::string, std::string> says = {
      {"missing_in_register", "建卡"},   {"absent_from_source", "核实是否已迁出"},
      {"field_mismatch", "改为"},        {"unrecorded_birth", "出生"},
      {"unrecorded_death", "改为死亡"},  {"duplicate_in_register", "是同一人"},
      {"invalid_id_number", "GB 11643"}, {"incomplete_record", "补"}};
  for (const store::Discrepancy& d : run->compare.items) {
    EXPECT_FALSE(d.proposal.empty()) << d.identity;
    EXPECT_NE(d.proposal.find(says.at(d.type)), std::string::npos) << d.proposal;
    EXPECT_EQ(d.proposal.find(" of "), std::string::npos) << d.proposal;
    if (d.type == "field_mismatch") {
      EXPECT_NE(d.proposal.find(std::string(FieldWord(d.field)) + "由“" + d.register_value),
                std::string::npos)
          << d.proposal;
      EXPECT_NE(d.proposal.find("公安户籍第 "), std::string::npos) << d.proposal;
    }
    if (d.type == "field_mismatch" || d.type == "unrecorded_death" ||
        d.type == "duplicate_in_register") {
      EXPECT_TRUE(d.match_probability.has_value()) << d.identity;
      EXPECT_NE(d.explanation_json.find("terms"), std::string::npos) << d.identity;
    }
    if (d.type != "missing_in_register" && d.type != "unrecorded_birth") {
      EXPECT_FALSE(d.community_code.empty()) << d.identity;
    }
  }
}

TEST_F(CompareTest, ItemsKeepIdentityAndStatusAcrossRunsAndResolveWhenGone) {
  auto store = ImportedStore("identity.db");
  auto first = RunComparison(*store, Options(), "tester");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->saved.new_items, static_cast<int64_t>(first->compare.items.size()));
  // Reviewers decide three items.
  const auto& items = first->compare.items;
  ASSERT_GT(items.size(), 10u);
  std::map<int64_t, std::string> decided = {
      {items[0].id, "approved"}, {items[1].id, "rejected"}, {items[2].id, "verified"}};
  for (const auto& [id, status] : decided) {
    ASSERT_TRUE(store->SetDiscrepancyStatus(id, status, "reviewer", "checked").ok());
  }
  // The same data again: every item is carried with its id and status.
  auto second = RunComparison(*store, Options(), "tester");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->saved.new_items, 0);
  EXPECT_EQ(second->saved.resolved_items, 0);
  EXPECT_EQ(second->saved.carried_items, static_cast<int64_t>(items.size()));
  std::map<std::string, int64_t> id_of;
  for (const store::Discrepancy& d : items) id_of[d.identity] = d.id;
  for (const store::Discrepancy& d : second->compare.items) {
    EXPECT_EQ(d.id, id_of[d.identity]) << d.identity;
    auto it = decided.find(d.id);
    EXPECT_EQ(d.status, it == decided.end() ? "open" : it->second) << d.identity;
  }
  // A new police list in which a person missing from the register no longer appears: that item
  // is resolved, and the rest keep their state.
  const store::Discrepancy* missing = nullptr;
  for (const store::Discrepancy& d : items) {
    if (d.type == "missing_in_register" && !decided.count(d.id)) {
      missing = &d;
      break;
    }
  }
  ASSERT_NE(missing, nullptr);
  auto reader = io::TableReader::Open(File(files_->at("police_population")));
  ASSERT_TRUE(reader.ok());
  const std::string changed = (*dir_ / "police_changed.csv").string();
  auto writer = io::CsvWriter::Create(changed);
  ASSERT_TRUE(writer.ok());
  io::CsvRecord rec;
  int64_t row = 0;
  while (*(*reader)->Next(&rec)) {
    if (row++ != missing->source_row) {
      ASSERT_TRUE((*writer)->Write(rec.fields).ok());
    }
  }
  ASSERT_TRUE((*writer)->Close().ok());
  store::ImportOptions options;
  options.as_of = "2026-09-30";
  ASSERT_TRUE(store::ImportFile(*store, io::Kind::kPolicePopulation, changed, options).ok());
  auto third = RunComparison(*store, Options(), "tester");
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->saved.resolved_items, 1);
  EXPECT_EQ(third->saved.new_items, 0);
  store::DiscrepancyFilter resolved;
  resolved.status = "resolved";
  auto gone = store->ListDiscrepancies(resolved);
  ASSERT_TRUE(gone.ok());
  ASSERT_EQ(gone->size(), 1u);
  EXPECT_EQ((*gone)[0].id, missing->id);
  for (const store::Discrepancy& d : third->compare.items) {
    auto it = decided.find(d.id);
    if (it != decided.end()) {
      EXPECT_EQ(d.status, it->second);
    }
  }
}

TEST_F(CompareTest, AnAreaKeepsItsOwnItemsAndResolvesNothingElsewhere) {
  auto store = ImportedStore("area.db");
  auto all = RunComparison(*store, Options(), "tester");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  const std::string area = all->compare.items.front().community_code.substr(0, 9);
  CompareOptions o = Options();
  o.area = area;
  auto part = RunComparison(*store, o, "tester");
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  ASSERT_FALSE(part->compare.items.empty());
  int64_t in_area = 0;
  for (const store::Discrepancy& d : all->compare.items)
    in_area += d.community_code.starts_with(area);
  EXPECT_EQ(static_cast<int64_t>(part->compare.items.size()), in_area);
  for (const store::Discrepancy& d : part->compare.items) {
    EXPECT_TRUE(d.community_code.starts_with(area)) << d.identity;
  }
  EXPECT_EQ(part->saved.resolved_items, 0);  // the other townships' items stay as they were
  EXPECT_EQ(part->saved.new_items, 0);
}

// Departments leave optional columns out: a register and a police list without mothers'
// IDs, police births without the child's ID, deaths without birth dates. The jobs drop what
// they cannot compare, and the comparison still finds every type.
TEST_F(CompareTest, OptionalColumnsLeftOutStillCompare) {
  const std::map<std::string, std::set<std::string>> drop = {
      {"register", {"mother_id_number", "母亲身份号码"}},
      {"police_population", {"mother_id_number", "母亲身份号码"}},
      {"police_births", {"id_number", "公民身份号码"}},
      {"cremations", {"birth_date", "出生日期"}},
      {"death_certificates", {"birth_date", "出生日期"}}};
  auto s = store::CreateStore((*dir_ / "optional.db").string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  store::ImportOptions options;
  options.as_of = "2026-09-30";
  for (io::Kind kind : io::AllKinds()) {
    auto file = files_->find(std::string(io::KindName(kind)));
    if (file == files_->end()) continue;
    std::string path = File(file->second);
    auto d = drop.find(file->first);
    if (d != drop.end()) {
      auto reader = io::TableReader::Open(path);
      ASSERT_TRUE(reader.ok());
      path = (*dir_ / ("optional-" + file->first + ".csv")).string();
      auto writer = io::CsvWriter::Create(path);
      ASSERT_TRUE(writer.ok());
      io::CsvRecord rec;
      std::vector<bool> keep;
      while (*(*reader)->Next(&rec)) {
        if (keep.empty()) {
          for (const std::string& h : rec.fields) keep.push_back(!d->second.count(h));
        }
        std::vector<std::string> row;
        for (size_t i = 0; i < rec.fields.size(); ++i) {
          if (i < keep.size() && keep[i]) row.push_back(rec.fields[i]);
        }
        ASSERT_TRUE((*writer)->Write(row).ok());
      }
      ASSERT_TRUE((*writer)->Close().ok());
    }
    auto r = store::ImportFile(**s, kind, path, options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto run = RunComparison(**s, Options(), "tester");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const std::set<Key> truth = ReadTruth(File("truth.csv"));
  std::map<std::string, int64_t> truth_n, right_n;
  for (const Key& k : truth) ++truth_n[std::get<0>(k)];
  for (const store::Discrepancy& d : run->compare.items) right_n[d.type] += truth.count(KeyOf(d));
  for (std::string_view type : store::kDiscrepancyTypes) {
    const std::string t(type);
    EXPECT_GE(double(right_n[t]) / truth_n[t], 0.97) << t;
  }
}

TEST_F(CompareTest, AStoreWithoutARegisterIsAClearError) {
  auto s = store::CreateStore((*dir_ / "empty.db").string());
  ASSERT_TRUE(s.ok());
  auto run = RunComparison(**s, Options(), "tester");
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("has no register"), std::string::npos)
      << run.status().ToString();
}

}  // namespace
}  // namespace popreg::recon
