#include "recon/sources.h"

#include <cassert>
#include <cstdlib>
#include <future>
#include <utility>

#include "base/log.h"
#include "base/thread_pool.h"
#include "store/record_values.h"

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

Result<SourceTable> LoadTable(store::Store& store, const store::ImportRecord& import) {
  SourceTable table(import.info.kind);
  table.import_id = import.id;
  table.file_name = import.info.file_name;
  table.Reserve(static_cast<size_t>(import.rows_imported));
  ProgressBar bar("reading " + std::string(io::KindName(import.info.kind)), import.rows_imported);
  const size_t width = table.names().size();
  ThreadPool pool;
  std::vector<store::SourceRecord> batch;
  std::vector<std::string> values;  // width per record of the batch
  std::vector<char> bad;
  auto flush = [&]() -> Status {
    values.assign(batch.size() * width, std::string());
    bad.assign(batch.size(), 0);
    pool.ParallelFor(static_cast<int64_t>(batch.size()), 512, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        bad[i] = !store::ReadNormalizedValues(batch[i].normalized_json, table.names(),
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
    const store::ImportRecord* import;
    std::optional<SourceTable>* table;
  };
  std::vector<Slot> slots;
  for (const auto& [kind, table] : {std::pair{io::Kind::kPolicePopulation, &in.police},
                                    {io::Kind::kPoliceBirths, &in.births},
                                    {io::Kind::kVaccinations, &in.vaccinations},
                                    {io::Kind::kCremations, &in.cremations},
                                    {io::Kind::kDeathCertificates, &in.certificates}}) {
    if (const store::ImportRecord* r = latest(kind)) slots.push_back({r, table});
  }
  // The departments' files are read on a second connection, on a thread of their own, while
  // this one reads the register: each read is mostly one core stepping through rows (the
  // register's 2.5 s and the police list's 2 s of a million persons each), so side by side they
  // take the longer one's time.
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> other, store.OpenAnother());
  std::future<Status> sources = std::async(std::launch::async, [&]() -> Status {
    for (const Slot& s : slots) {
      ASSIGN_OR_RETURN(SourceTable t, LoadTable(*other, *s.import));
      *s.table = std::move(t);
    }
    return Status::Ok();
  });
  Result<store::RegisterColumns> reg = store.LoadRegisterColumns();
  const Status read = sources.get();
  RETURN_IF_ERROR(reg.status());
  RETURN_IF_ERROR(read);
  in.reg = std::move(reg).value();
  return in;
}

}  // namespace popreg::recon
