// Fuzz target for the CSV reader, encoding detection and header mapping (io/csv.h, io/schema.h).
//
// Beyond "no crash, no sanitizer report", it checks three properties and aborts when one fails:
// - reading with tiny chunks gives the same records, lines and outcome as reading in one chunk;
// - record numbers count up from 0 and every record starts on a later line than the one before;
// - records written back with AppendCsvField read back equal.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "io/csv.h"
#include "io/schema.h"

namespace {

using popreg::io::CsvReader;
using popreg::io::CsvReaderOptions;
using popreg::io::CsvRecord;

constexpr size_t kMaxRecords = 10000;

struct Outcome {
  std::vector<CsvRecord> records;
  bool opened = false;
  bool ok = true;
  popreg::io::Encoding encoding = popreg::io::Encoding::kUtf8;
};

Outcome ReadAll(const std::string& bytes, const CsvReaderOptions& options) {
  Outcome out;
  auto reader = CsvReader::FromString(bytes, "fuzz.csv", options);
  if (!reader.ok()) return out;
  out.opened = true;
  CsvRecord rec;
  while (out.records.size() < kMaxRecords) {
    popreg::Result<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) {
      out.ok = false;
      FUZZ_CHECK(more.status().message().find("fuzz.csv") != std::string::npos);
      break;
    }
    if (!*more) break;
    out.records.push_back(rec);
  }
  out.encoding = (*reader)->encoding();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)popreg::io::DetectEncoding(bytes, "fuzz.csv");

  const Outcome whole = ReadAll(bytes, {});
  if (!whole.opened) return 0;
  for (size_t i = 0; i < whole.records.size(); ++i) {
    FUZZ_CHECK(whole.records[i].record == static_cast<int64_t>(i));
    FUZZ_CHECK(i == 0 || whole.records[i].line > whole.records[i - 1].line);
  }

  // The same bytes in small chunks, with the encoding the first reading ended with.
  CsvReaderOptions small;
  small.encoding = whole.encoding;
  small.chunk_size = 1 + (size > 0 ? data[0] % 7 : 0);
  const Outcome chunked = ReadAll(bytes, small);
  CsvReaderOptions whole_given;
  whole_given.encoding = whole.encoding;
  const Outcome reference = ReadAll(bytes, whole_given);
  FUZZ_CHECK(chunked.opened && reference.opened);
  FUZZ_CHECK(chunked.ok == reference.ok);
  FUZZ_CHECK(chunked.records.size() == reference.records.size());
  for (size_t i = 0; i < chunked.records.size(); ++i) {
    FUZZ_CHECK(chunked.records[i].fields == reference.records[i].fields);
    FUZZ_CHECK(chunked.records[i].line == reference.records[i].line);
  }

  // Header mapping of the first record as every kind of file.
  if (!whole.records.empty()) {
    for (popreg::io::Kind kind : popreg::io::AllKinds()) {
      auto map = popreg::io::MapHeader(kind, whole.records[0].fields, "fuzz.csv");
      if (map.ok()) FUZZ_CHECK(map->index.size() == popreg::io::Columns(kind).size());
    }
  }

  // Write the records back and read them again (text from the reader is UTF-8). A record of one
  // empty field is written as "" (the writer does the same) so that it is not a blank line.
  if (whole.ok && reference.ok) {
    std::string text;
    for (const CsvRecord& rec : reference.records) {
      if (rec.fields.size() == 1 && rec.fields[0].empty()) {
        text += "\"\"";
      } else {
        for (size_t i = 0; i < rec.fields.size(); ++i) {
          if (i > 0) text += ',';
          popreg::io::AppendCsvField(&text, rec.fields[i]);
        }
      }
      text += '\n';
    }
    CsvReaderOptions utf8;
    utf8.encoding = popreg::io::Encoding::kUtf8;
    const Outcome again = ReadAll(text, utf8);
    FUZZ_CHECK(again.ok);
    // A leading U+FEFF in the first field is read as a BOM the second time.
    const bool bom_first = !reference.records.empty() && !reference.records[0].fields.empty() &&
                           reference.records[0].fields[0].starts_with("\xEF\xBB\xBF");
    if (!bom_first && reference.records.size() < kMaxRecords) {
      FUZZ_CHECK(again.records.size() == reference.records.size());
      for (size_t i = 0; i < again.records.size(); ++i) {
        FUZZ_CHECK(again.records[i].fields == reference.records[i].fields);
      }
    }
  }
  return 0;
}
