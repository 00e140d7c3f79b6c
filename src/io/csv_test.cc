#include "io/csv.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "io/read_all_test_util.h"

namespace popreg::io {
namespace {

using testing::ReadRecords;
using testing::Rows;

struct ReadResult : testing::ReadResult {
  Encoding encoding = Encoding::kUtf8;
};

ReadResult ReadAll(std::string bytes, const CsvReaderOptions& options = {}) {
  ReadResult r;
  Result<std::unique_ptr<CsvReader>> reader =
      CsvReader::FromString(std::move(bytes), "t.csv", options);
  if (!reader.ok()) {
    r.status = reader.status();
    return r;
  }
  static_cast<testing::ReadResult&>(r) = ReadRecords(**reader);
  r.encoding = (*reader)->encoding();
  return r;
}

Rows Read(std::string bytes, const CsvReaderOptions& options = {}) {
  ReadResult r = ReadAll(std::move(bytes), options);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  return r.rows;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) /
          ("popreg_io_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

TEST(CsvReaderTest, SimpleWithLf) {
  ReadResult r = ReadAll("name,sex\n张伟,男\n李娜,女\n");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.rows, (Rows{{"name", "sex"}, {"张伟", "男"}, {"李娜", "女"}}));
  EXPECT_EQ(r.records, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2, 3}));
}

TEST(CsvReaderTest, Crlf) {
  ReadResult r = ReadAll("a,b\r\n1,2\r\n3,4\r\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2, 3}));
}

TEST(CsvReaderTest, LoneCrEndsARecord) {
  ReadResult r = ReadAll("a,b\r1,2\r3,4");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2, 3}));
}

TEST(CsvReaderTest, LastLineWithoutLineEnd) {
  EXPECT_EQ(Read("a,b\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(Read("a,b\r\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(Read("a"), (Rows{{"a"}}));
}

TEST(CsvReaderTest, TrailingNewlineMakesNoExtraRecord) {
  EXPECT_EQ(Read("a\n"), (Rows{{"a"}}));
  EXPECT_EQ(Read("a\r\n"), (Rows{{"a"}}));
  EXPECT_EQ(Read("a,b\n1,2\n"), (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, EmptyInput) {
  EXPECT_EQ(Read(""), Rows{});
  EXPECT_EQ(Read("\n\n\r\n"), Rows{});
  EXPECT_EQ(Read("\xEF\xBB\xBF"), Rows{});
}

TEST(CsvReaderTest, QuotedFields) {
  EXPECT_EQ(Read("\"a,b\",c\n"), (Rows{{"a,b", "c"}}));
  EXPECT_EQ(Read("\"say \"\"hi\"\"\",x\n"), (Rows{{"say \"hi\"", "x"}}));
  EXPECT_EQ(Read("\"\"\"\"\n"), (Rows{{"\""}}));
  EXPECT_EQ(Read("\"\",\"\"\n"), (Rows{{"", ""}}));
  EXPECT_EQ(Read("\"\"\n"), (Rows{{""}}));  // a quoted empty field is not a blank line
  EXPECT_EQ(Read("\"last\""), (Rows{{"last"}}));
  EXPECT_EQ(Read("\"地址,含逗号\",\"北京市\"\n"), (Rows{{"地址,含逗号", "北京市"}}));
}

TEST(CsvReaderTest, EmbeddedNewlinesAndLineNumbers) {
  ReadResult r = ReadAll("h1,h2\n\"line1\nline2\",x\n\"a\r\nb\",y\r\nlast,z\n");
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows, (Rows{{"h1", "h2"}, {"line1\nline2", "x"}, {"a\r\nb", "y"}, {"last", "z"}}));
  EXPECT_EQ(r.records, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2, 4, 6}));
}

TEST(CsvReaderTest, EmptyFields) {
  EXPECT_EQ(Read("a,b,\n"), (Rows{{"a", "b", ""}}));
  EXPECT_EQ(Read(",\n"), (Rows{{"", ""}}));
  EXPECT_EQ(Read(",,"), (Rows{{"", "", ""}}));
  EXPECT_EQ(Read("a,,c\n"), (Rows{{"a", "", "c"}}));
  EXPECT_EQ(Read("a,\"\"\n"), (Rows{{"a", ""}}));
  EXPECT_EQ(Read("a,b,"), (Rows{{"a", "b", ""}}));
  EXPECT_EQ(Read("a,b,\r\n"), (Rows{{"a", "b", ""}}));
}

TEST(CsvReaderTest, BlankLinesAreSkippedButCounted) {
  ReadResult r = ReadAll("\nh\n\n\r\n1\n\n2\n\n");
  EXPECT_EQ(r.rows, (Rows{{"h"}, {"1"}, {"2"}}));
  EXPECT_EQ(r.records, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{2, 5, 7}));
  // A line of spaces is a record.
  EXPECT_EQ(Read("a\n  \nb\n"), (Rows{{"a"}, {"  "}, {"b"}}));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesFileAndLine) {
  ReadResult r = ReadAll("a,b\n1,2\n3,\"open\nstill open\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}}));
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status.message(), "t.csv: line 3: unterminated quoted field");
}

