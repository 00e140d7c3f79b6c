// `popreg user ...` and `popreg audit`: the store's users (src/store/users.h) under the policy of
// src/recon/policy.h, and the audit log for auditors; and the argument readers the commands
// share (passwords, dates).
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "base/env.h"
#include "cli/commands.h"
#include "recon/policy.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/users.h"

namespace popreg::cli {

Result<Date> ParseDateArg(const std::string& flag, const std::string& value, bool today_if_empty) {
  if (value.empty() && today_if_empty) return Env::Default().Today();
  std::optional<Date> d = Date::ParseIso(value);
  if (!d || !d->Valid()) {
    return InvalidArgument(flag + " must be a date YYYY-MM-DD, not '" + value + "'");
  }
  return *d;
}

Result<std::string> ReadPassword(const std::string& file, const std::string& whose) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return IoError(file + ": cannot read the password file");
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return InvalidArgument(file + ": the first line (the password) is empty");
    return line;
  }
  if (isatty(STDIN_FILENO) == 0) {
    return InvalidArgument("give " + whose +
                           "'s password with a password file (standard input is not a terminal)");
  }
  // Typed twice without echo (termios), as passwd does.
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::string first, second;
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::fprintf(stderr, "Password for %s: ", whose.c_str());
  std::getline(std::cin, first);
  std::fprintf(stderr, "\nThe same again: ");
  std::getline(std::cin, second);
  std::fprintf(stderr, "\n");
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  if (first != second) return InvalidArgument("the two passwords differ");
  return first;
}

namespace {

struct UserArgs {
  std::string db, user, login, role, name, password_file;
  std::vector<std::string> areas;
  bool all_areas = false;
};

// Who may manage users: an admin; on a store without any user (made before users existed),
// anyone at the terminal may add the first admin.
Result<std::string> Admin(store::Store& store, const UserArgs& a, bool adding_admin) {
  ASSIGN_OR_RETURN(int64_t users, store::CountUsers(store));
  if (users == 0 && adding_admin) return a.user.empty() ? std::string("popreg") : a.user;
  ASSIGN_OR_RETURN(store::User admin, recon::Authorize(store, a.user, recon::Action::kManageUsers));
  return admin.login;
}

Status RunUserAdd(const UserArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.login.empty()) return InvalidArgument("--login is required");
  if (a.role.empty()) return InvalidArgument("--role is required");
  if (a.all_areas && !a.areas.empty()) {
    return InvalidArgument("give --area or --all-areas, not both");
  }
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(std::string by, Admin(*store, a, a.role == "admin"));
  store::User u;
  u.login = a.login;
  u.role = a.role;
  u.display_name = a.name;
  u.areas = a.areas;
  // Roles whose work is not tied to communities (admin, auditor) cover the whole district.
  u.all_areas = a.all_areas || a.role == "admin" || a.role == "auditor";
  if (u.all_areas) u.areas.clear();
  ASSIGN_OR_RETURN(std::string password, ReadPassword(a.password_file, a.login));
  RETURN_IF_ERROR(store::AddUser(*store, u, password, by));
  std::printf("Added user %s (%s, %s)\n", u.login.c_str(), u.role.c_str(),
              u.all_areas ? "the whole district"
                          : ("areas " +
                             [&] {
                               std::string s;
                               for (const std::string& c : u.areas)
                                 s += (s.empty() ? "" : ", ") + c;
                               return s;
                             }())
                                .c_str());
  return Status::Ok();
}

Status RunUserList(const UserArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kManageUsers).status());
  ASSIGN_OR_RETURN(std::vector<store::User> users, store::ListUsers(*store));
  std::printf("%-16s %-10s %-9s %-20s %s\n", "login", "role", "state", "name", "areas");
  for (const store::User& u : users) {
    std::string areas = u.all_areas ? "(whole district)" : "";
    for (const std::string& c : u.areas) areas += (areas.empty() ? "" : " ") + c;
    std::printf("%-16s %-10s %-9s %-20s %s\n", u.login.c_str(), u.role.c_str(),
                u.disabled ? "disabled" : "active", u.display_name.c_str(), areas.c_str());
  }
  return Status::Ok();
}

Status RunUserDisable(const UserArgs& a, bool disabled) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.login.empty()) return InvalidArgument("--login is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(std::string by, Admin(*store, a, false));
  if (disabled && by == a.login) return InvalidArgument("an admin cannot disable themselves");
  RETURN_IF_ERROR(store::SetUserDisabled(*store, a.login, disabled, by));
  std::printf("%s user %s\n", disabled ? "Disabled" : "Enabled", a.login.c_str());
  return Status::Ok();
}

Status RunUserPasswd(const UserArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.login.empty()) return InvalidArgument("--login is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(std::string by, Admin(*store, a, false));
  ASSIGN_OR_RETURN(std::string password, ReadPassword(a.password_file, a.login));
  RETURN_IF_ERROR(store::SetUserPassword(*store, a.login, password, by));
  std::printf("Set the password of user %s\n", a.login.c_str());
  return Status::Ok();
}

