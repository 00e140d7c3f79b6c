// Writes what each office recorded of the world, in its own spelling, and the truth.
#include <algorithm>
#include <cassert>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "base/env.h"
#include "gen/names.h"
#include "gen/world.h"
#include "io/csv.h"
#include "io/schema.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/regions.h"

namespace popreg::gen {
namespace {

enum class VT { kText, kName, kDate, kSex, kId };

// How a column's values are spelled, from its name in the spec.
VT TypeOf(std::string_view column) {
  if (column == "sex") return VT::kSex;
  if (column.ends_with("id_number")) return VT::kId;
  if (column.ends_with("_date")) return VT::kDate;
  if (column == "name" || column.ends_with("_name")) return VT::kName;
  return VT::kText;
}

// A data row in canonical spelling (ISO dates, M/F, 18-character IDs, simplified names), with
// the person it describes.
struct Row {
  int64_t pid = -1;
  std::vector<std::string> values;
};

// A file's rows, their values in the spec's column order (io::Columns).
struct SourceFile {
  io::Kind kind;
  std::vector<Row> rows;
  bool person_rows = true;  // rows describe persons (listed in identities.csv)
};

// How one department's file looks: header language, encoding, the usual spellings.
struct Style {
  bool chinese_headers = false;
  io::Encoding encoding = io::Encoding::kUtf8;
  bool crlf = false;
  int date_style = 0;
  int sex_style = 0;
  bool lower_x = false;
  int dot_style = 0;
  bool shuffle_columns = false;
  bool extra_column = false;
  bool chinese_status = false;
};

// A discrepancy a perfect comparison must report (truth.csv); `type` indexes kTruthTypes.
struct TruthRow {
  int type;
  std::string key, key2, field;
  auto operator<=>(const TruthRow&) const = default;
};

constexpr std::string_view kTruthTypes[] = {
    "missing_in_register", "absent_from_source",    "field_mismatch",    "unrecorded_birth",
    "unrecorded_death",    "duplicate_in_register", "invalid_id_number", "incomplete_record"};

// The files the districts of a city write one after another: each department's file keeps the
// spelling the first district chose, and person, household and row numbers go on where the
// district before stopped. The truth is held until the last district, to be written sorted.
struct Outputs {
  struct File {
    std::string name;  // e.g. "register.csv"
    Style style;
    std::vector<size_t> order;  // the spec's columns in the order the file has them
    std::unique_ptr<io::CsvWriter> out;
    int64_t rows = 0;
  };
  std::string dir;
  std::vector<File> files;  // by the order Writer::Run makes them
  std::unique_ptr<io::CsvWriter> identities, population;
  int64_t identity_rows = 0, population_rows = 0;
  std::vector<TruthRow> truth;
  int64_t persons = 0, households = 0;  // of the districts already written

  std::string Path(std::string_view file) const {
    return (std::filesystem::path(dir) / file).string();
  }
};

constexpr std::string_view kDotForms[] = {"·", "•", "．", ".", "・"};

class Writer {
 public:
  Writer(const World& w, Outputs* out)
      : w_(w), out_(*out), rng_(Rng(w.options.seed).Fork(2)), extra_(Rng(w.options.seed).Fork(4)) {}

  Status Run() {
    Index();
    std::vector<SourceFile> files;
    files.push_back(Areas());
    files.push_back(Register());
    files.push_back(PolicePopulation());
    files.push_back(PoliceBirths());
    files.push_back(Vaccinations());
    files.push_back(DeathRecords(io::Kind::kCremations));
    files.push_back(DeathRecords(io::Kind::kDeathCertificates));
    files.push_back(ManualReport());
    first_row_.assign(files.size(), 0);
    for (size_t i = 0; i < files.size(); ++i) RETURN_IF_ERROR(WriteFile(files[i], i));
    RETURN_IF_ERROR(WriteIdentities(files));
    const Known known = WhoSourcesKnow(files);
    AddTruth(files, known);
    return WritePopulation(known);
  }

