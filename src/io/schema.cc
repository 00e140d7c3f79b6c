#include "io/schema.h"

#include <array>
#include <unordered_map>

#include "base/utf8.h"

namespace popreg::io {
namespace {

// The columns of each kind, copied from the exchange spec (spec/exchange-format.md, "Kinds of
// file"), in its order. `required` means the column must be in the header; whether its values
// may be empty is for the layers above (e.g. areas.parent_code is empty for the top area, and
// register.id_number for a baby under one year).
constexpr ColumnSpec kAreas[] = {
    {"code", "代码", true},
    {"name", "名称", true},
    {"level", "级别", true},
    {"parent_code", "上级代码", true},
};

constexpr ColumnSpec kRegister[] = {
    {"card_no", "户卡编号", true},
    {"community_code", "社区代码", true},
    {"building", "楼号", false},
    {"unit", "单元", false},
    {"room", "房号", false},
    {"address", "地址", false},
    {"person_no", "人员序号", true},
    {"name", "姓名", true},
    {"sex", "性别", true},
    {"birth_date", "出生日期", true},
    {"id_number", "公民身份号码", true},
    {"relation", "与户主关系", false},
    {"ethnicity", "民族", false},
    {"status", "人员状态", false},
    {"death_date", "死亡日期", false},
    {"mother_id_number", "母亲身份号码", false},
};

constexpr ColumnSpec kPolicePopulation[] = {
    {"hukou_no", "户号", false},
    {"police_station", "派出所", false},
    {"community_code", "社区代码", false},
    {"address", "住址", false},
    {"name", "姓名", true},
    {"sex", "性别", true},
    {"birth_date", "出生日期", true},
    {"id_number", "公民身份号码", true},
    {"relation", "与户主关系", false},
    {"ethnicity", "民族", false},
    {"mother_id_number", "母亲身份号码", false},
};

constexpr ColumnSpec kPoliceBirths[] = {
    {"name", "姓名", true},
    {"sex", "性别", true},
    {"birth_date", "出生日期", true},
    {"id_number", "公民身份号码", false},
    {"mother_name", "母亲姓名", false},
    {"mother_id_number", "母亲身份号码", true},
    {"father_name", "父亲姓名", false},
    {"father_id_number", "父亲身份号码", false},
    {"community_code", "社区代码", false},
    {"address", "住址", false},
    {"registered_date", "登记日期", false},
};

constexpr ColumnSpec kVaccinations[] = {
    {"child_name", "儿童姓名", false},
    {"sex", "性别", true},
    {"birth_date", "出生日期", true},
    {"mother_name", "母亲姓名", false},
    {"mother_id_number", "母亲身份号码", true},
    {"community_code", "社区代码", false},
    {"address", "住址", false},
    {"phone", "联系电话", false},
    {"clinic", "接种单位", false},
};

constexpr ColumnSpec kCremations[] = {
    {"name", "姓名", true},
    {"sex", "性别", false},
    {"id_number", "公民身份号码", false},
    {"birth_date", "出生日期", false},
    {"death_date", "死亡日期", true},
    {"cremation_date", "火化日期", false},
    {"address", "住址", false},
    {"funeral_home", "殡仪馆", false},
};

constexpr ColumnSpec kDeathCertificates[] = {
    {"name", "姓名", true},
    {"sex", "性别", false},
    {"id_number", "公民身份号码", false},
    {"birth_date", "出生日期", false},
    {"death_date", "死亡日期", true},
    {"hospital", "医疗机构", false},
    {"address", "住址", false},
    {"cause", "死亡原因", false},
};

constexpr ColumnSpec kManualReport[] = {
    {"community_code", "社区代码", true},
    {"total_population", "总人口", true},
    {"births", "出生人数", true},
    {"deaths", "死亡人数", true},
};

constexpr std::array<Kind, 8> kAllKinds = {
    Kind::kAreas,        Kind::kRegister,   Kind::kPolicePopulation,  Kind::kPoliceBirths,
    Kind::kVaccinations, Kind::kCremations, Kind::kDeathCertificates, Kind::kManualReport,
};

}  // namespace

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kAreas:
      return "areas";
    case Kind::kRegister:
      return "register";
    case Kind::kPolicePopulation:
      return "police_population";
    case Kind::kPoliceBirths:
      return "police_births";
    case Kind::kVaccinations:
      return "vaccinations";
    case Kind::kCremations:
      return "cremations";
    case Kind::kDeathCertificates:
      return "death_certificates";
    case Kind::kManualReport:
      return "manual_report";
  }
  return "unknown";
}

