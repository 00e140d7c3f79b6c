#include "store/register_read.h"

#include <algorithm>
#include <utility>

namespace popreg::store {
namespace {

// Characters of UTF-8 text, counted as SQLite's and PostgreSQL's length() count them.
size_t Characters(std::string_view s) {
  size_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

}  // namespace

RegisterReader::RegisterReader(size_t persons)
    : cols_{&c_.card_no,          &c_.person_no,      &c_.name,      &c_.sex,    &c_.birth_date,
            &c_.id_number,        &c_.relation,       &c_.ethnicity, &c_.status, &c_.death_date,
            &c_.mother_id_number, &c_.community_code, &c_.building,  &c_.unit,   &c_.room,
            &c_.address} {
  for (TextColumn* col : cols_) col->reserve(persons);
}

void RegisterReader::Add(const std::array<std::string_view, kColumns>& row) {
  if (!card_.empty() && card_.front()[0] != row[0]) Flush();
  auto& to = card_.emplace_back();
  for (int i = 0; i < kColumns; ++i) to[i] = row[i];
}

void RegisterReader::Flush() {
  // Rows of one card arrive by person_no's bytes; a card has a handful of persons.
  std::stable_sort(card_.begin(), card_.end(), [](const auto& a, const auto& b) {
    const size_t la = Characters(a[1]);
    const size_t lb = Characters(b[1]);
    return la != lb ? la < lb : a[1] < b[1];
  });
  for (const auto& row : card_) {
    for (int i = 0; i < kColumns; ++i) cols_[i]->push_back(row[i]);
  }
  card_.clear();
}

RegisterColumns RegisterReader::Finish() {
  Flush();
  for (TextColumn* col : cols_) col->shrink_to_fit();
  return std::move(c_);
}

}  // namespace popreg::store
