#include "report/books.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "norm/regions.h"
#include "report/pdf.h"
#include "store/register_edit.h"

namespace popreg::report {
namespace {

using pdf::Align;
using pdf::Document;
using pdf::kMargin;
using pdf::TextStyle;

constexpr std::array<double, 3> kBandFill{0.90, 0.92, 0.95};
constexpr std::array<double, 3> kGoneFill{0.93, 0.93, 0.93};
constexpr double kGrey = 0.45;
constexpr double kPadX = 3;
constexpr double kPadY = 2;
constexpr double kCardGap = 12;
constexpr int kLabelColumns = 3;
constexpr int kLabelRows = 8;

std::string SexText(const std::string& sex) {
  if (sex == "M") return "男";
  if (sex == "F") return "女";
  return sex;
}

std::string StatusText(const std::string& status) {
  if (status == "deceased") return "死亡";
  if (status == "moved_out") return "迁出";
  if (status == "alive" || status.empty()) return "在册";
  return status;
}

bool Gone(const store::Person& p) { return p.status == "deceased" || p.status == "moved_out"; }

// "12号楼3单元1203室", "52号" (a room without building), or "" when the card has none of them.
std::string Dwelling(const store::Household& h) {
  std::string out;
  if (!h.building.empty()) out += h.building + "号楼";
  if (!h.unit.empty()) out += h.unit + "单元";
  if (!h.room.empty()) out += h.room + (h.building.empty() && h.unit.empty() ? "号" : "室");
  return out;
}

std::string AddressOf(const store::Household& h) {
  return h.address.empty() ? Dwelling(h) : h.address;
}

// The head of household: the person whose relation is 户主 or 本人, else person 1, else the
// first; nullptr for a card without persons.
const store::Person* Head(const std::vector<const store::Person*>& members) {
  for (const store::Person* p : members) {
    if (p->relation == "户主" || p->relation == "本人") return p;
  }
  for (const store::Person* p : members) {
    if (p->person_no == "1") return p;
  }
  return members.empty() ? nullptr : members.front();
}

std::string OrDash(const std::string& s) { return s.empty() ? "—" : s; }

// Where a community lies, by name, from the store's areas (and, for the city, which the areas
// rarely hold, the national table of division codes).
struct Place {
  std::string city, district, township, community;
};

Place PlaceOf(const std::vector<store::Area>& areas, const std::string& community_code) {
  auto find = [&](const std::string& code) -> const store::Area* {
    for (const store::Area& a : areas) {
      if (a.code == code) return &a;
    }
    return nullptr;
  };
  Place p;
  const store::Area* a = find(community_code);
  p.community = a != nullptr ? a->name : community_code;
  // Up the parents: the township, the district, and a city when the areas go that high.
  for (int guard = 0; a != nullptr && !a->parent_code.empty() && guard < 8; ++guard) {
    a = find(a->parent_code);
    if (a == nullptr) break;
    if (a->level == "township" && p.township.empty()) p.township = a->name;
    if (a->level == "district" && p.district.empty()) {
      p.district = a->name;
    } else if (!p.district.empty() && p.city.empty()) {
      p.city = a->name;
    }
  }
  const std::string county = community_code.substr(0, 6);
  if (const norm::Region* r = norm::FindRegion(county)) {
    if (p.district.empty()) p.district = r->name;
    if (p.city.empty()) {
      p.city = r->prefecture.empty() || r->prefecture == "直辖" ? r->province : r->prefecture;
    }
  }
  return p;
}

// The columns of a card's member table: every register field of a person.
struct Column {
  const char* header;
  double weight;
};
constexpr std::array<Column, 10> kMemberColumns{{{"序号", 0.6},
                                                 {"姓名", 1.2},
                                                 {"性别", 0.6},
                                                 {"出生日期", 1.3},
                                                 {"公民身份号码", 2.2},
                                                 {"与户主关系", 1.2},
                                                 {"民族", 0.9},
                                                 {"人员状态", 1.0},
                                                 {"死亡日期", 1.3},
                                                 {"母亲身份号码", 2.2}}};

std::array<std::string, kMemberColumns.size()> MemberCells(const store::Person& p) {
  return {p.person_no, p.name,      SexText(p.sex),       p.birth_date, p.id_number,
          p.relation,  p.ethnicity, StatusText(p.status), p.death_date, p.mother_id_number};
}

// One household of a book with its members.
struct Card {
  const store::Household* household = nullptr;
  std::vector<const store::Person*> members;
  // Measured once: the header band, the table's header row and each member's row.
  double head_h = 0;
  std::vector<double> row_h;
  int page = 0;  // where the card starts
};

// Prints one book. The layout is computed first (the catalogue lists the page each card starts
// on), then drawn the same way.
class BookPrinter {
 public:
  BookPrinter(Document& doc, const Place& place, const BookFile& book, std::string printed)
      : doc_(doc), place_(place), book_(book), printed_(std::move(printed)) {
    width_ = doc_.width() - 2 * kMargin;
    double total = 0;
    for (const Column& c : kMemberColumns) total += c.weight;
    x_[0] = kMargin;
    for (size_t i = 0; i < kMemberColumns.size(); ++i) {
      x_[i + 1] = x_[i] + width_ * kMemberColumns[i].weight / total;
    }
    table_head_h_ = 0;
    for (size_t i = 0; i < kMemberColumns.size(); ++i) {
      table_head_h_ = std::max(table_head_h_, doc_.TextHeight(ColumnWidth(i) - 2 * kPadX,
                                                              kMemberColumns[i].header, kHeader) +
                                                  2 * kPadY);
    }
  }

