#include "report/pdf.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace popreg::report::pdf {
namespace {

// The output of a shell command (stdout), or nullopt when it failed.
std::optional<std::string> Shell(const std::string& command) {
  std::FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  std::array<char, 4096> buf;
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  if (pclose(p) != 0) return std::nullopt;
  return out;
}

bool HavePoppler() {
  return Shell(
             "command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null && "
             "command -v pdffonts >/dev/null")
      .has_value();
}

// The text of page `page` (1-based) of `path`, or of every page when 0.
std::string PageText(const std::string& path, int page = 0) {
  std::string cmd = "pdftotext -raw -enc UTF-8";
  if (page > 0) cmd += " -f " + std::to_string(page) + " -l " + std::to_string(page);
  return Shell(cmd + " '" + path + "' -").value_or("");
}

int Pages(const std::string& path) {
  const std::string info = Shell("pdfinfo '" + path + "'").value_or("");
  const size_t at = info.find("Pages:");
  if (at == std::string::npos) return -1;
  return std::atoi(info.c_str() + at + 6);
}

class PdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HavePoppler()) GTEST_SKIP() << "poppler-utils (pdftotext, pdfinfo) not installed";
    std::string templ = (std::filesystem::temp_directory_path() / "pdf_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    // PDF_TEST_KEEP=1 keeps the files to look at.
    if (std::getenv("PDF_TEST_KEEP") != nullptr) {
      std::printf("kept %s\n", dir_.c_str());
      return;
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string dir_;
};

TEST_F(PdfTest, PagesFooterAndChineseText) {
  const std::string path = Path("three.pdf");
  auto doc = Document::Create(path, Orientation::kPortrait,
                              {"家庭户卡册", "蕉城区", "测试", "2026-09-30"});
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  Document& d = **doc;
  EXPECT_NEAR(d.width(), 595.3, 0.1);
  EXPECT_NEAR(d.height(), 841.9, 0.1);
  d.SetFooter("蕉城区 漳湾镇 东山社区");
  for (int i = 1; i <= 3; ++i) {
    d.NewPage();
    EXPECT_EQ(d.page(), i);
    const double h = d.Text(kMargin, kMargin, 300, "户主 王小明 第" + std::to_string(i) + "张",
                            TextStyle{12, i == 2});
    EXPECT_GT(h, 10);
    d.Line(kMargin, 100, 300, 100);
    d.Rect(kMargin, 120, 100, 50, 0.5, std::array<double, 3>{0.9, 0.9, 0.9});
  }
  ASSERT_TRUE(d.Finish().ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(Pages(path), 3);
  for (int i = 1; i <= 3; ++i) {
    const std::string text = PageText(path, i);
    EXPECT_NE(text.find("户主 王小明 第" + std::to_string(i) + "张"), std::string::npos) << text;
    EXPECT_NE(text.find("第 " + std::to_string(i) + " 页 共 3 页"), std::string::npos) << text;
    EXPECT_NE(text.find("蕉城区 漳湾镇 东山社区"), std::string::npos) << text;
  }
  const std::string info = Shell("pdfinfo '" + path + "'").value_or("");
  EXPECT_NE(info.find("家庭户卡册"), std::string::npos) << info;
  EXPECT_NE(info.find("蕉城区"), std::string::npos) << info;
  // Every font is embedded, and it is Noto Sans CJK (regular and bold).
  const std::string fonts = Shell("pdffonts '" + path + "'").value_or("");
  EXPECT_NE(fonts.find("NotoSansCJK"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("Bold"), std::string::npos) << fonts;
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = fonts.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(fonts.substr(start, nl - start));
  }
  ASSERT_GT(lines.size(), 2u) << fonts;
  for (size_t i = 2; i < lines.size(); ++i) {
    // Columns: name type encoding emb sub uni object ID; "emb" is the fourth from the end.
    EXPECT_NE(lines[i].find(" yes yes yes "), std::string::npos) << lines[i];
  }
}

TEST_F(PdfTest, AKnownPageCountDrawsStraightIntoTheFile) {
  const std::string path = Path("direct.pdf");
  auto doc = Document::Create(path, Orientation::kPortrait, {"直接", "", ""});
  ASSERT_TRUE(doc.ok());
  Document& d = **doc;
  d.SetFooter("东山社区 第 1 册");
  d.SetPageCount(3);
  for (int i = 1; i <= 3; ++i) {
    d.NewPage();
    EXPECT_EQ(d.page(), i);
    d.Text(kMargin, kMargin, 0, "第" + std::to_string(i) + "页的内容", {});
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "written at Finish";
  ASSERT_TRUE(d.Finish().ok());
  ASSERT_EQ(Pages(path), 3);
  for (int i = 1; i <= 3; ++i) {
    const std::string text = PageText(path, i);
    EXPECT_NE(text.find("第" + std::to_string(i) + "页的内容"), std::string::npos) << text;
    EXPECT_NE(text.find("第 " + std::to_string(i) + " 页 共 3 页"), std::string::npos) << text;
    EXPECT_NE(text.find("东山社区 第 1 册"), std::string::npos) << text;
  }
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(PdfTest, AWrongPageCountIsAnErrorAndLeavesNoFile) {
  const std::string path = Path("wrong.pdf");
  auto doc = Document::Create(path, Orientation::kPortrait, {});
  ASSERT_TRUE(doc.ok());
  (*doc)->SetPageCount(2);
  for (int i = 0; i < 3; ++i) (*doc)->NewPage();
  const Status st = (*doc)->Finish();
  EXPECT_EQ(st.code(), ErrorCode::kInternal) << st.ToString();
  EXPECT_NE(st.message().find(path), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  // A document dropped without Finish leaves nothing either.
  auto dropped = Document::Create(Path("dropped.pdf"), Orientation::kPortrait, {});
  ASSERT_TRUE(dropped.ok());
  (*dropped)->SetPageCount(1);
  (*dropped)->NewPage();
  dropped->reset();
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(PdfTest, TableSpansPagesWithHeadersRepeated) {
  const std::string path = Path("table.pdf");
  auto doc = Document::Create(path, Orientation::kPortrait, {"表", "", ""});
  ASSERT_TRUE(doc.ok());
  Table t;
  t.title = "人口统计表";
  t.subtitle = "截至 2026-09-30";
  t.groups = {{"人数", 2, 2}};
  t.columns = {{"序号", 0.5, Align::kRight},
               {"社区名称", 2},
               {"男", 1, Align::kRight},
               {"女", 1, Align::kRight}};
  for (int i = 1; i <= 150; ++i) {
    t.rows.push_back({std::to_string(i), "东山社区" + std::to_string(i), std::to_string(i * 3),
                      std::to_string(i * 2)});
  }
  t.rows.push_back({"", "合计", "33975", "22650"});
  t.bold_rows = {t.rows.size() - 1};
  auto planned = TablePages(**doc, t);
  ASSERT_TRUE(planned.ok());
  EXPECT_GE(*planned, 3);
  EXPECT_EQ((*doc)->page(), 0) << "TablePages draws nothing";
  ASSERT_TRUE(DrawTable(**doc, t).ok());
  EXPECT_EQ((*doc)->page(), *planned);
  ASSERT_TRUE((*doc)->Finish().ok());
  ASSERT_EQ(Pages(path), *planned);
  int rows_seen = 0;
  for (int p = 1; p <= *planned; ++p) {
    const std::string text = PageText(path, p);
    EXPECT_NE(text.find("人口统计表"), std::string::npos) << "page " << p;
    EXPECT_EQ(text.find("人口统计表（续）") != std::string::npos, p > 1) << "page " << p;
    for (const char* h : {"序号", "社区名称", "人数", "男", "女"}) {
      EXPECT_NE(text.find(h), std::string::npos) << h << " on page " << p;
    }
    for (int i = 1; i <= 150; ++i) {
      if (text.find("东山社区" + std::to_string(i) + " ") != std::string::npos) ++rows_seen;
    }
  }
  EXPECT_EQ(rows_seen, 150) << "every row once";
  EXPECT_NE(PageText(path, *planned).find("合计"), std::string::npos);
}

TEST_F(PdfTest, TableAtGoesOnThePageItStartsOnOrTheNext) {
  const std::string path = Path("table_at.pdf");
  auto doc = Document::Create(path, Orientation::kPortrait, {"表", "", ""});
  ASSERT_TRUE(doc.ok());
  Document& d = **doc;
  Table t;
  t.columns = {{"社区"}, {"完成率", 1, Align::kRight}};
  t.rows = {{"洋湖社区", "84.3%"}, {"城漳社区", "0.0%"}};
  t.marked_rows = {1};
  d.NewPage();
  d.Text(kMargin, kMargin, 200, "一、总体进度", {});
  auto below = DrawTableAt(d, t, 100);
  ASSERT_TRUE(below.ok());
  EXPECT_GT(*below, 100);
  EXPECT_EQ(d.page(), 1) << "it fits below 100";
  // Too little room for the header and a row: the table moves to the next page, whole.
  below = DrawTableAt(d, t, d.body_bottom() - 5);
  ASSERT_TRUE(below.ok());
  EXPECT_EQ(d.page(), 2);
  EXPECT_LT(*below, d.body_bottom());
  t.rows = {{"x"}};
  EXPECT_EQ(DrawTableAt(d, t, 100).status().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(d.Finish().ok());
  ASSERT_EQ(Pages(path), 2);
  const std::string first = PageText(path, 1), second = PageText(path, 2);
  EXPECT_NE(first.find("一、总体进度"), std::string::npos);
  for (const std::string& page : {first, second}) {
    EXPECT_NE(page.find("社区"), std::string::npos);
    EXPECT_NE(page.find("城漳社区"), std::string::npos);
  }
}

TEST_F(PdfTest, BadTablesAreRefused) {
  auto doc = Document::Create(Path("bad.pdf"), Orientation::kLandscape, {});
  ASSERT_TRUE(doc.ok());
  EXPECT_GT((*doc)->width(), (*doc)->height());
  Table t;
  EXPECT_EQ(DrawTable(**doc, t).code(), ErrorCode::kInvalidArgument);
  t.columns = {{"a"}, {"b"}};
  t.rows = {{"1"}};
  EXPECT_EQ(DrawTable(**doc, t).code(), ErrorCode::kInvalidArgument);
  t.rows = {{"1", "2"}};
  t.groups = {{"g", 1, 2}};
  EXPECT_EQ(DrawTable(**doc, t).code(), ErrorCode::kInvalidArgument);
}

TEST_F(PdfTest, ChartsDrawTheirText) {
  const std::string path = Path("charts.pdf");
  auto doc = Document::Create(path, Orientation::kLandscape, {});
  ASSERT_TRUE(doc.ok());
  Document& d = **doc;
  d.NewPage();
  BarChart(d, kMargin, kMargin, 350, 220, "各社区完成率", {"东山社区", "西山村", "南门社区"},
           {0.95, 0.5, 1.0}, 1.0, {1});
  LineChart(d, 420, kMargin, 350, 220, "出生人数", {"1月", "2月", "3月", "4月"},
            {{"登记", {10, 12, 9, 14}}, {"接种", {9, 12, 10, 13}}}, 0);
  ASSERT_TRUE(d.Finish().ok());
  const std::string text = PageText(path);
  for (const char* s : {"各社区完成率", "西山村", "0.95", "出生人数", "登记", "接种", "3月"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
  }
}

TEST_F(PdfTest, EmptyDocumentHasOnePage) {
  const std::string path = Path("empty.pdf");
  auto doc = Document::Create(path, Orientation::kPortrait, {});
  ASSERT_TRUE(doc.ok());
  ASSERT_TRUE((*doc)->Finish().ok());
  EXPECT_EQ(Pages(path), 1);
  EXPECT_FALSE((*doc)->Finish().ok()) << "a second Finish is refused";
}

TEST_F(PdfTest, ErrorsNameThePathAndLeaveNoFile) {
  auto missing = Document::Create(Path("no/such/dir/x.pdf"), Orientation::kPortrait, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no/such/dir/x.pdf"), std::string::npos);

  // The directory goes away before Finish: the error names the path, nothing is left.
  std::filesystem::create_directory(Path("gone"));
  const std::string path = Path("gone/x.pdf");
  auto doc = Document::Create(path, Orientation::kPortrait, {});
  ASSERT_TRUE(doc.ok());
  (*doc)->Text(kMargin, kMargin, 0, "文字", {});
  std::filesystem::remove(Path("gone"));
  const Status st = (*doc)->Finish();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(PdfTest, TextMeasuresAndWraps) {
  auto doc = Document::Create(Path("m.pdf"), Orientation::kPortrait, {});
  ASSERT_TRUE(doc.ok());
  Document& d = **doc;
  const TextStyle s{10};
  const double one = d.TextHeight(0, "户卡", s);
  EXPECT_GT(one, 10);
  EXPECT_LT(one, 20);
  // Twenty characters of 10 pt do not fit in 60 pt: several lines.
  EXPECT_GT(d.TextHeight(60, "一二三四五六七八九十一二三四五六七八九十", s), 2.5 * one);
  EXPECT_NEAR(d.TextWidth("户卡", s), 20, 1);
  // Invalid UTF-8 is drawn as replacement characters, not dropped.
  EXPECT_GT(d.TextWidth("a\xff\xfe"
                        "b",
                        s),
            d.TextWidth("ab", s));
}

}  // namespace
}  // namespace popreg::report::pdf
