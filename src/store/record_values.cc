#include "store/record_values.h"

#include <cassert>
#include <nlohmann/json.hpp>

#include "base/utf8.h"

namespace popreg::store {
namespace {

// Reads a record's normalised values into one string per name, through nlohmann's SAX interface:
// the same parser (and the same verdict on bad JSON) as the document it replaces, without building
// a std::map of strings per record. As the document did, a member that is not a string is no value,
// and of a name given twice the last counts.
class RecordValues : public nlohmann::json_sax<nlohmann::json> {
 public:
  RecordValues(std::span<const std::string_view> names, std::span<std::string> out)
      : names_(names), out_(out) {}

  bool null() override { return Other(); }
  bool boolean(bool) override { return Other(); }
  bool number_integer(number_integer_t) override { return Other(); }
  bool number_unsigned(number_unsigned_t) override { return Other(); }
  bool number_float(number_float_t, const string_t&) override { return Other(); }
  bool binary(binary_t&) override { return Other(); }
  bool string(string_t& v) override {
    if (depth_ == 1 && column_ >= 0) out_[column_] = std::move(v);
    return depth_ > 0;
  }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_ = true;
    Other();
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ != 1) return true;
    column_ = -1;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == k) column_ = static_cast<int>(i);
    }
    return true;
  }
  bool end_object() override { return --depth_, true; }
  bool start_array(std::size_t) override {
    Other();
    ++depth_;
    return depth_ > 1;  // a record that is an array is not one
  }
  bool end_array() override { return --depth_, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  // True when the text was one object.
  bool object() const { return object_; }

 private:
  // A value that is not a string: the member has no value (a string before it is forgotten).
  bool Other() {
    if (depth_ == 1 && column_ >= 0) out_[column_].clear();
    return depth_ > 0;
  }

  std::span<const std::string_view> names_;
  std::span<std::string> out_;
  int depth_ = 0;
  int column_ = -1;
  bool object_ = false;
};

// The record as imports write it, read directly: one flat object of string members (nlohmann's
// dump), scanned once. nlohmann's lexer was a fifth of reading a million police records, hence
// this; anything else (a member that is not a string, bytes nlohmann would refuse, a lone
// surrogate, a control character) returns false after writing what a prefix of members gave,
// and the SAX reader then reads the whole text again with nlohmann's verdict, so that the result
// is always nlohmann's.
class FlatObject {
 public:
  explicit FlatObject(std::string_view text) : s_(text) {}

  bool Read(std::span<const std::string_view> names, std::span<std::string> out) {
    Space();
    if (!Eat('{')) return false;
    Space();
    if (Eat('}')) return End();
    for (;;) {
      if (!String(&key_)) return false;
      Space();
      if (!Eat(':')) return false;
      Space();
      if (!String(&value_)) return false;
      for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == key_) out[i] = value_;
      }
      Space();
      if (Eat('}')) return End();
      if (!Eat(',')) return false;
      Space();
    }
  }

 private:
  bool End() {
    Space();
    return at_ == s_.size();
  }
  void Space() {
    while (at_ < s_.size() &&
           (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) {
      ++at_;
    }
  }
  bool Eat(char c) {
    if (at_ >= s_.size() || s_[at_] != c) return false;
    ++at_;
    return true;
  }
  // Four hex digits of a \u escape.
  bool Hex4(uint32_t* v) {
    if (s_.size() - at_ < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[at_++];
      const int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (d < 0) return false;
      *v = *v * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }
  // One well-formed UTF-8 sequence (Unicode Table 3-7, as nlohmann checks) starting at a lead
  // byte >= 0x80, appended to `out`.
  bool Utf8(std::string* out) {
    const auto b = [&](size_t i) { return static_cast<unsigned char>(s_[at_ + i]); };
    const unsigned char c = b(0);
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s_.size() - at_ < n || b(1) < lo || b(1) > hi) return false;
    for (size_t i = 2; i < n; ++i) {
      if (b(i) < 0x80 || b(i) > 0xBF) return false;
    }
    out->append(s_.data() + at_, n);
    at_ += n;
    return true;
  }
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    out->clear();
    for (;;) {
      // A run of plain ASCII at once.
      const size_t start = at_;
      while (at_ < s_.size()) {
        const auto c = static_cast<unsigned char>(s_[at_]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++at_;
      }
      out->append(s_.data() + start, at_ - start);
      if (at_ >= s_.size()) return false;
      const auto c = static_cast<unsigned char>(s_[at_]);
      if (c == '"') {
        ++at_;
        return true;
      }
      if (c >= 0x80) {
        if (!Utf8(out)) return false;
        continue;
      }
      if (c < 0x20 || s_.size() - at_ < 2) return false;  // a control character: refused
      const char e = s_[at_ + 1];
      at_ += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (!Eat('\\') || !Eat('u') || !Hex4(&low) || low < 0xDC00 || low > 0xDFFF) {
              return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          utf8::AppendUtf8(static_cast<char32_t>(cp), out);
          break;
        }
        default:
          return false;
      }
    }
  }

  std::string_view s_;
  size_t at_ = 0;
  std::string key_, value_;
};

}  // namespace

bool ReadNormalizedValues(std::string_view json, std::span<const std::string_view> names,
                          std::span<std::string> out) {
  assert(out.size() == names.size());
  if (FlatObject(json).Read(names, out)) return true;
  RecordValues record(names, out);
  return nlohmann::json::sax_parse(json, &record) && record.object();
}

}  // namespace popreg::store
