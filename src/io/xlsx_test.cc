#include "io/xlsx.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/read_all_test_util.h"
#include "io/xlsx_fixtures_test.h"
#include "io/xlsx_writer.h"

namespace popreg::io {
namespace {

using testing::MakeXlsx;
using testing::MakeZip;
using testing::ReadFile;
using testing::ReadResult;
using testing::Rows;
using testing::TempPath;
using testing::WriteFile;
using testing::XlsxFixture;

ReadResult ReadReader(Result<std::unique_ptr<XlsxReader>> reader) {
  if (!reader.ok()) {
    ReadResult r;
    r.status = reader.status();
    return r;
  }
  return testing::ReadRecords(**reader);
}

ReadResult ReadBytes(std::string bytes, const XlsxReaderOptions& options = {}) {
  return ReadReader(XlsxReader::FromBuffer(std::move(bytes), "register.xlsx", options));
}

Rows ReadRows(const XlsxFixture& f) {
  ReadResult r = ReadBytes(MakeXlsx(f));
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  return r.rows;
}

// The rows as a reader gives them back: trailing empty fields dropped, empty rows skipped.
Rows AsRead(Rows rows) {
  Rows out;
  for (auto& row : rows) {
    while (!row.empty() && row.back().empty()) row.pop_back();
    if (!row.empty()) out.push_back(row);
  }
  return out;
}

const Rows& TrickyRows() {
  static const Rows rows = {
      {"姓名", "公民身份号码", "出生日期", "备注"},
      {"张伟", "350902198803120021", "1985-03-02", "a,b"},
      {"李 娜", "35090219880312002X", "1985/3/2", R"(say "hi")"},
      {"王·小明", "", "19850302", "line1\nline2"},
      {"", "", "", ""},  // an empty row: skipped on reading
      {"欧阳娜娜", "350902880312002", "", "crlf\r\nend"},
      {"  leading", "007", "=SUM(A1:A2)", "tab\there"},
      {"ctl\x01\x1F", "_x0041_ stays", "_x005F_", "\xF0\x9F\x98\x80 emoji"},
      {"", "only B"},
      {"x", "", "", "", "", "far"},
  };
  return rows;
}

void WriteRows(const std::string& path, const Rows& rows, const XlsxWriterOptions& options) {
  Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::Create(path, "人口", options);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (const auto& row : rows) ASSERT_TRUE((*w)->WriteRow(row).ok());
  EXPECT_EQ((*w)->rows_written(), static_cast<int64_t>(rows.size()));
  Status st = (*w)->Close();
  ASSERT_TRUE(st.ok()) << st.ToString();
}

class WriterRoundTrip : public ::testing::TestWithParam<bool> {};

TEST_P(WriterRoundTrip, ReadsBackWhatWasWritten) {
  const std::string path = TempPath(GetParam() ? "rt_const.xlsx" : "rt_shared.xlsx");
  XlsxWriterOptions options;
  options.constant_memory = GetParam();  // inline strings, or a shared-string table
  WriteRows(path, TrickyRows(), options);
  Result<std::unique_ptr<XlsxReader>> reader = XlsxReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->sheet_name(), "人口");
  EXPECT_EQ((*reader)->format(), "xlsx");
  EXPECT_EQ((*reader)->name(), path);
  EXPECT_FALSE((*reader)->date1904());
  ReadResult r = ReadReader(std::move(reader));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows, AsRead(TrickyRows()));
  EXPECT_EQ(r.records, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
  // Lines are sheet rows: row 5 was empty.
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2, 3, 4, 6, 7, 8, 9, 10}));
  std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Xlsx, WriterRoundTrip, ::testing::Bool());

