#include "store/postgres/pg_conn.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace popreg::store::pg {
namespace {

// The binary COPY file header: signature, flags, header extension length.
constexpr char kCopySignature[] = "PGCOPY\n\377\r\n";
constexpr size_t kCopySignatureSize = 11;

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

uint32_t Read32(std::string_view s) {
  uint32_t v = 0;
  std::memcpy(&v, s.data(), 4);
  return ntohl(v);
}

}  // namespace

Params& Params::Add(std::optional<double> v) {
  if (!v) return Null();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", *v);
  values_.emplace_back(std::string(buf));
  return *this;
}

int64_t Rows::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}

std::optional<double> Rows::Double(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return std::strtod(PQgetvalue(r_.get(), row, col), nullptr);
}

CopyBuffer::CopyBuffer() {
  data_.append(kCopySignature, kCopySignatureSize);
  Put32(0);  // flags
  Put32(0);  // header extension length
}

void CopyBuffer::Put32(uint32_t v) {
  v = htonl(v);
  data_.append(reinterpret_cast<const char*>(&v), 4);
}

void CopyBuffer::StartTuple(int16_t fields) {
  const uint16_t v = htons(static_cast<uint16_t>(fields));
  data_.append(reinterpret_cast<const char*>(&v), 2);
}

void CopyBuffer::Add(std::string_view text) {
  Put32(static_cast<uint32_t>(text.size()));
  data_.append(text);
}

void CopyBuffer::Add(int64_t v) {
  Put32(8);
  const auto u = static_cast<uint64_t>(v);
  Put32(static_cast<uint32_t>(u >> 32));
  Put32(static_cast<uint32_t>(u));
}

void CopyBuffer::Add(double v) {
  uint64_t u = 0;
  static_assert(sizeof u == sizeof v);
  std::memcpy(&u, &v, sizeof v);
  Put32(8);
  Put32(static_cast<uint32_t>(u >> 32));
  Put32(static_cast<uint32_t>(u));
}

void CopyBuffer::AddNull() { Put32(0xffffffffu); }

void CopyBuffer::Finish() {
  const uint16_t v = 0xffff;
  data_.append(reinterpret_cast<const char*>(&v), 2);
}

bool CopyRow::SkipHeader() {
  if (rest_.size() < kCopySignatureSize + 8 ||
      rest_.substr(0, kCopySignatureSize) != std::string_view(kCopySignature, kCopySignatureSize))
    return false;
  const uint32_t extension = Read32(rest_.substr(kCopySignatureSize + 4));
  if (rest_.size() < kCopySignatureSize + 8 + extension) return false;
  rest_.remove_prefix(kCopySignatureSize + 8 + extension);
  return true;
}

std::optional<int> CopyRow::StartTuple() {
  if (rest_.size() < 2) return std::nullopt;
  uint16_t v = 0;
  std::memcpy(&v, rest_.data(), 2);
  rest_.remove_prefix(2);
  return static_cast<int16_t>(ntohs(v));
}

std::optional<std::string_view> CopyRow::Next(bool& ok) {
  if (rest_.size() < 4) {
    ok = false;
    return std::nullopt;
  }
  const uint32_t n = Read32(rest_);
  rest_.remove_prefix(4);
  if (n == 0xffffffffu) return std::nullopt;
  if (rest_.size() < n) {
    ok = false;
    return std::nullopt;
  }
  std::string_view out = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return out;
}

int64_t CopyRow::Int(std::string_view field) const {
  if (field.size() != 8) return 0;
  const uint64_t v = (static_cast<uint64_t>(Read32(field)) << 32) | Read32(field.substr(4));
  return static_cast<int64_t>(v);
}

ErrorCode CodeForSqlState(std::string_view s) {
  if (s == "53100" || s.starts_with("53") || s == "54000") return ErrorCode::kResourceExhausted;
  if (s == "55P03" || s == "40001" || s == "40P01") return ErrorCode::kConflict;
  if (s.starts_with("23") || s == "P0001") return ErrorCode::kFailedPrecondition;
  if (s.starts_with("08") || s.starts_with("58")) return ErrorCode::kIoError;
  if (s == "XX001" || s == "XX002") return ErrorCode::kDataLoss;
  if (s == "3D000" || s == "42P01") return ErrorCode::kNotFound;
  if (s.starts_with("28") || s == "42501") return ErrorCode::kPermissionDenied;
  if (s == "57014") return ErrorCode::kCancelled;
  if (s.starts_with("22")) return ErrorCode::kInvalidArgument;
  return ErrorCode::kInternal;
}

Result<std::unique_ptr<Conn>> Conn::Open(const std::string& url, std::string shown,
                                         int lock_timeout_ms, const char* dbname) {
  // connect_timeout comes before the URL so that the URL's own setting wins; the encoding
  // comes after it because popreg only speaks UTF-8. A second dbname is a plain database name
  // (only the first is expanded as a URL) and overrides the URL's.
  const char* keys[] = {"connect_timeout",
                        "dbname",
                        "client_encoding",
                        "fallback_application_name",
                        dbname != nullptr ? "dbname" : nullptr,
                        nullptr};
  const char* values[] = {"10", url.c_str(), "UTF8", "popreg", dbname, nullptr};
  PGconn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (c == nullptr) return ResourceExhausted("store " + shown + ": connecting: out of memory");
  std::unique_ptr<Conn> conn(new Conn(c, std::move(shown)));
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string msg = Trim(PQerrorMessage(c));
    if (msg.find("database \"") != std::string::npos &&
        msg.find("does not exist") != std::string::npos) {
      return NotFound("store " + conn->shown_ + ": connecting: " + msg +
                      " (create a store with popreg init)");
    }
    if (msg.find("authentication failed") != std::string::npos ||
        msg.find("password") != std::string::npos) {
      return Status(ErrorCode::kPermissionDenied, "store " + conn->shown_ + ": connecting: " + msg);
    }
    return IoError("store " + conn->shown_ + ": connecting: " + msg);
  }
  PQsetNoticeProcessor(c, &IgnoreNotice, nullptr);
  RETURN_IF_ERROR(conn->ExecScript(
      "setting up the session",
      "SET TIME ZONE 'UTC'; SET client_min_messages = warning; SET lock_timeout = " +
          std::to_string(lock_timeout_ms)));
  return conn;
}