  // Writes truth.csv (sorted) and closes every file; fills the summary's files and truth counts.
  static Status Finish(Outputs& out, GenSummary* summary) {
    for (Outputs::File& f : out.files) {
      RETURN_IF_ERROR(f.out->Close());
      summary->files.push_back({f.name, f.rows, std::string(io::EncodingName(f.style.encoding)),
                                f.style.chinese_headers});
    }
    RETURN_IF_ERROR(out.identities->Close());
    summary->files.push_back({"identities.csv", out.identity_rows, "utf-8", false});
    std::sort(out.truth.begin(), out.truth.end());
    ASSIGN_OR_RETURN(auto truth, io::CsvWriter::Create(out.Path("truth.csv")));
    RETURN_IF_ERROR(truth->Write(std::vector<std::string>{"type", "key", "key2", "field"}));
    std::map<int, int64_t> counts;
    for (const TruthRow& t : out.truth) {
      counts[t.type]++;
      RETURN_IF_ERROR(truth->Write(
          std::vector<std::string>{std::string(kTruthTypes[t.type]), t.key, t.key2, t.field}));
    }
    RETURN_IF_ERROR(truth->Close());
    summary->files.push_back({"truth.csv", static_cast<int64_t>(out.truth.size()), "utf-8", false});
    for (int t = 0; t < 8; ++t) summary->truth.emplace_back(kTruthTypes[t], counts[t]);
    RETURN_IF_ERROR(out.population->Close());
    summary->files.push_back({"population.csv", out.population_rows, "utf-8", false});
    return Status::Ok();
  }

 private:
  double R(std::string_view name) const { return w_.rate(name); }
  // True with probability R(name), drawn from extra_ (the stream of the rates whose default is 0)
  // and only when the rate is not 0, so that the default district does not change.
  bool Extra(std::string_view name) { return R(name) > 0 && extra_.Bernoulli(R(name)); }

  void Index() {
    for (size_t i = 0; i < w_.register_rows.size(); ++i) {
      rows_of_person_[w_.register_rows[i].pid].push_back(i);
    }
  }

  // The household's address as the police write it (where it lives now), or as the register has
  // it (where the office carded it; the same place unless the household moved within the
  // district).
  std::string HouseholdAddress(const Household& hh, bool police) {
    if (!police && hh.card_community >= 0) {
      const Community& c = w_.communities[hh.card_community];
      const Township& t = w_.townships[c.township];
      if (c.village) return w_.district_name + t.name + c.name + hh.card_room + "号";
      return w_.district_name + t.name + c.name + hh.card_building + "号楼" + hh.card_unit +
             "单元" + hh.card_room + "室";
    }
    const Community& c = w_.communities[hh.community];
    const Township& t = w_.townships[c.township];
    std::string prefix = police ? w_.province + w_.district_name : w_.district_name;
    if (c.village) return prefix + t.name + c.name + hh.room + "号";
    if (!police)
      return prefix + t.name + c.name + hh.building + "号楼" + hh.unit + "单元" + hh.room + "室";
    const uint64_t form = rng_.Uniform(3);
    if (form == 0) return prefix + c.name + hh.building + "栋" + hh.unit + "单元" + hh.room;
    if (form == 1) return prefix + c.name + hh.building + "-" + hh.unit + "-" + hh.room;
    return prefix + t.name + c.name + hh.building + "号楼" + hh.unit + "单元" + hh.room + "室";
  }

  std::string Address(const Person& p, bool police) {
    if (p.household < 0) {
      const Community& c = rng_.Pick(w_.communities);
      return w_.district_name + c.name + std::to_string(rng_.UniformInt(1, 99)) + "号";
    }
    return HouseholdAddress(w_.households[p.household], police);
  }

  const std::string& CommunityCode(const Person& p) {
    if (p.household < 0) return rng_.Pick(w_.communities).code;
    return w_.communities[w_.households[p.household].community].code;
  }

  // -- The files --

  SourceFile Areas() {
    SourceFile f{io::Kind::kAreas, {}, false};
    f.rows.push_back({-1, {w_.district_code, w_.district_name, "district", ""}});
    for (const Township& t : w_.townships) {
      f.rows.push_back({-1, {t.code, t.name, "township", w_.district_code}});
    }
    for (const Community& c : w_.communities) {
      f.rows.push_back({-1, {c.code, c.name, "community", w_.townships[c.township].code}});
    }
    return f;
  }

  SourceFile Register() {
    SourceFile f{io::Kind::kRegister, {}};
    std::unordered_map<std::string, int64_t> household_of_card;
    for (size_t h = 0; h < w_.households.size(); ++h) {
      if (!w_.households[h].card_no.empty()) household_of_card[w_.households[h].card_no] = h;
    }
    for (const RegisterRow& r : w_.register_rows) {
      const Household& hh = w_.households[household_of_card.at(r.card_no)];
      f.rows.push_back(
          {r.pid,
           {r.card_no, w_.communities[r.community].code, hh.card_building, hh.card_unit,
            hh.card_room, HouseholdAddress(hh, false), std::to_string(r.person_no), r.name, r.sex,
            r.birth, r.id, r.relation, r.ethnicity, r.status, r.death_date, r.mother_id}});
    }
    return f;
  }

