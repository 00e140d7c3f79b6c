// The PostgreSQL store's schema as numbered migrations, the same numbers and tables as the
// SQLite backend's (store/sqlite/sqlite_store.cc), so that a schema version means one thing.
#pragma once

#include <span>
#include <string_view>

namespace popreg::store::pg {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // parameterless statements, run in the migration's transaction
};

// Every migration, oldest first.
std::span<const Migration> Migrations();

}  // namespace popreg::store::pg
