#include "store/store.h"

#include <string_view>

#include "store/sqlite/sqlite_store.h"

namespace popreg::store {
namespace {

bool IsPostgresUrl(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Status PostgresNotYet() {
  return {ErrorCode::kUnimplemented,
          "PostgreSQL stores (postgresql://...) are not supported by this build yet; use a file "
          "path for a SQLite store"};
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (location.empty()) return InvalidArgument("no store given: pass --db PATH or a URL");
  if (IsPostgresUrl(location)) return PostgresNotYet();
  return OpenSqliteStore(location, SqliteOptions{.create = false});
}

Result<std::unique_ptr<Store>> CreateStore(const std::string& location) {
  if (location.empty()) return InvalidArgument("no store given: pass --db PATH or a URL");
  if (IsPostgresUrl(location)) return PostgresNotYet();
  return OpenSqliteStore(location, SqliteOptions{.create = true});
}

}  // namespace popreg::store
