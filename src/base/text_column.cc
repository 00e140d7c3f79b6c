#include "base/text_column.h"

#include <stdexcept>

namespace popreg {

TextColumn::TextColumn(std::initializer_list<std::string_view> values) {
  reserve(values.size());
  for (std::string_view v : values) push_back(v);
}

TextColumn::TextColumn(const std::vector<std::string>& values) {
  size_t bytes = 0;
  for (const std::string& v : values) bytes += v.size();
  reserve(values.size(), bytes);
  for (const std::string& v : values) push_back(v);
}

void TextColumn::push_back(std::string_view value) {
  if (!rows_.empty()) {
    const uint64_t last = rows_.back();
    if ((last >> kBeginBits) != kLong && back() == value) {
      rows_.push_back(last);
      return;
    }
  }
  const uint64_t begin = bytes_.size();
  if (begin + value.size() > kBeginMask) {
    throw std::length_error("TextColumn: more than a terabyte of text in one column");
  }
  bytes_.append(value);
  uint64_t length = value.size();
  if (length >= kLong) {
    long_[rows_.size()] = value.size();
    length = kLong;
  }
  rows_.push_back(begin | (length << kBeginBits));
}

void TextColumn::Append(const TextColumn& more) {
  const uint64_t base = bytes_.size();
  if (base + more.bytes_.size() > kBeginMask) {
    throw std::length_error("TextColumn: more than a terabyte of text in one column");
  }
  bytes_.append(more.bytes_);
  const size_t first = rows_.size();
  rows_.reserve(first + more.rows_.size());
  for (uint64_t r : more.rows_) rows_.push_back(r + base);  // the offset is the low bits
  for (const auto& [row, length] : more.long_) long_[first + row] = length;
}

void TextColumn::reserve(size_t rows, size_t bytes) {
  rows_.reserve(rows);
  if (bytes > bytes_.capacity()) bytes_.reserve(bytes);
}

void TextColumn::resize(size_t n) {
  if (n < rows_.size()) {
    for (size_t i = n; i < rows_.size(); ++i) long_.erase(i);
    rows_.resize(n);
    return;
  }
  // An empty value at the end of the text: offset bytes_.size(), length 0.
  rows_.resize(n, static_cast<uint64_t>(bytes_.size()));
}

void TextColumn::clear() {
  bytes_.clear();
  rows_.clear();
  long_.clear();
}

void TextColumn::shrink_to_fit() {
  bytes_.shrink_to_fit();
  rows_.shrink_to_fit();
}

bool operator==(const TextColumn& a, const TextColumn& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace popreg
