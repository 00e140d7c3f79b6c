// Who may do what: the one place that decides it (role x action x community), for the CLI and
// the server alike. Nothing else checks roles. The table is in policy.cc and in docs/review.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/users.h"

namespace popreg::recon {

enum class Action {
  kManageUsers,  // add, disable, enable users; set passwords
  kSettings,     // the store's settings
  kCampaigns,    // add campaigns and change their dates (store/campaigns.h)
  kImport,       // import a department's file or the register
  kCompare,      // run a comparison (and learn from decided items)
  kRead,         // see the register, the items, the history, reports
  kExport,       // write the register or the items to a file
  kVerify,       // community staff: confirm an item on the ground (may correct its values)
  kDispute,      // community staff: the register is right, the source wrong
  kApprove,      // district reviewer
  kReject,       // district reviewer
  kReopen,       // take a decision back before it is applied
  kApply,        // change the register by approved items
  kUndo,         // restore the values an applied item changed
  kReadAudit,    // read the audit log
  // ID and phone numbers whole in lists and exports (others see 350902********1234 and
  // 138****5678): the clerk, who exchanges files with the city platform and the departments.
  kSeeIdNumbers,
  kRevealIdNumber,  // show one person's whole number, deliberately and audited: the reviewer
  kBackup,          // back the store up to a file, or restore it from one (store/backup.h)
};

std::string_view ActionName(Action a);

// Every action, for the matrix test and the documentation.
inline constexpr Action kActions[] = {
    Action::kManageUsers,    Action::kSettings, Action::kCampaigns, Action::kImport,
    Action::kCompare,        Action::kRead,     Action::kExport,    Action::kVerify,
    Action::kDispute,        Action::kApprove,  Action::kReject,    Action::kReopen,
    Action::kApply,          Action::kUndo,     Action::kReadAudit, Action::kSeeIdNumbers,
    Action::kRevealIdNumber, Action::kBackup};

// True when `area` (a 6-digit county or 12-digit statistical code of any level) covers
// `community`: the community is the area or lies inside it. A township 350902001000 covers
// 350902001001 but not 350902002001.
bool AreaCovers(std::string_view area, std::string_view community);

// OK when `user` may do `action` on something of `community` (a community code; "" for what
// belongs to the whole district, such as an import or an item without a community). Otherwise
// PermissionDenied, naming the user, the role, the action and the community. A disabled user
// may do nothing.
Status Allow(const store::User& user, Action action, std::string_view community = "");

// An ID number as roles without kSeeIdNumbers see it: the division code (6) and the last 4
// characters kept, the birth date and sequence starred (350902********1234); a value shorter than
// 11 characters is starred whole but for its last 2.
std::string MaskIdNumber(std::string_view id);
// A phone number likewise: 138****5678 (the first 3 and last 4 digits kept).
std::string MaskPhone(std::string_view phone);

// `text` with every ID number in it masked (a run of 18 characters, 17 digits and a digit or X,
// or of 15 digits, not part of a longer run of digits) and every mobile number (11 digits from
// 13 to 19): for proposals, keys and evidence written in words.
std::string MaskNumbersIn(std::string_view text);

// OK when `password` may be a user's password: at least 8 characters (UTF-8 code points) of at
// least three kinds among lower-case letters, upper-case letters, digits and anything else (a
// space, punctuation, a Chinese character). InvalidArgument saying what is missing otherwise.
// Checked wherever a password is set: the CLI's init, user add and passwd, and the server.
Status CheckPasswordStrength(std::string_view password);

// OK when `user` may do `action` somewhere: in the whole district for a user of every area (or
// of none), else in their first area. The first question about items not yet read (a review or
// an apply of items chosen by a filter or an id, a list); each item's own community is asked
// about as it is read. PermissionDenied as Allow's otherwise.
Status AllowSomewhere(const store::User& user, Action action);

// True when the user's areas reach every community (all_areas).
bool CoversDistrict(const store::User& user);

// Who is acting: the store's user `login`, if they may do `action` on something of `community`
// (as Allow). No login is Unauthenticated ("give --user"); a login the store does not know is
// Unauthenticated too, naming it. The CLI and the server call this before every command.
Result<store::User> Authorize(store::Store& store, std::string_view login, Action action,
                              std::string_view community = "");
// As Authorize, asking AllowSomewhere: for work whose communities are known only as it reads.
Result<store::User> AuthorizeSomewhere(store::Store& store, std::string_view login, Action action);

}  // namespace popreg::recon