  SourceFile PolicePopulation() {
    SourceFile f{io::Kind::kPolicePopulation, {}};
    for (const Household& hh : w_.households) {
      const Community& c = w_.communities[hh.community];
      for (int64_t pid : hh.members) {
        const Person& p = w_.persons[pid];
        if (!p.OnPolice(w_.as_of)) continue;
        std::string mother_id;
        if (p.mother >= 0 &&
            (p.BornIn(w_.since, w_.as_of) || (AgeYears(p) < 18 && rng_.Bernoulli(0.7)))) {
          mother_id = w_.persons[p.mother].id;
        }
        f.rows.push_back({pid,
                          {hh.hukou_no, w_.townships[c.township].name + "派出所", c.code,
                           HouseholdAddress(hh, true), p.name, std::string(1, p.sex), p.birth.Iso(),
                           p.id, p.relation, p.ethnicity, mother_id}});
      }
    }
    return f;
  }

  double AgeYears(const Person& p) const {
    return static_cast<double>(w_.as_of.ToDays() - p.birth.ToDays()) / 365.25;
  }

  SourceFile PoliceBirths() {
    SourceFile f{io::Kind::kPoliceBirths, {}};
    for (size_t pid = 0; pid < w_.persons.size(); ++pid) {
      const Person& p = w_.persons[pid];
      if (p.birth_event < 0 || p.household < 0 || p.id.empty()) continue;
      const Person& m = w_.persons[p.mother];
      const Person* fa = p.father >= 0 ? &w_.persons[p.father] : nullptr;
      f.rows.push_back(
          {static_cast<int64_t>(pid),
           {p.name, std::string(1, p.sex), p.birth.Iso(), rng_.Bernoulli(0.95) ? p.id : "", m.name,
            m.id, fa ? fa->name : "", fa ? fa->id : "", CommunityCode(p), Address(p, true),
            p.police_registered.Iso()}});
    }
    std::sort(f.rows.begin(), f.rows.end(),
              [](const Row& a, const Row& b) { return a.values[10] < b.values[10]; });
    return f;
  }

  SourceFile Vaccinations() {
    SourceFile f{io::Kind::kVaccinations, {}};
    std::unordered_map<int64_t, bool> vaccinated;  // per birth event, so twins go together
    std::vector<std::string> clinics;
    for (const Township& t : w_.townships) clinics.push_back(t.name + "社区卫生服务中心");
    for (size_t pid = 0; pid < w_.persons.size(); ++pid) {
      const Person& p = w_.persons[pid];
      if (p.birth_event < 0) continue;
      auto [it, fresh] = vaccinated.try_emplace(p.birth_event, false);
      if (fresh) it->second = p.household < 0 || rng_.Bernoulli(R("vaccination"));
      if (!it->second) continue;
      const Person& m = w_.persons[p.mother];
      std::string child_name = p.name;
      const double u = rng_.UniformDouble();
      if (u < R("child_name_empty")) {
        child_name.clear();
      } else if (u < R("child_name_empty") + R("child_nickname")) {
        child_name = rng_.Bernoulli(0.5) ? std::string(rng_.Pick(Nicknames()))
                                         : m.name + (p.sex == 'M' ? "之子" : "之女");
      }
      f.rows.push_back({static_cast<int64_t>(pid),
                        {child_name, std::string(1, p.sex), p.birth.Iso(), m.name, m.id,
                         CommunityCode(p), Address(p, true), Phone(), rng_.Pick(clinics)}});
    }
    return f;
  }

  // A mobile number: 1 and ten digits.
  std::string Phone() {
    std::string phone = std::to_string(rng_.UniformInt(13000000000LL, 19999999999LL));
    return phone;
  }

  // A mistyped copy of a valid ID: one digit changed.
  std::string Mistype(const std::string& id) {
    std::string out = id;
    const size_t at = rng_.Uniform(17);
    char c;
    do {
      c = static_cast<char>('0' + rng_.Uniform(10));
    } while (c == out[at]);
    out[at] = c;
    return out;
  }