// The text of a part of an xlsx file on disk.
std::string PartOf(const std::string& path, const std::string& part) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (z == nullptr) return "";
  std::string out;
  if (zip_file_t* f = zip_fopen(z, part.c_str(), 0)) {
    char buf[4096];
    zip_int64_t n;
    while ((n = zip_fread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    zip_fclose(f);
  }
  zip_discard(z);
  return out;
}

TEST(XlsxWriterTest, HeaderFilterWidthsAndTextFormat) {
  const std::string path = TempPath("features.xlsx");
  XlsxWriterOptions options;
  options.column_widths = {0, 0, 0, 30};
  WriteRows(path, {{"name", "姓名姓名姓", "x", "y"}, {"abcdefghij", "a", "", ""}, {"1", "2", "3"}},
            options);
  const std::string sheet = PartOf(path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find(R"(state="frozen")"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(<autoFilter ref="A1:D3"/>)"), std::string::npos) << sheet;
  // "abcdefghij" is 10 wide, the five Chinese characters 10 wide too: both 10 + 2.
  EXPECT_NE(sheet.find(R"(<col min="1" max="1" width="12.7109375")"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(<col min="2" max="2" width="12.7109375")"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(<col min="4" max="4" width="30.7109375")"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(numberStoredAsText="1")"), std::string::npos);
  const std::string styles = PartOf(path, "xl/styles.xml");
  EXPECT_NE(styles.find("<b/>"), std::string::npos) << styles;
  EXPECT_NE(styles.find(R"(formatCode="@")"), std::string::npos) << styles;
  std::filesystem::remove(path);
}

TEST(XlsxWriterTest, PlainSheetWithoutHeaderFeatures) {
  const std::string path = TempPath("plain.xlsx");
  XlsxWriterOptions options;
  options.header_row = false;
  options.auto_column_widths = false;
  WriteRows(path, {{"a", "b"}}, options);
  const std::string sheet = PartOf(path, "xl/worksheets/sheet1.xml");
  EXPECT_EQ(sheet.find("frozen"), std::string::npos);
  EXPECT_EQ(sheet.find("autoFilter"), std::string::npos);
  EXPECT_EQ(sheet.find("<col "), std::string::npos);
  std::filesystem::remove(path);
}

TEST(XlsxWriterTest, NumbersMergedCellsFrozenPanesAndSheets) {
  const std::string path = TempPath("cells.xlsx");
  XlsxWriterOptions options;
  options.header_row = false;
  options.autofilter = false;
  options.constant_memory = false;
  Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::Create(path, "一", options);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  XlsxWriter& out = **w;
  ASSERT_TRUE(out.MergeCells(0, 1, 0, 2, "登记").ok());
  ASSERT_TRUE(out.WriteCells({{"代码", std::nullopt, "", true}}).ok());
  ASSERT_TRUE(out.WriteCells({{"350902"}, {"", 1234567, "#,##0"}, {"", -3, "+0;-0"}}).ok());
  ASSERT_TRUE(out.FreezePanes(1, 1).ok());
  EXPECT_EQ(out.MergeCells(2, 3, 1, 3, "x").code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(out.AddSheet("二").ok());
  EXPECT_EQ(out.rows_written(), 0);
  ASSERT_TRUE(out.WriteRow(std::vector<std::string>{"second"}).ok());
  EXPECT_EQ(out.AddSheet("a/b").code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(out.Close().ok());
  const std::string sheet = PartOf(path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find(R"(<mergeCell ref="B1:C1"/>)"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find(R"(<pane xSplit="1" ySplit="1")"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>1234567</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>-3</v>"), std::string::npos) << sheet;
  const std::string styles = PartOf(path, "xl/styles.xml");
  EXPECT_NE(styles.find(R"(formatCode="#,##0")"), std::string::npos) << styles;
  EXPECT_NE(PartOf(path, "xl/worksheets/sheet2.xml").find(R"(<c r="A1")"), std::string::npos);
  EXPECT_NE(PartOf(path, "xl/sharedStrings.xml").find("second"), std::string::npos);
  EXPECT_NE(PartOf(path, "xl/workbook.xml").find(R"(name="二")"), std::string::npos);
  // Merged cells are written out of row order: not in constant memory.
  Result<std::unique_ptr<XlsxWriter>> flat = XlsxWriter::Create(path);
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ((*flat)->MergeCells(0, 0, 0, 1, "x").code(), ErrorCode::kFailedPrecondition);
  std::filesystem::remove(path);
}

TEST(XlsxWriterTest, Errors) {
  EXPECT_EQ(XlsxWriter::Create("/nonexistent-dir/out.xlsx").status().code(), ErrorCode::kIoError);
  EXPECT_NE(XlsxWriter::Create("/nonexistent-dir/out.xlsx")
                .status()
                .message()
                .find("/nonexistent-dir/out.xlsx: cannot create"),
            std::string::npos);
  const std::string path = TempPath("errors.xlsx");
  Result<std::unique_ptr<XlsxWriter>> bad_name = XlsxWriter::Create(path, "a/b");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_name.status().message().find("invalid sheet name"), std::string::npos);

  Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::Create(path);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteRow(std::vector<std::string>{"h1", "h2"}).ok());
  Status bad = (*w)->WriteRow(std::vector<std::string>{"ok", "\xFF"});
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), path + ": cell B2: text is not valid UTF-8");
  Status too_long = (*w)->WriteRow(std::vector<std::string>{std::string(32768, 'a')});
  EXPECT_EQ(too_long.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(too_long.message().find("cell A2: text longer than 32767"), std::string::npos);
  // Nothing of a refused row was written; the workbook goes on.
  ASSERT_TRUE((*w)->WriteRow(std::vector<std::string_view>{"a", std::string_view("n\0l", 3)}).ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_TRUE((*w)->Close().ok());
  EXPECT_EQ((*w)->WriteRow(std::vector<std::string>{"late"}).code(),
            ErrorCode::kFailedPrecondition);
  ReadResult r = ReadReader(XlsxReader::Open(path));
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.rows, (Rows{{"h1", "h2"}, {"a", std::string("n\0l", 3)}}));
  std::filesystem::remove(path);
}

// ------------------------------------------------------------------------------------------------
// Hand-made workbooks

TEST(XlsxReaderTest, SharedInlineRichAndOtherCellTypes) {
  XlsxFixture f;
  f.shared_strings =
      "<si><t>姓名</t></si>"
      R"(<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">伟 </t></r>)"
      R"(<rPh sb="0" eb="1"><t>zhang</t></rPh><phoneticPr fontId="1"/></si>)"
      "<si><t>350902198803120021</t></si>"
      "<si><t>a_x000D_b&amp;&lt;c&gt;</t></si>"
      R"(<si><t xml:space="preserve">  </t></si>)";
  f.sheet_data =
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c></row>)"
      R"(<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="inlineStr"><is><t>王)"
      R"(</t></is></c><c r="C2" t="inlineStr"><is><r><t>李</t></r><r><t>娜</t></r></is></c>)"
      R"(<c r="D2" t="str"><f>A1&amp;"x"</f><v>姓名x</v></c><c r="E2" t="b"><v>1</v></c>)"
      R"(<c r="F2" t="b"><v>0</v></c><c r="G2" t="e"><f>1/0</f><v>#DIV/0!</v></c>)"
      R"(<c r="H2" t="d"><v>1985-03-02T10:00:00</v></c><c r="I2" t="s"><v>3</v></c>)"
      R"(<c r="J2" t="s"><v>4</v></c><c r="K2"><f>1+1</f><v>2</v></c>)"
      R"(<c r="L2" t="str"><f>A1</f><v>x_x000D_y</v></c></row>)";
  EXPECT_EQ(ReadRows(f), (Rows{{"姓名", "350902198803120021"},
                               {"张伟 ", "王", "李娜", "姓名x", "TRUE", "FALSE", "#DIV/0!",
                                "1985-03-02", "a\rb&<c>", "  ", "2", "x\ry"}}));
}

TEST(XlsxReaderTest, Numbers) {
  XlsxFixture f;
  f.sheet_data =
      R"(<row r="1"><c r="A1"><v>42</v></c><c r="B1"><v>3.50902198803120E+17</v></c>)"
      R"(<c r="C1"><v>350902198803120021</v></c><c r="D1" t="n"><v>0.1</v></c>)"
      R"(<c r="E1"><v>1.5E-3</v></c><c r="F1"><v>-0</v></c><c r="G1"><v>1E+21</v></c>)"
      R"(<c r="H1"><v>0.30000000000000004</v></c><c r="I1"><v>-12.50</v></c>)"
      R"(<c r="J1"><v></v></c><c r="K1"/><c r="L1"><v>3.5090219880312E+16</v></c></row>)";
  EXPECT_EQ(ReadRows(f),
            (Rows{{"42", "350902198803120000", "350902198803120021", "0.1", "0.0015", "0", "1e+21",
                   "0.30000000000000004", "-12.5", "", "", "35090219880312000"}}));
}

XlsxFixture DateFixture() {
  XlsxFixture f;
  f.num_fmts =
      R"(<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>)"
      R"(<numFmt numFmtId="165" formatCode="h:mm"/>)"
      R"(<numFmt numFmtId="166" formatCode="#,##0.00&quot;元&quot;"/>)";
  // Styles: 0 General, 1 built-in date 14, 2 custom date 164, 3 time 165, 4 number 166,
  // 5 built-in 31 (zh-CN yyyy"年"m"月"d"日"), 6 built-in 22 (date and time), 7 text "@".
  f.cell_xfs = R"(<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/>)"
               R"(<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="31"/><xf numFmtId="22"/>)"
               R"(<xf numFmtId="49"/>)";
  f.sheet_data =
      R"(<row r="1"><c r="A1" s="1"><v>31108</v></c><c r="B1" s="2"><v>46039</v></c>)"
      R"(<c r="C1" s="3"><v>0.5</v></c><c r="D1" s="4"><v>31108</v></c>)"
      R"(<c r="E1" s="5"><v>31108</v></c><c r="F1" s="6"><v>31108.75</v></c>)"
      R"(<c r="G1" s="7"><v>31108</v></c><c r="H1" s="0"><v>31108</v></c>)"
      R"(<c r="I1"><v>31108</v></c><c r="J1" s="99"><v>31108</v></c></row>)"
      // Excel's 1900 leap-year bug around serial 60, serial 0, and dates that are not.
      R"(<row r="2"><c r="A2" s="1"><v>59</v></c><c r="B2" s="1"><v>60</v></c>)"
      R"(<c r="C2" s="1"><v>61</v></c><c r="D2" s="1"><v>1</v></c>)"
      R"(<c r="E2" s="1"><v>0</v></c><c r="F2" s="1"><v>-5</v></c>)"
      R"(<c r="G2" s="1"><v>3.50902198803120E+17</v></c><c r="H2" s="1"><v>2958465</v></c>)"
      R"(<c r="I2" s="1"><v>2958466</v></c><c r="J2" s="1" t="s"><v>0</v></c></row>)";
  f.shared_strings = "<si><t>1985-03-02</t></si>";
  return f;
}

TEST(XlsxReaderTest, DatesIn1900System) {
  EXPECT_EQ(ReadRows(DateFixture()),
            (Rows{{"1985-03-02", "2026-01-17", "0.5", "31108", "1985-03-02", "1985-03-02", "31108",
                   "31108", "31108", "31108"},
                  {"1900-02-28", "1900-02-29", "1900-03-01", "1900-01-01", "1900-01-00", "-5",
                   "350902198803120000", "9999-12-31", "2958466", "1985-03-02"}}));
}

TEST(XlsxReaderTest, DatesIn1904System) {
  XlsxFixture f = DateFixture();
  f.date1904 = true;
  f.sheet_data = R"(<row r="1"><c r="A1" s="1"><v>29646</v></c><c r="B1" s="1"><v>0</v></c>)"
                 R"(<c r="C1" s="1"><v>60</v></c><c r="D1" s="1"><v>2957004</v></c></row>)";
  Result<std::unique_ptr<XlsxReader>> reader = XlsxReader::FromBuffer(MakeXlsx(f), "r.xlsx");
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->date1904());
  ReadResult r = ReadReader(std::move(reader));
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.rows, (Rows{{"1985-03-02", "1904-01-01", "1904-03-01", "2957004"}}));
}

TEST(XlsxReaderTest, SparseRowsAndCells) {
  XlsxFixture f;
  f.cell_xfs = R"(<xf numFmtId="0"/><xf numFmtId="0" fillId="2"/>)";
  f.sheet_data = R"(<row r="1"><c r="B1" t="inlineStr"><is><t>b</t></is></c>)"
                 R"(<c r="D1" t="inlineStr"><is><t>d</t></is></c></row>)"
                 R"(<row r="3" s="1" customFormat="1"/>)"                  // formatted, no cells
                 R"(<row r="4"><c r="A4" s="1"/><c r="Z4" s="1"/></row>)"  // styled empty cells
                 R"(<row r="7"><c r="A7"><v>1</v></c><c r="C7" s="1"/><c r="XFD7" s="1"/></row>)"
                 R"(<row><c><v>2</v></c><c><v>3</v></c><c r="E8"><v>5</v></c><c><v>6</v></c></row>)"
                 R"(<row r="1048576"><c r="AA1048576"><v>9</v></c></row>)";
  ReadResult r = ReadBytes(MakeXlsx(f));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  Rows last(1, std::vector<std::string>(27));
  last[0][26] = "9";
  EXPECT_EQ(r.rows, (Rows{{"", "b", "", "d"}, {"1"}, {"2", "3", "", "", "5", "6"}, last[0]}));
  EXPECT_EQ(r.records, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 7, 8, 1048576}));
}

TEST(XlsxReaderTest, PrefixedNamesCommentsAndCdata) {
  XlsxFixture f;
  f.sheet_xml = std::string(
                    "<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<x:worksheet "
                    R"(xmlns:x=")") +
                testing::kMainNs +
                R"("><x:sheetData><!-- <row r="1"> -->)"
                R"(<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t><![CDATA[a</x:row>&b]]>)"
                "</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>";
  ReadResult r = ReadBytes(MakeXlsx(f));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows, (Rows{{"a</x:row>&b"}}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{2}));
}

TEST(XlsxReaderTest, FirstWorksheetInWorkbookOrder) {
  // The workbook lists a chartsheet, then sheet2.xml, then sheet1.xml: sheet2 is read.
  const std::string rel = testing::kRelNs;
  std::vector<testing::ZipPart> parts = {
      {"_rels/.rels",
       R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="r1" Type=")" +
           rel + R"(/officeDocument" Target="/book/main.xml"/></Relationships>)"},
      {"book/main.xml",
       R"(<workbook xmlns=")" + std::string(testing::kMainNs) + R"(" xmlns:rel=")" + rel +
           R"("><sheets><sheet name="图表" rel:id="c"/><sheet name="第二" rel:id="s2"/>)"
           R"(<sheet name="第一" rel:id="s1"/></sheets></workbook>)"},
      {"book/_rels/main.xml.rels",
       R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="s1" Type=")" +
           rel + R"(/worksheet" Target="sheets/sheet1.xml"/><Relationship Id="c" Type=")" + rel +
           R"(/chartsheet" Target="charts/c1.xml"/><Relationship Id="s2" Type=")" + rel +
           R"(/worksheet" Target="../book/sheets/./sheet2.xml"/></Relationships>)"},
      {"book/sheets/sheet1.xml",
       R"(<worksheet><sheetData><row><c t="inlineStr"><is><t>one</t></is></c></row></sheetData>)"
       "</worksheet>"},
      {"book/sheets/sheet2.xml",
       R"(<worksheet><sheetData><row><c t="inlineStr"><is><t>two</t></is></c></row></sheetData>)"
       "</worksheet>"},
  };
  Result<std::unique_ptr<XlsxReader>> reader = XlsxReader::FromBuffer(MakeZip(parts), "b.xlsx");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->sheet_name(), "第二");
  ReadResult r = ReadReader(std::move(reader));
  EXPECT_EQ(r.rows, (Rows{{"two"}}));
}

