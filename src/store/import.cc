#include "store/import.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/date.h"
#include "base/env.h"
#include "base/log.h"
#include "base/utf8.h"
#include "io/table.h"
#include "norm/date_parse.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/sex.h"
#include "store/campaigns.h"
#include "store/common_store.h"

namespace popreg::store {
namespace {

constexpr size_t kBatchRows = 10000;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsDateColumn(std::string_view c) { return EndsWith(c, "_date"); }
bool IsIdColumn(std::string_view c) { return EndsWith(c, "id_number"); }
bool IsNameColumn(std::string_view c) { return c == "name" || EndsWith(c, "_name"); }

// Required columns whose value may still be empty: in a register, the identity values (the person
// is an incomplete record, spec rule 5); in areas, the top area's parent_code.
bool MayBeEmpty(io::Kind kind, std::string_view c) {
  if (kind == io::Kind::kAreas) return c == "parent_code";
  return kind == io::Kind::kRegister &&
         (c == "name" || c == "sex" || c == "birth_date" || c == "id_number");
}

// One row read and normalised: the normalised value of each spec column, or a reject.
struct RowResult {
  std::vector<std::string> values;  // by Columns(kind) index; empty when absent
  std::optional<Reject> reject;
};

class RowNormalizer {
 public:
  RowNormalizer(io::Kind kind, const io::HeaderMap& map, Date as_of, const ImportProfile* profile)
      : kind_(kind), map_(map), as_of_(as_of), profile_(profile), columns_(io::Columns(kind)) {}

  // Normalises `rec` (a data row) and fills `out` with its source record.
  RowResult Normalize(const io::CsvRecord& rec, const std::vector<std::string>& header,
                      SourceRecord* out) const {
    RowResult r;
    r.values.resize(columns_.size());
    nlohmann::json raw = nlohmann::json::object();
    nlohmann::json norm = nlohmann::json::object();
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i].empty()) continue;
      raw[header[i]] = i < rec.fields.size() ? rec.fields[i] : std::string();
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
      const int pos = map_.index[c];
      if (pos < 0) continue;
      const std::string_view name = columns_[c].name;
      const std::string value =
          static_cast<size_t>(pos) < rec.fields.size() ? rec.fields[pos] : std::string();
      std::string n;
      std::string reason;
      if (norm::IsBlank(value)) {
        if (columns_[c].required && !MayBeEmpty(kind_, name)) reason = "the value is empty";
      } else if (IsDateColumn(name)) {
        std::optional<Date> d;
        if (profile_ != nullptr) d = profile_->ParseDate(value);
        if (!d) d = norm::ParseDate(value);
        if (d) {
          n = d->Iso();
        } else if (columns_[c].required) {
          reason = "not a date (e.g. 1985-03-02, 1985/3/2, 19850302, 1985年3月2日)";
        } else {
          n = utf8::TrimAscii(value);
        }
      } else if (name == "sex") {
        if (const char s = norm::ParseSex(value)) {
          n = std::string(1, s);
        } else if (columns_[c].required) {
          reason = "not a sex (男/女, M/F, male/female, 1/2)";
        } else {
          n = utf8::TrimAscii(value);
        }
      } else if (kind_ == io::Kind::kRegister && name == "status") {
        // The spec's spellings: alive/在册, deceased/死亡, moved_out/迁出 (empty = alive).
        const std::string t = utf8::TrimAscii(value);
        if (t == "alive" || t == "在册") {
          n = "alive";
        } else if (t == "deceased" || t == "死亡") {
          n = "deceased";
        } else if (t == "moved_out" || t == "迁出") {
          n = "moved_out";
        } else {
          reason = "not a status (alive 在册, deceased 死亡, moved_out 迁出)";
        }
      } else if (IsIdColumn(name)) {
        n = norm::ParseIdNumber(value, as_of_).normalized;
      } else if (IsNameColumn(name)) {
        n = norm::CanonicalName(value);
      } else {
        n = utf8::TrimAscii(value);
      }
      if (!reason.empty() && !r.reject) {
        r.reject = Reject{rec.record, std::string(name), value, reason};
      }
      norm[std::string(name)] = n;
      r.values[c] = std::move(n);
    }
    out->source_row = rec.record;
    out->raw_json = raw.dump();
    out->normalized_json = norm.dump();
    return r;
  }

 private:
  io::Kind kind_;
  const io::HeaderMap& map_;
  Date as_of_;
  const ImportProfile* profile_;  // may be null
  std::span<const io::ColumnSpec> columns_;
};