TEST(CsvReaderTest, ErrorIsSticky) {
  auto reader = std::move(CsvReader::FromString("\"x", "t.csv")).value();
  CsvRecord rec;
  EXPECT_FALSE(reader->Next(&rec).ok());
  EXPECT_FALSE(reader->Next(&rec).ok());
}

TEST(CsvReaderTest, LenientQuotes) {
  // A quote inside an unquoted field is kept as it is.
  EXPECT_EQ(Read("ab\"c,d\n"), (Rows{{"ab\"c", "d"}}));
  EXPECT_EQ(Read("5'10\",x\n"), (Rows{{"5'10\"", "x"}}));
  // Text after the closing quote is appended.
  EXPECT_EQ(Read("\"ab\"c,d\n"), (Rows{{"abc", "d"}}));
  EXPECT_EQ(Read("\"ab\" ,d\n"), (Rows{{"ab ", "d"}}));
}

TEST(CsvReaderTest, BomIsDropped) {
  ReadResult r = ReadAll("\xEF\xBB\xBF姓名,性别\n张伟,男\n");
  EXPECT_EQ(r.encoding, Encoding::kUtf8Bom);
  EXPECT_EQ(r.rows, (Rows{{"姓名", "性别"}, {"张伟", "男"}}));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2}));
  // A BOM followed by a quoted field.
  EXPECT_EQ(Read("\xEF\xBB\xBF\"a,b\"\n"), (Rows{{"a,b"}}));
}

TEST(CsvReaderTest, VariableFieldCounts) {
  EXPECT_EQ(Read("a,b,c\n1\n1,2,3,4\n"), (Rows{{"a", "b", "c"}, {"1"}, {"1", "2", "3", "4"}}));
}

TEST(CsvReaderTest, ReusesTheRecord) {
  auto reader = std::move(CsvReader::FromString("a,b,c\nd\ne,f\n", "t.csv")).value();
  CsvRecord rec;
  ASSERT_TRUE(*reader->Next(&rec));
  EXPECT_EQ(rec.fields, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(*reader->Next(&rec));
  EXPECT_EQ(rec.fields, (std::vector<std::string>{"d"}));
  ASSERT_TRUE(*reader->Next(&rec));
  EXPECT_EQ(rec.fields, (std::vector<std::string>{"e", "f"}));
  EXPECT_FALSE(*reader->Next(&rec));
  EXPECT_FALSE(*reader->Next(&rec));  // end of file stays end of file
}

TEST(CsvReaderTest, InvalidUtf8NamesLineAndOffset) {
  // Bad bytes within the first chunk: detection refuses the file at Open.
  ReadResult r = ReadAll("姓名,性别\n张伟,男\nab\xC3(,x\n");
  EXPECT_EQ(r.rows, Rows{});
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status.message(), "t.csv: not UTF-8 or GB18030 text (byte offset 27, line 3)");

  // Bad bytes after the first chunk: the records before them are read.
  CsvReaderOptions options;
  options.chunk_size = 16;
  r = ReadAll("姓名,性别\n张伟,男\nab\xC3(,x\n", options);
  EXPECT_EQ(r.rows, (Rows{{"姓名", "性别"}, {"张伟", "男"}}));
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.code(), ErrorCode::kInvalidArgument);
  // 姓名,性别\n is 14 bytes, 张伟,男\n 11 more, then "ab".
  EXPECT_EQ(r.status.message(), "t.csv: line 3: invalid UTF-8 byte sequence at byte offset 27");
}

TEST(CsvReaderTest, InvalidUtf8AtTheEnd) {
  ReadResult r = ReadAll("姓名\n张\xE4\xBC");
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.message(), "t.csv: line 2: invalid UTF-8 byte sequence at byte offset 10");
}

