#include "store/profile.h"

#include <toml++/toml.h>

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/utf8.h"

namespace popreg::store {
namespace {

// Counts non-overlapping occurrences of `token` in `pattern`.
int Count(std::string_view pattern, std::string_view token) {
  int n = 0;
  for (size_t p = pattern.find(token); p != std::string_view::npos;
       p = pattern.find(token, p + token.size())) {
    ++n;
  }
  return n;
}

bool IsToken(std::string_view rest) {
  return rest.starts_with("YYYY") || rest.starts_with("MM") || rest.starts_with("DD");
}

}  // namespace

std::optional<Date> ParseDateWithPattern(std::string_view text_in, std::string_view pattern) {
  if (pattern.empty()) return std::nullopt;
  const std::string text = utf8::TrimAscii(text_in);
  size_t t = 0;
  size_t p = 0;
  int year = -1, month = -1, day = -1;
  bool prev_was_field = false;
  while (p < pattern.size()) {
    const std::string_view rest = pattern.substr(p);
    int* target = nullptr;
    size_t width = 0;
    if (rest.starts_with("YYYY")) {
      target = &year;
      width = 4;
    } else if (rest.starts_with("MM")) {
      target = &month;
      width = 2;
    } else if (rest.starts_with("DD")) {
      target = &day;
      width = 2;
    }
    if (target == nullptr) {  // a literal byte
      if (t >= text.size() || text[t] != pattern[p]) return std::nullopt;
      prev_was_field = false;
      ++t;
      ++p;
      continue;
    }
    p += width;
    // Next to another field the width is exact; else MM and DD take one or two digits.
    const bool exact =
        width == 4 || prev_was_field || (p < pattern.size() && IsToken(pattern.substr(p)));
    prev_was_field = true;
    size_t digits = 0;
    int value = 0;
    while (digits < width && t + digits < text.size() && text[t + digits] >= '0' &&
           text[t + digits] <= '9') {
      value = value * 10 + (text[t + digits] - '0');
      ++digits;
    }
    if (digits == 0 || (exact && digits != width)) return std::nullopt;
    t += digits;
    *target = value;
  }
  if (t != text.size()) return std::nullopt;
  const Date d{year, month, day};
  if (!d.Valid()) return std::nullopt;
  return d;
}

std::optional<Date> ImportProfile::ParseDate(std::string_view text) const {
  return ParseDateWithPattern(text, dates);
}

std::vector<std::string> ImportProfile::RawHeaderRow(const std::vector<std::string>& header) const {
  std::set<std::string> ignored;
  for (const std::string& i : ignore) ignored.insert(io::NormalizeHeaderCell(i));
  std::vector<std::string> out = header;
  for (std::string& h : out) {
    if (ignored.count(io::NormalizeHeaderCell(h))) h.clear();
  }
  return out;
}

std::vector<std::string> ImportProfile::MapHeaderRow(const std::vector<std::string>& header) const {
  std::vector<std::string> out = RawHeaderRow(header);
  for (std::string& h : out) {
    if (h.empty()) continue;
    const std::string n = io::NormalizeHeaderCell(h);
    for (const auto& [spec, department] : columns) {
      if (io::NormalizeHeaderCell(department) == n) {
        h = spec;
        break;
      }
    }
  }
  return out;
}

namespace {

Result<toml::table> ParseProfileFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFound(path + ": no such profile file");
  }
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(path + ": line " + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
}

}  // namespace

ProfileKinds KindsOfProfile(const std::string& path) {
  ProfileKinds out;
  Result<toml::table> table = ParseProfileFile(path);
  if (!table.ok()) {
    out.problem = table.status();
    return out;
  }
  // What is wrong is told for the kind the profile declares: for any other the answer would
  // only be that the kind differs.
  std::optional<io::Kind> declared;
  if (const auto s = table->get("kind") ? table->get("kind")->value<std::string>() : std::nullopt) {
    if (Result<io::Kind> k = io::ParseKind(*s); k.ok()) declared = *k;
  }
  for (io::Kind k : io::AllKinds()) {
    Result<ImportProfile> p = LoadProfile(path, k);
    if (p.ok()) {
      out.kinds.push_back(k);
    } else if (out.problem.ok() && (!declared || *declared == k)) {
      out.problem = p.status();
    }
  }
  if (!out.kinds.empty()) out.problem = Status();
  return out;
}

Result<ImportProfile> LoadProfile(const std::string& path, io::Kind kind) {
  ASSIGN_OR_RETURN(toml::table table, ParseProfileFile(path));
  auto fail = [&](std::string_view key, const std::string& msg) {
    return InvalidArgument(path + ": " + std::string(key) + ": " + msg);
  };
  ImportProfile profile;
  profile.file = path;
  for (const auto& [key, node] : table) {
    const std::string_view k = key.str();
    if (k != "kind" && k != "dates" && k != "ignore" && k != "columns") {
      return fail(k, "unknown key (expected kind, dates, ignore or [columns])");
    }
  }
  if (const toml::node* n = table.get("kind")) {
    const auto s = n->value<std::string>();
    if (!n->is_string() || !s) return fail("kind", "must be a string such as \"register\"");
    auto k = io::ParseKind(*s);
    if (!k.ok()) return fail("kind", "'" + *s + "' is not a kind of the spec");
    if (*k != kind) {
      return fail("kind",
                  "the profile is for " + *s + ", not for " + std::string(io::KindName(kind)));
    }
    profile.kind = *k;
  }
  if (const toml::node* n = table.get("dates")) {
    if (!n->is_string()) return fail("dates", "must be a string such as \"DD/MM/YYYY\"");
    profile.dates = *n->value<std::string>();
    if (Count(profile.dates, "YYYY") != 1 || Count(profile.dates, "MM") != 1 ||
        Count(profile.dates, "DD") != 1) {
      return fail("dates", "'" + profile.dates +
                               "' must hold each of YYYY, MM and DD once, e.g. \"DD/MM/YYYY\"");
    }
  }
  if (const toml::node* n = table.get("ignore")) {
    const toml::array* a = n->as_array();
    if (a == nullptr) return fail("ignore", "must be an array of column headers");
    for (size_t i = 0; i < a->size(); ++i) {
      const auto s = (*a)[i].value<std::string>();
      if (!(*a)[i].is_string() || !s) {
        return fail("ignore[" + std::to_string(i) + "]", "must be a string (a column header)");
      }
      profile.ignore.push_back(*s);
    }
  }
  if (const toml::node* n = table.get("columns")) {
    const toml::table* t = n->as_table();
    if (t == nullptr) return fail("columns", "must be a table: spec column = \"file header\"");
    std::set<std::string> headers;
    const auto specs = io::Columns(kind);
    for (const auto& [key, value] : *t) {
      const std::string name(key.str());
      const std::string where = "columns." + name;
      bool known = false;
      for (const io::ColumnSpec& c : specs) known = known || c.name == name;
      if (!known) {
        std::string list;
        for (const io::ColumnSpec& c : specs) {
          if (!list.empty()) list += ", ";
          list += c.name;
        }
        return fail(where,
                    "not a column of " + std::string(io::KindName(kind)) + " (" + list + ")");
      }
      const auto s = value.value<std::string>();
      if (!value.is_string() || !s || utf8::TrimAscii(*s).empty()) {
        return fail(where, "must be the file's header for it, a non-empty string");
      }
      if (!headers.insert(io::NormalizeHeaderCell(*s)).second) {
        return fail(where, "the header '" + *s + "' is mapped to two columns");
      }
      profile.columns.emplace_back(name, *s);
    }
  }
  return profile;
}

}  // namespace popreg::store
