// Fuzz target for the xls reader (io/xls.h over FreeXL). FreeXL reads only from a path, so each
// input is written to a temporary file first.
//
// Beyond "no crash, no sanitizer report", it checks and aborts when one fails:
// - record numbers count up from 0; lines (sheet rows) go up strictly; a record is never empty
//   and never ends in an empty field;
// - every field is well-formed UTF-8; an error names the file.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_check.h"
#include "io/transcode.h"
#include "io/xls.h"

namespace {
constexpr int64_t kMaxRecords = 100000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("popreg_xls_fuzz_" + std::to_string(::getpid()) + ".xls"))
                                      .string();
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    FUZZ_CHECK(f.good());
  }
  auto reader = popreg::io::XlsReader::Open(path);
  if (!reader.ok()) {
    FUZZ_CHECK(reader.status().message().starts_with(path + ": "));
    return 0;
  }
  popreg::io::CsvRecord rec;
  int64_t records = 0;
  int64_t last_line = 0;
  while (records < kMaxRecords) {
    popreg::Result<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) {
      FUZZ_CHECK(more.status().message().starts_with(path + ": "));
      break;
    }
    if (!*more) break;
    FUZZ_CHECK(rec.record == records);
    FUZZ_CHECK(rec.line > last_line);
    last_line = rec.line;
    FUZZ_CHECK(!rec.fields.empty() && !rec.fields.back().empty());
    for (const std::string& f : rec.fields) {
      FUZZ_CHECK(popreg::io::internal::ScanUtf8(f).valid == f.size());
    }
    ++records;
  }
  return 0;
}
