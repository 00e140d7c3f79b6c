#include "norm/regions.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

// Embedded by regions_data.S.
extern "C" const char popreg_areacodes_csv[];
extern "C" const uint64_t popreg_areacodes_csv_size;

namespace popreg::norm {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kHeader =
    "代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码";
constexpr size_t kColumns = 9;

struct Table {
  std::vector<Region> rows;
  std::unordered_map<uint32_t, uint32_t> latest;  // code as a number -> index into rows
};

// The code as a number, or -1 when it is not 6 ASCII digits.
int64_t CodeNumber(std::string_view code) {
  if (code.size() != 6) return -1;
  int64_t n = 0;
  for (char c : code) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

int Year(std::string_view s) {
  int y = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    y = y * 10 + (c - '0');
  }
  return y;
}

// The embedded table is the build's own data, not user input: a malformed one is a build
// error, reported loudly.
[[noreturn]] void BadTable(const char* what, size_t line) {
  std::fprintf(stderr,
               "popreg: the embedded data/regions/areacodes.csv is malformed (%s, line %zu)\n",
               what, line);
  std::abort();
}

// A splitter for one line of this file only, not a CSV parser: areacodes.csv has no quoted
// fields, no commas or line breaks inside values, and no CR (checked when it was added:
// `grep -c '"' data/regions/areacodes.csv` is 0 and every line has 9 fields). A quote is
// refused, so a future file that needs a real CSV parser fails loudly instead of being misread.
size_t SplitLine(std::string_view line, std::string_view (&fields)[kColumns], size_t line_no) {
  if (line.find('"') != std::string_view::npos) BadTable("quoted field", line_no);
  size_t n = 0;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (n == kColumns) return n + 1;  // too many
    fields[n++] = line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
    if (comma == std::string_view::npos) return n;
    start = comma + 1;
  }
}

// True when row `a` is more recent than row `b` (came into use later; on a tie the one still in
// use, then the one retired later).
bool MoreRecent(const Region& a, const Region& b) {
  if (a.since != b.since) return a.since > b.since;
  if ((a.until == 0) != (b.until == 0)) return a.until == 0;
  return a.until > b.until;
}

Table Parse() {
  Table t;
  std::string_view text(popreg_areacodes_csv, popreg_areacodes_csv_size);
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    ++line_no;
    if (line_no == 1) {
      if (line != kHeader) BadTable("unexpected header", line_no);
      continue;
    }
    if (line.empty()) continue;
    std::string_view f[kColumns];
    if (SplitLine(line, f, line_no) != kColumns) BadTable("not 9 fields", line_no);
    const int64_t number = CodeNumber(f[0]);
    if (number < 0) BadTable("code is not 6 digits", line_no);
    Region r;
    r.code = f[0];
    r.province = f[1];
    r.prefecture = f[2];
    r.name = f[3];
    r.level = f[4];
    r.status = f[5];
    r.since = Year(f[6]);
    r.until = Year(f[7]);
    r.replaced_by = f[8];
    t.rows.push_back(std::move(r));
  }
  t.latest.reserve(t.rows.size());
  for (uint32_t i = 0; i < t.rows.size(); ++i) {
    const auto key = static_cast<uint32_t>(CodeNumber(t.rows[i].code));
    auto [it, inserted] = t.latest.try_emplace(key, i);
    if (!inserted && MoreRecent(t.rows[i], t.rows[it->second])) it->second = i;
  }
  return t;
}

// Parsed on first use; initialisation of a function-local static is thread-safe. Kept until the
// process ends.
const Table& GetTable() {
  static const Table& table = *new Table(Parse());
  return table;
}

}  // namespace

std::span<const Region> AllRegions() { return GetTable().rows; }

const Region* FindRegion(std::string_view code) {
  const int64_t number = CodeNumber(code);
  if (number < 0) return nullptr;
  const Table& t = GetTable();
  const auto it = t.latest.find(static_cast<uint32_t>(number));
  return it == t.latest.end() ? nullptr : &t.rows[it->second];
}

bool RegionCodeEverUsed(std::string_view code) { return FindRegion(code) != nullptr; }

std::string RegionName(std::string_view code) {
  const Region* r = FindRegion(code);
  return r == nullptr ? std::string() : r->name;
}

}  // namespace popreg::norm
