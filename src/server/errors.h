// The API's one error shape: every error response is
//   {"error": {"code": "not_found", "message": "...", "details": {...}}}
// with the HTTP status of its ErrorCode (mapped here, once). The message is in the language the
// request prefers (Accept-Language: zh or en); what the engine said, in its words (English, and
// naming file, row and column for a bad upload), is kept in details.reason.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"

namespace popreg::server {

enum class Lang { kZh, kEn };

// The language an Accept-Language header prefers among zh and en (zh when it names neither:
// the office's language). Quality values are honoured ("en;q=0.9, zh;q=0.8" is en).
Lang PreferredLang(std::string_view accept_language);

// The HTTP status of a code: invalid_argument 400, unauthenticated 401, permission_denied 403,
// not_found 404, already_exists and conflict 409, failed_precondition 409, resource_exhausted
// 429 (a rate limit; 413 and 507 are chosen by the caller where they apply), cancelled 409,
// unimplemented 501, io_error/data_loss/internal 500.
int HttpStatus(ErrorCode code);

// A message said in both languages, for errors the server itself makes.
struct Said {
  std::string zh, en;
  const std::string& In(Lang lang) const { return lang == Lang::kZh ? zh : en; }
};

// The error body of `status` (not OK). `said`, when given, is the message; otherwise a sentence
// for the code in `lang` followed by the status's own message. `details` (an object or null)
// is merged into details, beside "reason".
nlohmann::json ErrorBody(const Status& status, Lang lang, const Said* said = nullptr,
                         const nlohmann::json& details = nullptr);

// `status` with every `path` in its message said as `shown` instead: the engine names a store or
// a file by where it is on the server's disk, which is not the browser's to learn.
Status Renamed(const Status& status, std::string_view path, std::string_view shown);

}  // namespace popreg::server