TEST(CsvReaderTest, NeitherEncodingFailsAtOpen) {
  Result<std::unique_ptr<CsvReader>> r = CsvReader::FromString("name\ncaf\xE9 x\n", "l1.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "l1.csv: not UTF-8 or GB18030 text (byte offset 8, line 2)");
}

TEST(CsvReaderTest, Gb18030FromString) {
  const std::string utf8 = "姓名,性别,地址\n张伟,男,\"福建省,泉州市\"\n𠀀𠀁,女,\"多\n行\"\n";
  const std::string gb = *FromUtf8(utf8, Encoding::kGb18030);
  ReadResult r = ReadAll(gb);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.encoding, Encoding::kGb18030);
  EXPECT_EQ(r.rows, Read(utf8));
  EXPECT_EQ(r.lines, (std::vector<int64_t>{1, 2, 3}));
}

TEST(CsvReaderTest, InvalidGb18030NamesLine) {
  std::string gb = *FromUtf8("姓名,性别\n张伟,男\n", Encoding::kGb18030);
  const size_t bad_at = gb.size() + 2;
  gb += "ab\xFF,x\n";
  CsvReaderOptions options;
  options.chunk_size = 16;
  ReadResult r = ReadAll(gb, options);
  EXPECT_EQ(r.rows.size(), 2u);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.message(), "t.csv: line 3: invalid GB18030 byte sequence at byte offset " +
                                    std::to_string(bad_at));
}

TEST(CsvReaderTest, AsciiHeadThenGb18030SwitchesEncoding) {
  // The detection sample (one chunk) is ASCII; the Chinese text comes later.
  const std::string utf8 = "name,sex,birth_date\nZhang,M,1985-03-02\n张伟,男,1985-03-02\n";
  const std::string gb = *FromUtf8(utf8, Encoding::kGb18030);
  CsvReaderOptions options;
  options.chunk_size = 16;
  ReadResult r = ReadAll(gb, options);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.encoding, Encoding::kGb18030);
  EXPECT_EQ(r.rows, Read(utf8));
}

TEST(CsvReaderTest, NoSwitchAfterUtf8Text) {
  // Once UTF-8 text has been seen, later bytes that are not UTF-8 are an error.
  CsvReaderOptions options;
  options.chunk_size = 4;
  ReadResult r = ReadAll("张伟\nab\xD5\xC5\n", options);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.message(), "t.csv: line 2: invalid UTF-8 byte sequence at byte offset 9");
}

TEST(CsvReaderTest, GivenEncodingIsNotDetected) {
  CsvReaderOptions options;
  options.encoding = Encoding::kUtf8;
  ReadResult r = ReadAll(*FromUtf8("张伟\n", Encoding::kGb18030), options);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.message(), "t.csv: line 1: invalid UTF-8 byte sequence at byte offset 0");
}

TEST(CsvReaderTest, MaxRecordBytes) {
  CsvReaderOptions options;
  options.chunk_size = 8;
  options.max_record_bytes = 32;
  ReadResult r = ReadAll("a,b\n\"" + std::string(100, 'x') + "\n", options);
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.status.message(),
            "t.csv: line 2: record longer than 32 bytes (an unterminated quote?)");
}

// Every input, read with every small chunk size, gives what the default chunk size gives.
TEST(CsvReaderTest, ChunkBoundariesEverywhere) {
  const std::string inputs[] = {
      "a,b\n1,2\n",
      "a,b\r\n1,2\r\n",
      "a,b\r1,2\r",
      "\xEF\xBB\xBF\"q\"\"x\",y\r\n\r\n,\n",
      "\"line1\r\nline2\",\"a\"\"b\"\"\"\n\"\",\"\"\n",
      "h\n\n\r\n\"x\ny\"z,\"\"\"\"\r\n 3 , 4 ",
      "姓名,出生日期\n张伟,1985年3月2日\n\"𠀀\",\"😀,😀\"\n",
      "a,\"b\"\r",
      "\"unterminated\n",
      "abc\xC3(\n",
  };
  // The encoding is given: detection sees only the first chunk (see
  // AsciiHeadThenGb18030SwitchesEncoding), so with bytes that are not UTF-8 it could decide
  // differently for different chunk sizes.
  for (const std::string& utf8 : inputs) {
    CsvReaderOptions utf8_options;
    utf8_options.encoding = Encoding::kUtf8;
    const ReadResult want = ReadAll(utf8, utf8_options);
    for (size_t chunk = 1; chunk <= 9; ++chunk) {
      CsvReaderOptions options = utf8_options;
      options.chunk_size = chunk;
      const ReadResult got = ReadAll(utf8, options);
      EXPECT_EQ(got.rows, want.rows) << chunk << " " << utf8;
      EXPECT_EQ(got.lines, want.lines) << chunk << " " << utf8;
      EXPECT_EQ(got.status.ToString(), want.status.ToString()) << chunk << " " << utf8;
    }
    // The same text in GB18030 (when it is valid UTF-8) reads the same.
    Result<std::string> gb = FromUtf8(utf8, Encoding::kGb18030);
    if (!gb.ok()) continue;
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{1} << 20}) {
      CsvReaderOptions options;
      options.chunk_size = chunk;
      options.encoding = Encoding::kGb18030;
      const ReadResult got = ReadAll(*gb, options);
      EXPECT_EQ(got.rows, want.rows) << chunk << " " << utf8;
      EXPECT_EQ(got.lines, want.lines) << chunk << " " << utf8;
      EXPECT_EQ(got.status.ok(), want.status.ok()) << chunk << " " << utf8;
    }
  }
}

