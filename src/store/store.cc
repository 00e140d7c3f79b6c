#include "store/store.h"

#include <string_view>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace popreg::store {
namespace {

bool IsPostgresUrl(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (location.empty()) return InvalidArgument("no store given: pass --db PATH or a URL");
  if (IsPostgresUrl(location)) return OpenPostgresStore(location, PostgresOptions{.create = false});
  return OpenSqliteStore(location, SqliteOptions{.create = false});
}

Result<std::unique_ptr<Store>> CreateStore(const std::string& location) {
  if (location.empty()) return InvalidArgument("no store given: pass --db PATH or a URL");
  if (IsPostgresUrl(location)) return OpenPostgresStore(location, PostgresOptions{.create = true});
  return OpenSqliteStore(location, SqliteOptions{.create = true});
}

}  // namespace popreg::store