  Status Print(std::vector<Card>& cards) {
    for (Card& c : cards) Measure(c);
    // Cover on page 1, the catalogue after it, then the cards.
    pdf::Table catalogue = Catalogue(cards);
    ASSIGN_OR_RETURN(const int catalogue_pages, pdf::TablePages(doc_, catalogue));
    Cursor layout{1 + catalogue_pages, std::numeric_limits<double>::infinity(), false, false};
    for (Card& c : cards) PlaceCard(c, layout);
    for (size_t i = 0; i < cards.size(); ++i)
      catalogue.rows[i].back() = std::to_string(cards[i].page);
    // Laid out: the pages go straight into the file.
    const size_t per_page = kLabelColumns * kLabelRows;
    doc_.SetPageCount(layout.page + static_cast<int>((cards.size() + per_page - 1) / per_page));

    DrawCover(cards);
    RETURN_IF_ERROR(pdf::DrawTable(doc_, catalogue));
    Cursor draw{doc_.page(), std::numeric_limits<double>::infinity(), false, true};
    for (Card& c : cards) {
      const int planned = c.page;
      PlaceCard(c, draw);
      if (c.page != planned) {
        return Internal("book " + book_.code + ": card " + c.household->card_no +
                        " was laid out on page " + std::to_string(planned) + " but drawn on " +
                        std::to_string(c.page));
      }
    }
    DrawLabels(cards);
    return Status::Ok();
  }

 private:
  static constexpr TextStyle kHeader{8, true, Align::kCenter};
  static constexpr TextStyle kCell{8};
  static constexpr TextStyle kCardNo{10, true};
  static constexpr TextStyle kPlace{9, false, Align::kRight};
  static constexpr TextStyle kDwelling{9};

  // Where the next card goes: the page and the y on it; `empty` while the page has no card.
  struct Cursor {
    int page;
    double y;
    bool empty;
    bool draw;
  };

  double ColumnWidth(size_t i) const { return x_[i + 1] - x_[i]; }

  std::string CardTitle(const Card& c, bool continued) const {
    return "户卡编号 " + c.household->card_no + (continued ? "（续）" : "");
  }
  std::string DwellingLine(const Card& c) const {
    const store::Household& h = *c.household;
    return "楼号 " + OrDash(h.building) + "　单元 " + OrDash(h.unit) + "　房号 " + OrDash(h.room) +
           "　地址 " + OrDash(h.address);
  }
  std::string PlaceLine() const { return place_.community + "（" + book_.community_code + "）"; }