TEST(CsvReaderTest, Gb18030FileReadsBackAsTheUtf8Original) {
  std::string utf8 = "姓名,性别,出生日期,公民身份号码,住址\n";
  for (int i = 0; i < 2000; ++i) {
    utf8 += "张伟" + std::to_string(i) + ",男,1985-03-02,35090219850302001" +
            std::to_string(i % 10) + ",\"福建省泉州市鲤城区,𠀀路" + std::to_string(i) +
            "号\n二楼\"\n";
  }
  const std::string path = TempPath("gb.csv");
  WriteFile(path, *FromUtf8(utf8, Encoding::kGb18030));
  for (size_t chunk : {size_t{7}, size_t{4096}, size_t{1} << 20}) {
    CsvReaderOptions options;
    options.chunk_size = chunk;
    auto reader = CsvReader::Open(path, options);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->encoding(), Encoding::kGb18030);
    EXPECT_EQ((*reader)->name(), path);
    auto want = CsvReader::FromString(utf8, "utf8.csv");
    CsvRecord a;
    CsvRecord b;
    int64_t n = 0;
    for (;;) {
      Result<bool> ra = (*reader)->Next(&a);
      Result<bool> rb = (*want)->Next(&b);
      ASSERT_TRUE(ra.ok()) << ra.status().ToString();
      ASSERT_TRUE(rb.ok());
      ASSERT_EQ(*ra, *rb);
      if (!*ra) break;
      ASSERT_EQ(a.fields, b.fields);
      ASSERT_EQ(a.line, b.line);
      ASSERT_EQ(a.record, n++);
    }
    EXPECT_EQ(n, 2001);
  }
  std::filesystem::remove(path);
}

TEST(CsvReaderTest, OpenErrors) {
  Result<std::unique_ptr<CsvReader>> r = CsvReader::Open("/nonexistent/dir/x.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/dir/x.csv"), std::string::npos);

  r = CsvReader::Open(::testing::TempDir());  // a directory
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
}