  SourceFile DeathRecords(io::Kind kind) {
    const bool cremation = kind == io::Kind::kCremations;
    SourceFile f{kind, {}};
    static constexpr std::string_view kCauses[] = {"脑梗死", "冠心病", "肺癌",     "慢性阻塞性肺病",
                                                   "高血压", "肝癌",   "胃癌",     "心力衰竭",
                                                   "肺炎",   "糖尿病", "交通事故", "脑出血"};
    const Date from = w_.as_of.AddDays(-420);
    const Date to = w_.as_of.AddDays(15);
    Rng pick = rng_.Fork(cremation ? 11 : 12);  // which deaths each office knows
    for (size_t pid = 0; pid < w_.persons.size(); ++pid) {
      const Person& p = w_.persons[pid];
      const bool has_c = pick.Bernoulli(p.household < 0 ? 0.6 : R("cremation"));
      const bool has_d = pick.Bernoulli(p.household < 0 ? 0.6 : R("death_certificate"));
      if (!p.dead || p.death < from || p.death > to || !(cremation ? has_c : has_d)) continue;
      std::string id = p.id;
      const double u = rng_.UniformDouble();
      if (u < R("evidence_id_missing")) {
        id.clear();
      } else if (u < R("evidence_id_missing") + R("evidence_id_wrong")) {
        id = Mistype(id);
      }
      std::string sex = rng_.Bernoulli(1 - R("evidence_sex_missing")) ? std::string(1, p.sex) : "";
      std::string birth = rng_.Bernoulli(1 - R("evidence_birth_missing")) ? p.birth.Iso() : "";
      if (Extra("evidence_sparse")) {  // only name, sex and home address
        id.clear();
        birth.clear();
        sex = std::string(1, p.sex);
      }
      const bool register_address = Extra("evidence_register_address") && p.household >= 0;
      Row r{static_cast<int64_t>(pid), {p.name, sex, id, birth, p.death.Iso()}};
      auto address = [&] {
        std::string a = Address(p, true);
        return register_address ? HouseholdAddress(w_.households[p.household], false) : a;
      };
      if (cremation) {
        r.values.push_back(p.death.AddDays(rng_.UniformInt(1, 4)).Iso());
        r.values.push_back(address());
        r.values.push_back(w_.district_name + "殡仪馆");
      } else {
        r.values.push_back(w_.district_name + (rng_.Bernoulli(0.7) ? "人民医院" : "中医院"));
        r.values.push_back(address());
        r.values.emplace_back(rng_.Pick(kCauses));
      }
      f.rows.push_back(std::move(r));
    }
    std::sort(f.rows.begin(), f.rows.end(),
              [](const Row& a, const Row& b) { return a.values[4] < b.values[4]; });
    return f;
  }

  // The office's own hand count per community: the register's numbers, miscounted a little.
  SourceFile ManualReport() {
    SourceFile f{io::Kind::kManualReport, {}, false};
    std::vector<int64_t> total(w_.communities.size()), births(w_.communities.size()),
        deaths(w_.communities.size());
    for (const RegisterRow& r : w_.register_rows) {
      const Date birth = w_.persons[r.pid].birth;
      if (r.status == "alive") total[r.community]++;
      if (r.status != "moved_out" && w_.since <= birth && birth <= w_.as_of) births[r.community]++;
      if (r.status == "deceased") {
        const Date d = Date::ParseIso(r.death_date).value_or(Date{});
        if (w_.since <= d && d <= w_.as_of) deaths[r.community]++;
      }
    }
    auto miscount = [&](int64_t v) {
      return std::to_string(
          std::max<int64_t>(0, v + (rng_.Bernoulli(0.3) ? rng_.UniformInt(-3, 3) : 0)));
    };
    for (size_t c = 0; c < w_.communities.size(); ++c) {
      f.rows.push_back(
          {-1,
           {w_.communities[c].code, miscount(total[c]), miscount(births[c]), miscount(deaths[c])}});
    }
    return f;
  }

  // -- Spelling --

  Style MakeStyle(size_t file_index) {
    Style s;
    const uint64_t k = w_.options.seed + file_index;
    s.chinese_headers = k % 2 == 0;
    s.encoding = k % 3 == 0   ? io::Encoding::kGb18030
                 : k % 3 == 1 ? io::Encoding::kUtf8Bom
                              : io::Encoding::kUtf8;
    s.crlf = rng_.Bernoulli(0.5);
    s.date_style = static_cast<int>(rng_.Uniform(5));
    s.sex_style = static_cast<int>(rng_.Uniform(4));
    s.lower_x = rng_.Bernoulli(0.25);
    s.dot_style = static_cast<int>(rng_.Uniform(std::size(kDotForms)));
    s.shuffle_columns = rng_.Bernoulli(0.3);
    s.extra_column = rng_.Bernoulli(0.3);
    s.chinese_status = rng_.Bernoulli(0.5);
    return s;
  }