  void Measure(Card& c) {
    const double title_h = doc_.TextHeight(0, CardTitle(c, false), kCardNo);
    c.head_h =
        kPadY * 2 + title_h + 1 + doc_.TextHeight(width_ - 2 * kPadX, DwellingLine(c), kDwelling);
    c.row_h.clear();
    for (const store::Person* p : c.members) {
      const auto cells = MemberCells(*p);
      double h = 0;
      for (size_t i = 0; i < cells.size(); ++i) {
        h = std::max(h, doc_.TextHeight(ColumnWidth(i) - 2 * kPadX, cells[i], kCell));
      }
      c.row_h.push_back(h + 2 * kPadY);
    }
  }

  void NewPage(Cursor& at) {
    ++at.page;
    at.y = kMargin;
    at.empty = true;
    if (at.draw) doc_.NewPage();
  }

  // The card's header band and the members' header row at at.y.
  void DrawCardHead(const Card& c, Cursor& at, bool continued) {
    if (at.draw) {
      doc_.Rect(kMargin, at.y, width_, c.head_h, 0.8, kBandFill);
      const double title_h =
          doc_.Text(kMargin + kPadX, at.y + kPadY, 0, CardTitle(c, continued), kCardNo);
      doc_.Text(kMargin + kPadX, at.y + kPadY + 1, width_ - 2 * kPadX, PlaceLine(), kPlace);
      doc_.Text(kMargin + kPadX, at.y + kPadY + title_h + 1, width_ - 2 * kPadX, DwellingLine(c),
                kDwelling);
      const double y = at.y + c.head_h;
      for (size_t i = 0; i < kMemberColumns.size(); ++i) {
        doc_.Rect(x_[i], y, ColumnWidth(i), table_head_h_, 0.5, kBandFill);
        doc_.Text(x_[i] + kPadX, y + kPadY, ColumnWidth(i) - 2 * kPadX, kMemberColumns[i].header,
                  kHeader);
      }
    }
    at.y += c.head_h + table_head_h_;
  }

  void DrawMember(const store::Person& p, double row_h, const Cursor& at) {
    const auto cells = MemberCells(p);
    const bool gone = Gone(p);
    TextStyle style = kCell;
    if (gone) style.r = style.g = style.b = kGrey;
    for (size_t i = 0; i < cells.size(); ++i) {
      doc_.Rect(x_[i], at.y, ColumnWidth(i), row_h, 0.5,
                gone ? std::optional<std::array<double, 3>>(kGoneFill) : std::nullopt);
      TextStyle s = style;
      if (i == 7 && gone) s.bold = true;  // 人员状态: 死亡 or 迁出 stands out
      doc_.Text(x_[i] + kPadX, at.y + kPadY, ColumnWidth(i) - 2 * kPadX, cells[i], s);
    }
  }

  // Places (and, when at.draw, draws) a card; sets c.page to the page it starts on.
  void PlaceCard(Card& c, Cursor& at) {
    double total = c.head_h + table_head_h_;
    for (double h : c.row_h) total += h;
    const double bottom = doc_.body_bottom();
    // A card that does not fit below the cards already on this page starts the next page.
    if (at.y + total > bottom && !at.empty) NewPage(at);
    c.page = at.page;
    DrawCardHead(c, at, false);
    for (size_t i = 0; i < c.members.size(); ++i) {
      // Only a card longer than a page gets here with a row that does not fit.
      if (at.y + c.row_h[i] > bottom) {
        NewPage(at);
        DrawCardHead(c, at, true);
      }
      if (at.draw) DrawMember(*c.members[i], c.row_h[i], at);
      at.y += c.row_h[i];
    }
    at.y += kCardGap;
    at.empty = false;
  }

