#include "io/table.h"

#include <cstdio>
#include <utility>

#include "io/xls.h"
#include "io/xlsx.h"

namespace popreg::io {
namespace {

// TableReader over a CsvReader.
class CsvTableReader final : public TableReader {
 public:
  explicit CsvTableReader(std::unique_ptr<CsvReader> csv) : csv_(std::move(csv)) {}
  Result<bool> Next(CsvRecord* out) override { return csv_->Next(out); }
  std::string_view format() const override { return "csv"; }
  const std::string& name() const override { return csv_->name(); }

 private:
  std::unique_ptr<CsvReader> csv_;
};

template <typename T>
Result<std::unique_ptr<TableReader>> Upcast(Result<std::unique_ptr<T>> r) {
  if (!r.ok()) return r.status();
  return std::unique_ptr<TableReader>(std::move(r).value());
}

}  // namespace

std::string_view TableFormatName(TableFormat f) {
  switch (f) {
    case TableFormat::kXlsx:
      return "xlsx";
    case TableFormat::kXls:
      return "xls";
    case TableFormat::kCsv:
      break;
  }
  return "csv";
}

TableFormat DetectTableFormat(std::string_view head) {
  if (head.starts_with("PK\x03\x04") || head.starts_with("PK\x05\x06")) return TableFormat::kXlsx;
  if (head.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return TableFormat::kXls;
  return TableFormat::kCsv;
}

Result<std::unique_ptr<TableReader>> TableReader::Open(const std::string& path) {
  char head[8];
  size_t n = 0;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
  }
  // A file that cannot be opened falls through to CsvReader, which says why.
  switch (DetectTableFormat(std::string_view(head, n))) {
    case TableFormat::kXlsx:
      return Upcast(XlsxReader::Open(path));
    case TableFormat::kXls:
      return Upcast(XlsReader::Open(path));
    case TableFormat::kCsv:
      break;
  }
  Result<std::unique_ptr<CsvReader>> csv = CsvReader::Open(path);
  if (!csv.ok()) return csv.status();
  return std::unique_ptr<TableReader>(new CsvTableReader(std::move(csv).value()));
}

}  // namespace popreg::io