// ------------------------------------------------------------------------------------------------
// Errors

std::string ErrorOf(const XlsxFixture& f, const XlsxReaderOptions& options = {}) {
  ReadResult r = ReadBytes(MakeXlsx(f), options);
  EXPECT_FALSE(r.status.ok());
  return r.status.message();
}

std::string ValidWorkbook() {
  XlsxFixture f;
  f.shared_strings = "<si><t>姓名</t></si>";
  f.sheet_data = R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row>)";
  return MakeXlsx(f);
}

TEST(XlsxReaderErrorsTest, NotAZipTruncatedAndMissing) {
  ReadResult r = ReadBytes("name,sex\n张伟,男\n");
  EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status.message().find("register.xlsx: not a valid xlsx file: the zip archive is "
                                    "damaged or truncated ("),
            0u)
      << r.status.message();

  const std::string whole = ValidWorkbook();
  ASSERT_TRUE(ReadBytes(whole).status.ok());
  for (size_t keep : {whole.size() / 2, whole.size() - 10, size_t{30}, size_t{0}}) {
    ReadResult t = ReadBytes(whole.substr(0, keep));
    EXPECT_EQ(t.status.code(), ErrorCode::kInvalidArgument) << keep;
    EXPECT_NE(t.status.message().find("register.xlsx: not a valid xlsx file"), std::string::npos)
        << t.status.message();
  }

  const std::string path = TempPath("truncated.xlsx");
  WriteFile(path, whole.substr(0, whole.size() / 2));
  Result<std::unique_ptr<XlsxReader>> t = XlsxReader::Open(path);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().find(path + ": not a valid xlsx file"), 0u);
  std::filesystem::remove(path);

  Result<std::unique_ptr<XlsxReader>> missing = XlsxReader::Open(TempPath("missing.xlsx"));
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.xlsx: cannot open: No such file or directory"),
            std::string::npos);
}