  pdf::Table Catalogue(const std::vector<Card>& cards) const {
    pdf::Table t;
    t.title = "目录";
    t.subtitle = place_.community + "（" + book_.community_code + "）　第 " +
                 std::to_string(book_.book) + " 册 共 " + std::to_string(book_.books) + " 册";
    t.columns = {{"户卡编号", 2.3, Align::kLeft},
                 {"户主", 1.3, Align::kLeft},
                 {"住址", 4.2, Align::kLeft},
                 {"人数", 0.7, Align::kRight},
                 {"页码", 0.7, Align::kRight}};
    for (const Card& c : cards) {
      const store::Person* head = Head(c.members);
      t.rows.push_back({c.household->card_no, head != nullptr ? OrDash(head->name) : "—",
                        OrDash(AddressOf(*c.household)), std::to_string(c.members.size()),
                        "000"});  // the page, known once the cards are laid out
    }
    return t;
  }

  void DrawCover(const std::vector<Card>& cards) {
    doc_.NewPage();
    const double w = width_;
    double y = 96;
    y += doc_.Text(kMargin, y, w, "家庭户卡册", {34, true, Align::kCenter}) + 18;
    std::string where = place_.city;
    if (!place_.district.empty()) where += (where.empty() ? "" : " ") + place_.district;
    y += doc_.Text(kMargin, y, w, where, {16, false, Align::kCenter}) + 4;
    if (!place_.township.empty()) {
      y += doc_.Text(kMargin, y, w, place_.township, {14, false, Align::kCenter}) + 14;
    }
    y += doc_.Text(kMargin, y, w, place_.community, {24, true, Align::kCenter}) + 10;
    y += doc_.Text(
             kMargin, y, w,
             "第 " + std::to_string(book_.book) + " 册 共 " + std::to_string(book_.books) + " 册",
             {18, true, Align::kCenter}) +
         36;

    // The book's particulars, a label and a value a line, in a frame.
    const store::Household& first = *cards.front().household;
    const store::Household& last = *cards.back().household;
    auto dwelling = [](const store::Household& h) {
      const std::string d = Dwelling(h);
      return d.empty() ? OrDash(h.address) : d;
    };
    int64_t alive = 0;
    for (const Card& c : cards) {
      for (const store::Person* p : c.members) alive += Gone(*p) ? 0 : 1;
    }
    const std::vector<std::pair<std::string, std::string>> lines = {
        {"社区代码", book_.community_code},
        {"册　　号", book_.code},
        {"户卡编号", book_.first_card + " 至 " + book_.last_card},
        {"住址范围", dwelling(first) + " 至 " + dwelling(last)},
        {"户　　数", std::to_string(book_.households) + " 户"},
        {"人　　数",
         std::to_string(book_.persons) + " 人（在册 " + std::to_string(alive) + " 人）"},
        {"打印日期", printed_}};
    const double box_x = kMargin + 40, box_w = w - 80, label_w = 90;
    const TextStyle label{11, true};
    const TextStyle value{11};
    double box_h = 12;
    for (const auto& [k, v] : lines) {
      box_h += std::max(doc_.TextHeight(label_w, k, label),
                        doc_.TextHeight(box_w - label_w - 30, v, value)) +
               8;
    }
    doc_.Rect(box_x, y, box_w, box_h, 0.8);
    double ly = y + 10;
    for (const auto& [k, v] : lines) {
      const double h1 = doc_.Text(box_x + 16, ly, label_w, k, label);
      const double h2 = doc_.Text(box_x + 16 + label_w, ly, box_w - label_w - 30, v, value);
      ly += std::max(h1, h2) + 8;
    }
    y += box_h + 30;

    // The seal: a box at the bottom right, its caption inside.
    const double seal = 150;
    const double sx = kMargin + w - seal - 40;
    const double sy = std::max(y, doc_.body_bottom() - seal - 30);
    doc_.Rect(sx, sy, seal, seal, 0.8);
    doc_.Text(sx, sy + seal / 2 - 8, seal, "盖章处", {11, false, Align::kCenter, 0.6, 0.6, 0.6});
    doc_.Text(kMargin + 40, sy + seal - 16, sx - kMargin - 60,
              "签发单位：" + place_.city + place_.district, {10});
  }

