#include "server/api.h"

#include <charconv>
#include <utility>

#include "base/env.h"

namespace popreg::server {

void Api::Add(std::string method, std::string path, Access access, Handler handler) {
  routes_.push_back({std::move(method), std::move(path), access, std::move(handler)});
}

const std::string& Call::Path(std::string_view name) const {
  static const std::string kNone;
  for (const auto& [n, v] : path_params) {
    if (n == name) return v;
  }
  return kNone;
}

Result<int64_t> Call::PathId(std::string_view name) const {
  const std::string& v = Path(name);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
  if (ec != std::errc() || end != v.data() + v.size() || id <= 0) {
    return InvalidArgument(std::string(name) + " '" + v + "' is not a positive whole number");
  }
  return id;
}

std::optional<std::string> Call::Query(std::string_view name) const {
  const std::string key(name);
  if (!req.has_param(key)) return std::nullopt;
  return req.get_param_value(key);
}

Result<nlohmann::json> Call::Body() const {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return InvalidArgument("the request body is not JSON");
  if (!body.is_object()) return InvalidArgument("the request body is not a JSON object");
  return body;
}

Status Call::Allow(recon::Action action, std::string_view community) const {
  return recon::Allow(*user, action, community);
}

Result<std::string> Call::Area(recon::Action action) const {
  const std::string asked = Query("community").value_or("");
  if (!asked.empty()) {
    RETURN_IF_ERROR(Allow(action, asked));
    return asked;
  }
  if (recon::CoversDistrict(Me())) {
    RETURN_IF_ERROR(Allow(action));
    return std::string();
  }
  if (Me().areas.size() == 1) {
    RETURN_IF_ERROR(Allow(action, Me().areas[0]));
    return Me().areas[0];
  }
  return InvalidArgument("choose one of your areas with community=CODE");
}

Status Call::AllowSomewhere(recon::Action action) const {
  return recon::AllowSomewhere(Me(), action);
}

Result<Date> Call::DateParam(std::string_view name) const {
  const std::string text = Query(name).value_or("");
  if (text.empty()) return Env::Default().Today();
  std::optional<Date> d = Date::ParseIso(text);
  if (!d) return InvalidArgument(std::string(name) + " '" + text + "' is not a date (YYYY-MM-DD)");
  return *d;
}

nlohmann::json ParsedOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

nlohmann::json UserJson(const store::User& u) {
  return {{"login", u.login},
          {"display_name", u.display_name},
          {"role", u.role},
          {"all_areas", u.all_areas},
          {"areas", u.areas},
          {"disabled", u.disabled},
          {"must_change_password", u.must_change_password},
          {"locked_until", OrNull(u.locked_until)},
          {"created_at", u.created_at}};
}

Result<std::string> StringField(const nlohmann::json& body, std::string_view name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return InvalidArgument("the field " + std::string(name) + " is required");
    return std::string();
  }
  if (!it->is_string()) return InvalidArgument("the field " + std::string(name) + " is not text");
  return it->get<std::string>();
}

Status AuditAs(store::Store& store, std::string_view who, std::string_view action,
               std::string_view object, const nlohmann::json& details) {
  store::AuditEntry e;
  e.who = who;
  e.action = action;
  e.object = object;
  e.details_json = details.dump();
  return store.AppendAudit(e).status();
}

Result<int64_t> IntQuery(const Call& call, std::string_view name, int64_t fallback, int64_t min,
                         int64_t max) {
  std::optional<std::string> v = call.Query(name);
  if (!v) return fallback;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
    return InvalidArgument("the parameter " + std::string(name) + " '" + *v +
                           "' is not a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max));
  }
  return n;
}

Result<std::optional<double>> ProbabilityQuery(const Call& call, std::string_view name) {
  std::optional<std::string> v = call.Query(name);
  if (!v || v->empty()) return std::optional<double>();
  double p = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), p);
  if (ec != std::errc() || end != v->data() + v->size() || !(p >= 0 && p <= 1)) {
    return InvalidArgument("the parameter " + std::string(name) + " '" + *v +
                           "' is not a probability from 0 to 1");
  }
  return std::optional<double>(p);
}

}  // namespace popreg::server