  std::string Digits(std::string s, bool fullwidth) {
    if (!fullwidth) return s;
    std::string out;
    for (char c : s) {
      if (c >= '0' && c <= '9') {
        out += "\xEF\xBC";  // U+FF10..U+FF19 are EF BC 90..99
        out += static_cast<char>(0x90 + (c - '0'));
      } else {
        out += c;
      }
    }
    return out;
  }

  std::string SpellDate(const std::string& iso, const Style& st) {
    if (iso.empty()) return iso;
    const Date d = Date::ParseIso(iso).value();
    const int style =
        rng_.Bernoulli(R("odd_spelling")) ? static_cast<int>(rng_.Uniform(5)) : st.date_style;
    std::string out;
    switch (style) {
      case 0:
        out = iso;
        break;
      case 1:
        out = std::to_string(d.year) + "/" + std::to_string(d.month) + "/" + std::to_string(d.day);
        break;
      case 2:
        out = d.Compact();
        break;
      case 3:
        out = iso.substr(0, 4) + "." + iso.substr(5, 2) + "." + iso.substr(8, 2);
        break;
      default:
        out = std::to_string(d.year) + "年" + std::to_string(d.month) + "月" +
              std::to_string(d.day) + "日";
    }
    return Digits(out, rng_.Bernoulli(R("fullwidth") / 2));
  }

  std::string SpellSex(const std::string& sex, const Style& st) {
    if (sex.empty()) return sex;
    const bool m = sex == "M";
    const int style =
        rng_.Bernoulli(R("odd_spelling")) ? static_cast<int>(rng_.Uniform(4)) : st.sex_style;
    switch (style) {
      case 0:
        return m ? "男" : "女";
      case 1:
        return rng_.Bernoulli(0.1) ? (m ? "m" : "f") : sex;
      case 2:
        return rng_.Bernoulli(0.2) ? (m ? "Male" : "Female") : (m ? "male" : "female");
      default:
        return m ? "1" : "2";
    }
  }

  std::string SpellId(const std::string& id, const Style& st) {
    if (id.empty()) return id;
    std::string out = id;
    if (st.lower_x && !out.empty() && out.back() == 'X') out.back() = 'x';
    if (rng_.Bernoulli(R("id_spaced")) && out.size() == 18) {
      const std::string sep = rng_.Bernoulli(0.7) ? " " : "-";
      out = out.substr(0, 6) + sep + out.substr(6, 8) + sep + out.substr(14);
    }
    return Digits(out, rng_.Bernoulli(R("fullwidth")));
  }

  std::string SpellName(const std::string& name, const Style& st, bool department) {
    if (name.empty()) return name;
    std::vector<std::string_view> chars = SplitChars(name);
    const bool trad = department && rng_.Bernoulli(R("traditional"));
    std::string out;
    for (std::string_view ch : chars) {
      if (ch == "·") {
        out += kDotForms[st.dot_style];
        continue;
      }
      std::string_view t = trad ? Traditional(ch) : std::string_view{};
      out += t.empty() ? ch : t;
    }
    if (chars.size() >= 2 && rng_.Bernoulli(R("inner_space"))) {
      const size_t cut = chars[0].size();
      out = out.substr(0, cut) + " " + out.substr(cut);
    }
    return out;
  }

  std::string SpellStatus(const std::string& status, const Style& st) {
    if (status == "alive") {
      if (rng_.Bernoulli(0.5)) return "";
      return st.chinese_status ? "在册" : "alive";
    }
    if (status == "deceased") return st.chinese_status ? "死亡" : "deceased";
    return st.chinese_status ? "迁出" : "moved_out";
  }

