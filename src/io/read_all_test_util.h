// Test support shared by the reader tests of this folder: reads every record of a reader.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/csv.h"

namespace popreg::io::testing {

using Rows = std::vector<std::vector<std::string>>;

struct ReadResult {
  Rows rows;
  std::vector<int64_t> records;
  std::vector<int64_t> lines;
  Status status;  // the first error, or OK
};

// Reads records from `reader` (a CsvReader or any TableReader) until the end or the first
// error, and checks that an error sticks: the next call returns it again.
template <class Reader>
ReadResult ReadRecords(Reader& reader) {
  ReadResult r;
  CsvRecord rec;
  for (;;) {
    Result<bool> more = reader.Next(&rec);
    if (!more.ok()) {
      r.status = more.status();
      Result<bool> again = reader.Next(&rec);
      EXPECT_FALSE(again.ok());
      EXPECT_EQ(again.status().message(), r.status.message());
      break;
    }
    if (!*more) break;
    r.rows.push_back(rec.fields);
    r.records.push_back(rec.record);
    r.lines.push_back(rec.line);
  }
  return r;
}

}  // namespace popreg::io::testing
