// Bytes between the ranks of a spread run (partition.h): values of trivially copyable types
// copied as they are in memory. The ranks run the same binary on the same architecture, so a
// value is read as it was written; a message shorter than its reader expects is a broken
// transport (std::runtime_error), not bad input.
#pragma once

#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace popreg::link {

template <typename T>
void Put(std::string& out, const T* data, size_t n) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(data), n * sizeof(T));
}

template <typename T>
void PutOne(std::string& out, const T& value) {
  Put(out, &value, 1);
}

// A vector as its length (uint64_t) and its elements.
template <typename T>
void PutVector(std::string& out, std::span<const T> values) {
  PutOne<uint64_t>(out, values.size());
  Put(out, values.data(), values.size());
}

// Reads n values of T at `at` of `bytes`, advancing `at`.
template <typename T>
void Take(std::string_view bytes, size_t& at, T* data, size_t n) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (bytes.size() - at < n * sizeof(T)) throw std::runtime_error("partition: a short message");
  if (n > 0) std::memcpy(data, bytes.data() + at, n * sizeof(T));
  at += n * sizeof(T);
}

// Reads what Put, PutOne and PutVector wrote, in order.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  T One() {
    T v;
    Take(bytes_, at_, &v, 1);
    return v;
  }
  template <typename T>
  void Many(T* data, size_t n) {
    Take(bytes_, at_, data, n);
  }
  template <typename T>
  std::vector<T> Vector() {
    std::vector<T> v(One<uint64_t>());
    Take(bytes_, at_, v.data(), v.size());
    return v;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

}  // namespace popreg::link