Result<Kind> ParseKind(std::string_view name) {
  for (Kind k : kAllKinds) {
    if (KindName(k) == name) return k;
  }
  std::string known;
  for (Kind k : kAllKinds) {
    if (!known.empty()) known += ", ";
    known += KindName(k);
  }
  return InvalidArgument("unknown kind of file '" + std::string(name) + "' (expected one of " +
                         known + ")");
}

std::span<const Kind> AllKinds() { return kAllKinds; }

std::span<const ColumnSpec> Columns(Kind k) {
  switch (k) {
    case Kind::kAreas:
      return kAreas;
    case Kind::kRegister:
      return kRegister;
    case Kind::kPolicePopulation:
      return kPolicePopulation;
    case Kind::kPoliceBirths:
      return kPoliceBirths;
    case Kind::kVaccinations:
      return kVaccinations;
    case Kind::kCremations:
      return kCremations;
    case Kind::kDeathCertificates:
      return kDeathCertificates;
    case Kind::kManualReport:
      return kManualReport;
  }
  return {};
}

std::string NormalizeHeaderCell(std::string_view cell) {
  std::string out = utf8::FoldAndTrim(cell);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

int HeaderMap::Find(std::string_view name) const {
  const std::span<const ColumnSpec> cols = Columns(kind);
  for (size_t i = 0; i < cols.size() && i < index.size(); ++i) {
    if (cols[i].name == name) return index[i];
  }
  return -1;
}

Result<HeaderMap> MapHeader(Kind kind, const std::vector<std::string>& header,
                            std::string_view file_name) {
  const std::span<const ColumnSpec> cols = Columns(kind);
  HeaderMap map;
  map.kind = kind;
  map.index.assign(cols.size(), -1);
  std::unordered_map<std::string, int> extra_at;  // normalised name of an extra -> position
  for (size_t pos = 0; pos < header.size(); ++pos) {
    const std::string cell = NormalizeHeaderCell(header[pos]);
    if (cell.empty()) continue;  // an unnamed column (often a trailing comma) is not an attribute
    const int at = static_cast<int>(pos);
    const auto col_number = [](int p) { return std::to_string(p + 1); };
    bool matched = false;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (cell != cols[c].name && cell != cols[c].alias) continue;
      if (map.index[c] >= 0) {
        return InvalidArgument(std::string(file_name) + ": column " + std::string(cols[c].name) +
                               " (" + std::string(cols[c].alias) + ") appears twice (columns " +
                               col_number(map.index[c]) + " and " + col_number(at) + ")");
      }
      map.index[c] = at;
      matched = true;
      break;
    }
    if (matched) continue;
    const auto [it, fresh] = extra_at.emplace(cell, at);
    if (!fresh) {
      return InvalidArgument(std::string(file_name) + ": column " + header[pos] +
                             " appears twice (columns " + col_number(it->second) + " and " +
                             col_number(at) + ")");
    }
    map.extras.emplace_back(at, header[pos]);
  }
  std::string missing;
  int n_missing = 0;
  for (size_t c = 0; c < cols.size(); ++c) {
    if (!cols[c].required || map.index[c] >= 0) continue;
    if (n_missing++ > 0) missing += ", ";
    missing += std::string(cols[c].name) + " (" + std::string(cols[c].alias) + ")";
  }
  if (n_missing > 0) {
    return InvalidArgument(std::string(file_name) + ": missing required column" +
                           (n_missing > 1 ? "s " : " ") + missing);
  }
  return map;
}

}  // namespace popreg::io