TEST(AppendCsvFieldTest, QuotesOnlyWhenNeeded) {
  std::string line;
  AppendCsvField(&line, "plain");
  EXPECT_EQ(line, "plain");
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"张伟", "张伟"},
      {"a,b", "\"a,b\""},
      {R"(say "hi")", R"("say ""hi""")"},
      {"\"", "\"\"\"\""},
      {"a\nb", "\"a\nb\""},
      {"a\rb", "\"a\rb\""},
      {" padded ", " padded "},
  };
  for (const auto& [field, want] : cases) {
    line.clear();
    AppendCsvField(&line, field);
    EXPECT_EQ(line, want) << field;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(CsvWriterTest, WritesEncodingsAndLineEnds) {
  const std::string path = TempPath("w.csv");
  {
    auto w = std::move(CsvWriter::Create(path)).value();
    ASSERT_TRUE(w->Write(std::vector<std::string>{"姓名", "a,b"}).ok());
    ASSERT_TRUE(w->Write(std::vector<std::string_view>{"x", ""}).ok());
    ASSERT_TRUE(w->Write(std::vector<std::string>{""}).ok());
    ASSERT_TRUE(w->Close().ok());
    EXPECT_TRUE(w->Close().ok());
    EXPECT_FALSE(w->Write(std::vector<std::string>{"late"}).ok());
  }
  EXPECT_EQ(ReadFile(path), "姓名,\"a,b\"\nx,\n\"\"\n");
  {
    auto w = std::move(CsvWriter::Create(path, Encoding::kUtf8Bom, /*crlf=*/true)).value();
    ASSERT_TRUE(w->Write(std::vector<std::string>{"a", "b"}).ok());
    ASSERT_TRUE(w->Close().ok());
  }
  EXPECT_EQ(ReadFile(path),
            "\xEF\xBB\xBF"
            "a,b\r\n");
  {
    auto w = std::move(CsvWriter::Create(path, Encoding::kGb18030)).value();
    ASSERT_TRUE(w->Write(std::vector<std::string>{"张伟", "男"}).ok());
    ASSERT_TRUE(w->Close().ok());
  }
  EXPECT_EQ(ReadFile(path), "\xD5\xC5\xCE\xB0,\xC4\xD0\n");
  std::filesystem::remove(path);
}

TEST(CsvWriterTest, RejectsMalformedUtf8) {
  const std::string path = TempPath("bad.csv");
  for (Encoding e : {Encoding::kUtf8, Encoding::kGb18030}) {
    auto w = std::move(CsvWriter::Create(path, e)).value();
    Status s = w->Write(std::vector<std::string>{"ok", "caf\xE9"});
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.message().find(path), std::string::npos);
    ASSERT_TRUE(w->Write(std::vector<std::string>{"fine"}).ok());  // not sticky
    ASSERT_TRUE(w->Close().ok());
    EXPECT_EQ(ReadFile(path), "fine\n");
  }
  std::filesystem::remove(path);
}

TEST(CsvWriterTest, CreateErrorNamesThePath) {
  Result<std::unique_ptr<CsvWriter>> w = CsvWriter::Create("/nonexistent/dir/out.csv");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), ErrorCode::kIoError);
  EXPECT_NE(w.status().message().find("/nonexistent/dir/out.csv"), std::string::npos);
}

TEST(CsvWriterTest, DiskFullFailsAtCloseAtTheLatest) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto w = std::move(CsvWriter::Create("/dev/full")).value();
  // Small writes are buffered; they may or may not fail before Close.
  Status s = w->Write(std::vector<std::string>{"a", "b"});
  (void)s;
  Status closed = w->Close();
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(closed.message(), "/dev/full: write failed: No space left on device");

  // Enough rows to overflow the buffer fail in Write already, and the error sticks.
  auto w2 = std::move(CsvWriter::Create("/dev/full")).value();
  Status first;
  for (int i = 0; i < 10000 && first.ok(); ++i) {
    first = w2->Write(std::vector<std::string>{std::string(100, 'x')});
  }
  EXPECT_EQ(first.code(), ErrorCode::kResourceExhausted);
  EXPECT_FALSE(w2->Write(std::vector<std::string>{"y"}).ok());
  EXPECT_FALSE(w2->Close().ok());
}

std::string RandomField(std::mt19937* rng) {
  static const std::vector<std::string> pieces = {
      "a", "Z", "0", " ", ",", "\"", "\n", "\r", "\r\n", "张", "伟", "𠀀", "·", "，", "\t", "'",
  };
  std::uniform_int_distribution<int> len(0, 8);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::string f;
  for (int n = len(*rng); n > 0; --n) f += pieces[pick(*rng)];
  return f;
}

TEST(CsvWriterTest, RoundTripOfRandomFields) {
  std::mt19937 rng(20240611);
  const std::string path = TempPath("rt.csv");
  for (Encoding e : {Encoding::kUtf8, Encoding::kUtf8Bom, Encoding::kGb18030}) {
    for (bool crlf : {false, true}) {
      Rows rows;
      std::uniform_int_distribution<int> nfields(1, 6);
      for (int i = 0; i < 300; ++i) {
        std::vector<std::string> row;
        for (int n = nfields(rng); n > 0; --n) row.push_back(RandomField(&rng));
        rows.push_back(row);
      }
      rows.push_back({""});  // one empty field survives as ""
      {
        auto w = std::move(CsvWriter::Create(path, e, crlf)).value();
        for (const auto& row : rows) ASSERT_TRUE(w->Write(row).ok());
        ASSERT_TRUE(w->Close().ok());
      }
      for (size_t chunk : {size_t{3}, size_t{1} << 20}) {
        CsvReaderOptions options;
        options.chunk_size = chunk;
        options.encoding = e;
        auto reader = std::move(CsvReader::Open(path, options)).value();
        CsvRecord rec;
        Rows got;
        for (;;) {
          Result<bool> more = reader->Next(&rec);
          ASSERT_TRUE(more.ok()) << more.status().ToString();
          if (!*more) break;
          got.push_back(rec.fields);
        }
        EXPECT_EQ(got, rows) << EncodingName(e) << " crlf=" << crlf << " chunk=" << chunk;
      }
      // Detection agrees with the encoding written (pure-ASCII would be utf-8, but the random
      // fields hold Chinese).
      auto detected = std::move(CsvReader::Open(path)).value();
      EXPECT_EQ(detected->encoding(), e);
    }
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace popreg::io
