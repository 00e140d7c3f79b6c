#include "store/campaigns.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/common_store.h"
#include "store/sql.h"

namespace popreg::store {
namespace {

constexpr std::string_view kCampaignColumns =
    "id, name, start_date, startup_end, reporting_deadline, entry_deadline, end_date, "
    "handover_day, created_by, created_at";

Result<Campaign> ReadCampaign(const sql::Rows& r, size_t i, const std::string& location) {
  Campaign c;
  c.id = r.Int(i, 0);
  c.name = r.String(i, 1);
  Date* dates[] = {&c.start, &c.startup_end, &c.reporting_deadline, &c.entry_deadline, &c.end};
  for (int k = 0; k < 5; ++k) {
    std::optional<Date> d = Date::ParseIso(r.Text(i, 2 + k));
    if (!d) {
      return DataLoss("store " + location + ": campaign " + std::to_string(c.id) +
                      " has a date that is not one: '" + r.String(i, 2 + k) + "'");
    }
    *dates[k] = *d;
  }
  c.handover_day = static_cast<int>(r.Int(i, 7));
  c.created_by = r.String(i, 8);
  c.created_at = r.String(i, 9);
  return c;
}

Result<std::vector<Campaign>> SelectCampaigns(sql::Session& s) {
  ASSIGN_OR_RETURN(sql::Rows r,
                   s.Query("reading campaigns", "SELECT " + std::string(kCampaignColumns) +
                                                    " FROM campaigns ORDER BY id"));
  std::vector<Campaign> out;
  for (size_t i = 0; i < r.size(); ++i) {
    ASSIGN_OR_RETURN(Campaign c, ReadCampaign(r, i, s.location()));
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::ordered_json CampaignJson(const Campaign& c) {
  return {{"name", c.name},
          {"start", c.start.Iso()},
          {"startup_end", c.startup_end.Iso()},
          {"reporting_deadline", c.reporting_deadline.Iso()},
          {"entry_deadline", c.entry_deadline.Iso()},
          {"end", c.end.Iso()},
          {"handover_day", c.handover_day}};
}

Status CheckNameFree(sql::Session& s, const Campaign& c) {
  ASSIGN_OR_RETURN(sql::Rows taken, s.Query("reading campaign " + c.name,
                                            "SELECT id FROM campaigns WHERE name = ?1", {c.name}));
  if (!taken.empty() && taken.Int(0, 0) != c.id) {
    return AlreadyExists("store " + s.location() + ": campaign '" + c.name + "' exists (campaign " +
                         std::to_string(taken.Int(0, 0)) + ")");
  }
  return Status();
}

}  // namespace

std::optional<Date> ParseMonth(std::string_view t) {
  if (t.size() != 7 || t[4] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  }
  Date d{(t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0'),
         (t[5] - '0') * 10 + (t[6] - '0'), 1};
  if (!d.Valid()) return std::nullopt;
  return d;
}

std::string MonthOf(const Date& d) { return d.Iso().substr(0, 7); }

Date AddMonths(const Date& d, int n) {
  const int index = d.year * 12 + (d.month - 1) + n;
  return Date{index / 12, index % 12 + 1, 1};
}

Date DayOfMonth(const Date& d, int day) {
  const int last = DaysInMonth(d.year, d.month);
  return Date{d.year, d.month, day < last ? day : last};
}

Result<Campaign> MakeCampaign(std::string name, const CampaignDates& d) {
  Campaign c;
  c.name = std::move(name);
  c.start = d.start;
  if (!d.start.Valid()) return InvalidArgument("a campaign needs a start date");
  c.startup_end = d.startup_end.value_or(d.start.AddDays(kStartupDays - 1));
  c.reporting_deadline = d.reporting_deadline.value_or(d.start.AddDays(kReportingDeadlineDays));
  c.entry_deadline = d.entry_deadline.value_or(d.start.AddDays(kEntryDeadlineDays));
  c.end = d.end.value_or(c.entry_deadline.AddDays(kAcceptanceDays));
  c.handover_day = d.handover_day.value_or(kDefaultHandoverDay);
  RETURN_IF_ERROR(CheckCampaign(c));
  return c;
}

Status CheckCampaign(const Campaign& c) {
  const std::string what = "campaign '" + c.name + "'";
  if (c.name.empty()) return InvalidArgument("a campaign needs a name");
  for (const Date* d :
       {&c.start, &c.startup_end, &c.reporting_deadline, &c.entry_deadline, &c.end}) {
    if (!d->Valid()) return InvalidArgument(what + ": a date is missing or not a date");
  }
  auto order = [&](const char* a, const Date& da, const char* rel, const char* b,
                   const Date& db) -> Status {
    return InvalidArgument(what + ": " + a + " " + da.Iso() + " must be " + rel + " " + b + " " +
                           db.Iso());
  };
  if (c.startup_end < c.start) {
    return order("the end of start-up", c.startup_end, "on or after", "the start", c.start);
  }
  if (c.reporting_deadline <= c.startup_end) {
    return order("the reporting deadline", c.reporting_deadline, "after", "the end of start-up",
                 c.startup_end);
  }
  if (c.entry_deadline < c.reporting_deadline) {
    return order("the entry deadline", c.entry_deadline, "on or after", "the reporting deadline",
                 c.reporting_deadline);
  }
  if (c.end <= c.entry_deadline) {
    return order("the end", c.end, "after", "the entry deadline", c.entry_deadline);
  }
  if (c.handover_day < 1 || c.handover_day > 28) {
    return InvalidArgument(what + ": the hand-over day " + std::to_string(c.handover_day) +
                           " is not a day 1..28 of the month");
  }
  return Status();
}

std::string_view CampaignPhase(const Campaign& c, const Date& day) {
  if (day < c.start) return "before";
  if (day <= c.startup_end) return "startup";
  if (day <= c.entry_deadline) return "implementation";
  if (day <= c.end) return "acceptance";
  return "after";
}

std::string_view CampaignPhaseName(std::string_view phase) {
  if (phase == "before") return "未开始";
  if (phase == "startup") return "启动部署";
  if (phase == "implementation") return "组织实施";
  if (phase == "acceptance") return "检查验收";
  if (phase == "after") return "已结束";
  return "";
}

Result<int64_t> AddCampaign(Store& store, const Campaign& campaign, std::string_view by) {
  RETURN_IF_ERROR(CheckCampaign(campaign));
  int64_t id = 0;
  RETURN_IF_ERROR(store.Write("adding campaign " + campaign.name, [&](sql::Session& s) -> Status {
    Campaign c = campaign;
    c.id = 0;
    RETURN_IF_ERROR(CheckNameFree(s, c));
    ASSIGN_OR_RETURN(id, NextId(s, "campaigns"));
    ASSIGN_OR_RETURN(std::string now, s.Now());
    RETURN_IF_ERROR(
        s.Exec("adding campaign " + c.name,
               "INSERT INTO campaigns (id, name, start_date, startup_end, "
               "reporting_deadline, entry_deadline, end_date, handover_day, "
               "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
               "?10)",
               {id, c.name, c.start.Iso(), c.startup_end.Iso(), c.reporting_deadline.Iso(),
                c.entry_deadline.Iso(), c.end.Iso(), int64_t{c.handover_day}, std::string(by), now})
            .status());
    return InsertAudit(s, AuditEntry{std::string(by), now, "campaign.add",
                                     "campaign " + std::to_string(id), CampaignJson(c).dump()})
        .status();
  }));
  return id;
}

Result<std::vector<Campaign>> ListCampaigns(Store& store) {
  std::vector<Campaign> out;
  RETURN_IF_ERROR(store.Read("listing campaigns", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(out, SelectCampaigns(s));
    return Status();
  }));
  return out;
}

Result<Campaign> FindCampaign(Store& store, std::string_view which) {
  ASSIGN_OR_RETURN(std::vector<Campaign> all, ListCampaigns(store));
  if (all.empty()) {
    return NotFound("store " + store.location() +
                    " has no campaign (add one with popreg campaign add)");
  }
  if (which.empty()) return all.back();
  for (const Campaign& c : all) {
    if (c.name == which || std::to_string(c.id) == which) return c;
  }
  std::string known;
  for (const Campaign& c : all) {
    known += (known.empty() ? "" : ", ") + std::to_string(c.id) + " " + c.name;
  }
  return NotFound("store " + store.location() + ": there is no campaign '" + std::string(which) +
                  "' (the campaigns: " + known + ")");
}

Status UpdateCampaign(Store& store, const Campaign& campaign, std::string_view by) {
  RETURN_IF_ERROR(CheckCampaign(campaign));
  const std::string what = "campaign " + std::to_string(campaign.id);
  return store.Write("changing " + what, [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(sql::Rows r, s.Query("reading " + what,
                                          "SELECT " + std::string(kCampaignColumns) +
                                              " FROM campaigns WHERE id = ?1",
                                          {campaign.id}));
    if (r.empty()) return NotFound("store " + s.location() + ": there is no " + what);
    ASSIGN_OR_RETURN(Campaign before, ReadCampaign(r, 0, s.location()));
    RETURN_IF_ERROR(CheckNameFree(s, campaign));
    RETURN_IF_ERROR(
        s.Exec("changing " + what,
               "UPDATE campaigns SET name = ?2, start_date = ?3, startup_end = ?4, "
               "reporting_deadline = ?5, entry_deadline = ?6, end_date = ?7, "
               "handover_day = ?8 WHERE id = ?1",
               {campaign.id, campaign.name, campaign.start.Iso(), campaign.startup_end.Iso(),
                campaign.reporting_deadline.Iso(), campaign.entry_deadline.Iso(),
                campaign.end.Iso(), int64_t{campaign.handover_day}})
            .status());
    nlohmann::ordered_json details = {{"before", CampaignJson(before)},
                                      {"after", CampaignJson(campaign)}};
    return InsertAudit(s, AuditEntry{std::string(by), "", "campaign.set", what, details.dump()})
        .status();
  });
}

}  // namespace popreg::store
