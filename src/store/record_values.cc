#include "store/record_values.h"

#include <cassert>
#include <nlohmann/json.hpp>

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

}  // namespace

bool ReadNormalizedValues(std::string_view json, std::span<const std::string_view> names,
                          std::span<std::string> out) {
  assert(out.size() == names.size());
  RecordValues record(names, out);
  return nlohmann::json::sax_parse(json, &record) && record.object();
}

}  // namespace popreg::store
