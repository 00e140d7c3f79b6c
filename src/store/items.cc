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
  // Appended, not "'" + ...: GCC 12 at -O3 warns falsely (-Wrestrict) on that form.
  std::string message = "'";
  message += q.after.substr(0, 80);
  message += "' is not a cursor of this list (sort by ";
  message += ItemSortName(q.sort);
  message += q.descending ? ", descending)" : ", ascending)";
  const Status bad = InvalidArgument(message);
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
  auto param = [&](sql::Value v) { return sql::Bind(params, std::move(v)); };
  const DiscrepancyFilter& f = q.filter;
  std::string where = f.status.empty() ? "status <> 'resolved'" : "status = " + param(f.status);
  if (!f.type.empty()) where += " AND type = " + param(f.type);
  if (!f.community_code.empty()) {
    // A range of the community index rather than substr(), so that it can serve.
    const std::string end = PrefixEnd(f.community_code);
    where += " AND community_key >= " + param(f.community_code);
    if (!end.empty()) where += " AND community_key < " + param(end);
  }
  if (q.min_probability) {
    // Items without a probability (nothing was linked) are not "at least this probable".
    where += " AND match_probability >= " + param(*q.min_probability);
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

// The filter's and the probability's checks, shared by a page and the counts.
Status CheckItemQuery(const ItemQuery& q) {
  RETURN_IF_ERROR(CheckDiscrepancyFilter(q.filter));
  if (q.min_probability && !(*q.min_probability >= 0 && *q.min_probability <= 1)) {
    return InvalidArgument("the least probability is between 0 and 1, not " +
                           std::to_string(*q.min_probability));
  }
  return Status();
}

Result<std::vector<ItemStatement>> ItemPageStatements(const ItemQuery& q) {
  RETURN_IF_ERROR(CheckItemQuery(q));
  if (q.limit < 1 || q.limit > 500) {
    return InvalidArgument("a page holds 1 to 500 items, not " + std::to_string(q.limit));
  }
  std::optional<Cursor> cursor;
  if (!q.after.empty()) {
    ASSIGN_OR_RETURN(cursor, DecodeCursor(q));
  }
  const std::string key(SortExpression(q.sort));
  const std::string dir = q.descending ? " DESC" : "";
  const std::string op = q.descending ? " < " : " > ";
  // One statement: the filter, an optional condition, the order, LIMIT as the last parameter.
  auto statement = [&](const std::string& condition, std::optional<sql::Value> value,
                       std::optional<int64_t> after_id, const std::string& order) {
    ItemStatement st;
    std::string where = FilterWhere(q, st.params);
    auto param = [&](sql::Value v) { return sql::Bind(st.params, std::move(v)); };
    if (value) where += " AND " + key + condition + param(*value);
    if (after_id) where += " AND id" + op + param(*after_id);
    st.sql = "SELECT " + std::string(kItemListColumns) + ", " + key + " FROM discrepancies WHERE " +
             where + " ORDER BY " + order + " LIMIT " + param(int64_t{q.limit} + 1);
    return st;
  };
  const std::string by_key = key + dir + ", id" + dir;
  if (q.sort == ItemSort::kId) {
    return std::vector<ItemStatement>{statement(
        "", std::nullopt, cursor ? std::optional<int64_t>(cursor->id) : std::nullopt, "id" + dir)};
  }
  if (!cursor) return std::vector<ItemStatement>{statement("", std::nullopt, std::nullopt, by_key)};
  // After (v, id): the rest of v's ties by id, then the keys beyond v. Two seeks of the (key,
  // id) index rather than one row value `(key, id) > (v, id)`, which SQLite seeks by key only
  // and then walks every tie of v.
  sql::Value v = cursor->value;
  if (q.sort == ItemSort::kProbability) v = std::strtod(cursor->value.c_str(), nullptr);
  return std::vector<ItemStatement>{statement(" = ", v, cursor->id, "id" + dir),
                                    statement(op, v, std::nullopt, by_key)};
}

Result<ItemPage> ListItemsPage(Store& store, const ItemQuery& q) {
  ASSIGN_OR_RETURN(std::vector<ItemStatement> statements, ItemPageStatements(q));
  ItemPage page;
  RETURN_IF_ERROR(store.Read("listing a page of items", [&](sql::Session& s) -> Status {
    const size_t want = static_cast<size_t>(q.limit) + 1;  // one more: is there a next page?
    std::string last_value;
    bool more = false;
    for (ItemStatement& st : statements) {
      st.params.back() = static_cast<int64_t>(want - page.items.size());
      ASSIGN_OR_RETURN(sql::Rows r, s.Query("listing a page of items", st.sql, st.params));
      for (size_t i = 0; i < r.size(); ++i) {
        if (page.items.size() == static_cast<size_t>(q.limit)) {
          more = true;
          break;
        }
        page.items.push_back(ReadItem(r, i));
        // The sort value as the store holds it, so the next page starts exactly after it.
        last_value = r.String(i, r.columns() - 1);
      }
      if (more || page.items.size() == want) break;
    }
    if (more) page.next = EncodeCursor(q, page.items.back().id, last_value);
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

Result<std::vector<ItemCount>> CountItems(Store& store, const ItemQuery& q) {
  RETURN_IF_ERROR(CheckItemQuery(q));
  std::vector<ItemCount> out;
  RETURN_IF_ERROR(store.Read("counting items", [&](sql::Session& s) -> Status {
    std::vector<sql::Value> params;
    const std::string where = FilterWhere(q, params);
    ASSIGN_OR_RETURN(sql::Rows r,
                     s.Query("counting items by type and status",
                             "SELECT type, status, count(*) FROM discrepancies "
                             "WHERE " +
                                 where + " GROUP BY type, status ORDER BY type, status",
                             params));
    for (size_t i = 0; i < r.size(); ++i) {
      ItemCount c;
      c.type = r.Text(i, 0);
      c.status = r.Text(i, 1);
      c.count = r.Int(i, 2);
      out.push_back(std::move(c));
    }
    return Status();
  }));
  return out;
}

}  // namespace popreg::store