// A file's digest and, for CSV, its physical lines (to size the progress bar without reading
// the rows twice: the digest reads the bytes anyway).
struct FileDigest {
  std::string sha256;
  int64_t lines = 0;  // 0 for xlsx and xls
};

Result<FileDigest> DigestFile(const std::string& path) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path + ": cannot open the file");
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::vector<char> buf(1 << 16);
  FileDigest out;
  bool first = true;
  bool csv = false;
  char last = '\n';
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) continue;
    const std::string_view chunk(buf.data(), static_cast<size_t>(got));
    if (first) {
      csv = io::DetectTableFormat(chunk) == io::TableFormat::kCsv;
      first = false;
    }
    if (csv) {
      for (char c : chunk) out.lines += c == '\n';
      last = chunk.back();
    }
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(got));
  }
  if (in.bad()) return IoError(path + ": read failed");
  if (csv && last != '\n') ++out.lines;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  out.sha256 = Hex(digest, sizeof digest);
  return out;
}

// `s` as "<bytes>:<s>;", so that a sequence of strings has one spelling.
void AppendField(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
  out += ';';
}

std::string FileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<std::string> FileSha256(const std::string& path) {
  ASSIGN_OR_RETURN(FileDigest d, DigestFile(path));
  return d.sha256;
}

namespace {

// The settings of `profile` that change what an import reads, in one spelling.
std::string ProfileText(const ImportProfile& profile) {
  std::vector<std::pair<std::string, std::string>> columns = profile.columns;
  std::sort(columns.begin(), columns.end());
  std::vector<std::string> ignore = profile.ignore;
  std::sort(ignore.begin(), ignore.end());
  std::string out = "popreg import profile v1;";
  AppendField(out, profile.kind ? io::KindName(*profile.kind) : std::string_view());
  AppendField(out, profile.dates);
  AppendField(out, std::to_string(columns.size()));
  for (const auto& [spec, header] : columns) {
    AppendField(out, spec);
    AppendField(out, header);
  }
  AppendField(out, std::to_string(ignore.size()));
  for (const std::string& i : ignore) AppendField(out, i);
  return out;
}

}  // namespace

Result<std::string> ImportDigest(const std::string& file_sha256, const ImportProfile* profile) {
  if (profile == nullptr) return file_sha256;
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  std::string text = "popreg import v1;";
  AppendField(text, file_sha256);
  AppendField(text, ProfileText(*profile));
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return Hex(digest, sizeof digest);
}

std::vector<std::string_view> MonthDateColumns(io::Kind kind) {
  switch (kind) {
    case io::Kind::kPoliceBirths:
      return {"registered_date", "birth_date"};
    case io::Kind::kVaccinations:
      return {"birth_date"};
    case io::Kind::kCremations:
    case io::Kind::kDeathCertificates:
      return {"death_date"};
    default:
      return {};
  }
}

std::string InferMonth(const std::string& latest, const Date& today) {
  if (!latest.empty()) return latest.substr(0, 7);
  return MonthOf(AddMonths(today, -1));
}

