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

void TextColumn::StartRow() {
  if (AtBlockEdge()) base_.push_back(bytes_.size());
}

void TextColumn::push_back(std::string_view value) {
  if (value.empty()) {
    StartRow();
    rows_.push_back(kEmpty);
    return;
  }
  if (!AtBlockEdge() && rows_.back() != kEmpty && back() == value) {
    rows_.push_back(rows_.back());
    return;
  }
  // The entry goes at the end of the text: its offset from the block's first entry.
  StartRow();
  const uint64_t offset = bytes_.size() - base_.back();
  if (offset >= kEmpty) {
    throw std::length_error("TextColumn: more than 4 GiB of text in 4,096 rows of one column");
  }
  for (size_t length = value.size();; length >>= 7) {
    const auto low = static_cast<unsigned char>(length & 0x7f);
    if (length < 0x80) {
      bytes_.push_back(static_cast<char>(low));
      break;
    }
    bytes_.push_back(static_cast<char>(low | 0x80));
  }
  bytes_.append(value);
  rows_.push_back(static_cast<uint32_t>(offset));
}

void TextColumn::Append(const TextColumn& more) {
  if (AtBlockEdge()) {
    // More's blocks start where ours would (ParallelColumn's parts, of 16,384 rows): its text
    // and rows are copied as they are, its blocks' bases moved by our text's size.
    const uint64_t shift = bytes_.size();
    bytes_.append(more.bytes_);
    base_.reserve(base_.size() + more.base_.size());
    for (uint64_t b : more.base_) base_.push_back(b + shift);
    rows_.insert(rows_.end(), more.rows_.begin(), more.rows_.end());
    return;
  }
  // Else the rows' offsets, relative to blocks that begin at multiples of 4,096 rows, do not
  // carry over: each value is added again (its bytes copied once).
  reserve(rows_.size() + more.rows_.size(), bytes_.size() + more.bytes_.size());
  for (std::string_view v : more) push_back(v);
}

void TextColumn::reserve(size_t rows, size_t bytes) {
  rows_.reserve(rows);
  base_.reserve((rows >> kBlockBits) + 1);
  // Each value's length takes a byte more below 128 bytes: room for one per row.
  if (bytes > 0 && bytes + rows > bytes_.capacity()) bytes_.reserve(bytes + rows);
}

void TextColumn::resize(size_t n) {
  if (n < rows_.size()) {
    rows_.resize(n);
    base_.resize((n + (size_t{1} << kBlockBits) - 1) >> kBlockBits);
    return;
  }
  rows_.reserve(n);
  while (rows_.size() < n) {
    StartRow();
    rows_.push_back(kEmpty);
  }
}

void TextColumn::clear() {
  bytes_.clear();
  rows_.clear();
  base_.clear();
}

void TextColumn::shrink_to_fit() {
  bytes_.shrink_to_fit();
  rows_.shrink_to_fit();
  base_.shrink_to_fit();
}

bool operator==(const TextColumn& a, const TextColumn& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace popreg
