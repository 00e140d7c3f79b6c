// The PostgreSQL store's schema as numbered migrations, the same numbers and tables as the
// SQLite backend's (store/sqlite/sqlite_store.cc), so that a schema version means one thing.
#pragma once

#include <span>
#include <string_view>

#include "base/status.h"
#include "store/sql.h"

namespace popreg::store::pg {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // parameterless statements, run in the migration's transaction
  // The migration's part both dialects accept (store/common_schema.h), run after `sql` on a
  // session of the same transaction, then `sql_after`.
  Status (*common)(sql::Session&) = nullptr;
  std::string_view sql_after;
};

// Every migration, oldest first.
std::span<const Migration> Migrations();

}  // namespace popreg::store::pg