struct AuditArgs {
  std::string db, user, since;
};

Status RunAudit(const AuditArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kReadAudit).status());
  ASSIGN_OR_RETURN(std::vector<store::AuditRecord> log, store::ListAudit(*store, a.since));
  std::printf("%-6s %-24s %-12s %-16s %-24s %s\n", "id", "at", "who", "action", "object",
              "details");
  for (const store::AuditRecord& r : log) {
    std::printf("%-6lld %-24s %-12s %-16s %-24s %s\n", static_cast<long long>(r.id),
                r.entry.at.c_str(), r.entry.who.c_str(), r.entry.action.c_str(),
                r.entry.object.c_str(), r.entry.details_json.c_str());
  }
  return Status::Ok();
}

// Walks the audit log's hash chain; a broken chain is an error (exit 1) naming the first row.
Status RunAuditVerify(const AuditArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kReadAudit).status());
  ASSIGN_OR_RETURN(store::AuditChainCheck check, store::VerifyAuditChain(*store));
  if (!check.intact()) {
    return DataLoss("the audit log's chain is broken at row " + std::to_string(check.broken_id) +
                    ": " + check.why + " (" + std::to_string(check.rows) + " rows read)");
  }
  std::printf("%lld rows, chain intact\n", static_cast<long long>(check.rows));
  return Status::Ok();
}

void AddStoreAndUser(CLI::App* c, UserArgs* a) {
  c->add_option("--db", a->db, "The store (a SQLite file path or a postgresql:// URL)");
  c->add_option("--user", a->user, "The admin doing it")->envname("POPREG_USER");
}

}  // namespace

void RegisterUsers(CLI::App& app) {
  CLI::App* user = app.add_subcommand("user", "Manage the store's users (admins only)");
  user->require_subcommand(1);

  auto add = std::make_shared<UserArgs>();
  CLI::App* c = user->add_subcommand("add", "Add a user with a role and the areas they work in");
  AddStoreAndUser(c, add.get());
  c->add_option("--login", add->login, "The new user's login (one word)");
  c->add_option("--role", add->role,
                "admin (users and settings), reviewer (district office: approve, reject, "
                "apply), community (verify the items of their communities), clerk (imports "
                "and comparisons), viewer (read) or auditor (the audit log)");
  c->add_option("--name", add->name, "The user's name as people know it");
  c->add_option("--area", add->areas,
                "An area the user works in (a community, or a township covering its "
                "communities); repeatable");
  c->add_flag("--all-areas", add->all_areas, "The user works in the whole district");
  c->add_option("--password-file", add->password_file,
                "A file whose first line is the password (default: typed at the terminal)");
  c->callback([add] {
    Status s = RunUserAdd(*add);
    if (!s.ok()) Fail(s);
  });

  auto list = std::make_shared<UserArgs>();
  c = user->add_subcommand("list", "List the users");
  AddStoreAndUser(c, list.get());
  c->callback([list] {
    Status s = RunUserList(*list);
    if (!s.ok()) Fail(s);
  });

  for (bool disabled : {true, false}) {
    auto args = std::make_shared<UserArgs>();
    c = user->add_subcommand(disabled ? "disable" : "enable",
                             disabled ? "Disable a user: they can no longer do anything"
                                      : "Enable a disabled user again");
    AddStoreAndUser(c, args.get());
    c->add_option("--login", args->login, "The user");
    c->callback([args, disabled] {
      Status s = RunUserDisable(*args, disabled);
      if (!s.ok()) Fail(s);
    });
  }

  auto passwd = std::make_shared<UserArgs>();
  c = user->add_subcommand("passwd", "Set a user's password");
  AddStoreAndUser(c, passwd.get());
  c->add_option("--login", passwd->login, "The user");
  c->add_option("--password-file", passwd->password_file,
                "A file whose first line is the password (default: typed at the terminal)");
  c->callback([passwd] {
    Status s = RunUserPasswd(*passwd);
    if (!s.ok()) Fail(s);
  });

  auto audit = std::make_shared<AuditArgs>();
  c = app.add_subcommand("audit", "Print the audit log (auditors only)");
  c->add_option("--db", audit->db, "The store (a SQLite file path or a postgresql:// URL)");
  c->add_option("--user", audit->user, "The auditor")->envname("POPREG_USER");
  c->add_option("--since", audit->since, "Only entries at or after this date or time (ISO 8601)");
  auto verify = std::make_shared<AuditArgs>();
  CLI::App* v = c->add_subcommand(
      "verify", "Check the audit log's hash chain: that no entry was changed, removed or inserted");
  v->add_option("--db", verify->db, "The store (a SQLite file path or a postgresql:// URL)");
  v->add_option("--user", verify->user, "The auditor")->envname("POPREG_USER");
  v->callback([verify] {
    Status s = RunAuditVerify(*verify);
    if (!s.ok()) Fail(s);
  });
  c->callback([audit, v] {
    if (v->parsed()) return;  // `popreg audit verify` ran instead
    Status s = RunAudit(*audit);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
