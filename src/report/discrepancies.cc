#include "report/discrepancies.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/csv.h"
#include "io/xlsx_writer.h"

namespace popreg::report {
namespace {

constexpr std::string_view kColumns[] = {
    "id",           "type",       "community_code",    "register_key", "register_key_2",
    "source_kind",  "source_row", "source_id_number",  "field",        "register_value",
    "source_value", "birth_key",  "match_probability", "status",       "proposal"};

// Chinese headers for people, column by column with kColumns.
constexpr std::string_view kChineseColumns[] = {
    "编号", "类型",   "社区代码", "户卡人员", "重复户卡人员", "来源", "来源行号", "来源身份号码",
    "字段", "户卡值", "来源值",   "出生标识", "匹配概率",     "状态", "处理建议"};

// Chinese names of the types and statuses for the xlsx sheet.
std::string ChineseType(const std::string& t) {
  if (t == "missing_in_register") return "户卡漏登";
  if (t == "absent_from_source") return "户籍无此人";
  if (t == "field_mismatch") return "信息不一致";
  if (t == "unrecorded_birth") return "出生未登记";
  if (t == "unrecorded_death") return "死亡未登记";
  if (t == "duplicate_in_register") return "重复登记";
  if (t == "invalid_id_number") return "身份号码错误";
  if (t == "incomplete_record") return "信息不全";
  if (t == store::kCardCorrection) return "户卡更正";
  return t;
}

std::string ChineseStatus(const std::string& s) {
  if (s == "open") return "待核实";
  if (s == "verified") return "已核实";
  if (s == "disputed") return "有异议";
  if (s == "approved") return "已批准";
  if (s == "rejected") return "已驳回";
  if (s == "applied") return "已更正";
  if (s == "resolved") return "已消除";
  return s;
}

std::string Probability(const std::optional<double>& p) {
  if (!p) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", *p);
  std::string s = buf;
  while (s.size() > 3 && s.back() == '0') s.pop_back();
  return s;
}

Status WriteCsv(std::span<const store::Discrepancy> items, const std::string& path) {
  ASSIGN_OR_RETURN(auto out, io::CsvWriter::Create(path));
  RETURN_IF_ERROR(
      out->Write(std::vector<std::string_view>(std::begin(kColumns), std::end(kColumns))));
  for (const store::Discrepancy& d : items) {
    // The city's file holds the spec's types only: a card correction is the office's own.
    if (d.type == store::kCardCorrection) continue;
    RETURN_IF_ERROR(out->Write(DiscrepancyRow(d)));
  }
  return out->Close();
}

Status WriteXlsx(std::span<const store::Discrepancy> items, const std::string& path) {
  io::XlsxWriterOptions options;
  options.column_widths = {8, 12, 14, 22, 22, 18, 8, 22, 10, 20, 20, 34, 8, 8, 80};
  ASSIGN_OR_RETURN(auto out, io::XlsxWriter::Create(path, "差异清单", options));
  RETURN_IF_ERROR(out->WriteRow(
      std::vector<std::string_view>(std::begin(kChineseColumns), std::end(kChineseColumns))));
  for (const store::Discrepancy& d : items) {
    std::vector<std::string> row = DiscrepancyRow(d);
    row[1] = ChineseType(d.type);
    row[13] = ChineseStatus(d.status);
    RETURN_IF_ERROR(out->WriteRow(row));
  }
  return out->Close();
}

Status WriteJson(std::span<const store::Discrepancy> items, const std::string& path) {
  nlohmann::json all = nlohmann::json::array();
  for (const store::Discrepancy& d : items) {
    const std::vector<std::string> row = DiscrepancyRow(d);
    nlohmann::json j = nlohmann::json::object();
    for (size_t c = 0; c < row.size(); ++c) j[std::string(kColumns[c])] = row[c];
    j["id"] = d.id;
    j["source_row"] = d.source_row == 0 ? nlohmann::json() : nlohmann::json(d.source_row);
    j["match_probability"] =
        d.match_probability ? nlohmann::json(*d.match_probability) : nlohmann::json();
    j["evidence"] =
        nlohmann::json::parse(d.evidence_json.empty() ? "[]" : d.evidence_json, nullptr, false);
    j["explanation"] = d.explanation_json.empty()
                           ? nlohmann::json()
                           : nlohmann::json::parse(d.explanation_json, nullptr, false);
    j["action"] = d.action_json.empty() ? nlohmann::json()
                                        : nlohmann::json::parse(d.action_json, nullptr, false);
    j["verified_values"] = d.values_json.empty()
                               ? nlohmann::json()
                               : nlohmann::json::parse(d.values_json, nullptr, false);
    j["first_comparison"] = d.first_comparison;
    j["last_comparison"] = d.last_comparison;
    all.push_back(std::move(j));
  }
  // Written beside the target and renamed, so that a failed write leaves no partial file.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return IoError(path + ": cannot create the file");
    f << all.dump(1) << '\n';
    f.close();
    if (!f) {
      std::filesystem::remove(tmp);
      return IoError(path + ": write failed");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    return IoError(path + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

Result<DiscrepancyFormat> ParseDiscrepancyFormat(std::string_view name) {
  if (name == "csv") return DiscrepancyFormat::kCsv;
  if (name == "xlsx") return DiscrepancyFormat::kXlsx;
  if (name == "json") return DiscrepancyFormat::kJson;
  return InvalidArgument("--format must be csv, xlsx or json, not '" + std::string(name) + "'");
}

std::span<const std::string_view> DiscrepancyColumns() { return kColumns; }

std::vector<std::string> DiscrepancyRow(const store::Discrepancy& d) {
  return {std::to_string(d.id),
          d.type,
          d.community_code,
          d.register_key,
          d.register_key_2,
          d.source_kind,
          d.source_row == 0 ? std::string() : std::to_string(d.source_row),
          d.source_id_number,
          d.field,
          d.register_value,
          d.source_value,
          d.birth_key,
          Probability(d.match_probability),
          d.status,
          d.proposal};
}

Status WriteDiscrepancies(std::span<const store::Discrepancy> items, DiscrepancyFormat format,
                          const std::string& path) {
  Status st;
  switch (format) {
    case DiscrepancyFormat::kCsv:
      st = WriteCsv(items, path);
      break;
    case DiscrepancyFormat::kXlsx:
      st = WriteXlsx(items, path);
      break;
    case DiscrepancyFormat::kJson:
      return WriteJson(items, path);
  }
  if (!st.ok()) std::filesystem::remove(path);
  return st;
}

}  // namespace popreg::report
