// The SQL that both backends accept, said once. Internal to store/: the modules of the store that
// came after the two backends (users, reviews, register edits; store/*.cc) write their queries
// once against a sql::Session, and each backend supplies only the session: how to run a
// statement, its clock, and the transaction around it (Store::Write / Store::Read).
//
// Statements number their parameters ?1, ?2, ... (SQLite's syntax); the PostgreSQL session
// rewrites them to $1, $2, .... Write SQL that both dialects accept: standard types, `RETURNING`
// for generated ids, no JSON functions (build JSON in C++), no upserts (read, then insert or
// update: the session holds the store's write lock).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace popreg::store::sql {

// A parameter: NULL, an integer, a real or text.
using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

// Text, or NULL when empty.
inline Value TextOrNull(std::string_view v) {
  if (v.empty()) return nullptr;
  return std::string(v);
}
// An id, or NULL when 0.
inline Value IdOrNull(int64_t v) {
  if (v == 0) return nullptr;
  return v;
}

// A statement's result: every row read, as text (NULL kept apart from '').
class Rows {
 public:
  Rows() = default;
  explicit Rows(int columns) : columns_(columns) {}
  size_t size() const { return columns_ == 0 ? 0 : cells_.size() / columns_; }
  bool empty() const { return size() == 0; }
  int columns() const { return columns_; }
  bool IsNull(size_t row, int col) const { return !cells_[row * columns_ + col].has_value(); }
  // The cell as text; "" for NULL.
  std::string_view Text(size_t row, int col) const {
    const auto& c = cells_[row * columns_ + col];
    return c ? std::string_view(*c) : std::string_view();
  }
  std::string String(size_t row, int col) const { return std::string(Text(row, col)); }
  // The cell as an integer; 0 for NULL or text that is not one.
  int64_t Int(size_t row, int col) const;
  std::optional<double> Double(size_t row, int col) const;

  // For the sessions: appends one cell of the current row (rows are filled left to right).
  void Append(std::optional<std::string> cell) { cells_.push_back(std::move(cell)); }

 private:
  int columns_ = 0;
  std::vector<std::optional<std::string>> cells_;
};

enum class Dialect { kSqlite, kPostgres };

// One connection inside one transaction of the store. Used by one thread at a time; valid only
// inside the function given to Store::Write or Store::Read.
class Session {
 public:
  virtual ~Session() = default;
  virtual Dialect dialect() const = 0;
  // Where the store is, for messages.
  virtual const std::string& location() const = 0;

  // Runs one statement with parameters ?1..?n and returns its rows (none for a command). `step`
  // names what it does for the error message ("reading user alice"). Errors are the backend's
  // (Conflict, FailedPrecondition for a constraint, ResourceExhausted for a full disk, ...).
  Result<Rows> Query(std::string_view step, std::string_view sql,
                     std::initializer_list<Value> params = {}) {
    return Run(step, sql, std::span<const Value>(params.begin(), params.size()), nullptr);
  }
  Result<Rows> Query(std::string_view step, std::string_view sql,
                     const std::vector<Value>& params) {
    return Run(step, sql, params, nullptr);
  }
  // Runs one statement and returns the number of rows it inserted, updated or deleted.
  Result<int64_t> Exec(std::string_view step, std::string_view sql,
                       std::initializer_list<Value> params = {}) {
    return Changed(step, sql, std::span<const Value>(params.begin(), params.size()));
  }
  Result<int64_t> Exec(std::string_view step, std::string_view sql,
                       const std::vector<Value>& params) {
    return Changed(step, sql, params);
  }

  // The store's clock, ISO 8601 UTC with milliseconds ("2026-12-05T10:00:00.000Z"), read once
  // per session: every change of one transaction carries the same time, as it is committed at
  // once.
  Result<std::string> Now();

  // The next id of `table` (whose key is `id`): the largest plus one, read once per session and
  // counted on from there (the session holds the store's write lock, so no one else adds rows).
  // Ids have no gaps, as both backends give them.
  Result<int64_t> NextId(std::string_view table);

 protected:
  // The backend's clock.
  virtual Result<std::string> ClockNow() = 0;

  // Runs the statement; sets *changed (when not null) to the rows it changed.
  virtual Result<Rows> Run(std::string_view step, std::string_view sql,
                           std::span<const Value> params, int64_t* changed) = 0;

 private:
  Result<int64_t> Changed(std::string_view step, std::string_view sql,
                          std::span<const Value> params);
  std::string now_;
  std::vector<std::pair<std::string, int64_t>> next_ids_;
};

// The time the process's clock is frozen at (POPREG_NOW, base/env.h), in the clock's text form,
// or nullopt for the backend's own clock. Every place a backend reads its clock asks this first.
std::optional<std::string> FixedNow();

// Adds `v` to the statement's `params` and returns its placeholder ?N (N = its position), for
// queries built from the conditions asked for.
std::string Bind(std::vector<Value>& params, Value v);

// `sql` with each ?N outside quotes turned into $N (for PostgreSQL).
std::string DollarParameters(std::string_view sql);

// Fault injection for crash tests (docs/store.md): when the environment variable
// POPREG_FAILPOINT names `point`, the process kills itself with SIGKILL, as a crash would; when
// it is `point:stop`, the process stops itself with SIGSTOP and goes on when sent SIGCONT, so a
// test can act while the work is held at that point (a backup during an import).
void FailPoint(std::string_view point);

}  // namespace popreg::store::sql