  void DrawLabels(const std::vector<Card>& cards) {
    const double top_band = 26;
    const double label_w = width_ / kLabelColumns;
    const double top = kMargin + top_band;
    const double label_h = (doc_.body_bottom() - top) / kLabelRows;
    const size_t per_page = kLabelColumns * kLabelRows;
    const TextStyle small{8, false, Align::kLeft, kGrey, kGrey, kGrey};
    const TextStyle number{12, true};
    const TextStyle line{10};
    for (size_t i = 0; i < cards.size(); ++i) {
      if (i % per_page == 0) {
        doc_.NewPage();
        // The title and, on its baseline, how to use the labels.
        const TextStyle hint{8, false, Align::kLeft, kGrey, kGrey, kGrey};
        const std::string how = "沿框线剪下，贴于对应户卡背面";
        const double h = doc_.Text(kMargin, kMargin, 0, "背标", {12, true});
        doc_.Text(kMargin + 36, kMargin + h - doc_.TextHeight(0, how, hint) - 1, 0, how, hint);
      }
      const size_t k = i % per_page;
      const double x = kMargin + label_w * (k % kLabelColumns);
      const double y = top + label_h * (k / kLabelColumns);
      const store::Household& h = *cards[i].household;
      doc_.Rect(x, y, label_w, label_h, 0.5);
      const double ix = x + 10, iw = label_w - 20;
      double ly = y + 8;
      ly += doc_.Text(ix, ly, iw, "户卡编号", small);
      ly += doc_.Text(ix, ly, iw, h.card_no, number) + 3;
      ly += doc_.Text(ix, ly, iw, "社区：" + place_.community, line) + 1;
      doc_.Text(ix, ly, iw, "楼号：" + OrDash(h.building), line);
    }
  }

