// Fuzz target for the xlsx reader (io/xlsx.h: libzip, the streaming row splitter, pugixml, the
// cell rules) and the xlsx writer (io/xlsx_writer.h).
//
// Each input is read twice: as a whole xlsx file, and as the worksheet XML of a fixed, valid
// workbook (with shared strings and date styles) zipped around it. Random mutations of a zip
// mostly break its structure or CRCs; the second reading lets them reach the XML and the cells.
// The corpus therefore holds both xlsx files and bare worksheet XML.
//
// Beyond "no crash, no sanitizer report", it checks and aborts when one fails:
// - record numbers count up from 0; lines (sheet rows) go up strictly and stay within Excel's
//   1..1048576; a record is never empty and never ends in an empty field;
// - every field is well-formed UTF-8; an error names the file ("fuzz.xlsx: ...");
// - the records written with XlsxWriter read back equal.
#include <unistd.h>
#include <zip.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "io/transcode.h"
#include "io/xlsx.h"
#include "io/xlsx_writer.h"

namespace {

using popreg::io::CsvRecord;
using popreg::io::XlsxReader;
using popreg::io::XlsxReaderOptions;

constexpr size_t kMaxRecords = 2000;
constexpr size_t kMaxCellChars = 32767;  // what XlsxWriter accepts

struct Outcome {
  std::vector<std::vector<std::string>> rows;
  bool ok = true;
};

Outcome ReadAll(popreg::Result<std::unique_ptr<XlsxReader>> reader, const std::string& name) {
  Outcome out;
  if (!reader.ok()) {
    FUZZ_CHECK(reader.status().message().starts_with(name + ": "));
    out.ok = false;
    return out;
  }
  CsvRecord rec;
  int64_t last_line = 0;
  while (out.rows.size() < kMaxRecords) {
    popreg::Result<bool> more = (*reader)->Next(&rec);
    if (!more.ok()) {
      FUZZ_CHECK(more.status().message().starts_with(name + ": "));
      popreg::Result<bool> again = (*reader)->Next(&rec);
      FUZZ_CHECK(!again.ok() && again.status().message() == more.status().message());
      out.ok = false;
      break;
    }
    if (!*more) break;
    FUZZ_CHECK(rec.record == static_cast<int64_t>(out.rows.size()));
    FUZZ_CHECK(rec.line > last_line && rec.line <= 1048576);
    last_line = rec.line;
    FUZZ_CHECK(!rec.fields.empty() && !rec.fields.back().empty());
    for (const std::string& f : rec.fields) {
      FUZZ_CHECK(popreg::io::internal::ScanUtf8(f).valid == f.size());
    }
    out.rows.push_back(rec.fields);
  }
  return out;
}

constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kPkgNs = "http://schemas.openxmlformats.org/package/2006/relationships";

std::string TempPath(const char* what) {
  return (std::filesystem::temp_directory_path() /
          ("popreg_xlsx_fuzz_" + std::to_string(::getpid()) + "_" + what + ".xlsx"))
      .string();
}

// Writes a stored workbook whose first sheet is `sheet_xml` to `path`.
void WriteWrapped(const std::string& path, const std::string& sheet_xml) {
  const std::string ns = kMainNs;
  const std::string rel = kRelNs;
  const std::string pkg = kPkgNs;
  const std::string parts[][2] = {
      {"_rels/.rels", R"(<Relationships xmlns=")" + pkg + R"("><Relationship Id="rId1" Type=")" +
                          rel + R"(/officeDocument" Target="xl/workbook.xml"/></Relationships>)"},
      {"xl/workbook.xml", R"(<workbook xmlns=")" + ns + R"(" xmlns:r=")" + rel +
                              R"("><sheets><sheet name="S" sheetId="1" r:id="rId1"/>)"
                              "</sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       R"(<Relationships xmlns=")" + pkg + R"("><Relationship Id="rId1" Type=")" + rel +
           R"(/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type=")" + rel +
           R"(/styles" Target="styles.xml"/><Relationship Id="rId3" Type=")" + rel +
           R"(/sharedStrings" Target="sharedStrings.xml"/></Relationships>)"},
      {"xl/worksheets/sheet1.xml", sheet_xml},
      {"xl/styles.xml",
       R"(<styleSheet xmlns=")" + ns +
           R"("><numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月"/>)"
           R"(<numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts><cellXfs>)"
           R"(<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>)"
           R"(<xf numFmtId="165"/><xf numFmtId="49"/></cellXfs></styleSheet>)"},
      {"xl/sharedStrings.xml",
       R"(<sst xmlns=")" + ns +
           R"("><si><t>姓名</t></si><si><r><t>张</t></r><r><t>伟</t></r><rPh><t>zhang</t></rPh>)"
           "</si><si><t>350902198803120021</t></si><si><t>_x000D__x005F_x</t></si></sst>"},
  };
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  FUZZ_CHECK(z != nullptr);
  for (const auto& part : parts) {
    zip_source_t* src = zip_source_buffer(z, part[1].data(), part[1].size(), 0);
    FUZZ_CHECK(src != nullptr);
    const zip_int64_t i = zip_file_add(z, part[0].c_str(), src, 0);
    FUZZ_CHECK(i >= 0);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(i), ZIP_CM_STORE, 0);
  }
  FUZZ_CHECK(zip_close(z) == 0);
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Writes what was read with XlsxWriter and checks that it reads back equal.
void CheckRoundTrip(const Outcome& read) {
  if (read.rows.empty() || read.rows.size() >= kMaxRecords) return;
  for (const auto& row : read.rows) {
    for (const std::string& f : row) {
      if (CodePoints(f) > kMaxCellChars) return;
    }
  }
  static const std::string path = TempPath("roundtrip");
  auto writer = popreg::io::XlsxWriter::Create(path, "Sheet1");
  FUZZ_CHECK(writer.ok());
  for (const auto& row : read.rows) FUZZ_CHECK((*writer)->WriteRow(row).ok());
  FUZZ_CHECK((*writer)->Close().ok());
  const Outcome again = ReadAll(XlsxReader::Open(path), path);
  FUZZ_CHECK(again.ok);
  FUZZ_CHECK(again.rows == read.rows);
  std::filesystem::remove(path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  XlsxReaderOptions options;
  options.max_part_bytes = int64_t{64} << 20;
  options.max_row_bytes = size_t{1} << 20;
  CheckRoundTrip(ReadAll(XlsxReader::FromBuffer(bytes, "fuzz.xlsx", options), "fuzz.xlsx"));

  static const std::string wrapped = TempPath("wrapped");
  WriteWrapped(wrapped, bytes);
  CheckRoundTrip(ReadAll(XlsxReader::Open(wrapped, options), wrapped));
  std::filesystem::remove(wrapped);
  return 0;
}