TEST(XlsxReaderErrorsTest, ZipWithoutWorkbook) {
  ReadResult r = ReadBytes(MakeZip({{"word/document.xml", "<document/>"}}));
  EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status.message(),
            "register.xlsx: not an xlsx workbook: the zip archive has no xl/workbook.xml");

  std::vector<testing::ZipPart> parts = testing::XlsxParts(XlsxFixture{});
  parts.erase(parts.begin() + 3);  // xl/_rels/workbook.xml.rels
  EXPECT_EQ(ReadBytes(MakeZip(parts)).status.message(),
            "register.xlsx: not an xlsx workbook: the zip archive has no "
            "xl/_rels/workbook.xml.rels");

  parts = testing::XlsxParts(XlsxFixture{});
  parts.erase(parts.begin() + 4);  // the sheet
  EXPECT_EQ(ReadBytes(MakeZip(parts)).status.message(),
            "register.xlsx: damaged xlsx workbook: the zip archive has no "
            "xl/worksheets/sheet1.xml (sheet 1)");

  parts = testing::XlsxParts(XlsxFixture{});
  parts[2].data = "<workbook><sheets></workbook>";
  EXPECT_NE(ReadBytes(MakeZip(parts))
                .status.message()
                .find("register.xlsx: xl/workbook.xml: malformed XML ("),
            std::string::npos);
}

