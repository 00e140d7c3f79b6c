// The household-card books (家庭户卡册): the register printed community by community, its
// households in the order of their dwellings (building, unit, room, then card number; numbers as
// numbers), bound in books of 100 households. Each book is one A4 PDF (report/pdf.h):
//   1. a cover: city and district, township, community name and code, "第 n 册 共 m 册", the
//      book code, the range of card numbers (smallest to largest) and of dwellings (first to
//      last), households and persons, a box for the seal (盖章处), the date printed;
//   2. a catalogue (目录): each card's number, head of household, address, members and the
//      page its card starts on;
//   3. the cards, one after another, several to a page: the dwelling, then a table of the
//      members with every register field; deceased and moved-out persons greyed with their
//      status (死亡, 迁出). A card is never split across pages unless it alone is longer than a
//      page; then it goes on over the next page under its header marked "（续）";
//   4. the back labels (背标) of the cards, 24 to a page (3 by 8) in the order of the cards:
//      户卡编号, community, building, each label the same.
// Every page has the footer "<community> 第 n 册 册号 <code>" and "第 p 页 共 q 页".
// docs/reports.md ("Household-card books") shows them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "store/store.h"

namespace popreg::report {

inline constexpr int kHouseholdsPerBook = 100;

// The city's book code of book `n` (1-based) of a community: the community's 12-digit code, a
// dash and the book's number in three digits, e.g. "350902001001-002". It names the file too.
std::string BookCode(std::string_view community_code, int n);

// Natural order of the parts of an address: runs of digits compare as numbers ("2" before
// "10", "10" before "10A"), anything else byte by byte. Negative, zero or positive like
// strcmp.
int CompareNatural(std::string_view a, std::string_view b);

struct BookOptions {
  // A community code, or a code prefix such as a township's 9 digits; "" = every community.
  std::string area;
  std::string out_dir = "out/books";
  Date printed;  // the date on the covers and in the files' metadata
  // Called with (households printed, households to print) after each book; may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
};

// One book written.
struct BookFile {
  std::string path;
  std::string code;  // BookCode
  std::string community_code, community_name;
  int book = 0, books = 0;  // "第 book 册 共 books 册"
  int64_t households = 0, persons = 0;
  int pages = 0;
  std::string first_card, last_card;  // the smallest and largest card number in the book
};

// Prints the books of every community of `options.area` that has households into
// `options.out_dir` (created when missing), reading the register one community, then one book
// of cards, at a time inside one read transaction (all books show the same moment). Returns the
// books in the order written (by community code, then book). NotFound when the area has no
// households (the message says whether any area has that code); errors writing a book name its
// file, and the books written before it stay.
Result<std::vector<BookFile>> PrintBooks(store::Store& store, const BookOptions& options);

}  // namespace popreg::report
