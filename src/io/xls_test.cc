#include "io/xls.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "io/read_all_test_util.h"
#include "io/xlsx_fixtures_test.h"

namespace popreg::io {
namespace {

using testing::ReadFile;
using testing::Rows;
using testing::TempPath;
using testing::WriteFile;

// Writes the fixture workbook with xlwt (Debian package python3-xlwt), an implementation of BIFF8
// independent of FreeXL.
constexpr const char* kMakeXls = R"PY(
import sys, datetime, xlwt
wb = xlwt.Workbook(encoding='utf-8')
ws = wb.add_sheet('人口')
date = xlwt.easyxf(num_format_str='YYYY-MM-DD')
dt = xlwt.easyxf(num_format_str='YYYY-MM-DD hh:mm:ss')
zh = xlwt.easyxf(num_format_str='yyyy"年"m"月"d"日"')
tm = xlwt.easyxf(num_format_str='hh:mm')
for c, h in enumerate(['姓名', '性别', '出生日期', '公民身份号码', '备注']):
    ws.write(0, c, h)
ws.write(1, 0, '张伟'); ws.write(1, 1, '男'); ws.write(1, 2, datetime.date(1985, 3, 2), date)
ws.write(1, 3, '350902198803120021'); ws.write(1, 4, 'a,b "q"\nline2')
ws.write(2, 0, '李娜'); ws.write(2, 1, 2); ws.write(2, 2, datetime.datetime(2026, 1, 17, 8, 30), dt)
ws.write(2, 3, 350902198803120021); ws.write(2, 4, 1.5)
ws.write(4, 0, '王·小明'); ws.write(4, 2, datetime.date(1990, 12, 31), zh); ws.write(4, 4, -0.1)
ws.write(5, 1, 'only B')
ws.write(6, 0, 123456789); ws.write(6, 1, 3.5e-7); ws.write(6, 2, True)
ws.write(6, 3, datetime.time(8, 30), tm); ws.write(6, 4, 1e21)
ws.write(7, 3, '', xlwt.easyxf('font: bold on'))
wb.add_sheet('second').write(0, 0, 'not read')
wb.save(sys.argv[1])
)PY";

// Creates the fixture at `path` with /usr/bin/python3 and xlwt. Fails the test, with what to
// install, when they are missing: the xls tests must not pass by not running.
void MakeXls(const std::string& path) {
  const std::string script = TempPath("make_xls.py");
  WriteFile(script, kMakeXls);
  const std::string check = "/usr/bin/python3 -c 'import xlwt' 2>/dev/null";
  ASSERT_EQ(std::system(check.c_str()), 0)
      << "/usr/bin/python3 with the xlwt module is needed to make the .xls fixtures: install the "
         "Debian package python3-xlwt (scripts/bootstrap lists it)";
  const std::string cmd = "/usr/bin/python3 " + script + " " + path;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::filesystem::remove(script);
}

using testing::ReadResult;

ReadResult ReadAll(const std::string& path) {
  Result<std::unique_ptr<XlsReader>> reader = XlsReader::Open(path);
  if (!reader.ok()) {
    ReadResult r;
    r.status = reader.status();
    return r;
  }
  return testing::ReadRecords(**reader);
}

class XlsReaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(TempPath("fixture.xls"));
    MakeXls(*path_);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove(*path_);
    delete path_;
  }
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(*path_)) << "the .xls fixture could not be made";
  }
  static std::string* path_;
};
std::string* XlsReaderTest::path_ = nullptr;

TEST_F(XlsReaderTest, TextNumbersAndDates) {
  Result<std::unique_ptr<XlsReader>> reader = XlsReader::Open(*path_);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->format(), "xls");
  EXPECT_EQ((*reader)->sheet_name(), "人口");
  EXPECT_EQ((*reader)->name(), *path_);
  ReadResult r = ReadAll(*path_);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows, (Rows{
                        {"姓名", "性别", "出生日期", "公民身份号码", "备注"},
                        {"张伟", "男", "1985-03-02", "350902198803120021", "a,b \"q\"\nline2"},
                        // An 18-digit ID stored as a number shows its damage.
                        {"李娜", "2", "2026-01-17", "350902198803120000", "1.5"},
                        {"王·小明", "", "1990-12-31", "", "-0.1"},
                        {"", "only B"},
                        // A boolean is an integer to FreeXL; a time of day stays a time.
                        {"123456789", "3.5e-07", "1", "08:30:00", "1e+21"},
                    }));
  EXPECT_EQ(r.records, (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  // Sheet rows, 1-based: row 4 is empty, row 8 holds only a formatted empty cell.
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2, 3, 5, 6, 7}));
}

TEST_F(XlsReaderTest, DamagedFiles) {
  const std::string whole = ReadFile(*path_);
  ASSERT_GT(whole.size(), 2048u);
  const std::string cut = TempPath("cut.xls");
  for (size_t keep : {whole.size() / 2, size_t{600}, size_t{8}}) {
    WriteFile(cut, whole.substr(0, keep));
    ReadResult r = ReadAll(cut);
    EXPECT_FALSE(r.status.ok()) << keep;
    EXPECT_EQ(r.status.message().find(cut + ": "), 0u) << r.status.message();
    EXPECT_NE(r.status.message().find("FreeXL error"), std::string::npos) << r.status.message();
  }
  std::filesystem::remove(cut);

  ReadResult missing = ReadAll(TempPath("missing.xls"));
  EXPECT_EQ(missing.status.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status.message().find("missing.xls: cannot open: No such file or directory"),
            std::string::npos);
}

// Fuzzing found files on which FreeXL 1.0.6 corrupts its heap (a crash in freexl_open) or reads
// past a stack buffer; the reader's child process turns them into errors.
TEST(XlsReaderCrashTest, FreexlCrashesBecomeErrors) {
  for (const char* file :
       {"regress_freexl_heap_corruption.xls", "regress_freexl_stack_overread.xls"}) {
    const std::string path = std::string(POPREG_SOURCE_DIR) + "/fuzz/corpus/xls/" + file;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    ReadResult r = ReadAll(path);
    EXPECT_FALSE(r.status.ok()) << file;
    EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument) << r.status.ToString();
    EXPECT_EQ(r.status.message().find(path + ": "), 0u) << r.status.message();
  }
  // The heap corruption ends the child: by a signal, or by a sanitizer's exit.
  const std::string path =
      std::string(POPREG_SOURCE_DIR) + "/fuzz/corpus/xls/regress_freexl_heap_corruption.xls";
  EXPECT_EQ(
      ReadAll(path).status.message().find(path + ": damaged xls file: the xls reader (FreeXL "),
      0u);
}

TEST_F(XlsReaderTest, StoppingEarlyLeavesNoChildBehind) {
  for (int i = 0; i < 20; ++i) {
    Result<std::unique_ptr<XlsReader>> reader = XlsReader::Open(*path_);
    ASSERT_TRUE(reader.ok());
    CsvRecord rec;
    ASSERT_TRUE((*reader)->Next(&rec).ok());
  }
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace popreg::io
