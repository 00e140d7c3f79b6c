#include "store/items.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/backend_checks.h"
#include "store/common_store.h"
#include "store/sql.h"

namespace popreg::store {
namespace {

constexpr std::string_view kSortNames[] = {"id",          "type",   "community",
                                           "probability", "status", "updated"};

// The column a key sorts by (indexed with id: store/common_schema.cc).
std::string_view SortExpression(ItemSort sort) {
  switch (sort) {
    case ItemSort::kId:
      return "id";
    case ItemSort::kType:
      return "type";
    case ItemSort::kCommunity:
      return "community_key";  // coalesce(community_code, '')
    case ItemSort::kProbability:
      return "probability_key";  // coalesce(match_probability, -1)
    case ItemSort::kStatus:
      return "status";
    case ItemSort::kUpdated:
      return "updated_at";
  }
  return "id";
}

// A cursor: the sort key's name, the direction, the last item's id and its sort value, joined
// by newlines (the value last: it may hold anything), as hex.
std::string EncodeCursor(const ItemQuery& q, int64_t id, std::string_view value) {
  const std::string text = std::string(ItemSortName(q.sort)) + "\n" + (q.descending ? "d" : "a") +
                           "\n" + std::to_string(id) + "\n" + std::string(value);
  return Hex(reinterpret_cast<const unsigned char*>(text.data()), text.size());
}

struct Cursor {
  int64_t id = 0;
  std::string value;
};

Result<Cursor> DecodeCursor(const ItemQuery& q) {
  const Status bad = InvalidArgument(
      "'" + q.after.substr(0, 80) + "' is not a cursor of this list (sort by " +
      std::string(ItemSortName(q.sort)) + ", " + (q.descending ? "descending" : "ascending") + ")");
  if (q.after.size() % 2 != 0) return bad;
  std::string text;
  for (size_t i = 0; i < q.after.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(q.after[i]), lo = nibble(q.after[i + 1]);
    if (hi < 0 || lo < 0) return bad;
    text += static_cast<char>(hi * 16 + lo);
  }
  const std::string prefix =
      std::string(ItemSortName(q.sort)) + "\n" + (q.descending ? "d" : "a") + "\n";
  if (text.compare(0, prefix.size(), prefix) != 0) return bad;
  const size_t nl = text.find('\n', prefix.size());
  if (nl == std::string::npos) return bad;
  Cursor c;
  const std::string id = text.substr(prefix.size(), nl - prefix.size());
  char* end = nullptr;
  c.id = std::strtoll(id.c_str(), &end, 10);
  if (id.empty() || *end != '\0' || c.id <= 0) return bad;
  c.value = text.substr(nl + 1);
  return c;
}

// The first string after every string that starts with `prefix` (byte order), or "" when there
// is none (a prefix of 0xFF bytes).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

// The WHERE clause of the query's filter and search (not the cursor), adding its parameters.
std::string FilterWhere(const ItemQuery& q, std::vector<sql::Value>& params) {
  auto param = [&](sql::Value v) {
    params.push_back(std::move(v));
    return "?" + std::to_string(params.size());
  };
  const DiscrepancyFilter& f = q.filter;
  std::string where = f.status.empty() ? "status <> 'resolved'" : "status = " + param(f.status);
  if (!f.type.empty()) where += " AND type = " + param(f.type);
  if (!f.community_code.empty()) {
    // A range of the community index rather than substr(), so that it can serve.
    const std::string end = PrefixEnd(f.community_code);
    where += " AND community_key >= " + param(f.community_code);
    if (!end.empty()) where += " AND community_key < " + param(end);
  }
  if (f.comparison_id != 0) {
    where += " AND id IN (SELECT discrepancy_id FROM comparison_items WHERE comparison_id = " +
             param(f.comparison_id) + ")";
  }
  if (!q.search.empty()) {
    // Ids from index lookups only: the planner drives the page from them and sorts the few.
    const std::string s = param(q.search);
    const std::string card_from = param(q.search + "/"), card_to = param(q.search + "0");
    where += " AND id IN (SELECT id FROM discrepancies WHERE source_id_number = " + s +
             " UNION SELECT id FROM discrepancies WHERE register_key = " + s +
             " UNION SELECT id FROM discrepancies WHERE register_key_2 = " + s +
             " UNION SELECT id FROM discrepancies WHERE register_key >= " + card_from +
             " AND register_key < " + card_to +
             " UNION SELECT d.id FROM persons p JOIN discrepancies d ON d.register_key = "
             "p.card_no || '/' || p.person_no WHERE p.id_number = " +
             s + " OR p.name = " + s + ")";
  }
  return where;
}

}  // namespace

std::string_view ItemSortName(ItemSort sort) { return kSortNames[static_cast<int>(sort)]; }

std::optional<ItemSort> ParseItemSort(std::string_view name) {
  for (size_t i = 0; i < std::size(kSortNames); ++i) {
    if (kSortNames[i] == name) return static_cast<ItemSort>(i);
  }
  return std::nullopt;
}

Result<std::string> ItemPageSql(const ItemQuery& q, std::vector<sql::Value>& params) {
  RETURN_IF_ERROR(CheckDiscrepancyFilter(q.filter));
  if (q.limit < 1 || q.limit > 500) {
    return InvalidArgument("a page holds 1 to 500 items, not " + std::to_string(q.limit));
  }
  std::optional<Cursor> cursor;
  if (!q.after.empty()) {
    ASSIGN_OR_RETURN(cursor, DecodeCursor(q));
  }
  const std::string where = FilterWhere(q, params);
  const std::string key(SortExpression(q.sort));
  const char* dir = q.descending ? " DESC" : "";
  std::string page_where = where;
  if (cursor) {
    const char* op = q.descending ? " < " : " > ";
    params.push_back(cursor->id);
    const std::string id = "?" + std::to_string(params.size());
    if (q.sort == ItemSort::kId) {
      page_where += " AND id" + std::string(op) + id;
    } else {
      // A row value: both backends take it as a range of the (key, id) index.
      if (q.sort == ItemSort::kProbability) {
        params.push_back(std::strtod(cursor->value.c_str(), nullptr));
      } else {
        params.push_back(cursor->value);
      }
      page_where +=
          " AND (" + key + ", id)" + op + "(?" + std::to_string(params.size()) + ", " + id + ")";
    }
  }
  params.push_back(int64_t{q.limit} + 1);  // one more: is there a next page?
  std::string order = q.sort == ItemSort::kId ? "id" + std::string(dir) : key + dir + ", id" + dir;
  return "SELECT " + std::string(kItemColumns) + ", " + key + " FROM discrepancies WHERE " +
         page_where + " ORDER BY " + order + " LIMIT ?" + std::to_string(params.size());
}

Result<ItemPage> ListItemsPage(Store& store, const ItemQuery& q) {
  std::vector<sql::Value> params;
  ASSIGN_OR_RETURN(std::string sql, ItemPageSql(q, params));
  ItemPage page;
  RETURN_IF_ERROR(store.Read("listing a page of items", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("listing a page of items", sql, params));
    const size_t n = std::min(r.size(), static_cast<size_t>(q.limit));
    page.items.reserve(n);
    for (size_t i = 0; i < n; ++i) page.items.push_back(ReadItem(r, i));
    if (r.size() > n) {
      // The sort value as the store holds it, so the next page starts exactly after it.
      const int value_column = r.columns() - 1;
      page.next = EncodeCursor(q, page.items.back().id, r.Text(n - 1, value_column));
    }
    if (q.count_total) {
      std::vector<sql::Value> count_params;
      const std::string where = FilterWhere(q, count_params);
      ASSIGN_OR_RETURN(sql::Rows c,
                       s.Query("counting items",
                               "SELECT count(*) FROM discrepancies WHERE " + where, count_params));
      page.total = c.Int(0, 0);
    }
    return Status();
  }));
  return page;
}

}  // namespace popreg::store
