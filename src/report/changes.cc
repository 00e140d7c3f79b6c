#include "report/changes.h"

#include <filesystem>
#include <map>
#include <span>
#include <vector>

#include "base/date.h"
#include "recon/changes.h"
#include "recon/item_parts.h"
#include "report/table_out.h"
#include "store/register_edit.h"

namespace popreg::report {
namespace {

// The row of one history entry, by the columns of recon::ChangeFileColumns().
std::vector<std::string> ChangeRow(const store::RegisterChange& c,
                                   const std::vector<std::string>& columns) {
  const store::HistoryEntry& h = c.entry;
  const bool person = h.entity == "person";
  const nlohmann::json before = recon::ItemObject(h.before_json),
                       after = recon::ItemObject(h.after_json);
  std::string change = "changed";
  if (h.before_json.empty()) {
    change = "created";
  } else if (h.after_json.empty()) {
    change = c.merged_into.empty() ? "removed" : "merged";
  } else if (person && recon::ItemString(before, "status") == "alive" &&
             recon::ItemString(after, "status") != "alive") {
    change = "closed";
  }
  // The values by column: the head, the key, the values after, and before_ of those changed.
  std::map<std::string, std::string, std::less<>> cell = {
      {"change", change},
      {"entity", h.entity},
      {"changed_at", h.at},
      {"who", h.who},
      {"item_id", h.item_id == 0 ? "" : std::to_string(h.item_id)},
      {"why", h.why},
      {"merged_into", c.merged_into}};
  const size_t slash = h.entity_key.rfind('/');
  cell["card_no"] = person ? h.entity_key.substr(0, slash) : h.entity_key;
  if (person) cell["person_no"] = h.entity_key.substr(slash + 1);
  std::string changed;
  const auto& fields = person ? std::span<const std::string_view>(recon::kPersonChangeColumns)
                              : std::span<const std::string_view>(recon::kHouseholdChangeColumns);
  for (std::string_view f : fields) {
    if (f == "card_no" || f == "person_no") continue;
    const std::string key(f);
    const std::string was = recon::ItemString(before, key.c_str());
    const std::string now = recon::ItemString(after, key.c_str());
    cell[std::string(f)] = now;
    if (was == now) continue;
    changed += std::string(changed.empty() ? "" : ",") + std::string(f);
    cell["before_" + std::string(f)] = was;
  }
  cell["changed_columns"] = changed;
  std::vector<std::string> row;
  for (const std::string& column : columns) {
    auto it = cell.find(column);
    row.push_back(it == cell.end() ? "" : it->second);
  }
  return row;
}

// `since` as the history's times compare: a date, or a UTC time without its Z
// (YYYY-MM-DDTHH:MM[:SS[.fff]]); nullopt when it is neither.
std::optional<std::string> Since(std::string_view since) {
  std::string s(since);
  if (s.ends_with('Z')) s.pop_back();
  if (s.size() < 10 || !Date::ParseIso(s.substr(0, 10))) return std::nullopt;
  if (s.size() == 10) return s;
  // The time's shape: each '9' a digit, the rest as written.
  constexpr std::string_view kTime = "T99:99:99.999";
  const std::string_view t = std::string_view(s).substr(10);
  if (t.size() != 6 && t.size() != 9 && t.size() < 11) return std::nullopt;
  if (t.size() > kTime.size()) return std::nullopt;
  for (size_t i = 0; i < t.size(); ++i) {
    const bool digit = t[i] >= '0' && t[i] <= '9';
    if (kTime[i] == '9' ? !digit : t[i] != kTime[i]) return std::nullopt;
  }
  return s;
}

}  // namespace

Result<ChangesExport> ExportChanges(store::Store& store, std::string_view since,
                                    const std::string& path) {
  const std::optional<std::string> from = Since(since);
  if (!from) {
    return InvalidArgument("--since: '" + std::string(since) +
                           "' is not a date (2026-10-01) or a UTC time (2026-10-01T09:30:00)");
  }
  ASSIGN_OR_RETURN(std::vector<store::RegisterChange> changes, store::ChangesSince(store, *from));
  const std::vector<std::string> names = recon::ChangeFileColumns();
  std::vector<TableColumn> columns;
  for (const std::string& n : names) columns.push_back({n, n, 0});
  ChangesExport out;
  std::vector<std::vector<std::string>> rows;
  for (const store::RegisterChange& c : changes) {
    rows.push_back(ChangeRow(c, names));
    ++(c.entry.entity == "person" ? out.persons : out.households);
  }
  out.rows = static_cast<int64_t>(rows.size());
  const std::string format = path.ends_with(".xlsx") ? "xlsx" : "csv";
  if (Status st = WriteTable(format, path, "changes", columns, rows); !st.ok()) {
    std::filesystem::remove(path);
    return st;
  }
  return out;
}

}  // namespace popreg::report