  // Writes the district's rows of a file, after the earlier districts' rows. The first district
  // chooses the file's spelling and writes its header.
  Status WriteFile(const SourceFile& f, size_t index) {
    const auto columns = io::Columns(f.kind);
    if (out_.files.size() <= index) out_.files.resize(index + 1);
    Outputs::File& file = out_.files[index];
    if (!file.out) {
      file.name = std::string(io::KindName(f.kind)) + ".csv";
      file.style = MakeStyle(index);
      const Style& st = file.style;
      file.order.resize(columns.size());
      for (size_t i = 0; i < file.order.size(); ++i) file.order[i] = i;
      if (st.shuffle_columns) rng_.Shuffle(file.order);
      std::vector<std::string> header;
      for (size_t i : file.order) {
        header.emplace_back(st.chinese_headers ? columns[i].alias : columns[i].name);
      }
      if (st.extra_column) header.emplace_back(st.chinese_headers ? "备注" : "remark");
      ASSIGN_OR_RETURN(file.out, io::CsvWriter::Create(out_.Path(file.name), st.encoding, st.crlf));
      RETURN_IF_ERROR(file.out->Write(header));
    }
    const Style& st = file.style;
    const std::vector<size_t>& order = file.order;
    io::CsvWriter* out = file.out.get();
    first_row_[index] = file.rows;
    file.rows += static_cast<int64_t>(f.rows.size());
    const bool department = f.kind != io::Kind::kRegister;
    std::vector<std::string> cells;
    for (const Row& row : f.rows) {
      assert(row.values.size() == columns.size());
      cells.clear();
      for (size_t i : order) {
        const std::string& v = row.values[i];
        const std::string_view col = columns[i].name;
        switch (TypeOf(col)) {
          case VT::kName:
            cells.push_back(SpellName(v, st, department));
            break;
          case VT::kDate:
            cells.push_back(SpellDate(v, st));
            break;
          case VT::kSex:
            cells.push_back(SpellSex(v, st));
            break;
          case VT::kId:
            cells.push_back(SpellId(v, st));
            break;
          case VT::kText:
            cells.push_back(col == "status" ? SpellStatus(v, st) : v);
            break;
        }
      }
      if (st.extra_column) cells.emplace_back(rng_.Bernoulli(0.05) ? "已核实" : "");
      RETURN_IF_ERROR(out->Write(cells));
    }
    return Status::Ok();
  }

  // identities.csv: each district's rows after the earlier districts' (a file's rows and the
  // persons numbered on from theirs).
  Status WriteIdentities(const std::vector<SourceFile>& files) {
    if (!out_.identities) {
      ASSIGN_OR_RETURN(out_.identities, io::CsvWriter::Create(out_.Path("identities.csv")));
      RETURN_IF_ERROR(out_.identities->Write(std::vector<std::string>{"kind", "row", "person"}));
    }
    for (size_t k = 0; k < files.size(); ++k) {
      const SourceFile& f = files[k];
      if (!f.person_rows) continue;
      for (size_t i = 0; i < f.rows.size(); ++i) {
        RETURN_IF_ERROR(out_.identities->Write(std::vector<std::string>{
            std::string(io::KindName(f.kind)), std::to_string(first_row_[k] + i + 1),
            std::to_string(out_.persons + f.rows[i].pid)}));
      }
      out_.identity_rows += static_cast<int64_t>(f.rows.size());
    }
    return Status::Ok();
  }

  // -- The truth: the spec's definitions and rules 1-7 applied to what the generator knows --

  static const SourceFile& ByKind(const std::vector<SourceFile>& files, io::Kind k) {
    for (const SourceFile& f : files) {
      if (f.kind == k) return f;
    }
    return files.front();
  }

  // Who the departments' files know, by person id.
  struct Known {
    std::unordered_set<int64_t> on_police;    // on the police list of living residents
    std::unordered_set<int64_t> birth_known;  // on the police list, police births or vaccinations
    std::unordered_set<int64_t> death_evidence;  // a death record dated on or before as_of
  };

  Known WhoSourcesKnow(const std::vector<SourceFile>& files) const {
    Known k;
    for (const Row& r : ByKind(files, io::Kind::kPolicePopulation).rows) k.on_police.insert(r.pid);
    for (io::Kind kind :
         {io::Kind::kPolicePopulation, io::Kind::kPoliceBirths, io::Kind::kVaccinations}) {
      for (const Row& r : ByKind(files, kind).rows) k.birth_known.insert(r.pid);
    }
    for (io::Kind kind : {io::Kind::kCremations, io::Kind::kDeathCertificates}) {
      for (const Row& r : ByKind(files, kind).rows) {
        if (w_.persons[r.pid].death <= w_.as_of) k.death_evidence.insert(r.pid);
      }
    }
    return k;
  }