TEST(XlsxReaderErrorsTest, CellsThatDoNotHoldWhatTheySay) {
  XlsxFixture f;
  f.shared_strings = "<si><t>a</t></si>";
  f.sheet_data = R"(<row r="7"><c r="A7" t="s"><v>0</v></c><c r="B7" t="s"><v>5</v></c></row>)";
  EXPECT_EQ(ErrorOf(f),
            "register.xlsx: sheet 1, cell B7: shared string 5 does not exist (the workbook has 1)");
  f.sheet_data = R"(<row r="2"><c r="C2"><v>12abc</v></c></row>)";
  EXPECT_EQ(ErrorOf(f),
            R"(register.xlsx: sheet 1, cell C2: number cell holds "12abc", not a number)");
  f.sheet_data = R"(<row r="2"><c r="C2" t="b"><v>2</v></c></row>)";
  EXPECT_EQ(ErrorOf(f), R"(register.xlsx: sheet 1, cell C2: boolean cell holds "2")");
  f.sheet_data = R"(<row r="2"><c r="C2" t="zz"><v>2</v></c></row>)";
  EXPECT_EQ(ErrorOf(f), R"(register.xlsx: sheet 1, cell C2: unknown cell type t="zz")");
  f.sheet_data = "<row r=\"2\"><c r=\"C2\" t=\"str\"><v>\xC3\x28</v></c></row>";
  EXPECT_EQ(ErrorOf(f), "register.xlsx: sheet 1, cell C2: text is not valid UTF-8");
  f.sheet_data = R"(<row r="2"><c r="C2" t="str"><v>&#xD800;</v></c></row>)";
  EXPECT_EQ(ErrorOf(f), "register.xlsx: sheet 1, cell C2: text is not valid UTF-8");
}

