// A column of strings held in one byte array: 4 bytes a row plus the text, each value's bytes
// after its length (one byte below 128), where a std::vector<std::string> spends 32 bytes a row
// plus a heap block for every value longer than 15 bytes. A row equal to the row before it
// shares its bytes, so a household's fields repeated for each of its persons are stored once,
// and an empty row has none. A million-person register's sixteen columns take ~140 MB this way
// instead of ~700 MB (bench/RESULTS.md, issue 16).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace popreg {

class TextColumn {
 public:
  using value_type = std::string_view;
  using size_type = size_t;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;

    const_iterator() = default;
    const_iterator(const TextColumn* c, size_t i) : c_(c), i_(i) {}
    std::string_view operator*() const { return (*c_)[i_]; }
    std::string_view operator[](difference_type d) const { return (*c_)[i_ + d]; }
    const_iterator& operator++() { return ++i_, *this; }
    const_iterator operator++(int) { return {c_, i_++}; }
    const_iterator& operator--() { return --i_, *this; }
    const_iterator operator--(int) { return {c_, i_--}; }
    const_iterator& operator+=(difference_type d) { return i_ += d, *this; }
    const_iterator& operator-=(difference_type d) { return i_ -= d, *this; }
    friend const_iterator operator+(const_iterator a, difference_type d) { return a += d; }
    friend const_iterator operator+(difference_type d, const_iterator a) { return a += d; }
    friend const_iterator operator-(const_iterator a, difference_type d) { return a -= d; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.i_ == b.i_;
    }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) {
      return a.i_ <=> b.i_;
    }

   private:
    const TextColumn* c_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = const_iterator;

  TextColumn() = default;
  TextColumn(std::initializer_list<std::string_view> values);
  explicit TextColumn(const std::vector<std::string>& values);
  // `n` empty rows.
  explicit TextColumn(size_t n) { resize(n); }

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  std::string_view operator[](size_t i) const {
    const uint32_t r = rows_[i];
    if (r == kEmpty) return {};
    const auto* p =
        reinterpret_cast<const unsigned char*>(bytes_.data()) + base_[i >> kBlockBits] + r;
    size_t length = *p & 0x7f;
    for (int shift = 7; *p++ & 0x80; shift += 7) length |= size_t{*p & 0x7fu} << shift;
    return {reinterpret_cast<const char*>(p), length};
  }
  std::string_view back() const { return (*this)[size() - 1]; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

  // Appends a row (its bytes shared with the row before when they are equal).
  void push_back(std::string_view value);
  void emplace_back(std::string_view value) { push_back(value); }
  // Appends the rows of `more`.
  void Append(const TextColumn& more);
  // Makes room for `rows` rows and `bytes` bytes of text in all.
  void reserve(size_t rows, size_t bytes = 0);
  // Cuts to `n` rows, or appends empty rows up to `n`.
  void resize(size_t n);
  void clear();
  // Returns the unused room of the reservations.
  void shrink_to_fit();
  // The bytes held (rows and text), for memory accounting.
  size_t memory() const {
    return rows_.capacity() * sizeof(uint32_t) + base_.capacity() * sizeof(uint64_t) +
           bytes_.capacity();
  }
  // The bytes of text held (with each value's length).
  size_t text_bytes() const { return bytes_.size(); }

  friend bool operator==(const TextColumn& a, const TextColumn& b);

 private:
  // A row is where its value's entry begins (its length as a LEB128 varint, then its bytes),
  // counted from the first entry of its block of 2^kBlockBits rows (base_, one per block), or
  // kEmpty. The offsets are relative so that four bytes reach any column of fewer than 4 GiB
  // per block; a row shares the entry of the row before only within one block.
  static constexpr int kBlockBits = 12;
  static constexpr uint32_t kEmpty = 0xffffffff;

  // Whether row size() is the first of a block.
  bool AtBlockEdge() const { return (rows_.size() & ((size_t{1} << kBlockBits) - 1)) == 0; }
  // Starts a block when row size() is its first (its base: where the text ends now).
  void StartRow();

  std::string bytes_;
  std::vector<uint32_t> rows_;
  std::vector<uint64_t> base_;  // per block, where its first entry is (bytes_.size() then)
};

}  // namespace popreg
