// Fuzz target for reading a source record's stored values (store/record_values.h): the input is
// the stored JSON text. ReadNormalizedValues reads the usual flat object itself and hands anything
// else to nlohmann's parser; whatever the input, it must say what a parsed nlohmann document says
// (the same verdict on the text, the same string of each name). Aborts when it does not.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "store/record_values.h"

namespace {

constexpr std::string_view kNames[] = {"name", "sex", "id_number", "address", "", "名"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> got(std::size(kNames));
  const bool ok = popreg::store::ReadNormalizedValues(text, kNames, got);
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(ok == doc.is_object());
  if (!ok) return 0;
  for (size_t i = 0; i < std::size(kNames); ++i) {
    const auto it = doc.find(std::string(kNames[i]));
    const std::string want = it != doc.end() && it->is_string() ? it->get<std::string>() : "";
    FUZZ_CHECK(got[i] == want);
  }
  return 0;
}
