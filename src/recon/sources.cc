#include "recon/sources.h"

#include <cassert>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/log.h"
#include "base/thread_pool.h"

namespace popreg::recon {

SourceTable::SourceTable(io::Kind kind) : kind_(kind) {
  for (const io::ColumnSpec& c : io::Columns(kind)) names_.emplace_back(c.name);
  columns_.resize(names_.size());
}

size_t SourceTable::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  LogError("{} has no column {}", io::KindName(kind_), name);
  std::abort();
}

void SourceTable::Reserve(size_t n) {
  rows.reserve(n);
  for (auto& c : columns_) c.reserve(n);
}

void SourceTable::ShrinkToFit() {
  rows.shrink_to_fit();
  for (auto& c : columns_) c.shrink_to_fit();
}

void SourceTable::Add(int64_t source_row,
                      std::span<const std::pair<std::string, std::string>> values) {
  std::vector<std::string> row(names_.size());
  for (const auto& [name, value] : values) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) row[i] = value;
    }
  }
  Add(source_row, row);
}

void SourceTable::Add(int64_t source_row, std::span<const std::string> values) {
  assert(values.size() == columns_.size());
  rows.push_back(source_row);
  for (size_t i = 0; i < columns_.size(); ++i) columns_[i].push_back(values[i]);
}

namespace {

// Records are read in batches whose JSON is parsed on every core.
constexpr size_t kBatch = 16384;

// Reads a record's normalised values, a flat JSON object of strings, into one string per column
// of its kind, through nlohmann's SAX interface: the same parser (and the same verdict on bad
// JSON) as the document it replaces, without building a std::map of strings per record. As the
// document did, a member that is not a string is no value, and of a name given twice the last
// counts.
class RecordValues : public nlohmann::json_sax<nlohmann::json> {
 public:
  RecordValues(const std::vector<std::string>& names, std::span<std::string> out)
      : names_(names), out_(out) {}

  bool null() override { return Other(); }
  bool boolean(bool) override { return Other(); }
  bool number_integer(number_integer_t) override { return Other(); }
  bool number_unsigned(number_unsigned_t) override { return Other(); }
  bool number_float(number_float_t, const string_t&) override { return Other(); }
  bool binary(binary_t&) override { return Other(); }
  bool string(string_t& v) override {
    if (depth_ == 1 && column_ >= 0) out_[column_] = std::move(v);
    return depth_ > 0;
  }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_ = true;
    Other();
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ != 1) return true;
    column_ = -1;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == k) column_ = static_cast<int>(i);
    }
    return true;
  }
  bool end_object() override { return --depth_, true; }
  bool start_array(std::size_t) override {
    Other();
    ++depth_;
    return depth_ > 1;  // a record that is an array is not one
  }
  bool end_array() override { return --depth_, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  // True when the text was one object.
  bool object() const { return object_; }

 private:
  // A value that is not a string: the member has no value (a string before it is forgotten).
  bool Other() {
    if (depth_ == 1 && column_ >= 0) out_[column_].clear();
    return depth_ > 0;
  }

  const std::vector<std::string>& names_;
  std::span<std::string> out_;
  int depth_ = 0;
  int column_ = -1;
  bool object_ = false;
};

}  // namespace

bool ReadNormalizedValues(std::string_view json, const std::vector<std::string>& names,
                          std::span<std::string> out) {
  assert(out.size() == names.size());
  RecordValues record(names, out);
  return nlohmann::json::sax_parse(json, &record) && record.object();
}

namespace {

Result<SourceTable> LoadTable(store::Store& store, const store::ImportRecord& import) {
  SourceTable table(import.info.kind);
  table.import_id = import.id;
  table.file_name = import.info.file_name;
  table.Reserve(static_cast<size_t>(import.rows_imported));
  ProgressBar bar("reading " + std::string(io::KindName(import.info.kind)), import.rows_imported);
  std::vector<std::string> names;
  for (const io::ColumnSpec& c : io::Columns(import.info.kind)) names.emplace_back(c.name);
  const size_t width = names.size();
  ThreadPool pool;
  std::vector<store::SourceRecord> batch;
  std::vector<std::string> values;  // width per record of the batch
  std::vector<char> bad;
  auto flush = [&]() -> Status {
    values.assign(batch.size() * width, std::string());
    bad.assign(batch.size(), 0);
    pool.ParallelFor(static_cast<int64_t>(batch.size()), 512, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        bad[i] = !ReadNormalizedValues(batch[i].normalized_json, names,
                                       std::span(values).subspan(i * width, width));
      }
    });
    for (size_t i = 0; i < batch.size(); ++i) {
      if (bad[i]) {
        return DataLoss("store " + store.location() + ": import " + std::to_string(import.id) +
                        " row " + std::to_string(batch[i].source_row) +
                        ": normalised values are not a JSON object");
      }
      table.Add(batch[i].source_row, std::span(values).subspan(i * width, width));
    }
    bar.Add(static_cast<int64_t>(batch.size()));
    batch.clear();
    return Status::Ok();
  };
  RETURN_IF_ERROR(store.ForEachSourceRecord(
      import.id, store::Store::RecordTexts::kNormalized, [&](const store::SourceRecord& r) {
        batch.push_back(r);
        return batch.size() >= kBatch ? flush() : Status::Ok();
      }));
  RETURN_IF_ERROR(flush());
  table.ShrinkToFit();
  bar.Done();
  return table;
}

}  // namespace

Result<Inputs> LoadInputs(store::Store& store) {
  Inputs in;
  ASSIGN_OR_RETURN(int64_t persons, store.CountRegisterPersons());
  if (persons == 0) {
    return FailedPrecondition("store " + store.location() +
                              " has no register: import one first (popreg import --kind register)");
  }
  ASSIGN_OR_RETURN(in.reg, store.LoadRegisterColumns());
  ASSIGN_OR_RETURN(in.areas, store.ListAreas());
  ASSIGN_OR_RETURN(std::vector<store::ImportRecord> imports, store.ListImports());
  // The newest import of each kind that covers the whole district (ListImports is oldest
  // first). A file of one community (import --community) counts for the monthly hand-over, but
  // is not half a department's list: comparing it as the whole list would report everyone else
  // as missing. It is left out, and said so.
  auto latest = [&](io::Kind kind) -> const store::ImportRecord* {
    const store::ImportRecord* found = nullptr;
    for (const store::ImportRecord& r : imports) {
      if (r.info.kind != kind) continue;
      if (!r.info.community_code.empty()) {
        LogWarn(
            "import {} ({}) holds community {} only: the comparison reads the newest file "
            "of the whole district",
            r.id, r.info.file_name, r.info.community_code);
        continue;
      }
      found = &r;
    }
    return found;
  };
  if (const store::ImportRecord* r = latest(io::Kind::kRegister)) in.register_import = r->id;
  struct Slot {
    io::Kind kind;
    std::optional<SourceTable>* table;
  };
  const Slot slots[] = {{io::Kind::kPolicePopulation, &in.police},
                        {io::Kind::kPoliceBirths, &in.births},
                        {io::Kind::kVaccinations, &in.vaccinations},
                        {io::Kind::kCremations, &in.cremations},
                        {io::Kind::kDeathCertificates, &in.certificates}};
  for (const Slot& s : slots) {
    if (const store::ImportRecord* r = latest(s.kind)) {
      ASSIGN_OR_RETURN(SourceTable t, LoadTable(store, *r));
      *s.table = std::move(t);
    }
  }
  return in;
}

}  // namespace popreg::recon
