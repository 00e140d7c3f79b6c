#include "recon/policy.h"

#include <algorithm>
#include <optional>
#include <string>

namespace popreg::recon {
namespace {

// Which roles may do an action at all (before the community is looked at). One row an action;
// the columns follow store::kRoles: admin, reviewer, community, clerk, viewer, auditor.
// - admin keeps users and settings, backs the store up and restores it, and changes nothing of
//   the register;
// - reviewer (district office) decides and applies, and may take its decisions back;
// - admin and reviewer add campaigns and set their dates;
// - community staff verify or dispute the items of their own communities;
// - clerk imports, compares, reads and exports;
// - viewer reads and exports; auditor reads the audit log and nothing else.
struct Row {
  Action action;
  bool admin, reviewer, community, clerk, viewer, auditor;
};
constexpr Row kTable[] = {
    // action              admin  review community clerk  viewer auditor
    {Action::kManageUsers, true, false, false, false, false, false},
    {Action::kSettings, true, false, false, false, false, false},
    {Action::kCampaigns, true, true, false, false, false, false},
    {Action::kImport, false, false, false, true, false, false},
    {Action::kCompare, false, false, false, true, false, false},
    {Action::kRead, false, true, true, true, true, false},
    {Action::kExport, false, true, true, true, true, false},
    {Action::kVerify, false, false, true, false, false, false},
    {Action::kDispute, false, false, true, false, false, false},
    {Action::kApprove, false, true, false, false, false, false},
    {Action::kReject, false, true, false, false, false, false},
    {Action::kReopen, false, true, true, false, false, false},
    {Action::kApply, false, true, false, false, false, false},
    {Action::kUndo, false, true, false, false, false, false},
    {Action::kReadAudit, false, false, false, false, false, true},
    {Action::kBackup, true, false, false, false, false, false},
};

bool RoleMay(std::string_view role, Action action) {
  for (const Row& r : kTable) {
    if (r.action != action) continue;
    if (role == "admin") return r.admin;
    if (role == "reviewer") return r.reviewer;
    if (role == "community") return r.community;
    if (role == "clerk") return r.clerk;
    if (role == "viewer") return r.viewer;
    if (role == "auditor") return r.auditor;
  }
  return false;
}

// The part of an area code that its sub-areas share: a 12-digit code loses its trailing levels
// of zeros (village 3 digits, township 3, then county, city, province 2 each), a 6-digit one
// its county and city. 350902001000 -> 350902001; 350902000000 -> 350902; 350902 -> 350902.
std::string_view AreaPrefix(std::string_view code) {
  static constexpr size_t kCuts12[] = {9, 6, 4, 2};  // lengths after dropping each level
  static constexpr size_t kCuts6[] = {4, 2};
  auto all_zero = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
  };
  if (code.size() == 12) {
    size_t len = 12;
    for (size_t cut : kCuts12) {
      if (!all_zero(code.substr(cut, len - cut))) break;
      len = cut;
    }
    return code.substr(0, len);
  }
  if (code.size() == 6) {
    size_t len = 6;
    for (size_t cut : kCuts6) {
      if (!all_zero(code.substr(cut, len - cut))) break;
      len = cut;
    }
    return code.substr(0, len);
  }
  return code;
}

}  // namespace

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kManageUsers:
      return "manage users";
    case Action::kSettings:
      return "change settings";
    case Action::kCampaigns:
      return "manage campaigns";
    case Action::kImport:
      return "import";
    case Action::kCompare:
      return "compare";
    case Action::kRead:
      return "read";
    case Action::kExport:
      return "export";
    case Action::kVerify:
      return "verify";
    case Action::kDispute:
      return "dispute";
    case Action::kApprove:
      return "approve";
    case Action::kReject:
      return "reject";
    case Action::kReopen:
      return "reopen";
    case Action::kApply:
      return "apply";
    case Action::kUndo:
      return "undo";
    case Action::kReadAudit:
      return "read the audit log";
    case Action::kBackup:
      return "back up or restore the store";
  }
  return "?";
}

bool AreaCovers(std::string_view area, std::string_view community) {
  if (area.empty() || community.empty()) return false;
  const std::string_view prefix = AreaPrefix(area);
  return community.substr(0, prefix.size()) == prefix;
}

bool CoversDistrict(const store::User& user) { return user.all_areas; }

Status Allow(const store::User& user, Action action, std::string_view community) {
  const std::string who = "user " + user.login + " (" + user.role + ")";
  if (user.disabled) return PermissionDenied(who + " is disabled");
  if (!RoleMay(user.role, action)) {
    return PermissionDenied(who + " may not " + std::string(ActionName(action)));
  }
  if (CoversDistrict(user)) return Status();
  if (community.empty()) {
    return PermissionDenied(who + " may " + std::string(ActionName(action)) +
                            " only in their own communities, and this belongs to the whole "
                            "district");
  }
  for (const std::string& area : user.areas) {
    if (AreaCovers(area, community)) return Status();
  }
  return PermissionDenied(who + " may not " + std::string(ActionName(action)) + " in community " +
                          std::string(community) + ", which is not theirs");
}

Result<store::User> Authorize(store::Store& store, std::string_view login, Action action,
                              std::string_view community) {
  if (login.empty()) {
    return Status(ErrorCode::kUnauthenticated,
                  "who is acting? give --user LOGIN (or set POPREG_USER) to " +
                      std::string(ActionName(action)));
  }
  ASSIGN_OR_RETURN(std::optional<store::User> user, store::FindUser(store, login));
  if (!user) {
    return Status(ErrorCode::kUnauthenticated, "store " + store.location() + " has no user '" +
                                                   std::string(login) +
                                                   "' (an admin adds users with popreg user add)");
  }
  RETURN_IF_ERROR(Allow(*user, action, community));
  return *user;
}

}  // namespace popreg::recon
