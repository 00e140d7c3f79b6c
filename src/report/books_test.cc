#include "report/books.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace popreg::report {
namespace {

TEST(CompareNatural, NumbersAsNumbers) {
  EXPECT_LT(CompareNatural("2", "10"), 0);
  EXPECT_GT(CompareNatural("10", "2"), 0);
  EXPECT_EQ(CompareNatural("12", "12"), 0);
  EXPECT_LT(CompareNatural("10", "10A"), 0);
  EXPECT_LT(CompareNatural("2A", "10"), 0);
  EXPECT_LT(CompareNatural("302", "1201"), 0);
  EXPECT_LT(CompareNatural("2", "02"), 0) << "of equal values, fewer leading zeros first";
  EXPECT_LT(CompareNatural("02", "3"), 0);
  EXPECT_LT(CompareNatural("", "1"), 0);
  EXPECT_LT(CompareNatural("A栋", "B栋"), 0);
  EXPECT_LT(CompareNatural("3509020010010009", "3509020010010010"), 0);
}

TEST(BookCode, CommunityDashThreeDigits) {
  EXPECT_EQ(BookCode("350902001001", 2), "350902001001-002");
  EXPECT_EQ(BookCode("350902001001", 12), "350902001001-012");
}

// The text of each page of a PDF (pdftotext -raw), or nothing when poppler is missing.
std::vector<std::string> Pages(const std::string& path) {
  std::FILE* p = popen(("pdftotext -raw -enc UTF-8 '" + path + "' - 2>/dev/null").c_str(), "r");
  if (p == nullptr) return {};
  std::string text;
  std::array<char, 4096> buf;
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  pclose(p);
  std::vector<std::string> pages;
  size_t start = 0;
  for (size_t ff; (ff = text.find('\f', start)) != std::string::npos; start = ff + 1) {
    pages.push_back(text.substr(start, ff - start));
  }
  return pages;
}

class BooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v pdftotext >/dev/null") != 0) GTEST_SKIP() << "no pdftotext";
    std::string templ = (std::filesystem::temp_directory_path() / "books_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    auto store = store::CreateStore(dir_ + "/store.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_
                    ->ReplaceAreas(std::vector<store::Area>{
                        {"350902", "蕉城区", "district", ""},
                        {"350902001000", "蕉南街道", "township", "350902"},
                        {"350902001001", "东山社区", "community", "350902001000"},
                        {"350902001002", "西山社区", "community", "350902001000"}})
                    .ok());
    // Community 001: 250 households in buildings 1..25 (numbered so that text order would put
    // 10 before 2); card H0007 has 60 persons, more than a page holds; card H0008's persons are
    // all deceased or moved out. Community 002 has no households.
    std::vector<store::RegisterRow> rows;
    for (int h = 1; h <= 250; ++h) {
      char card[16];
      std::snprintf(card, sizeof card, "H%04d", h);
      const int members = h == 7 ? 60 : 1 + h % 3;
      for (int m = 1; m <= members; ++m) {
        store::RegisterRow r;
        r.source_row = static_cast<int64_t>(rows.size()) + 1;
        r.household = {card,
                       "350902001001",
                       std::to_string(26 - (h + 9) / 10),
                       std::to_string(1 + h % 2),
                       std::to_string(100 + h),
                       ""};
        r.person.card_no = card;
        r.person.person_no = std::to_string(m);
        r.person.name = "成员" + std::to_string(m);
        r.person.sex = m % 2 == 1 ? "M" : "F";
        r.person.relation = m == 1 ? "户主" : "子";
        r.person.id_number = "35090219800101" + std::to_string(1000 + m);
        if (h == 8) r.person.status = m == 1 ? "deceased" : "moved_out";
        rows.push_back(std::move(r));
      }
    }
    store::ImportInfo info;
    info.kind = io::Kind::kRegister;
    info.file_name = info.sha256 = "register.csv";
    auto t = store_->BeginImport(info);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_TRUE((*t)->AddRegisterRows(rows).ok());
    ASSERT_TRUE((*t)->Commit().ok());
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  BookOptions Options() const {
    BookOptions o;
    o.out_dir = dir_ + "/books";
    o.printed = Date{2026, 9, 30};
    return o;
  }
  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(BooksTest, BooksOfAHundredInDwellingOrder) {
  BookOptions o = Options();
  int64_t last_done = 0, total = 0;
  o.progress = [&](int64_t done, int64_t t) {
    EXPECT_GT(done, last_done);
    last_done = done;
    total = t;
  };
  auto books = PrintBooks(*store_, o);
  ASSERT_TRUE(books.ok()) << books.status().ToString();
  ASSERT_EQ(books->size(), 3u);
  EXPECT_EQ(last_done, 250);
  EXPECT_EQ(total, 250);
  const std::array<int64_t, 3> sizes{100, 100, 50};
  std::vector<std::string> catalogue;
  for (size_t i = 0; i < 3; ++i) {
    const BookFile& b = (*books)[i];
    EXPECT_EQ(b.households, sizes[i]);
    EXPECT_EQ(b.book, static_cast<int>(i) + 1);
    EXPECT_EQ(b.books, 3);
    EXPECT_EQ(b.code, BookCode("350902001001", b.book));
    EXPECT_EQ(b.path, o.out_dir + "/" + b.code + ".pdf");
    EXPECT_EQ(b.community_name, "东山社区");
    const std::vector<std::string> pages = Pages(b.path);
    ASSERT_EQ(static_cast<int>(pages.size()), b.pages);
    EXPECT_NE(pages[0].find("第 " + std::to_string(b.book) + " 册 共 3 册"), std::string::npos);
    EXPECT_NE(pages[0].find("宁德市 蕉城区"), std::string::npos) << pages[0];
    EXPECT_NE(pages[0].find("户卡编号 " + b.first_card + " 至 " + b.last_card), std::string::npos);
    for (size_t p = 0; p < pages.size(); ++p) {
      EXPECT_NE(pages[p].find("第 " + std::to_string(p + 1) + " 页 共 " +
                              std::to_string(pages.size()) + " 页"),
                std::string::npos);
    }
    // The catalogue's card numbers, in the book's order.
    for (const std::string& page : pages) {
      if (!page.starts_with("目录")) continue;
      size_t at = 0;
      while ((at = page.find("\nH", at)) != std::string::npos) {
        catalogue.push_back(page.substr(at + 1, 5));
        ++at;
      }
    }
  }
  // Building 1 holds cards 241..250, building 2 cards 231..240, ..., building 25 cards 1..9:
  // buildings as numbers, then unit, room, card.
  ASSERT_EQ(catalogue.size(), 250u);
  EXPECT_EQ(catalogue[0], "H0242");  // building 1, unit 1 (even cards), room 342
  EXPECT_EQ(catalogue.back(), "H0009");
  const auto b2 = std::find(catalogue.begin(), catalogue.end(), "H0231");
  const auto b10 = std::find(catalogue.begin(), catalogue.end(), "H0151");
  EXPECT_LT(b2, b10) << "building 2 before building 10";

  // The long card (H0007, last book) goes on over pages under "（续）"; the card of the
  // deceased and moved out is printed with their statuses.
  const std::vector<std::string> pages = Pages((*books)[2].path);
  int continued = 0;
  bool gone = false;
  for (const std::string& p : pages) {
    if (p.find("户卡编号 H0007（续）") != std::string::npos) ++continued;
    if (p.find("户卡编号 H0008") != std::string::npos && p.find("死亡") != std::string::npos &&
        p.find("迁出") != std::string::npos) {
      gone = true;
    }
  }
  EXPECT_GE(continued, 1);
  EXPECT_TRUE(gone);
}

TEST_F(BooksTest, UnknownAreasAndAreasWithoutHouseholds) {
  BookOptions o = Options();
  o.area = "999999";
  auto none = PrintBooks(*store_, o);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(none.status().message().find("unknown community '999999'"), std::string::npos);
  o.area = "350902001002";
  auto empty = PrintBooks(*store_, o);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("350902001002 has no households"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(o.out_dir)) << "nothing written, not even the folder";
}

}  // namespace
}  // namespace popreg::report
