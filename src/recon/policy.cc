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
    {Action::kSeeIdNumbers, false, false, false, true, false, false},
    {Action::kRevealIdNumber, false, true, false, false, false, false},
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
    case Action::kSeeIdNumbers:
      return "see whole ID numbers";
    case Action::kRevealIdNumber:
      return "reveal an ID number";
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

namespace {
// `text` with the characters from `keep_front` to size - `keep_back` replaced by '*' (bytes: ID
// and phone numbers are ASCII; anything else is starred whole).
std::string Star(std::string_view text, size_t keep_front, size_t keep_back) {
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) return std::string(4, '*');
  std::string out(text);
  for (size_t i = keep_front; i + keep_back < out.size(); ++i) out[i] = '*';
  return out;
}
}  // namespace

std::string MaskIdNumber(std::string_view id) {
  if (id.empty()) return "";
  return id.size() >= 11 ? Star(id, 6, 4) : Star(id, 0, 2);
}

std::string MaskPhone(std::string_view phone) {
  if (phone.empty()) return "";
  return phone.size() >= 8 ? Star(phone, 3, 4) : Star(phone, 0, 2);
}

std::string MaskNumbersIn(std::string_view text) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!digit(text[i])) {
      out += text[i++];
      continue;
    }
    size_t j = i;
    while (j < text.size() && digit(text[j])) ++j;
    size_t len = j - i;
    // An 18-character number may end in X (the check character of GB 11643).
    if (len == 17 && j < text.size() && (text[j] == 'X' || text[j] == 'x')) ++len, ++j;
    const std::string_view run = text.substr(i, len);
    if (len == 18 || len == 15) {
      out += MaskIdNumber(run);
    } else if (len == 11 && run[0] == '1' && run[1] >= '3') {
      out += MaskPhone(run);
    } else {
      out += run;
    }
    i = j;
  }
  return out;
}

Status CheckPasswordStrength(std::string_view password) {
  size_t chars = 0;
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : password) {
    if ((c & 0xC0) != 0x80) ++chars;  // a UTF-8 sequence's first byte
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      other = true;
    }
  }
  const int kinds = lower + upper + digit + other;
  if (chars < 8 || kinds < 3) {
    return InvalidArgument(
        "a password needs at least 8 characters of at least three kinds "
        "(lower-case letters, upper-case letters, digits, other signs); this "
        "one has " +
        std::to_string(chars) + " characters of " + std::to_string(kinds) +
        (kinds == 1 ? " kind" : " kinds"));
  }
  return Status::Ok();
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

Status AllowSomewhere(const store::User& user, Action action) {
  const bool district = CoversDistrict(user) || user.areas.empty();
  return Allow(user, action, district ? "" : user.areas.front());
}

namespace {

// The store's user `login`, who is acting; Unauthenticated when there is none.
Result<store::User> Acting(store::Store& store, std::string_view login, Action action) {
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
  return *user;
}

}  // namespace

Result<store::User> Authorize(store::Store& store, std::string_view login, Action action,
                              std::string_view community) {
  ASSIGN_OR_RETURN(store::User user, Acting(store, login, action));
  RETURN_IF_ERROR(Allow(user, action, community));
  return user;
}

Result<store::User> AuthorizeSomewhere(store::Store& store, std::string_view login, Action action) {
  ASSIGN_OR_RETURN(store::User user, Acting(store, login, action));
  RETURN_IF_ERROR(AllowSomewhere(user, action));
  return user;
}

}  // namespace popreg::recon
