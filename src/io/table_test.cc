#include "io/table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/read_all_test_util.h"
#include "io/xlsx_fixtures_test.h"
#include "io/xlsx_writer.h"

namespace popreg::io {
namespace {

using testing::Rows;
using testing::TempPath;
using testing::WriteFile;

TEST(DetectTableFormatTest, ByMagicBytes) {
  EXPECT_EQ(DetectTableFormat("PK\x03\x04\x14\x00"), TableFormat::kXlsx);
  EXPECT_EQ(DetectTableFormat("PK\x05\x06"), TableFormat::kXlsx);
  EXPECT_EQ(DetectTableFormat("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), TableFormat::kXls);
  EXPECT_EQ(DetectTableFormat("\xD0\xCF\x11\xE0"), TableFormat::kCsv);  // too short for OLE2
  EXPECT_EQ(DetectTableFormat("PK,name\n"), TableFormat::kCsv);
  EXPECT_EQ(DetectTableFormat(""), TableFormat::kCsv);
  EXPECT_EQ(DetectTableFormat("\xEF\xBB\xBFname"), TableFormat::kCsv);
  EXPECT_EQ(TableFormatName(TableFormat::kCsv), "csv");
  EXPECT_EQ(TableFormatName(TableFormat::kXlsx), "xlsx");
  EXPECT_EQ(TableFormatName(TableFormat::kXls), "xls");
}

struct Read : testing::ReadResult {
  std::string format;
};

Read ReadTable(const std::string& path) {
  Read r;
  Result<std::unique_ptr<TableReader>> reader = TableReader::Open(path);
  if (!reader.ok()) {
    r.status = reader.status();
    return r;
  }
  r.format = std::string((*reader)->format());
  EXPECT_EQ((*reader)->name(), path);
  static_cast<testing::ReadResult&>(r) = testing::ReadRecords(**reader);
  return r;
}

TEST(TableReaderTest, ChoosesByContentNotByName) {
  const Rows rows = {{"姓名", "公民身份号码"}, {"张伟", "350902198803120021"}};

  // A CSV file named .xlsx is read as CSV.
  const std::string csv_as_xlsx = TempPath("really_csv.xlsx");
  WriteFile(csv_as_xlsx, "姓名,公民身份号码\n\n张伟,350902198803120021\n");
  Read c = ReadTable(csv_as_xlsx);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  EXPECT_EQ(c.format, "csv");
  EXPECT_EQ(c.rows, rows);
  EXPECT_EQ(c.lines, (std::vector<int64_t>{1, 3}));

  // An xlsx file named .csv is read as xlsx.
  const std::string xlsx_as_csv = TempPath("really_xlsx.csv");
  {
    Result<std::unique_ptr<XlsxWriter>> w = XlsxWriter::Create(xlsx_as_csv);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteRow(rows[0]).ok());
    ASSERT_TRUE((*w)->WriteRow(std::vector<std::string>{}).ok());
    ASSERT_TRUE((*w)->WriteRow(rows[1]).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  Read x = ReadTable(xlsx_as_csv);
  ASSERT_TRUE(x.status.ok()) << x.status.ToString();
  EXPECT_EQ(x.format, "xlsx");
  EXPECT_EQ(x.rows, rows);
  EXPECT_EQ(x.lines, (std::vector<int64_t>{1, 3}));

  // An OLE2 file is handed to the xls reader, which names the file in its error.
  const std::string ole = TempPath("not_really.dat");
  WriteFile(ole, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'));
  Read o = ReadTable(ole);
  EXPECT_EQ(o.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(o.status.message().find(ole + ": "), 0u) << o.status.message();

  // A zip that is not a workbook.
  const std::string zip = TempPath("archive.csv");
  WriteFile(zip, testing::MakeZip({{"readme.txt", "hello"}}));
  Read z = ReadTable(zip);
  EXPECT_EQ(z.status.message(), zip +
                                    ": not an xlsx workbook: the zip archive has no "
                                    "xl/workbook.xml");

  for (const std::string& p : {csv_as_xlsx, xlsx_as_csv, ole, zip}) std::filesystem::remove(p);
}

TEST(TableReaderTest, EmptyAndMissingFiles) {
  const std::string empty = TempPath("empty.xlsx");
  WriteFile(empty, "");
  Read e = ReadTable(empty);
  ASSERT_TRUE(e.status.ok());
  EXPECT_EQ(e.format, "csv");
  EXPECT_TRUE(e.rows.empty());
  std::filesystem::remove(empty);

  Read m = ReadTable(TempPath("missing.csv"));
  EXPECT_EQ(m.status.code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace popreg::io
