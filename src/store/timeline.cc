#include "store/timeline.h"

#include <string>
#include <vector>

#include "store/sql.h"

namespace popreg::store {

Result<Timeline> LoadTimeline(Store& store) {
  Timeline t;
  RETURN_IF_ERROR(store.Read("reading the items' timeline", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows items,
                     s.Query("reading when items were found",
                             "SELECT d.id, d.community_code, c.finished_at FROM discrepancies d "
                             "JOIN comparisons c ON c.id = d.first_comparison ORDER BY d.id"));
    t.items.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      t.items.push_back({items.Int(i, 0), items.String(i, 1), items.String(i, 2)});
    }
    ASSIGN_OR_RETURN(sql::Rows ch,
                     s.Query("reading the items' status changes",
                             "SELECT discrepancy_id, at, status_before, "
                             "status_after FROM reviews ORDER BY discrepancy_id, id"));
    t.changes.reserve(ch.size());
    for (size_t i = 0; i < ch.size(); ++i) {
      t.changes.push_back({ch.Int(i, 0), ch.String(i, 1), ch.String(i, 2), ch.String(i, 3)});
    }
    ASSIGN_OR_RETURN(sql::Rows c, s.Query("reading the comparisons' times",
                                          "SELECT id, finished_at, area_code FROM comparisons "
                                          "ORDER BY id"));
    for (size_t i = 0; i < c.size(); ++i) {
      t.comparisons.push_back({c.Int(i, 0), c.String(i, 1), c.String(i, 2)});
    }
    ASSIGN_OR_RETURN(sql::Rows u, s.Query("reading users",
                                          "SELECT id, login, role, created_at, all_areas FROM "
                                          "users WHERE disabled = ?1 ORDER BY login",
                                          {int64_t{0}}));
    ASSIGN_OR_RETURN(sql::Rows a, s.Query("reading the areas of users",
                                          "SELECT user_id, area_code FROM user_areas ORDER BY "
                                          "user_id, area_code"));
    for (size_t i = 0; i < u.size(); ++i) {
      UserSince us;
      us.login = u.String(i, 1);
      us.role = u.String(i, 2);
      us.created_at = u.String(i, 3);
      const std::string_view all = u.Text(i, 4);
      us.all_areas = all == "1" || all == "t" || all == "true";
      for (size_t j = 0; j < a.size(); ++j) {
        if (a.Int(j, 0) == u.Int(i, 0)) us.areas.push_back(a.String(j, 1));
      }
      t.users.push_back(std::move(us));
    }
    return Status();
  }));
  return t;
}

}  // namespace popreg::store
