#include "store/sql.h"

#include <charconv>
#include <csignal>
#include <cstdlib>

#include "base/env.h"

namespace popreg::store::sql {

int64_t Rows::Int(size_t row, int col) const {
  std::string_view t = Text(row, col);
  int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

std::optional<double> Rows::Double(size_t row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  // strtod rather than from_chars: both backends print reals in forms strtod reads.
  return std::strtod(std::string(Text(row, col)).c_str(), nullptr);
}

Result<int64_t> Session::Changed(std::string_view step, std::string_view sql,
                                 std::span<const Value> params) {
  int64_t changed = 0;
  ASSIGN_OR_RETURN(Rows rows, Run(step, sql, params, &changed));
  (void)rows;
  return changed;
}

std::optional<std::string> FixedNow() {
  const Env& env = Env::Default();
  if (!env.clock_frozen()) return std::nullopt;
  return env.NowIso();
}

Result<std::string> Session::Now() {
  if (now_.empty()) {
    if (std::optional<std::string> fixed = FixedNow()) {
      now_ = *fixed;
    } else {
      ASSIGN_OR_RETURN(now_, ClockNow());
    }
  }
  return now_;
}

Result<int64_t> Session::NextId(std::string_view table) {
  for (auto& [name, next] : next_ids_) {
    if (name == table) return next++;
  }
  ASSIGN_OR_RETURN(Rows r, Query("numbering a row of " + std::string(table),
                                 "SELECT coalesce(max(id), 0) + 1 FROM " + std::string(table)));
  const int64_t id = r.Int(0, 0);
  next_ids_.emplace_back(std::string(table), id + 1);
  return id;
}

std::string Bind(std::vector<Value>& params, Value v) {
  params.push_back(std::move(v));
  // Appended rather than "?" + to_string(...): GCC 12 at -O3 warns (-Wrestrict, a false
  // positive) on the operator+ form, and release builds treat warnings as errors.
  std::string placeholder = "?";
  placeholder += std::to_string(params.size());
  return placeholder;
}

std::string DollarParameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;  // the quote character we are inside, or 0
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

void FailPoint(std::string_view point) {
  const char* armed = std::getenv("POPREG_FAILPOINT");
  if (armed == nullptr) return;
  const std::string_view name(armed);
  if (name == point) {
    std::raise(SIGKILL);
    std::_Exit(137);  // not reached
  }
  if (name.size() == point.size() + 5 && name.starts_with(point) && name.ends_with(":stop")) {
    std::raise(SIGSTOP);  // resumes here on SIGCONT
  }
}

}  // namespace popreg::store::sql
