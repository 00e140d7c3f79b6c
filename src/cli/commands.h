// The subcommands of `popreg`. Each Register* adds one subcommand to the app; its callback runs
// the command and records the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <string>

#include "base/date.h"
#include "base/log.h"
#include "base/status.h"
#include "link/job.h"

namespace popreg::cli {

// `popreg gen`: writes a synthetic district (src/gen/).
void RegisterGen(CLI::App& app);
// `popreg normalize`: normalises identity values (src/norm/).
void RegisterNormalize(CLI::App& app);
// `popreg link`, `popreg link explain` and `popreg dedupe`: the record linker (src/link/).
void RegisterLink(CLI::App& app);
// `popreg init` and `popreg import`: the store (src/store/).
void RegisterStore(CLI::App& app);

// `popreg user ...` and `popreg audit`: users and the audit log.
void RegisterUsers(CLI::App& app);

// `popreg review`, `apply`, `undo`, `history` and `incomplete`: the review workflow.
void RegisterReview(CLI::App& app);

// The date a flag gives (YYYY-MM-DD), or today when `value` is empty and `today_if_empty`.
// InvalidArgument names the flag and the value.
Result<Date> ParseDateArg(const std::string& flag, const std::string& value,
                          bool today_if_empty = false);

// A password: the first line of `file`, or typed twice at the terminal without echo when `file`
// is empty. `whose` names the user in the prompt and in errors.
Result<std::string> ReadPassword(const std::string& file, const std::string& whose);

// `popreg compare` and `popreg discrepancies`: the comparison (src/recon/, src/report/).
void RegisterCompare(CLI::App& app);

// `popreg campaign ...`, `progress`, `intake`, `assess` and `imports`: the campaign, its
// progress, the monthly hand-over and the year-end assessment.
void RegisterCampaign(CLI::App& app);
// `popreg stats`: the statistics comparison (src/report/stats.h).
void RegisterStats(CLI::App& app);
// `popreg bulletin`: the two-weekly supervision bulletin (src/report/bulletin.h).
void RegisterBulletin(CLI::App& app);

// `popreg print`: the household-card books (src/report/books.h).
void RegisterPrint(CLI::App& app);

// `popreg serve`: the JSON API and the web UI (src/server/).
void RegisterServe(CLI::App& app);
// Called first thing in main: for `popreg serve`, starts the process again with glibc's
// allocator tuned for a server (see serve_command.cc) unless it already is.
void TuneProcessForServe(int argc, char** argv);
// `popreg backup` and `popreg restore`: backups of the store (src/store/backup.h).
void RegisterBackup(CLI::App& app);

// Progress bars per stage of a linkage, on stderr when it is a terminal; `bars` keeps them.
link::Progress MakeProgress(std::map<std::string, std::unique_ptr<ProgressBar>>* bars);

// The exit code of a command that failed with `status`: 2 for a usage error, 1 otherwise.
int FailureExitCode(const Status& status);
// Prints "popreg: <message>" for an error and records its FailureExitCode.
void Fail(const Status& status);
// The exit code recorded by the command that ran (0 when none failed).
int ExitCode();

}  // namespace popreg::cli
