// Test-only helpers of io_test: temporary files, and xlsx workbooks built part by part with
// libzip so that a test controls every byte of the XML (styles, shared strings, sparse cells,
// date systems). Included only by *_test.cc files.
#pragma once

#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace popreg::io::testing {

// A fresh path in the test's temporary directory, unique to this process.
inline std::string TempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) /
          ("popreg_xl_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

struct ZipPart {
  std::string name;
  std::string data;
};

// The bytes of a zip archive holding `parts` in order, deflated or (with `store`) stored, so
// that a test can corrupt the XML inside. Fails the test (and returns "") on a libzip error.
inline std::string MakeZip(const std::vector<ZipPart>& parts, bool store = false) {
  const std::string path = TempPath("make.zip");
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (z == nullptr) {
    ADD_FAILURE() << "zip_open failed: " << err;
    return "";
  }
  for (const ZipPart& p : parts) {
    zip_source_t* src = zip_source_buffer(z, p.data.data(), p.data.size(), 0);
    const zip_int64_t i = zip_file_add(z, p.name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (i < 0) {
      ADD_FAILURE() << "zip_file_add " << p.name << ": " << zip_strerror(z);
      zip_source_free(src);
      zip_discard(z);
      return "";
    }
    zip_set_file_compression(z, static_cast<zip_uint64_t>(i), store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                             0);
  }
  if (zip_close(z) != 0) {
    ADD_FAILURE() << "zip_close: " << zip_strerror(z);
    zip_discard(z);
    return "";
  }
  std::string bytes = ReadFile(path);
  std::filesystem::remove(path);
  return bytes;
}

constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// What goes into a hand-made workbook of one worksheet.
struct XlsxFixture {
  std::string sheet_data;      // the XML inside <sheetData>
  std::string shared_strings;  // the <si> elements; no shared-string part when empty
  std::string num_fmts;        // the <numFmt> elements of styles.xml
  std::string cell_xfs;        // the <xf> elements of styles.xml; no styles part when empty
  bool date1904 = false;
  bool store = false;     // stored, not deflated
  std::string sheet_xml;  // when set, the whole worksheet part instead of sheet_data
};

inline std::string StylesXml(const XlsxFixture& f) {
  std::string s = std::string(R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns=")") +
                  kMainNs + R"(">)";
  if (!f.num_fmts.empty()) s += "<numFmts>" + f.num_fmts + "</numFmts>";
  s += "<cellXfs>" + f.cell_xfs + "</cellXfs></styleSheet>";
  return s;
}

inline std::vector<ZipPart> XlsxParts(const XlsxFixture& f) {
  std::vector<ZipPart> parts;
  parts.push_back({"[Content_Types].xml",
                   R"(<?xml version="1.0" encoding="UTF-8"?><Types )"
                   R"(xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
                   R"(<Default Extension="xml" ContentType="application/xml"/></Types>)"});
  parts.push_back({"_rels/.rels",
                   std::string(R"(<?xml version="1.0" encoding="UTF-8"?><Relationships )"
                               R"(xmlns="http://schemas.openxmlformats.org/package/2006/)"
                               R"(relationships"><Relationship Id="rId1" Type=")") +
                       kRelNs + R"(/officeDocument" Target="xl/workbook.xml"/></Relationships>)"});
  parts.push_back({"xl/workbook.xml", std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)"
                                                  R"(<workbook xmlns=")") +
                                          kMainNs + R"(" xmlns:r=")" + kRelNs + R"(">)" +
                                          (f.date1904 ? R"(<workbookPr date1904="1"/>)" : "") +
                                          R"(<sheets><sheet name="人口" sheetId="1" )"
                                          R"(r:id="rId1"/></sheets></workbook>)"});
  std::string rels = std::string(R"(<?xml version="1.0" encoding="UTF-8"?><Relationships )"
                                 R"(xmlns="http://schemas.openxmlformats.org/package/2006/)"
                                 R"(relationships"><Relationship Id="rId1" Type=")") +
                     kRelNs + R"(/worksheet" Target="worksheets/sheet1.xml"/>)";
  if (!f.cell_xfs.empty()) {
    rels += std::string(R"(<Relationship Id="rId2" Type=")") + kRelNs +
            R"(/styles" Target="styles.xml"/>)";
  }
  if (!f.shared_strings.empty()) {
    rels += std::string(R"(<Relationship Id="rId3" Type=")") + kRelNs +
            R"(/sharedStrings" Target="sharedStrings.xml"/>)";
  }
  rels += "</Relationships>";
  parts.push_back({"xl/_rels/workbook.xml.rels", rels});
  parts.push_back({"xl/worksheets/sheet1.xml",
                   !f.sheet_xml.empty()
                       ? f.sheet_xml
                       : std::string(R"(<?xml version="1.0" encoding="UTF-8"?><worksheet )"
                                     R"(xmlns=")") +
                             kMainNs + R"("><sheetData>)" + f.sheet_data +
                             "</sheetData></worksheet>"});
  if (!f.cell_xfs.empty()) parts.push_back({"xl/styles.xml", StylesXml(f)});
  if (!f.shared_strings.empty()) {
    parts.push_back({"xl/sharedStrings.xml",
                     std::string(R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns=")") +
                         kMainNs + R"(">)" + f.shared_strings + "</sst>"});
  }
  return parts;
}

inline std::string MakeXlsx(const XlsxFixture& f) { return MakeZip(XlsxParts(f), f.store); }

}  // namespace popreg::io::testing
