// Reads a generated district back the way the exchange spec says any reader must (aliases,
// encodings, every spelling), re-derives the discrepancies from what is in the files and the
// identities the generator recorded, and checks that truth.csv says exactly that.
#include "gen/district.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/csv.h"
#include "io/schema.h"
#include "norm/date_parse.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/regions.h"
#include "norm/sex.h"

namespace popreg::gen {
namespace {

namespace fs = std::filesystem;

// One file read back: each row as column name -> raw value, with the row's person.
struct Table {
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<int64_t> pid;
  io::Encoding encoding;
  bool chinese = false;
};

std::string TempDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() /
               (name + "-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(p);
  return p.string();
}

Table ReadKind(const std::string& dir, io::Kind kind) {
  Table t;
  const std::string path = dir + "/" + std::string(io::KindName(kind)) + ".csv";
  auto reader = io::CsvReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return t;
  t.encoding = (*reader)->encoding();
  io::CsvRecord rec;
  auto more = (*reader)->Next(&rec);
  EXPECT_TRUE(more.ok() && *more) << path;
  auto header = io::MapHeader(kind, rec.fields, path);
  EXPECT_TRUE(header.ok()) << header.status().ToString();
  if (!header.ok()) return t;
  const auto cols = io::Columns(kind);
  t.chinese = std::find(rec.fields.begin(), rec.fields.end(), std::string(cols[0].alias)) !=
              rec.fields.end();
  for (;;) {
    auto r = (*reader)->Next(&rec);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || !*r) break;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < cols.size(); ++i) {
      const int at = header->index[i];
      EXPECT_LT(at, static_cast<int>(rec.fields.size())) << path << " row " << rec.record;
      row[std::string(cols[i].name)] =
          at >= 0 && at < static_cast<int>(rec.fields.size()) ? rec.fields[at] : std::string();
      if (cols[i].required && at >= 0) {
        // Required person values may be blank only in the register (its own mistakes) and on
        // vaccination records (a child's name is not required there).
        EXPECT_TRUE(kind == io::Kind::kRegister || kind == io::Kind::kAreas ||
                    !rec.fields[at].empty())
            << path << " row " << rec.record << " column " << cols[i].name;
      }
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

void AttachIdentities(const std::string& dir, std::map<io::Kind, Table>* tables) {
  std::ifstream in(dir + "/identities.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "kind,row,person");
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string kind, row, pid;
    std::getline(ss, kind, ',');
    std::getline(ss, row, ',');
    std::getline(ss, pid, ',');
    Table& t = (*tables)[io::ParseKind(kind).value()];
    const size_t r = std::stoul(row);
    if (t.pid.size() < r) t.pid.resize(r, -1);
    t.pid[r - 1] = std::stoll(pid);
  }
}

// Values normalised by the spec's rules, checking that every non-blank value reads.
struct Norm {
  Date as_of;
  std::string Date_(const std::string& v) {
    if (norm::IsBlank(v)) return "";
    auto d = norm::ParseDate(v);
    EXPECT_TRUE(d.has_value()) << "unreadable date '" << v << "'";
    return d ? d->Iso() : "?";
  }
  std::string Sex(const std::string& v) {
    if (v.empty()) return "";
    const char s = norm::ParseSex(v);
    EXPECT_NE(s, 0) << "unreadable sex '" << v << "'";
    return std::string(1, s);
  }
  std::string Id(const std::string& v) {
    if (v.empty()) return "";
    return norm::ParseIdNumber(v, as_of).normalized;
  }
  std::string Name(const std::string& v) { return v.empty() ? "" : norm::CanonicalName(v); }
};

std::string Status(const std::string& v) {
  if (v.empty() || v == "alive" || v == "在册") return "alive";
  if (v == "deceased" || v == "死亡") return "deceased";
  if (v == "moved_out" || v == "迁出") return "moved_out";
  ADD_FAILURE() << "unknown status '" << v << "'";
  return v;
}

std::multiset<std::string> ReadTruth(const std::string& dir) {
  std::ifstream in(dir + "/truth.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "type,key,key2,field");
  std::multiset<std::string> out;
  while (std::getline(in, line)) out.insert(line);
  return out;
}

// The spec's definitions and rules 1-7, applied to the files read back.
std::multiset<std::string> DeriveTruth(std::map<io::Kind, Table>& t, const Date& as_of,
                                       const Date& since) {
  Norm n{as_of};
  std::multiset<std::string> out;
  auto add = [&](const std::string& type, const std::string& key, const std::string& key2,
                 const std::string& field) {
    out.insert(type + "," + key + "," + key2 + "," + field);
  };
  auto in_window = [&](const std::string& iso) {
    return !iso.empty() && iso != "?" && since.Iso() <= iso && iso <= as_of.Iso();
  };

  struct Reg {
    std::string key, name, sex, birth, id, status;
    int64_t pid;
  };
  std::vector<Reg> reg;
  std::unordered_map<int64_t, std::vector<size_t>> reg_of;
  const Table& rt = t[io::Kind::kRegister];
  for (size_t i = 0; i < rt.rows.size(); ++i) {
    const auto& r = rt.rows[i];
    Reg g{r.at("card_no") + "/" + r.at("person_no"),
          r.at("name"),
          n.Sex(r.at("sex")),
          n.Date_(r.at("birth_date")),
          r.at("id_number"),
          Status(r.at("status")),
          rt.pid[i]};
    if (g.status == "alive") reg_of[g.pid].push_back(reg.size());
    reg.push_back(std::move(g));
  }
  // What the departments know of each person.
  std::map<int64_t, std::string> police_birth, police_id, police_name, police_sex;
  std::unordered_map<int64_t, size_t> police_row;
  const Table& pt = t[io::Kind::kPolicePopulation];
  for (size_t i = 0; i < pt.rows.size(); ++i) police_row[pt.pid[i]] = i;
  std::map<int64_t, std::string> birth_key;  // child -> mother|date|sex from any birth source
  for (io::Kind k :
       {io::Kind::kPolicePopulation, io::Kind::kPoliceBirths, io::Kind::kVaccinations}) {
    const Table& s = t[k];
    for (size_t i = 0; i < s.rows.size(); ++i) {
      const std::string birth = n.Date_(s.rows[i].at("birth_date"));
      const std::string mother = n.Id(s.rows[i].at("mother_id_number"));
      if (!in_window(birth)) continue;
      EXPECT_EQ(mother.size(), 18u)
          << io::KindName(k) << " row " << i + 1 << ": a newborn without the mother's ID";
      const std::string key = mother + "|" + birth + "|" + n.Sex(s.rows[i].at("sex"));
      auto [it, fresh] = birth_key.emplace(s.pid[i], key);
      EXPECT_EQ(it->second, key) << "sources disagree on the birth key of person " << s.pid[i];
    }
  }
  std::set<int64_t> death_evidence;
  for (io::Kind k : {io::Kind::kCremations, io::Kind::kDeathCertificates}) {
    const Table& s = t[k];
    for (size_t i = 0; i < s.rows.size(); ++i) {
      if (n.Date_(s.rows[i].at("death_date")) <= as_of.Iso()) death_evidence.insert(s.pid[i]);
    }
  }
  auto agreement = [&](const Reg& g, const std::map<std::string, std::string>& p) {
    return int(n.Name(g.name) == n.Name(p.at("name"))) + int(g.sex == n.Sex(p.at("sex"))) +
           int(g.birth == n.Date_(p.at("birth_date"))) + int(n.Id(g.id) == n.Id(p.at("id_number")));
  };
  // The register row each police person links to: among the person's living rows, the one that
  // agrees best with the police record.
  std::unordered_map<int64_t, size_t> linked;
  for (const auto& [pid, rows] : reg_of) {
    auto it = police_row.find(pid);
    size_t best = rows[0];
    if (it != police_row.end()) {
      for (size_t r : rows) {
        if (agreement(reg[r], pt.rows[it->second]) > agreement(reg[best], pt.rows[it->second]))
          best = r;
      }
    }
    linked[pid] = best;
    for (size_t r : rows) {
      if (r != best)
        add("duplicate_in_register", std::min(reg[best].key, reg[r].key),
            std::max(reg[best].key, reg[r].key), "");
    }
  }
  for (size_t i = 0; i < reg.size(); ++i) {
    const Reg& g = reg[i];
    const norm::IdInfo id = norm::ParseIdNumber(g.id, as_of);
    if (!g.id.empty() && id.fails_standard()) add("invalid_id_number", g.key, "", "");
    if (g.status != "alive") continue;
    // Age from the register's birth date, or from what the departments say when it is blank.
    std::string birth = g.birth;
    if (birth.empty() && police_row.count(g.pid)) {
      birth = n.Date_(pt.rows[police_row[g.pid]].at("birth_date"));
    }
    const bool under_one = !birth.empty() && AgeInYears(Date::ParseIso(birth).value(), as_of) < 1;
    if (n.Name(g.name).empty() || g.sex.empty() || g.birth.empty() ||
        (g.id.empty() && !under_one)) {
      add("incomplete_record", g.key, "", "");
    }
    if (linked[g.pid] != i) continue;  // rule 7
    if (police_row.count(g.pid)) continue;
    if (death_evidence.count(g.pid)) {
      add("unrecorded_death", g.key, "", "");  // rule 1
    } else if (!in_window(birth)) {
      add("absent_from_source", g.key, "", "");  // rule 6 spares newborns
    }
  }
  for (size_t i = 0; i < pt.rows.size(); ++i) {
    const auto& p = pt.rows[i];
    auto it = linked.find(pt.pid[i]);
    if (it == linked.end()) {
      if (!birth_key.count(pt.pid[i])) add("missing_in_register", n.Id(p.at("id_number")), "", "");
      continue;
    }
    const Reg& g = reg[it->second];
    if (!g.name.empty() && n.Name(g.name) != n.Name(p.at("name")))
      add("field_mismatch", g.key, "", "name");
    if (!g.sex.empty() && g.sex != n.Sex(p.at("sex"))) add("field_mismatch", g.key, "", "sex");
    if (!g.birth.empty() && g.birth != n.Date_(p.at("birth_date"))) {
      add("field_mismatch", g.key, "", "birth_date");
    }
    if (!g.id.empty() && n.Id(g.id) != n.Id(p.at("id_number")))
      add("field_mismatch", g.key, "", "id_number");
  }
  std::set<int64_t> carded;
  for (const Reg& g : reg) carded.insert(g.pid);
  for (const auto& [pid, key] : birth_key) {
    if (!carded.count(pid)) add("unrecorded_birth", key, "", "");
  }
  return out;
}

// Every DistrictTest runs on a district (parameter 1) and on a city of three districts written
// one after another into the same files (parameter 3): the city's files must read back and
// derive their truth exactly as a district's do.
class DistrictTest : public ::testing::TestWithParam<int> {
 protected:
  struct Made {
    std::string dir;
    GenSummary summary;
  };
  static const Made& Get() {
    const int districts = GetParam();
    if (made_ == nullptr) made_ = new std::map<int, Made>;
    auto it = made_->find(districts);
    if (it == made_->end()) {
      GenOptions o;
      o.out_dir = TempDir("popreg-gen-" + std::to_string(districts));
      o.households = 4000;
      o.seed = 11;
      o.districts = districts;
      auto s = GenerateDistrict(o);
      EXPECT_TRUE(s.ok()) << s.status().ToString();
      it = made_->emplace(districts, Made{o.out_dir, s.ok() ? *s : GenSummary{}}).first;
    }
    return it->second;
  }
  static const std::string& Dir() { return Get().dir; }
  static const GenSummary& Summary() { return Get().summary; }
  static void TearDownTestSuite() {
    if (made_ == nullptr) return;
    for (const auto& [n, m] : *made_) fs::remove_all(m.dir);
    delete made_;
    made_ = nullptr;
  }
  static std::map<int, Made>* made_;
};
std::map<int, DistrictTest::Made>* DistrictTest::made_ = nullptr;

INSTANTIATE_TEST_SUITE_P(DistrictOrCity, DistrictTest, ::testing::Values(1, 3),
                         [](const auto& info) {
                           return info.param == 1 ? std::string("District")
                                                  : "CityOf" + std::to_string(info.param);
                         });

TEST_P(DistrictTest, TruthIsWhatTheFilesSay) {
  std::map<io::Kind, Table> tables;
  for (io::Kind k : io::AllKinds()) tables[k] = ReadKind(Dir(), k);
  AttachIdentities(Dir(), &tables);
  for (io::Kind k :
       {io::Kind::kRegister, io::Kind::kPolicePopulation, io::Kind::kPoliceBirths,
        io::Kind::kVaccinations, io::Kind::kCremations, io::Kind::kDeathCertificates}) {
    ASSERT_EQ(tables[k].pid.size(), tables[k].rows.size()) << io::KindName(k);
  }
  const std::multiset<std::string> truth = ReadTruth(Dir());
  const std::multiset<std::string> derived = DeriveTruth(tables, Summary().as_of, Summary().since);
  std::vector<std::string> only_truth, only_derived;
  std::set_difference(truth.begin(), truth.end(), derived.begin(), derived.end(),
                      std::back_inserter(only_truth));
  std::set_difference(derived.begin(), derived.end(), truth.begin(), truth.end(),
                      std::back_inserter(only_derived));
  for (size_t i = 0; i < std::min<size_t>(only_truth.size(), 10); ++i) {
    ADD_FAILURE() << "in truth.csv, not in the files: " << only_truth[i];
  }
  for (size_t i = 0; i < std::min<size_t>(only_derived.size(), 10); ++i) {
    ADD_FAILURE() << "in the files, not in truth.csv: " << only_derived[i];
  }
  EXPECT_EQ(truth.size(), derived.size());
}

TEST_P(DistrictTest, EveryDiscrepancyTypeOccurs) {
  ASSERT_EQ(Summary().truth.size(), 8u);
  for (const auto& [type, n] : Summary().truth) EXPECT_GT(n, 0) << type;
  // Twins whose birth neither office carded share one key and count twice.
  std::map<std::string, int> births;
  for (const std::string& line : ReadTruth(Dir())) {
    if (line.starts_with("unrecorded_birth,")) births[line]++;
  }
  EXPECT_FALSE(births.empty());
}

TEST_P(DistrictTest, FilesUseEveryEncodingHeaderLanguageAndSpelling) {
  std::set<io::Encoding> encodings;
  std::set<bool> languages;
  std::set<std::string> date_forms, sex_forms;
  for (io::Kind k : io::AllKinds()) {
    Table t = ReadKind(Dir(), k);
    encodings.insert(t.encoding);
    languages.insert(t.chinese);
    for (const auto& row : t.rows) {
      for (const auto& [col, v] : row) {
        if (v.empty()) continue;
        if (col == "birth_date" || col == "death_date") {
          if (v.find("年") != std::string::npos)
            date_forms.insert("年月日");
          else if (v.find('/') != std::string::npos)
            date_forms.insert("slash");
          else if (v.find('.') != std::string::npos)
            date_forms.insert("dot");
          else if (v.find('-') != std::string::npos)
            date_forms.insert("iso");
          else if (v.size() == 8)
            date_forms.insert("compact");
        }
        if (col == "sex") sex_forms.insert(v);
      }
    }
  }
  EXPECT_EQ(encodings.size(), 3u);
  EXPECT_EQ(languages.size(), 2u);
  EXPECT_EQ(date_forms.size(), 5u);
  for (const char* s : {"男", "女", "M", "F", "male", "female", "1", "2"}) {
    EXPECT_TRUE(sex_forms.count(s)) << s;
  }
}

TEST_P(DistrictTest, PeopleLookLikeARealDistrict) {
  Table police = ReadKind(Dir(), io::Kind::kPolicePopulation);
  Table reg = ReadKind(Dir(), io::Kind::kRegister);
  ASSERT_GT(police.rows.size(), 8000u);
  Norm n{Summary().as_of};
  std::map<std::string, int> surnames;
  int compound = 0, dotted = 0, retired_codes = 0, migrants = 0, legacy15 = 0;
  for (const auto& row : police.rows) {
    const std::string name = n.Name(row.at("name"));
    const norm::IdInfo id = norm::ParseIdNumber(row.at("id_number"), Summary().as_of);
    // Police IDs are always valid and agree with the person's birth date and sex.
    ASSERT_TRUE(id.valid()) << row.at("id_number");
    EXPECT_EQ(id.birth.Iso(), n.Date_(row.at("birth_date")));
    EXPECT_EQ(std::string(1, id.sex), n.Sex(row.at("sex")));
    ASSERT_TRUE(norm::IdAddressCodeEverUsed(id.normalized)) << id.normalized;
    const norm::Region* region = norm::FindRegion(id.normalized.substr(0, 6));
    if (region != nullptr && region->until != 0) ++retired_codes;
    if (std::find(Summary().districts.begin(), Summary().districts.end(),
                  id.normalized.substr(0, 6)) == Summary().districts.end()) {
      ++migrants;
    }
    if (name.find("·") != std::string::npos) {
      ++dotted;
      continue;
    }
    for (const char* c :
         {"欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "令狐", "慕容", "夏侯"}) {
      if (name.starts_with(c)) ++compound;
    }
    surnames[name.substr(0, 3)]++;
  }
  for (const auto& row : reg.rows) {
    std::string id = norm::CleanIdNumber(row.at("id_number"));
    if (id.size() == 15) ++legacy15;
  }
  std::vector<int> counts;
  for (const auto& [s, c] : surnames) counts.push_back(c);
  std::sort(counts.rbegin(), counts.rend());
  const double top5 = double(counts[0] + counts[1] + counts[2] + counts[3] + counts[4]) /
                      static_cast<double>(police.rows.size());
  EXPECT_GT(top5, 0.2);  // 王李张刘陈: about 30% nationally
  EXPECT_LT(top5, 0.4);
  EXPECT_GT(surnames.size(), 80u);
  EXPECT_GT(compound, 0);
  EXPECT_GT(dotted, 0);
  EXPECT_GT(retired_codes, 0);
  EXPECT_GT(migrants, 0);
  EXPECT_GT(legacy15, 0);
}

// population.csv read back: its header and each row as column name -> value.
struct Population {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  std::unordered_map<int64_t, size_t> row_of;  // person -> index of their row
  const std::map<std::string, std::string>* Find(int64_t pid) const {
    auto it = row_of.find(pid);
    return it == row_of.end() ? nullptr : &rows[it->second];
  }
};

Population ReadPopulation(const std::string& dir) {
  Population pop;
  auto reader = io::CsvReader::Open(dir + "/population.csv");
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return pop;
  EXPECT_EQ((*reader)->encoding(), io::Encoding::kUtf8);
  io::CsvRecord rec;
  for (bool first = true;; first = false) {
    auto more = (*reader)->Next(&rec);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    if (first) {
      pop.header = rec.fields;
      continue;
    }
    EXPECT_EQ(rec.fields.size(), pop.header.size()) << "population.csv row " << rec.record;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < pop.header.size() && i < rec.fields.size(); ++i) {
      row[pop.header[i]] = rec.fields[i];
    }
    const int64_t pid = std::stoll(row["person"]);
    EXPECT_TRUE(pop.row_of.emplace(pid, pop.rows.size()).second) << "person " << pid << " twice";
    pop.rows.push_back(std::move(row));
  }
  return pop;
}

// Everything a test of population.csv reads: the files with their persons, the truth by type
// (its other columns joined by commas), population.csv.
struct ReadBack {
  std::map<io::Kind, Table> tables;
  std::map<std::string, std::multiset<std::string>> truth;
  std::unordered_map<std::string, int64_t> person_of_key;  // register key -> person
  Population pop;
};

ReadBack ReadDistrict(const std::string& dir) {
  ReadBack d;
  for (io::Kind k : io::AllKinds()) d.tables[k] = ReadKind(dir, k);
  AttachIdentities(dir, &d.tables);
  for (const std::string& line : ReadTruth(dir)) {
    const size_t comma = line.find(',');
    d.truth[line.substr(0, comma)].insert(line.substr(comma + 1));
  }
  const Table& reg = d.tables[io::Kind::kRegister];
  EXPECT_EQ(reg.pid.size(), reg.rows.size()) << "identities.csv misses register rows";
  for (size_t i = 0; i < reg.rows.size() && i < reg.pid.size(); ++i) {
    d.person_of_key[reg.rows[i].at("card_no") + "/" + reg.rows[i].at("person_no")] = reg.pid[i];
  }
  d.pop = ReadPopulation(dir);
  return d;
}

// The first key of each truth item of `type` (the text before the first comma).
std::vector<std::string> TruthKeys(const ReadBack& d, const std::string& type) {
  std::vector<std::string> keys;
  auto it = d.truth.find(type);
  if (it == d.truth.end()) return keys;
  for (const std::string& rest : it->second) keys.push_back(rest.substr(0, rest.find(',')));
  return keys;
}

TEST_P(DistrictTest, PopulationRowsAreWellFormed) {
  const Population pop = ReadPopulation(Dir());
  const std::vector<std::string> header = {
      "person", "household",  "community_code", "card_no",          "name",
      "sex",    "birth_date", "id_number",      "relation",         "ethnicity",
      "status", "death_date", "moved_out_date", "mother_id_number", "mother_person"};
  EXPECT_EQ(pop.header, header);
  ASSERT_GT(pop.rows.size(), 8000u);
  const Date as_of = Summary().as_of;
  std::set<std::string> ids, communities;
  const Table areas = ReadKind(Dir(), io::Kind::kAreas);
  for (const auto& row : areas.rows) {
    if (row.at("level") == "community") communities.insert(row.at("code"));
  }
  std::map<std::string, int> statuses;
  for (const auto& r : pop.rows) {
    const std::string who = "person " + r.at("person");
    EXPECT_EQ(r.at("name"), norm::CanonicalName(r.at("name"))) << who;
    EXPECT_FALSE(r.at("name").empty()) << who;
    EXPECT_TRUE(r.at("sex") == "M" || r.at("sex") == "F") << who;
    const auto birth = Date::ParseIso(r.at("birth_date"));
    ASSERT_TRUE(birth.has_value()) << who;
    EXPECT_LE(*birth, as_of) << who;
    EXPECT_TRUE(communities.count(r.at("community_code"))) << who;
    // With the default rates no household moved within the district: its card is in its
    // community (card numbers are the community code and four digits).
    if (!r.at("card_no").empty()) {
      EXPECT_EQ(r.at("card_no").substr(0, 12), r.at("community_code")) << who;
    }
    const std::string& id = r.at("id_number");
    if (id.empty()) {
      // Only a newborn the police have not registered has no ID.
      EXPECT_GT(*birth, as_of.AddYears(-2)) << who;
    } else {
      const norm::IdInfo info = norm::ParseIdNumber(id, as_of);
      EXPECT_TRUE(info.valid()) << who << " " << id;
      EXPECT_EQ(info.normalized, id) << who;
      EXPECT_EQ(info.birth, *birth) << who;
      EXPECT_EQ(std::string(1, info.sex), r.at("sex")) << who;
      EXPECT_TRUE(ids.insert(id).second) << who << ": ID " << id << " twice";
    }
    const std::string& status = r.at("status");
    statuses[status]++;
    EXPECT_TRUE(status == "alive" || status == "deceased" || status == "moved_out") << who;
    EXPECT_EQ(status == "deceased", !r.at("death_date").empty()) << who;
    EXPECT_EQ(status == "moved_out", !r.at("moved_out_date").empty()) << who;
    for (const char* col : {"death_date", "moved_out_date"}) {
      if (r.at(col).empty()) continue;
      const auto d = Date::ParseIso(r.at(col));
      ASSERT_TRUE(d.has_value()) << who << " " << col;
      EXPECT_TRUE(*birth <= *d && *d < as_of) << who << " " << col;
    }
    EXPECT_EQ(r.at("mother_id_number").empty(), r.at("mother_person").empty()) << who;
    if (const auto* m =
            r.at("mother_person").empty() ? nullptr : pop.Find(std::stoll(r.at("mother_person")))) {
      EXPECT_EQ(m->at("id_number"), r.at("mother_id_number")) << who;
      EXPECT_EQ(m->at("sex"), "F") << who;
    }
  }
  EXPECT_GT(statuses["deceased"], 0);
  EXPECT_GT(statuses["moved_out"], 0);
  const auto file = std::find_if(Summary().files.begin(), Summary().files.end(),
                                 [](const FileSummary& f) { return f.file == "population.csv"; });
  ASSERT_NE(file, Summary().files.end());
  EXPECT_EQ(file->rows, static_cast<int64_t>(pop.rows.size()));
}

TEST_P(DistrictTest, IdentitiesMapEveryRegisterRowToItsPerson) {
  const ReadBack d = ReadDistrict(Dir());
  Norm n{Summary().as_of};
  const Table& reg = d.tables.at(io::Kind::kRegister);
  ASSERT_EQ(reg.pid.size(), reg.rows.size());
  for (size_t i = 0; i < reg.rows.size(); ++i) {
    ASSERT_GE(reg.pid[i], 0) << "register row " << i + 1 << " has no person";
    const auto* p = d.pop.Find(reg.pid[i]);
    ASSERT_NE(p, nullptr) << "register row " << i + 1 << ": person " << reg.pid[i];
    // The office makes at most one mistake a person (and a newborn's ID may be left out), so the
    // row agrees with its person on two of these at least.
    const auto& r = reg.rows[i];
    const int agree = int(n.Name(r.at("name")) == p->at("name")) +
                      int(n.Sex(r.at("sex")) == p->at("sex")) +
                      int(n.Date_(r.at("birth_date")) == p->at("birth_date")) +
                      int(n.Id(r.at("id_number")) == p->at("id_number"));
    EXPECT_GE(agree, 2) << "register row " << i + 1 << " is not person " << reg.pid[i];
  }
  // A person carded twice: both rows are the one person.
  ASSERT_TRUE(d.truth.count("duplicate_in_register"));
  for (const std::string& rest : d.truth.at("duplicate_in_register")) {
    std::stringstream ss(rest);  // key,key2,field
    std::string key, key2;
    std::getline(ss, key, ',');
    std::getline(ss, key2, ',');
    EXPECT_EQ(d.person_of_key.at(key), d.person_of_key.at(key2)) << key << " " << key2;
  }
}

TEST_P(DistrictTest, PopulationHoldsEveryRegisterAndPolicePersonAsTheyAre) {
  const ReadBack d = ReadDistrict(Dir());
  Norm n{Summary().as_of};
  const Table& reg = d.tables.at(io::Kind::kRegister);
  for (size_t i = 0; i < reg.rows.size(); ++i) {
    const auto* p = d.pop.Find(reg.pid[i]);
    ASSERT_NE(p, nullptr) << "register row " << i + 1;
    // What the office recorded of a death or a move is true.
    const std::string status = Status(reg.rows[i].at("status"));
    if (status != "alive") {
      EXPECT_EQ(p->at("status"), status) << "register row " << i + 1;
    }
    if (status == "deceased") {
      EXPECT_EQ(p->at("death_date"), n.Date_(reg.rows[i].at("death_date")));
    }
  }
  const Table& police = d.tables.at(io::Kind::kPolicePopulation);
  for (size_t i = 0; i < police.rows.size(); ++i) {
    const auto* p = d.pop.Find(police.pid[i]);
    ASSERT_NE(p, nullptr) << "police row " << i + 1;
    const auto& r = police.rows[i];
    EXPECT_EQ(p->at("status"), "alive") << "police row " << i + 1;
    EXPECT_EQ(p->at("name"), n.Name(r.at("name"))) << "police row " << i + 1;
    EXPECT_EQ(p->at("sex"), n.Sex(r.at("sex"))) << "police row " << i + 1;
    EXPECT_EQ(p->at("birth_date"), n.Date_(r.at("birth_date"))) << "police row " << i + 1;
    EXPECT_EQ(p->at("id_number"), n.Id(r.at("id_number"))) << "police row " << i + 1;
    EXPECT_EQ(p->at("community_code"), r.at("community_code")) << "police row " << i + 1;
  }
  // Registered newborns live in the district; a death record of someone not in the population
  // is of a person from outside.
  for (size_t i = 0; i < d.tables.at(io::Kind::kPoliceBirths).pid.size(); ++i) {
    EXPECT_NE(d.pop.Find(d.tables.at(io::Kind::kPoliceBirths).pid[i]), nullptr);
  }
  for (io::Kind k : {io::Kind::kCremations, io::Kind::kDeathCertificates}) {
    const Table& t = d.tables.at(k);
    for (size_t i = 0; i < t.rows.size(); ++i) {
      const auto* p = d.pop.Find(t.pid[i]);
      if (p == nullptr || n.Date_(t.rows[i].at("death_date")) > Summary().as_of.Iso()) continue;
      EXPECT_EQ(p->at("status"), "deceased") << io::KindName(k) << " row " << i + 1;
      EXPECT_EQ(p->at("death_date"), n.Date_(t.rows[i].at("death_date")));
    }
  }
}

// A wrong population (a person missing or twice, a wrong status) breaks one of these: each
// population person is in the register, or is what a perfect comparison asks the office to card,
// and the living are the police list and those the truth explains.
TEST_P(DistrictTest, PopulationIsWhatTheTruthAsksFor) {
  const ReadBack d = ReadDistrict(Dir());
  const std::string as_of = Summary().as_of.Iso(), since = Summary().since.Iso();
  auto in_window = [&](const std::string& iso) { return since <= iso && iso <= as_of; };
  std::set<int64_t> carded, police, absent;
  const Table& reg = d.tables.at(io::Kind::kRegister);
  carded.insert(reg.pid.begin(), reg.pid.end());
  const Table& pt = d.tables.at(io::Kind::kPolicePopulation);
  police.insert(pt.pid.begin(), pt.pid.end());
  for (const std::string& key : TruthKeys(d, "absent_from_source")) {
    absent.insert(d.person_of_key.at(key));
  }
  for (const std::string& key : TruthKeys(d, "unrecorded_death")) {
    const auto* p = d.pop.Find(d.person_of_key.at(key));
    ASSERT_NE(p, nullptr) << key;
    EXPECT_EQ(p->at("status"), "deceased") << key;
  }
  std::multiset<std::string> missing, births;
  for (const std::string& id : TruthKeys(d, "missing_in_register")) missing.insert(id);
  for (const std::string& key : TruthKeys(d, "unrecorded_birth")) births.insert(key);
  std::multiset<std::string> uncarded_adults, uncarded_births;
  std::set<std::string> ids;
  int64_t alive = 0, alive_absent = 0, alive_newborns_off_police = 0;
  for (const auto& r : d.pop.rows) {
    const int64_t pid = std::stoll(r.at("person"));
    const bool is_alive = r.at("status") == "alive";
    const bool newborn = in_window(r.at("birth_date"));
    ids.insert(r.at("id_number"));
    if (absent.count(pid)) {
      // Absent: gone (and the office did not record it), or alive off the police list.
      EXPECT_TRUE(!is_alive || !police.count(pid)) << "person " << pid;
    }
    if (!is_alive) continue;
    ++alive;
    if (police.count(pid)) continue;
    if (newborn) {
      ++alive_newborns_off_police;  // rule 6, or an unrecorded birth
    } else {
      EXPECT_TRUE(absent.count(pid)) << "person " << pid << " lives here off the police list";
      ++alive_absent;
    }
  }
  EXPECT_EQ(alive, static_cast<int64_t>(police.size()) + alive_absent + alive_newborns_off_police);
  int64_t absent_alive = 0;
  for (int64_t pid : absent) {
    const auto* p = d.pop.Find(pid);
    ASSERT_NE(p, nullptr) << "person " << pid;
    absent_alive += p->at("status") == "alive";
  }
  EXPECT_EQ(absent_alive, alive_absent);
  // The people the office never carded: a living police person is a missing_in_register, a
  // child of the window an unrecorded_birth; nobody else.
  for (const auto& r : d.pop.rows) {
    if (carded.count(std::stoll(r.at("person")))) continue;
    EXPECT_EQ(r.at("status"), "alive") << "person " << r.at("person");
    if (in_window(r.at("birth_date"))) {
      uncarded_births.insert(r.at("mother_id_number") + "|" + r.at("birth_date") + "|" +
                             r.at("sex"));
    } else {
      uncarded_adults.insert(r.at("id_number"));
    }
  }
  EXPECT_EQ(uncarded_adults, missing);
  EXPECT_FALSE(missing.empty());
  // Every unrecorded birth is a child of the population, or of a mother from outside (a
  // vaccination record of a child who does not live here).
  for (const std::string& key : uncarded_births) {
    EXPECT_EQ(births.count(key), uncarded_births.count(key)) << key;
  }
  int64_t outside = 0;
  for (const std::string& key : births) {
    if (uncarded_births.count(key)) continue;
    ++outside;
    EXPECT_FALSE(ids.count(key.substr(0, key.find('|'))))
        << key << " is of a mother who lives here";
  }
  EXPECT_GT(outside, 0);
  EXPECT_FALSE(uncarded_births.empty());
}

TEST(GenerateDistrict, SameSeedSameBytesOtherSeedOtherBytes) {
  auto read_all = [](const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::ifstream in(e.path(), std::ios::binary);
      files[e.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
    }
    return files;
  };
  GenOptions o;
  o.households = 300;
  o.seed = 5;
  std::vector<std::map<std::string, std::string>> runs;
  for (uint64_t seed : {5, 5, 6}) {
    o.seed = seed;
    o.out_dir = TempDir("popreg-det-" + std::to_string(runs.size()));
    ASSERT_TRUE(GenerateDistrict(o).ok());
    runs.push_back(read_all(o.out_dir));
    fs::remove_all(o.out_dir);
  }
  EXPECT_EQ(runs[0].size(), 11u);  // 8 kinds, identities.csv, truth.csv, population.csv
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_NE(runs[0].at("register.csv"), runs[2].at("register.csv"));
}

TEST(GenerateDistrict, ACityIsItsDistrictsOneAfterAnother) {
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  GenOptions o;
  o.households = 300;
  o.seed = 5;
  o.out_dir = TempDir("popreg-first");
  ASSERT_TRUE(GenerateDistrict(o).ok());
  GenOptions c = o;
  c.households = 900;
  c.districts = 3;
  c.out_dir = TempDir("popreg-city");
  auto s = GenerateDistrict(c);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->districts, (std::vector<std::string>{"350902", "350921", "350922"}));
  EXPECT_EQ(s->households, 900);
  // The first district is the district alone: each department's file starts with its bytes (one
  // spelling, one header), and the other districts' rows follow.
  for (io::Kind k : io::AllKinds()) {
    const std::string file = std::string(io::KindName(k)) + ".csv";
    const std::string alone = read(o.out_dir + "/" + file), city = read(c.out_dir + "/" + file);
    EXPECT_TRUE(city.starts_with(alone)) << file;
    EXPECT_GT(city.size(), alone.size()) << file;
  }
  // Every district's communities are in the register, and no ID is given out twice.
  const Table reg = ReadKind(c.out_dir, io::Kind::kRegister);
  std::set<std::string> districts;
  for (const auto& row : reg.rows) districts.insert(row.at("community_code").substr(0, 6));
  EXPECT_EQ(districts, std::set<std::string>(s->districts.begin(), s->districts.end()));
  auto pop = io::CsvReader::Open(c.out_dir + "/population.csv");
  ASSERT_TRUE(pop.ok());
  io::CsvRecord rec;
  ASSERT_TRUE(*(*pop)->Next(&rec));
  const size_t id_col =
      std::find(rec.fields.begin(), rec.fields.end(), "id_number") - rec.fields.begin();
  std::set<std::string> ids;
  std::set<int64_t> persons;
  size_t rows = 0;
  while (*(*pop)->Next(&rec)) {
    ++rows;
    EXPECT_TRUE(persons.insert(std::stoll(rec.fields[0])).second) << rec.fields[0];
    if (!rec.fields[id_col].empty()) {
      EXPECT_TRUE(ids.insert(rec.fields[id_col]).second) << rec.fields[id_col];
    }
  }
  EXPECT_GT(rows, 2500u);
  // identities.csv numbers each file's rows 1..n once.
  auto idf = io::CsvReader::Open(c.out_dir + "/identities.csv");
  ASSERT_TRUE(idf.ok());
  ASSERT_TRUE(*(*idf)->Next(&rec));
  std::map<std::string, std::set<int64_t>> numbered;
  while (*(*idf)->Next(&rec)) {
    EXPECT_TRUE(numbered[rec.fields[0]].insert(std::stoll(rec.fields[1])).second)
        << rec.fields[0] << " row " << rec.fields[1];
  }
  EXPECT_EQ(numbered["register"].size(), reg.rows.size());
  EXPECT_EQ(*numbered["register"].rbegin(), static_cast<int64_t>(reg.rows.size()));
  fs::remove_all(o.out_dir);
  fs::remove_all(c.out_dir);
}

TEST(CityDistricts, TheCityFirstThenTheProvince) {
  auto nine = CityDistricts("350902", 9);
  ASSERT_TRUE(nine.ok());
  for (const std::string& code : *nine) EXPECT_TRUE(code.starts_with("3509")) << code;
  EXPECT_EQ(nine->front(), "350902");
  auto ten = CityDistricts("350902", 10);
  ASSERT_TRUE(ten.ok());
  EXPECT_EQ(std::vector<std::string>(ten->begin(), ten->begin() + 9), *nine);
  EXPECT_TRUE(ten->back().starts_with("35"));
  EXPECT_FALSE(ten->back().starts_with("3509"));
  // Fujian has 84 county-level divisions in use.
  EXPECT_TRUE(CityDistricts("350902", 84).ok());
  auto too_many = CityDistricts("350902", 85);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("福建省"), std::string::npos);
  EXPECT_FALSE(CityDistricts("350902", 0).ok());
  auto unknown = CityDistricts("999999", 2);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("999999"), std::string::npos);
}

TEST(GenerateDistrict, RejectsBadOptionsNamingThem) {
  GenOptions o;
  o.out_dir = TempDir("popreg-bad");
  o.households = 10;
  o.district_code = "999999";
  auto r = GenerateDistrict(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("999999"), std::string::npos);
  o.district_code = "350902";
  o.rates["no_such_rate"] = 0.1;
  r = GenerateDistrict(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no_such_rate"), std::string::npos);
  o.rates = {{"twins", 1.5}};
  EXPECT_FALSE(GenerateDistrict(o).ok());
  o.rates = {};
  o.since = Date{2027, 1, 1};
  EXPECT_FALSE(GenerateDistrict(o).ok());
  o.since = Date{};
  o.districts = 20;  // more districts than households
  r = GenerateDistrict(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--districts"), std::string::npos);
  fs::remove_all(o.out_dir);
}

TEST(GenerateDistrict, RatesChangeWhatIsMade) {
  GenOptions o;
  o.out_dir = TempDir("popreg-rates");
  o.households = 1500;
  o.rates = {{"duplicate", 0}, {"name_homophone", 0.2}};
  auto r = GenerateDistrict(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::string, int64_t> counts(r->truth.begin(), r->truth.end());
  EXPECT_EQ(counts["duplicate_in_register"], 0);
  EXPECT_GT(counts["field_mismatch"], 200);
  fs::remove_all(o.out_dir);
}

// The profile file `text`, written to a scratch file; its path.
std::string WriteProfile(const std::string& name, const std::string& text) {
  const std::string path = (fs::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(ReadProfile, ReadsTheRatesAndTheDescription) {
  auto r = ReadProfile(WriteProfile("p-ok.toml", R"(description = "x"
[rates]
twins = 0.1
duplicate = 0
)"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (RateMap{{"duplicate", 0.0}, {"twins", 0.1}}));
}

TEST(ReadProfile, EveryShippedProfileReadsAndMakesADistrict) {
  int profiles = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(POPREG_SOURCE_DIR) / "gen-profiles")) {
    if (entry.path().extension() != ".toml") continue;
    ++profiles;
    auto rates = ReadProfile(entry.path().string());
    ASSERT_TRUE(rates.ok()) << rates.status().ToString();
    EXPECT_FALSE(rates->empty()) << entry.path();
    GenOptions o;
    o.out_dir = TempDir("popreg-profile");
    o.households = 200;
    o.rates = *rates;
    auto made = GenerateDistrict(o);
    EXPECT_TRUE(made.ok()) << entry.path() << ": " << made.status().ToString();
    fs::remove_all(o.out_dir);
  }
  EXPECT_GE(profiles, 4);
}

TEST(ReadProfile, ErrorsNameTheFileAndTheKey) {
  struct Case {
    std::string text, wanted;
  };
  const Case cases[] = {
      {"[rates]\ntwins = 1.5\n", "rates.twins: must be a number between 0 and 1"},
      {"[rates]\ntwins = \"a lot\"\n", "rates.twins: must be a number"},
      {"[rates]\nno_such_rate = 0.1\n", "rates.no_such_rate: unknown rate"},
      {"colour = 1\n", "colour: unknown key"},
      {"description = 3\n", "description: must be a string"},
      {"rates = 0.1\n", "rates: must be a table"},
      {"[rates]\ntwins = = 0.1\n", "line 2"},
  };
  for (const Case& c : cases) {
    const std::string path = WriteProfile("p-bad.toml", c.text);
    auto r = ReadProfile(path);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(c.wanted), std::string::npos) << r.status().message();
  }
  auto missing = ReadProfile("/nonexistent/profile.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no such file"), std::string::npos);
}

}  // namespace
}  // namespace popreg::gen
