// `popreg init`, `popreg import` and `popreg export`: the store (src/store/).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "io/schema.h"
#include "recon/changes.h"
#include "recon/policy.h"
#include "report/changes.h"
#include "store/export.h"
#include "store/import.h"
#include "store/profile.h"
#include "store/store.h"
#include "store/users.h"

namespace popreg::cli {
namespace {

struct InitArgs {
  std::string db, admin = "admin", admin_password_file;
};

// A new store and its first admin. The password is read before the store is made, so a store
// never exists without someone who can manage it.
Status RunInit(const InitArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.admin.empty()) return InvalidArgument("--admin must name the first admin");
  ASSIGN_OR_RETURN(std::string password,
                   ReadPassword(a.admin_password_file, "the first admin (" + a.admin + ")"));
  ASSIGN_OR_RETURN(auto store, store::CreateStore(a.db));
  store::User admin;
  admin.login = a.admin;
  admin.role = "admin";
  admin.all_areas = true;
  RETURN_IF_ERROR(store::AddUser(*store, admin, password, "popreg init"));
  ASSIGN_OR_RETURN(int version, store->SchemaVersion());
  std::printf("Created store %s (schema version %d) with admin %s\n", store->location().c_str(),
              version, a.admin.c_str());
  return Status::Ok();
}

struct ImportArgs {
  std::string db, kind, file, profile, user;
  store::ImportOptions options;
};

// A changes file (popreg export --kind changes) applied to the register, whole or not at all.
Status RunImportChanges(const ImportArgs& a) {
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(recon::ChangesImportResult r, recon::ImportChanges(*store, a.file, a.user));
  std::printf("Applied %lld changes of %s to the register (%lld of persons, %lld of cards)\n",
              static_cast<long long>(r.rows), a.file.c_str(), static_cast<long long>(r.persons),
              static_cast<long long>(r.households));
  return Status::Ok();
}

Status RunImport(const ImportArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.kind.empty()) return InvalidArgument("--kind is required");
  if (a.file.empty()) return InvalidArgument("a FILE to import is required");
  if (a.kind == "changes") return RunImportChanges(a);
  ASSIGN_OR_RETURN(io::Kind kind, io::ParseKind(a.kind));
  store::ImportOptions options = a.options;
  if (!a.profile.empty()) {
    ASSIGN_OR_RETURN(options.profile, store::LoadProfile(a.profile, kind));
  }
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(store::User user, recon::Authorize(*store, a.user, recon::Action::kImport));
  options.user = user.login;
  ASSIGN_OR_RETURN(store::ImportSummary s, store::ImportFile(*store, kind, a.file, options));
  if (s.already_imported) {
    std::printf("%s: already imported on %s (import %lld): nothing to do\n", a.file.c_str(),
                s.imported_at.c_str(), static_cast<long long>(s.id));
    return Status::Ok();
  }
  std::printf("Imported %s as %s (import %lld)\n", a.file.c_str(), a.kind.c_str(),
              static_cast<long long>(s.id));
  std::printf("  rows      %lld\n  imported  %lld\n  rejected  %lld\n",
              static_cast<long long>(s.rows), static_cast<long long>(s.imported),
              static_cast<long long>(s.rejected));
  std::printf("  month     %s (%s)\n  community %s\n", s.month.c_str(), s.month_source.c_str(),
              s.community.empty() ? "all" : s.community.c_str());
  if (!s.first_rejects.empty()) {
    std::printf("\n  %-6s %-18s %-24s %s\n", "row", "column", "value", "reason");
    for (const store::Reject& r : s.first_rejects) {
      std::printf("  %-6lld %-18s %-24s %s\n", static_cast<long long>(r.source_row),
                  r.column.c_str(), r.value.c_str(), r.reason.c_str());
    }
    if (s.rejected > static_cast<int64_t>(s.first_rejects.size())) {
      std::printf("  ... and %lld more\n", static_cast<long long>(s.rejected) -
                                               static_cast<long long>(s.first_rejects.size()));
    }
  }
  return Status::Ok();
}

struct ExportArgs {
  std::string db, kind = "register", out, since;
};

