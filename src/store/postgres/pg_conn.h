// A libpq connection with popreg's settings and errors as Status values, for the PostgreSQL
// backend only (see postgres_store.h). Not thread-safe: one thread at a time, like the Store.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace popreg::store::pg {

// Query parameters, all sent as text (PostgreSQL casts them to the columns' types).
class Params {
 public:
  Params& Add(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
  }
  Params& Add(int64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  // An empty string is NULL.
  Params& AddOrNull(std::string_view v) {
    if (v.empty()) return Null();
    return Add(v);
  }
  // 0 is NULL (no import, no row).
  Params& AddIdOrNull(int64_t v) {
    if (v == 0) return Null();
    return Add(v);
  }
  Params& Add(std::optional<double> v);
  Params& Null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// A query's result rows (owns the PGresult).
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return PQntuples(r_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string_view Text(int row, int col) const {
    return {PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col))};
  }
  // The column as an integer; NULL is 0.
  int64_t Int(int row, int col) const;
  std::optional<double> Double(int row, int col) const;
  const PGresult* raw() const { return r_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

// Builds the data of a binary COPY ... FROM STDIN: a header, then tuples of fields.
class CopyBuffer {
 public:
  CopyBuffer();
  void StartTuple(int16_t fields);
  void Add(std::string_view text);
  void Add(int64_t v);
  void Add(double v);
  void AddNull();
  // The bytes so far; Finish() appends the trailer.
  const std::string& data() const { return data_; }
  void Finish();

 private:
  void Put32(uint32_t v);
  std::string data_;
};

// Reads the fields of one row of a binary COPY ... TO STDOUT, in order.
class CopyRow {
 public:
  explicit CopyRow(std::string_view data) : rest_(data) {}
  // The number of fields of the next tuple, or -1 at the trailer; nullopt when malformed.
  std::optional<int> StartTuple();
  // The next field's bytes; nullopt for NULL. `ok` turns false when the row is malformed.
  std::optional<std::string_view> Next(bool& ok);
  // Skips the file header; false when it is not a binary COPY header.
  bool SkipHeader();
  int64_t Int(std::string_view field) const;

 private:
  std::string_view rest_;
};

class Conn {
 public:
  // Connects to `url` (to database `dbname` instead of the URL's when not null); `shown` is the
  // URL without its password, for messages. The session gets UTF-8, UTC and the given lock
  // timeout; notices are not printed. A database that does not exist is NotFound.
  static Result<std::unique_ptr<Conn>> Open(const std::string& url, std::string shown,
                                            int lock_timeout_ms, const char* dbname = nullptr);
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn();

  const std::string& shown() const { return shown_; }
  // The SQLSTATE of the last failed statement ("" when it had none).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  // Runs one statement with parameters; its rows (none for a command).
  Result<Rows> Query(std::string_view step, const std::string& sql, const Params& params = {});
  // Runs one statement with parameters, discarding rows.
  Status Exec(std::string_view step, const std::string& sql, const Params& params = {});
  // Runs a fixed script of parameterless statements (migrations).
  Status ExecScript(std::string_view step, const std::string& sql);
  // Runs `sql` (a COPY ... FROM STDIN (FORMAT binary)) with `data` as its input.
  Status CopyIn(std::string_view step, const std::string& sql, const std::string& data);
  // Runs `sql` (a COPY ... TO STDOUT (FORMAT binary)) and calls `fn` with every row's bytes as
  // they arrive (the first also holds the header). An error of `fn` stops the copy: the
  // connection is then unusable (the server is still sending) and the error is returned.
  Status CopyOut(std::string_view step, const std::string& sql,
                 const std::function<Status(std::string_view)>& fn);

  // True inside a transaction block (open or failed).
  bool InTransaction() const;
  // Rolls back the open transaction, if any.
  void RollbackIfOpen();

  // The Status of a failed result (SQLSTATE mapped to an ErrorCode), naming the store and step.
  Status Error(const PGresult* r, std::string_view step) const;
  // The Status of a failure without a result (a lost connection).
  Status ConnError(std::string_view step) const;

 private:
  Conn(PGconn* c, std::string shown) : c_(c), shown_(std::move(shown)) {}
  // OK when `rows` is a successful result, else its error.
  Status Check(const Rows& rows, std::string_view step) const;
  // Reads the results that end a COPY; the first error among them.
  Status FinishCopy(std::string_view step);
  PGconn* c_;
  std::string shown_;
  mutable std::string last_sqlstate_;
};

// The ErrorCode for a SQLSTATE.
ErrorCode CodeForSqlState(std::string_view state);

}  // namespace popreg::store::pg