  Document& doc_;
  const Place& place_;
  const BookFile& book_;
  const std::string printed_;
  double width_ = 0;
  std::array<double, kMemberColumns.size() + 1> x_{};
  double table_head_h_ = 0;
};

// The number of a card, person or dwelling part: digits compare by value.
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string BookCode(std::string_view community_code, int n) {
  char num[16];
  std::snprintf(num, sizeof num, "%03d", n);
  return std::string(community_code) + "-" + num;
}

int CompareNatural(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (IsDigit(a[i]) && IsDigit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && IsDigit(a[ie])) ++ie;
      while (je < b.size() && IsDigit(b[je])) ++je;
      // Leading zeros do not count for the value ...
      size_t iz = i, jz = j;
      while (iz + 1 < ie && a[iz] == '0') ++iz;
      while (jz + 1 < je && b[jz] == '0') ++jz;
      const std::string_view na = a.substr(iz, ie - iz), nb = b.substr(jz, je - jz);
      if (na.size() != nb.size()) return na.size() < nb.size() ? -1 : 1;
      if (int c = na.compare(nb); c != 0) return c < 0 ? -1 : 1;
      // ... but of equal values the one with fewer of them comes first ("2" before "02").
      if (ie - i != je - j) return ie - i < je - j ? -1 : 1;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) {
      return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    }
    ++i;
    ++j;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

Result<std::vector<BookFile>> PrintBooks(store::Store& store, const BookOptions& options) {
  ASSIGN_OR_RETURN(const std::vector<store::Area> areas, store.ListAreas());
  std::vector<BookFile> out;
  Status st = store.Read("printing the household-card books", [&](store::sql::Session& s) {
    ASSIGN_OR_RETURN(const std::vector<std::string> communities,
                     store::RegisterCommunities(s, options.area));
    if (communities.empty()) {
      const bool known = std::any_of(areas.begin(), areas.end(), [&](const store::Area& a) {
        return a.code.starts_with(options.area);
      });
      if (options.area.empty()) return NotFound("the register has no households to print");
      return NotFound(known ? "area " + options.area + " has no households in the register"
                            : "unknown community '" + options.area +
                                  "': no area of the store has this code or a code starting "
                                  "with it");
    }
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    if (ec) return IoError("creating " + options.out_dir + ": " + ec.message());
    ASSIGN_OR_RETURN(const int64_t total, store::CountHouseholds(s, options.area));
    int64_t done = 0;
    for (const std::string& community : communities) {
      const Place place = PlaceOf(areas, community);
      ASSIGN_OR_RETURN(std::vector<store::Household> households,
                       store::HouseholdsOfCommunity(s, community));
      std::stable_sort(
          households.begin(), households.end(),
          [](const store::Household& a, const store::Household& b) {
            for (auto [x, y] : {std::pair(&a.building, &b.building), std::pair(&a.unit, &b.unit),
                                std::pair(&a.room, &b.room), std::pair(&a.card_no, &b.card_no)}) {
              if (int c = CompareNatural(*x, *y); c != 0) return c < 0;
            }
            return false;
          });
      const int books =
          static_cast<int>((households.size() + kHouseholdsPerBook - 1) / kHouseholdsPerBook);
      for (int n = 1; n <= books; ++n) {
        const size_t from = static_cast<size_t>(n - 1) * kHouseholdsPerBook;
        const size_t to = std::min(households.size(), from + kHouseholdsPerBook);
        std::vector<std::string> card_nos;
        for (size_t i = from; i < to; ++i) card_nos.push_back(households[i].card_no);
        ASSIGN_OR_RETURN(const std::vector<store::Person> persons,
                         store::PersonsOfCards(s, card_nos));
        std::vector<Card> cards(to - from);
        for (size_t i = from; i < to; ++i) cards[i - from].household = &households[i];
        size_t p = 0;
        for (Card& c : cards) {
          while (p < persons.size() && persons[p].card_no == c.household->card_no) {
            c.members.push_back(&persons[p++]);
          }
        }
        BookFile book;
        book.code = BookCode(community, n);
        book.path = (std::filesystem::path(options.out_dir) / (book.code + ".pdf")).string();
        book.community_code = community;
        book.community_name = place.community;
        book.book = n;
        book.books = books;
        book.households = static_cast<int64_t>(cards.size());
        book.persons = static_cast<int64_t>(persons.size());
        const auto [lo, hi] = std::minmax_element(
            card_nos.begin(), card_nos.end(),
            [](const std::string& a, const std::string& b) { return CompareNatural(a, b) < 0; });
        book.first_card = *lo;
        book.last_card = *hi;

        pdf::DocumentInfo info;
        info.title = "家庭户卡册 " + place.community + " 第 " + std::to_string(n) + " 册 共 " +
                     std::to_string(books) + " 册";
        info.author = place.city + place.district;
        info.subject =
            "户卡编号 " + book.first_card + " 至 " + book.last_card + "，册号 " + book.code;
        info.date = options.printed.Iso();
        ASSIGN_OR_RETURN(auto doc, Document::Create(book.path, pdf::Orientation::kPortrait, info));
        doc->SetFooter(place.community + " 第 " + std::to_string(n) + " 册　册号 " + book.code);
        BookPrinter printer(*doc, place, book, options.printed.Iso());
        RETURN_IF_ERROR(printer.Print(cards));
        book.pages = doc->page();
        RETURN_IF_ERROR(doc->Finish());
        out.push_back(std::move(book));
        done += static_cast<int64_t>(cards.size());
        if (options.progress) options.progress(done, total);
      }
      // A community that now fills fewer books than an earlier print into the same folder would
      // otherwise keep its old last books beside the new ones: every <community>-NNN.pdf with NNN
      // beyond this print's books goes; nothing else in the folder is touched.
      for (const auto& entry : std::filesystem::directory_iterator(options.out_dir, ec)) {
        const std::string name = entry.path().filename().string();
        const std::string prefix = community + "-";
        if (name.size() != prefix.size() + 7 || !name.starts_with(prefix) ||
            !name.ends_with(".pdf")) {
          continue;
        }
        const std::string number = name.substr(prefix.size(), 3);
        if (!std::all_of(number.begin(), number.end(),
                         [](char c) { return c >= '0' && c <= '9'; })) {
          continue;
        }
        if (std::stoi(number) > books) std::filesystem::remove(entry.path(), ec);
      }
    }
    return Status::Ok();
  });
  RETURN_IF_ERROR(st);
  return out;
}

}  // namespace popreg::report