// Every change of the register since a date (src/report/changes.h).
Status RunExportChanges(const ExportArgs& a) {
  if (a.since.empty()) return InvalidArgument("--since is required with --kind changes");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(report::ChangesExport r, report::ExportChanges(*store, a.since, a.out));
  std::printf("Exported %lld changes since %s (%lld of persons, %lld of cards) to %s\n",
              static_cast<long long>(r.rows), a.since.c_str(), static_cast<long long>(r.persons),
              static_cast<long long>(r.households), a.out.c_str());
  return Status::Ok();
}

Status RunExport(const ExportArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.out.empty()) return InvalidArgument("--out is required");
  if (a.kind == "changes") return RunExportChanges(a);
  ASSIGN_OR_RETURN(io::Kind kind, io::ParseKind(a.kind));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(int64_t n, store::ExportKind(*store, kind, a.out));
  if (kind == io::Kind::kRegister) {
    std::printf("Exported the register (%lld persons) to %s\n", static_cast<long long>(n),
                a.out.c_str());
  } else if (kind == io::Kind::kAreas) {
    std::printf("Exported the areas (%lld) to %s\n", static_cast<long long>(n), a.out.c_str());
  } else {
    std::printf("Exported the latest %s import (%lld rows) to %s\n", a.kind.c_str(),
                static_cast<long long>(n), a.out.c_str());
  }
  return Status::Ok();
}

}  // namespace

void RegisterStore(CLI::App& app) {
  auto init = std::make_shared<InitArgs>();
  CLI::App* ic = app.add_subcommand("init", "Create a new store");
  ic->add_option("--db", init->db,
                 "The store to create (a SQLite file path or a postgresql:// URL)");
  ic->add_option("--admin", init->admin, "The login of the store's first admin")
      ->default_str("admin");
  ic->add_option("--admin-password-file", init->admin_password_file,
                 "A file whose first line is the first admin's password (default: typed at "
                 "the terminal)");
  ic->callback([init] {
    Status s = RunInit(*init);
    if (!s.ok()) Fail(s);
  });

  auto imp = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Import one file of the exchange format into the store, whole or not at all");
  cmd->add_option("--db", imp->db, "The store (a SQLite file path)");
  cmd->add_option("--kind", imp->kind,
                  "The kind of file: areas, register, police_population, police_births, "
                  "vaccinations, cremations, death_certificates, manual_report; or changes (a "
                  "file of popreg export --kind changes, applied to the register, whole or not "
                  "at all)");
  cmd->add_option("FILE", imp->file, "The file to import (CSV, xlsx or xls)");
  cmd->add_option("--profile", imp->profile,
                  "A TOML profile mapping a department's own layout onto the spec (see profiles/)");
  cmd->add_option("--user", imp->user, "Who imports (a clerk of the store)")
      ->envname("POPREG_USER");
  cmd->add_flag("--strict", imp->options.strict, "Fail the whole file on any rejected row");
  cmd->add_flag("--replace", imp->options.replace, "Replace the store's register (kind register)");
  cmd->add_option("--month,--period", imp->options.month,
                  "The month YYYY-MM the file covers (default: the month of its latest event "
                  "date; the month before today for kinds without event dates)");
  cmd->add_option("--community", imp->options.community,
                  "The community whose data the file holds (default: the whole district)");
  cmd->add_option("--as-of", imp->options.as_of,
                  "Reference date YYYY-MM-DD for ID number checks (default: today)");
  cmd->callback([imp] {
    Status s = RunImport(*imp);
    if (!s.ok()) Fail(s);
  });

  auto exp = std::make_shared<ExportArgs>();
  CLI::App* ec = app.add_subcommand(
      "export", "Write what the store holds of one kind in the exchange format (English header)");
  ec->add_option("--db", exp->db, "The store (a SQLite file path)");
  ec->add_option("--kind", exp->kind,
                 "The kind to export: register (the store's register), areas (the store's "
                 "areas), or police_population, police_births, vaccinations, cremations, "
                 "death_certificates, manual_report (the normalised rows of the latest import "
                 "of that kind), or changes (every change of the register since --since)")
      ->default_str("register");
  ec->add_option("--since", exp->since,
                 "With --kind changes: from this date YYYY-MM-DD or UTC time "
                 "YYYY-MM-DDTHH:MM:SS on");
  ec->add_option("--out", exp->out,
                 "The file to write: FILE.xlsx for a workbook, anything else UTF-8 CSV");
  ec->callback([exp] {
    Status s = RunExport(*exp);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