  // Adds the district's truth rows to out_.truth.
  void AddTruth(const std::vector<SourceFile>& files, const Known& known) {
    std::vector<TruthRow>& truth = out_.truth;
    // The register row a police person links to: the first living row (the original card of a
    // person carded twice).
    auto linked_row = [&](int64_t pid) -> const RegisterRow* {
      auto it = rows_of_person_.find(pid);
      if (it == rows_of_person_.end()) return nullptr;
      for (size_t i : it->second) {
        const RegisterRow& r = w_.register_rows[i];
        if (r.status == "alive" && !r.second_card) return &r;
      }
      return nullptr;
    };
    const Date& as_of = w_.as_of;
    for (const RegisterRow& r : w_.register_rows) {
      const Person& p = w_.persons[r.pid];
      const std::string key = r.key();
      // invalid_id_number: a register ID failing GB 11643's form (a valid 15-digit one does not).
      if (!r.id.empty() && norm::ParseIdNumber(r.id, as_of).fails_standard()) {
        truth.push_back({6, key, "", ""});
      }
      if (r.status != "alive") continue;
      // incomplete_record.
      if (r.name.empty() || r.sex.empty() || r.birth.empty() ||
          (r.id.empty() && AgeInYears(p.birth, as_of) >= 1)) {
        truth.push_back({7, key, "", ""});
      }
      if (r.second_card) {
        const RegisterRow* first = linked_row(r.pid);
        truth.push_back({5, std::min(first->key(), key), std::max(first->key(), key), ""});
        continue;  // rule 7: the card the police person is not linked to is not absent
      }
      if (known.on_police.count(r.pid)) continue;
      if (known.death_evidence.count(r.pid)) {
        truth.push_back({4, key, "", ""});  // rule 1: death evidence wins
        continue;
      }
      if (p.BornIn(w_.since, as_of)) continue;  // rule 6: newborns reach the police list late
      truth.push_back({1, key, "", ""});
    }
    for (const Row& row : ByKind(files, io::Kind::kPolicePopulation).rows) {
      const Person& p = w_.persons[row.pid];
      const RegisterRow* r = linked_row(row.pid);
      if (r == nullptr) {
        if (!p.BornIn(w_.since, as_of)) truth.push_back({0, p.id, "", ""});  // rule 2
        continue;
      }
      // field_mismatch: only the police list is authoritative (rule 3); empty register values
      // are incomplete records, not mismatches (rule 5).
      const std::string key = r->key();
      if (!r->name.empty() && norm::CanonicalName(r->name) != p.name) {
        truth.push_back({2, key, "", "name"});
      }
      if (!r->sex.empty() && r->sex[0] != p.sex) truth.push_back({2, key, "", "sex"});
      if (!r->birth.empty() && r->birth != p.birth.Iso()) {
        truth.push_back({2, key, "", "birth_date"});
      }
      if (!r->id.empty()) {
        const norm::IdInfo id = norm::ParseIdNumber(r->id, as_of);
        if (id.normalized != p.id) truth.push_back({2, key, "", "id_number"});  // rule 4
      }
    }
    // unrecorded_birth: once per child however many sources know it (rule 2); twins are two.
    for (int64_t pid : known.birth_known) {
      const Person& p = w_.persons[pid];
      if (!p.BornIn(w_.since, as_of) || rows_of_person_.count(pid)) continue;
      truth.push_back({3, w_.persons[p.mother].id + "|" + p.birth.Iso() + "|" + p.sex, "", ""});
    }
  }

  // -- The true register: what the register should hold on as_of --

  // True when the register should hold the person on as_of: a person who lives in the district
  // (or lived there: people who died or moved out stay on the register with their status) and
  // whom the office carded, or whom a perfect comparison asks it to card (a living resident on
  // the police list, a child born in the window that a source knows). People of the district
  // whom no file shows (never carded and gone by as_of, an uncarded child of before the window
  // without a police registration) are not: no comparison can find them. See
  // docs/synthetic-district.md, "3. The truth".
  bool InPopulation(int64_t pid, const Known& known) const {
    const Person& p = w_.persons[pid];
    if (p.household < 0) return false;
    return rows_of_person_.count(pid) > 0 || known.on_police.count(pid) > 0 ||
           (p.BornIn(w_.since, w_.as_of) && known.birth_known.count(pid) > 0);
  }

