// Reading a source record's normalised values without building a JSON document per record
// (store/record_values.h) gives what the document gave.
#include "store/record_values.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/utf8.h"

namespace popreg::store {
namespace {

constexpr std::string_view kNames[] = {"name", "sex", "id_number", "address"};

// What LoadTable read before: a parsed document, its string members by name.
bool ByDocument(const std::string& json, std::vector<std::string>* out) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  out->assign(std::size(kNames), "");
  if (!j.is_object()) return false;
  for (size_t c = 0; c < std::size(kNames); ++c) {
    auto it = j.find(std::string(kNames[c]));
    if (it != j.end() && it->is_string()) (*out)[c] = it->get<std::string>();
  }
  return true;
}

void ExpectSame(const std::string& json) {
  SCOPED_TRACE(json);
  std::vector<std::string> want, got(std::size(kNames));
  const bool ok = ByDocument(json, &want);
  EXPECT_EQ(ReadNormalizedValues(json, kNames, got), ok);
  if (ok) {
    EXPECT_EQ(got, want);
  }
}

TEST(ReadNormalizedValuesTest, ReadsWhatADocumentReads) {
  for (const std::string json : {
           R"({"name":"张伟","sex":"M","id_number":"11010119900307123X"})",
           R"({"address":"蕉城路\"1\"号\n\u4e00\ud83d\ude00","other":"x"})",
           R"({})",
           // Of a name given twice the last counts, also when it is not a string.
           R"({"name":"a","name":"b"})",
           R"({"name":"a","name":null})",
           R"({"name":"a","name":{"name":"c"},"sex":"F"})",
           R"({"name":["x","y"],"sex":"F","id_number":7})",
           R"({"name":{"a":[{"b":"c"}]},"sex":true})",
           // Not one object: refused.
           R"([{"name":"a"}])",
           R"("name")",
           R"(42)",
           R"(null)",
           R"({"name":"a"} {"sex":"M"})",
           R"({"name":"a")",
           R"({"name":"a",})",
           R"()",
           "{\"name\":\"a\x01\"}",
           // What the fast reader hands to nlohmann: a BOM, ill-formed UTF-8, lone surrogates,
           // bad escapes, whitespace everywhere, a NUL escape.
           "\xEF\xBB\xBF{\"name\":\"a\"}",
           "{\"name\":\"\xC3\x28\"}",
           "{\"name\":\"\xED\xA0\x80\"}",
           "{\"name\":\"\xF4\x90\x80\x80\"}",
           "{\"name\":\"\xE0\x80\xAF\"}",
           R"({"name":"\ud800"})",
           R"({"name":"\udc00x"})",
           R"({"name":"\ud800\u0041"})",
           R"({"name":"\x41"})",
           R"({"name":"\u00G1"})",
           R"({"name":"\u0000","sex":"\b\f\n\r\t\/"})",
           " \t\r\n{ \"name\" :\n\"a\" ,\t\"sex\": \"F\" } \n",
           R"({"name":"a"}x)",
           R"({"name" "a"})",
           R"({"name":"a" "sex":"F"})",
           R"({name:"a"})",
       }) {
    ExpectSame(json);
  }
}

// Random flat objects as nlohmann writes them: every code point range, escapes, repeats.
TEST(ReadNormalizedValuesTest, RandomRecordsReadAsTheirDocuments) {
  Rng rng(16);
  const std::vector<std::string> keys = {"name", "sex", "id_number", "address", "other", "名"};
  for (int n = 0; n < 2000; ++n) {
    std::string text = "{";
    const int members = static_cast<int>(rng.Uniform(7));
    for (int m = 0; m < members; ++m) {
      std::string value;
      for (uint64_t k = rng.Uniform(12); k > 0; --k) {
        static const char32_t kPoints[] = {U'a', U'"', U'\\', U'\n', 0x01, U'张', 0x1F600, U'/'};
        utf8::AppendUtf8(kPoints[rng.Uniform(8)], &value);
      }
      const std::string& key = keys[rng.Uniform(keys.size())];
      if (m > 0) text += ",";
      text += nlohmann::json(key).dump() + ":";
      text += rng.Uniform(5) == 0 ? std::string("123") : nlohmann::json(value).dump();
    }
    text += "}";
    ExpectSame(text);
  }
}

}  // namespace
}  // namespace popreg::store