Conn::~Conn() { PQfinish(c_); }

Status Conn::ConnError(std::string_view step) const {
  return IoError("store " + shown_ + ": " + std::string(step) + ": " + Trim(PQerrorMessage(c_)));
}

Status Conn::Error(const PGresult* r, std::string_view step) const {
  last_sqlstate_.clear();
  if (r == nullptr) return ConnError(step);
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (state != nullptr) last_sqlstate_ = state;
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
  if (state == nullptr) return ConnError(step);  // the connection failed, not the statement
  std::string msg = "store " + shown_ + ": " + std::string(step) + ": " +
                    (primary != nullptr ? primary : Trim(PQresultErrorMessage(r)));
  if (detail != nullptr) msg += std::string(" (") + detail + ")";
  const ErrorCode code = CodeForSqlState(state);
  switch (code) {
    case ErrorCode::kResourceExhausted:
      if (std::string_view(state) == "53100") return ResourceExhausted("disk full: " + msg);
      return ResourceExhausted(msg);
    case ErrorCode::kConflict:
      return {code, "the store is busy (another writer): " + msg};
    case ErrorCode::kDataLoss:
      return DataLoss("the store is damaged: " + msg);
    default:
      return {code, msg};
  }
}

Result<Rows> Conn::Query(std::string_view step, const std::string& sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
  PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  Rows rows(r);
  const ExecStatusType st = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r, step);
  return rows;
}

Status Conn::Exec(std::string_view step, const std::string& sql, const Params& params) {
  return Query(step, sql, params).status();
}

Status Conn::ExecScript(std::string_view step, const std::string& sql) {
  // PQexec runs the statements in turn, stops at the first error and returns the last result.
  Rows rows(PQexec(c_, sql.c_str()));
  return Check(rows, step);
}

Status Conn::Check(const Rows& rows, std::string_view step) const {
  const PGresult* r = rows.raw();
  const ExecStatusType st = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r, step);
  return Status();
}

// The end of a COPY: the statement's own result, then nothing.
Status Conn::FinishCopy(std::string_view step) {
  Status out;
  while (PGresult* r = PQgetResult(c_)) {
    Rows rows(r);
    if (out.ok()) out = Check(rows, step);
  }
  return out;
}

Status Conn::CopyIn(std::string_view step, const std::string& sql, const std::string& data) {
  {
    Rows start(PQexec(c_, sql.c_str()));
    if (start.raw() == nullptr || PQresultStatus(start.raw()) != PGRES_COPY_IN) {
      RETURN_IF_ERROR(Check(start, step));
      return Internal("store " + shown_ + ": " + std::string(step) + ": not a COPY FROM STDIN");
    }
  }
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kChunk) {
    const size_t n = std::min(kChunk, data.size() - at);
    if (PQputCopyData(c_, data.data() + at, static_cast<int>(n)) != 1) {
      Status st = ConnError(step);
      FinishCopy(step).IgnoreError();
      return st;
    }
  }
  if (PQputCopyEnd(c_, nullptr) != 1) {
    Status st = ConnError(step);
    FinishCopy(step).IgnoreError();
    return st;
  }
  return FinishCopy(step);
}

Status Conn::CopyOut(std::string_view step, const std::string& sql,
                     const std::function<Status(std::string_view)>& fn) {
  {
    Rows start(PQexec(c_, sql.c_str()));
    if (start.raw() == nullptr || PQresultStatus(start.raw()) != PGRES_COPY_OUT) {
      RETURN_IF_ERROR(Check(start, step));
      return Internal("store " + shown_ + ": " + std::string(step) + ": not a COPY TO STDOUT");
    }
  }
  Status failed;
  while (true) {
    char* buf = nullptr;
    const int n = PQgetCopyData(c_, &buf, /*async=*/0);
    if (n == -1) break;  // done: the statement's result follows
    if (n < -1) return ConnError(step);
    if (failed.ok()) {
      failed = fn(std::string_view(buf, static_cast<size_t>(n)));
      if (!failed.ok()) {
        // Ask the server to stop sending; what is already on its way is read and dropped.
        if (PGcancel* cancel = PQgetCancel(c_)) {
          char err[256];
          PQcancel(cancel, err, sizeof err);
          PQfreeCancel(cancel);
        }
      }
    }
    PQfreemem(buf);
  }
  Status st = FinishCopy(step);
  return failed.ok() ? st : failed;
}

bool Conn::InTransaction() const { return PQtransactionStatus(c_) != PQTRANS_IDLE; }

void Conn::RollbackIfOpen() {
  const PGTransactionStatusType t = PQtransactionStatus(c_);
  if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR) PQclear(PQexec(c_, "ROLLBACK"));
}

}  // namespace popreg::store::pg