TEST(XlsxReaderErrorsTest, RowsAndCellsOutOfOrder) {
  XlsxFixture f;
  f.sheet_data = R"(<row r="3"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row>)";
  EXPECT_EQ(ErrorOf(f),
            "register.xlsx: sheet 1, row 2: rows out of order (row 2 comes after row 3)");
  f.sheet_data = R"(<row r="3"><c r="C3"><v>1</v></c><c r="B3"><v>1</v></c></row>)";
  EXPECT_EQ(ErrorOf(f), "register.xlsx: sheet 1, cell B3: cells out of order (after column C)");
  f.sheet_data = R"(<row r="3"><c r="3C"><v>1</v></c></row>)";
  EXPECT_EQ(ErrorOf(f), R"(register.xlsx: sheet 1, row 3: invalid cell reference "3C")");
  f.sheet_data = R"(<row r="x"/>)";
  EXPECT_EQ(ErrorOf(f), R"(register.xlsx: sheet 1: invalid row number r="x" after row 0)");
  f.sheet_data = R"(<row r="1048577"/>)";
  EXPECT_EQ(ErrorOf(f), R"(register.xlsx: sheet 1: invalid row number r="1048577" after row 0)");
  f.sheet_data = R"(<row r="1"><c r="XFD1"><v>1</v></c><c><v>2</v></c></row>)";
  EXPECT_EQ(ErrorOf(f), "register.xlsx: sheet 1, row 1: more than 16384 columns");
}