  // population.csv: one row per person InPopulation, in canonical spelling, households in the
  // world's order with their members head first. Draws no random numbers.
  Status WritePopulation(const Known& known) {
    if (!out_.population) {
      ASSIGN_OR_RETURN(out_.population, io::CsvWriter::Create(out_.Path("population.csv")));
      RETURN_IF_ERROR(out_.population->Write(std::vector<std::string>{
          "person", "household", "community_code", "card_no", "name", "sex", "birth_date",
          "id_number", "relation", "ethnicity", "status", "death_date", "moved_out_date",
          "mother_id_number", "mother_person"}));
    }
    io::CsvWriter* out = out_.population.get();
    const int64_t persons = out_.persons;
    for (size_t h = 0; h < w_.households.size(); ++h) {
      const Household& hh = w_.households[h];
      for (int64_t pid : hh.members) {
        if (!InPopulation(pid, known)) continue;
        const Person& p = w_.persons[pid];
        const bool deceased = p.dead && p.death <= w_.as_of;  // a death after as_of is to come
        const char* status = deceased ? "deceased" : p.moved_out ? "moved_out" : "alive";
        const bool has_mother = p.mother >= 0;
        RETURN_IF_ERROR(out->Write(std::vector<std::string>{
            std::to_string(persons + pid), std::to_string(out_.households + int64_t(h)),
            w_.communities[hh.community].code, hh.card_no, p.name, std::string(1, p.sex),
            p.birth.Iso(), p.id, p.relation, p.ethnicity, status, deceased ? p.death.Iso() : "",
            p.moved_out ? p.moved_out_on.Iso() : "", has_mother ? w_.persons[p.mother].id : "",
            has_mother ? std::to_string(persons + p.mother) : ""}));
        ++out_.population_rows;
      }
    }
    return Status::Ok();
  }

  const World& w_;
  Outputs& out_;
  Rng rng_;
  Rng extra_;
  std::unordered_map<int64_t, std::vector<size_t>> rows_of_person_;
  std::vector<int64_t> first_row_;  // by file: the rows earlier districts wrote
};

// The seed of the k-th district of a city: the city's seed for the first, so that a city of one
// district is the district `--seed` alone gives.
uint64_t DistrictSeed(uint64_t seed, int k) {
  return seed + static_cast<uint64_t>(k) * 0x9E3779B97F4A7C15ULL;
}

}  // namespace

Result<std::vector<std::string>> CityDistricts(const std::string& first, int count) {
  if (count < 1 || count > 100) return InvalidArgument("--districts must be between 1 and 100");
  ASSIGN_OR_RETURN(const norm::Region* start, CountyRegion(first));
  std::vector<std::string> codes{first};
  std::set<std::string> seen{first};
  // Two passes: the other districts of the same city (prefecture), then those of the province.
  for (bool same_city : {true, false}) {
    for (const norm::Region& r : norm::AllRegions()) {
      if (static_cast<int>(codes.size()) == count) return codes;
      if (r.level != "县级" || r.until != 0 || r.province != start->province) continue;
      if ((r.code.compare(0, 4, first, 0, 4) == 0) != same_city) continue;
      if (seen.insert(r.code).second) codes.push_back(r.code);
    }
  }
  if (static_cast<int>(codes.size()) == count) return codes;
  return InvalidArgument("--districts " + std::to_string(count) + ": " + start->province +
                         " has only " + std::to_string(codes.size()) +
                         " county-level divisions in use for a city that starts at --district " +
                         first);
}

Result<GenSummary> GenerateDistrict(const GenOptions& options) {
  ASSIGN_OR_RETURN(std::vector<std::string> codes,
                   CityDistricts(options.district_code, options.districts));
  const int64_t k = options.districts;
  if (options.households < k || options.households > 2'000'000 * k) {
    return InvalidArgument(k == 1 ? std::string("--households must be between 1 and 2000000")
                                  : "--households must be between --districts (" +
                                        std::to_string(k) + ") and 2000000 a district");
  }
  Outputs out;
  out.dir = options.out_dir;
  std::error_code ec;
  std::filesystem::create_directories(out.dir, ec);
  if (ec) return IoError("cannot create directory '" + out.dir + "': " + ec.message());
  IdSet ids;
  GenSummary s;
  s.districts = codes;
  for (int d = 0; d < options.districts; ++d) {
    // One district at a time: only its world is in memory, and its rows go to the files as soon
    // as it is made.
    GenOptions o = options;
    o.district_code = codes[d];
    o.seed = DistrictSeed(options.seed, d);
    o.households = options.households / k + (d < options.households % k ? 1 : 0);
    ASSIGN_OR_RETURN(World world, BuildWorld(o, &ids));
    s.as_of = world.as_of;
    s.since = world.since;
    s.townships += static_cast<int64_t>(world.townships.size());
    s.communities += static_cast<int64_t>(world.communities.size());
    s.households += static_cast<int64_t>(world.households.size());
    for (const Person& p : world.persons) s.persons += p.household >= 0 ? 1 : 0;
    RETURN_IF_ERROR(Writer(world, &out).Run());
    out.persons += static_cast<int64_t>(world.persons.size());
    out.households += static_cast<int64_t>(world.households.size());
  }
  RETURN_IF_ERROR(Writer::Finish(out, &s));
  return s;
}

}  // namespace popreg::gen
