// The worklist's pages: discrepancy items by a filter, a search and a sort key, one page at a
// time by keyset (the page after a cursor, never an OFFSET), so that the thousandth page of a
// hundred thousand items costs what the first does. Every sort key has its index ending in the
// item id (schema 5), and each page is a range scan of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace popreg::store {

// What the worklist sorts by; ties are broken by the item id, in the same direction.
enum class ItemSort {
  kId,
  kType,
  kCommunity,    // community_code ("" for none, first)
  kProbability,  // match_probability (none sorts as -1: first)
  kStatus,
  kUpdated,  // updated_at: the item's last change
};

// The sort keys' names, for the server's `sort` parameter: "id", "type", "community",
// "probability", "status", "updated".
std::string_view ItemSortName(ItemSort sort);
// The key of a name, or nullopt.
std::optional<ItemSort> ParseItemSort(std::string_view name);

struct ItemQuery {
  // type, community prefix, status ("" = all but resolved), comparison: as ListDiscrepancies.
  DiscrepancyFilter filter;
  // "" = no search. Otherwise an item matches when the text equals its source ID number, its
  // register key or second register key (card_no/person_no), is the card number of its register
  // key, or is the ID number or the exact name of the register person its register key names.
  // Each of these is an index lookup.
  std::string search;
  // Only items linked at least this probably (match_probability >= it; an item without a
  // probability never passes). nullopt = every item.
  std::optional<double> min_probability;
  ItemSort sort = ItemSort::kId;
  bool descending = false;
  // "" = the first page; otherwise the `next` of the page before, from a query with the same
  // sort and direction (another is InvalidArgument). Opaque: hand it back as it came.
  std::string after;
  int limit = 50;            // 1..500
  bool count_total = false;  // also count every item matching (O(n): only when asked)
};

struct ItemPage {
  // At most `limit`, in the order asked; without their evidence, explanation, action and
  // verified values (empty: a list shows none of them, and they are most of an item's bytes).
  std::vector<Discrepancy> items;
  std::string next;              // the cursor of the next page; "" = this is the last page
  std::optional<int64_t> total;  // when count_total: the items matching, over all pages
};

// One page of the worklist, read on one snapshot. InvalidArgument for an unknown type or status
// in the filter, a limit out of range or a cursor that is not this query's. Items changed
// between two pages may move: the keyset skips nothing that stayed where it was.
Result<ItemPage> ListItemsPage(Store& store, const ItemQuery& query);

struct ItemCount {
  std::string type, status;
  int64_t count = 0;
};
// How many items of each type and status match the query's filter and search (its sort, cursor
// and limit are not used): the worklist's and the dashboard's figures in one index scan rather
// than a page per type. Ordered by type, then status.
Result<std::vector<ItemCount>> CountItems(Store& store, const ItemQuery& query);

}  // namespace popreg::store