Result<ImportSummary> ImportFile(Store& store, io::Kind kind, const std::string& path,
                                 const ImportOptions& options) {
  if (!options.month.empty() && !ParseMonth(options.month)) {
    return InvalidArgument("month '" + options.month + "' is not a month YYYY-MM (e.g. 2026-03)");
  }
  if (!options.community.empty()) {
    ASSIGN_OR_RETURN(std::vector<Area> areas, store.ListAreas());
    bool known = areas.empty();  // a store without areas yet takes any code
    for (const Area& a : areas) known = known || a.code == options.community;
    if (!known) {
      return InvalidArgument("community '" + options.community +
                             "' is not among the store's areas (import the areas first, or check "
                             "the code)");
    }
  }
  const Date today = Env::Default().Today();
  Date as_of = today;
  if (!options.as_of.empty()) {
    auto d = Date::ParseIso(options.as_of);
    if (!d) return InvalidArgument("as-of '" + options.as_of + "' is not a date YYYY-MM-DD");
    as_of = *d;
  }
  ImportSummary summary;
  const ImportProfile* profile = options.profile ? &*options.profile : nullptr;
  ASSIGN_OR_RETURN(FileDigest file, DigestFile(path));
  ASSIGN_OR_RETURN(std::string sha, ImportDigest(file.sha256, profile));
  ASSIGN_OR_RETURN(auto previous, store.FindImportBySha256(kind, sha));
  if (previous) {
    summary.already_imported = true;
    summary.id = previous->id;
    summary.rows = previous->info.rows_total;
    summary.imported = previous->rows_imported;
    summary.rejected = previous->rows_rejected;
    summary.imported_at = previous->info.imported_at;
    summary.month = previous->info.month;
    summary.community = previous->info.community_code;
    return summary;
  }
  if (kind == io::Kind::kRegister && !options.replace) {
    ASSIGN_OR_RETURN(int64_t persons, store.CountRegisterPersons());
    if (persons > 0) {
      return FailedPrecondition(path + ": the store already has a register; use --replace");
    }
  }

  ASSIGN_OR_RETURN(auto reader, io::TableReader::Open(path));
  io::CsvRecord rec;
  ASSIGN_OR_RETURN(bool has_header, reader->Next(&rec));
  if (!has_header) return InvalidArgument(path + ": the file is empty (no header row)");
  if (profile != nullptr && profile->kind && *profile->kind != kind) {
    return InvalidArgument(profile->file + ": kind: the profile is for " +
                           std::string(io::KindName(*profile->kind)) + ", not for " +
                           std::string(io::KindName(kind)));
  }
  // The raw values keep the file's own names (ignored columns dropped); the spec columns are
  // found in the header with the profile's mapping applied.
  const std::vector<std::string> header =
      profile != nullptr ? profile->RawHeaderRow(rec.fields) : rec.fields;
  const std::vector<std::string> mapped =
      profile != nullptr ? profile->MapHeaderRow(rec.fields) : rec.fields;
  auto mapped_header = io::MapHeader(kind, mapped, path);
  if (!mapped_header.ok() && profile != nullptr) {
    const Status& e = mapped_header.status();
    return Status(e.code(), e.message() + " (with profile " + profile->file + ")");
  }
  ASSIGN_OR_RETURN(io::HeaderMap map, std::move(mapped_header));

  // One pass over the rows: records, rejects and register rows go to the store in batches, so
  // memory does not grow with the file. rows_total is left to Commit (records + rejected rows).
  ImportInfo info;
  info.kind = kind;
  info.file_name = options.file_name.empty() ? FileName(path) : options.file_name;
  info.sha256 = sha;
  info.month = options.month;
  info.community_code = options.community;
  info.rows_total = 0;
  info.imported_by = options.user;
  ASSIGN_OR_RETURN(auto txn, store.BeginImport(info));
  summary.id = txn->id();
  if (kind == io::Kind::kRegister) {
    // Starts the replacement even when every row is rejected.
    RETURN_IF_ERROR(txn->AddRegisterRows({}).WithContext(path));
  }

  const RowNormalizer normalizer(kind, map, as_of, profile);
  const auto columns = io::Columns(kind);
  auto col = [&](std::string_view name) -> int {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == name) return static_cast<int>(i);
    }
    return -1;
  };
  // The event dates that say which month the file covers (the first column present of
  // MonthDateColumns, per row), and the latest of them up to today.
  std::vector<int> month_columns;
  for (std::string_view c : MonthDateColumns(kind)) {
    if (const int i = col(c); i >= 0 && map.index[i] >= 0) month_columns.push_back(i);
  }
  const std::string today_iso = today.Iso();
  std::string latest_event;
  std::vector<RegisterRow> register_rows;
  std::vector<Area> areas;
  std::vector<SourceRecord> records;
  std::vector<Reject> rejects;
  records.reserve(kBatchRows);
  // The bar counts physical lines of a CSV file (known from the digest's pass); for a workbook
  // the total is unknown and it counts rows.
  ProgressBar bar("importing " + info.file_name, file.lines);
  int64_t line = 1;  // the header's

  auto flush = [&]() -> Status {
    RETURN_IF_ERROR(CheckCancel(options.cancel, "importing " + path));
    if (options.progress) options.progress(file.lines > 0 ? line : summary.rows, file.lines);
    RETURN_IF_ERROR(txn->AddRecords(records));
    RETURN_IF_ERROR(txn->AddRejects(rejects));
    if (kind == io::Kind::kRegister) {
      RETURN_IF_ERROR(txn->AddRegisterRows(register_rows).WithContext(path));
    }
    records.clear();
    rejects.clear();
    register_rows.clear();
    return Status::Ok();
  };
  while (true) {
    auto more = reader->Next(&rec);
    if (!more.ok()) return more.status();  // names the file and the row
    if (!*more) break;
    if (file.lines > 0) {
      bar.Add(rec.line - line);
      line = rec.line;
    } else {
      bar.Add();
    }
    ++summary.rows;
    SourceRecord sr;
    RowResult r = normalizer.Normalize(rec, header, &sr);
    if (r.reject) {
      ++summary.rejected;
      if (options.strict) {
        const Reject& j = *r.reject;
        return InvalidArgument(path + ": row " + std::to_string(j.source_row) + ", column " +
                               j.column + ": '" + j.value + "': " + j.reason +
                               " (--strict: nothing imported)");
      }
      if (summary.first_rejects.size() < kMaxListedRejects) {
        summary.first_rejects.push_back(*r.reject);
      }
      rejects.push_back(std::move(*r.reject));
    } else {
      ++summary.imported;
      const auto v = [&](std::string_view name) {
        const int i = col(name);
        return i < 0 ? std::string() : r.values[i];
      };
      for (int c : month_columns) {
        const std::string& d = r.values[c];
        if (d.empty() || !Date::ParseIso(d)) continue;  // unreadable: the next column's
        if (d <= today_iso && d > latest_event) latest_event = d;
        break;
      }
      if (kind == io::Kind::kRegister) {
        RegisterRow row;
        row.source_row = rec.record;
        const std::string card = v("card_no");
        row.household = {card,      v("community_code"), v("building"),
                         v("unit"), v("room"),           v("address")};
        row.person = Person{card,
                            v("person_no"),
                            v("name"),
                            v("sex"),
                            v("birth_date"),
                            v("id_number"),
                            v("relation"),
                            v("ethnicity"),
                            v("status"),
                            v("death_date"),
                            v("mother_id_number")};
        if (row.person.status.empty()) row.person.status = "alive";
        register_rows.push_back(std::move(row));
      } else if (kind == io::Kind::kAreas) {
        areas.push_back({v("code"), v("name"), v("level"), v("parent_code")});
      }
      records.push_back(std::move(sr));
    }
    if (records.size() + rejects.size() >= kBatchRows) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(flush());
  if (kind == io::Kind::kAreas) {
    // Areas are a few thousand rows at most; they are replaced whole.
    RETURN_IF_ERROR(txn->ReplaceAreas(areas).WithContext(path));
  }
  summary.community = options.community;
  if (options.month.empty()) {
    summary.month = InferMonth(latest_event, today);
    summary.month_source = latest_event.empty() ? "the month before the import date"
                                                : "the latest event date " + latest_event;
    RETURN_IF_ERROR(txn->SetMonth(summary.month).WithContext(path));
  } else {
    summary.month = options.month;
    summary.month_source = "given";
  }
  RETURN_IF_ERROR(CheckCancel(options.cancel, "importing " + path));
  RETURN_IF_ERROR(txn->Commit().WithContext(path));
  bar.Done();
  return summary;
}

}  // namespace popreg::store
