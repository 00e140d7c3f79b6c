// Error profiles: the rates of a district in a TOML file.
//
// toml++ is header-only here: the gen layer does not link the library the link layer uses, and
// without TOML_HEADER_ONLY=0 from its CMake target the header compiles its own inline copy.
#include <toml++/toml.h>

#include <filesystem>
#include <string>

#include "gen/district.h"

namespace popreg::gen {

Result<RateMap> ReadProfile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return InvalidArgument("profile " + path + ": no such file");
  }
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(path + ": line " + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  } catch (const std::exception& e) {
    return InvalidArgument(path + ": " + e.what());
  }
  auto error = [&](std::string_view key, std::string_view what) {
    return InvalidArgument(path + ": " + std::string(key) + ": " + std::string(what));
  };
  RateMap rates;
  for (const auto& [key, node] : table) {
    const std::string_view k = key.str();
    if (k == "description") {
      if (!node.is_string()) return error(k, "must be a string");
      continue;
    }
    if (k != "rates") {
      return error(k, "unknown key (a profile has a description and a [rates] table)");
    }
    const toml::table* t = node.as_table();
    if (t == nullptr) return error(k, "must be a table of rate = value");
    for (const auto& [name, value] : *t) {
      const std::string where = "rates." + std::string(name.str());
      bool known = false;
      for (const RateSpec& r : RateSpecs()) known |= r.name == name.str();
      if (!known) return error(where, "unknown rate (popreg gen --list-rates lists them)");
      std::optional<double> v;
      if (value.is_floating_point()) v = value.value<double>();
      if (value.is_integer()) v = static_cast<double>(*value.value<int64_t>());
      if (!v || !(*v >= 0 && *v <= 1)) return error(where, "must be a number between 0 and 1");
      rates[std::string(name.str())] = *v;
    }
  }
  return rates;
}

}  // namespace popreg::gen