TEST(XlsxReaderErrorsTest, MalformedAndTruncatedSheetXml) {
  XlsxFixture f;
  f.sheet_data = R"(<row r="1"><c><v>1</v></c></row><row r="2"><c><v>1</c></row>)";
  EXPECT_EQ(ErrorOf(f).find("register.xlsx: sheet 1: malformed XML in the row after row 1 ("), 0u);
  f.sheet_xml = R"(<worksheet><sheetData><row r="1"><c><v>1</v></c></row><row r="2"><c>)";
  EXPECT_EQ(ErrorOf(f),
            "register.xlsx: sheet 1 (xl/worksheets/sheet1.xml): XML ends inside an element");
}

TEST(XlsxReaderErrorsTest, DamagedCompressedData) {
  XlsxFixture f;
  f.store = true;  // the XML is in the zip as it is, so one byte can be changed
  f.sheet_data = R"(<row r="1"><c t="inlineStr"><is><t>ABCDEFGH</t></is></c></row>)";
  std::string bytes = MakeXlsx(f);
  const size_t at = bytes.find("ABCDEFGH");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'Z';
  ReadResult r = ReadBytes(bytes);
  EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status.message().find(
                "register.xlsx: sheet 1 (xl/worksheets/sheet1.xml): damaged compressed data ("),
            0u)
      << r.status.message();
}

TEST(XlsxReaderErrorsTest, ZipBombsAndHugeRows) {
  XlsxFixture f;
  f.sheet_data = R"(<row r="1"><c><v>1</v></c></row>)" + std::string(3 << 20, ' ') +
                 R"(<row r="2"><c><v>2</v></c></row>)";
  XlsxReaderOptions options;
  options.max_part_bytes = 1 << 20;
  ReadResult r = ReadBytes(MakeXlsx(f), options);
  EXPECT_EQ(r.status.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(r.status.message(),
            "register.xlsx: xl/worksheets/sheet1.xml: decompresses to more than 1048576 bytes; "
            "refused as a possible zip bomb");

  f.sheet_data = R"(<row r="1"><c><v>1</v></c></row><row r="2"><c t="inlineStr"><is><t>)" +
                 std::string(5000, 'x') + "</t></is></c></row>";
  options = {};
  options.max_row_bytes = 1000;
  r = ReadBytes(MakeXlsx(f), options);
  EXPECT_EQ(r.rows, (Rows{{"1"}}));
  EXPECT_EQ(r.status.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(r.status.message(),
            "register.xlsx: sheet 1 (xl/worksheets/sheet1.xml): XML element "
            "larger than 1000 bytes");

  f.shared_strings = "<si><t>" + std::string(5000, 'x') + "</t></si>";
  EXPECT_EQ(ErrorOf(f, options),
            "register.xlsx: xl/sharedStrings.xml: XML element larger than 1000 bytes");
}

}  // namespace
}  // namespace popreg::io
