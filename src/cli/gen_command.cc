#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/date.h"
#include "cli/commands.h"
#include "gen/district.h"
#include "norm/regions.h"

namespace popreg::cli {
namespace {

int g_exit_code = 0;

struct GenArgs {
  gen::GenOptions options;
  std::string as_of, since, profile;
  std::vector<std::string> rates;
  bool list_rates = false;
};

Status RunGen(GenArgs& a) {
  if (a.list_rates) {
    std::printf("%-26s %8s  %s\n", "rate", "default", "meaning");
    for (const gen::RateSpec& r : gen::RateSpecs()) {
      std::printf("%-26.*s %8.4g  %.*s\n", static_cast<int>(r.name.size()), r.name.data(),
                  r.default_value, static_cast<int>(r.help.size()), r.help.data());
    }
    return Status::Ok();
  }
  if (a.options.out_dir.empty()) return InvalidArgument("--out is required");
  if (!a.as_of.empty()) {
    auto d = Date::ParseIso(a.as_of);
    if (!d) return InvalidArgument("--as-of '" + a.as_of + "' is not a date YYYY-MM-DD");
    a.options.as_of = *d;
  }
  if (!a.since.empty()) {
    auto d = Date::ParseIso(a.since);
    if (!d) return InvalidArgument("--since '" + a.since + "' is not a date YYYY-MM-DD");
    a.options.since = *d;
  }
  if (!a.profile.empty()) {
    auto rates = gen::ReadProfile(a.profile);
    if (!rates.ok()) return rates.status();
    a.options.rates = *rates;  // --rate flags override them below
  }
  for (const std::string& r : a.rates) {
    const size_t eq = r.find('=');
    if (eq == std::string::npos) return InvalidArgument("--rate '" + r + "' is not NAME=VALUE");
    try {
      size_t used = 0;
      const std::string value = r.substr(eq + 1);
      const double v = std::stod(value, &used);
      if (used != value.size()) throw std::invalid_argument(value);
      a.options.rates[r.substr(0, eq)] = v;
    } catch (const std::exception&) {
      return InvalidArgument("--rate '" + r + "': the value is not a number");
    }
  }
  const auto start = std::chrono::steady_clock::now();
  auto summary = gen::GenerateDistrict(a.options);
  if (!summary.ok()) return summary.status();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const gen::GenSummary& s = *summary;
  const std::string what = s.districts.size() > 1
                               ? "city of " + std::to_string(s.districts.size()) + " districts"
                               : "district " + a.options.district_code;
  std::printf("Synthetic %s in %s (seed %llu), as of %s, window from %s\n", what.c_str(),
              a.options.out_dir.c_str(), static_cast<unsigned long long>(a.options.seed),
              s.as_of.Iso().c_str(), s.since.Iso().c_str());
  if (s.districts.size() > 1) {
    std::string list;
    for (const std::string& code : s.districts) {
      list += (list.empty() ? "" : ", ") + code + " " + norm::RegionName(code);
    }
    std::printf("  districts %s\n", list.c_str());
  }
  if (!a.profile.empty()) std::printf("  error profile %s\n", a.profile.c_str());
  std::printf("  %lld townships, %lld communities, %lld households, %lld residents\n",
              static_cast<long long>(s.townships), static_cast<long long>(s.communities),
              static_cast<long long>(s.households), static_cast<long long>(s.persons));
  std::printf("\n  %-26s %9s  %-10s %s\n", "file", "rows", "encoding", "headers");
  for (const gen::FileSummary& f : s.files) {
    std::printf("  %-26s %9lld  %-10s %s\n", f.file.c_str(), static_cast<long long>(f.rows),
                f.encoding.c_str(), f.chinese_headers ? "Chinese" : "English");
  }
  std::printf("\n  Discrepancies a perfect comparison must report (truth.csv):\n");
  int64_t total = 0;
  for (const auto& [type, n] : s.truth) {
    std::printf("  %-26s %9lld\n", type.c_str(), static_cast<long long>(n));
    total += n;
  }
  std::printf("  %-26s %9lld\n\nDone in %.1f s.\n", "total", static_cast<long long>(total), secs);
  return Status::Ok();
}

}  // namespace

int FailureExitCode(const Status& status) {
  return status.code() == ErrorCode::kInvalidArgument ? 2 : 1;
}

void Fail(const Status& status) {
  std::fprintf(stderr, "popreg: %s\n", status.message().c_str());
  g_exit_code = FailureExitCode(status);
}

int ExitCode() { return g_exit_code; }

void RegisterGen(CLI::App& app) {
  auto args = std::make_shared<GenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gen", "Write a synthetic district in the exchange format, with truth.csv");
  cmd->add_option("--out", args->options.out_dir, "Directory to write the files into");
  cmd->add_option("--households", args->options.households, "Households in the district")
      ->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "Seed; the same seed gives the same files")
      ->capture_default_str();
  cmd->add_option("--as-of", args->as_of, "Reference date YYYY-MM-DD (default 2026-09-30)");
  cmd->add_option("--since", args->since,
                  "Start of the window YYYY-MM-DD (default: one year before --as-of)");
  cmd->add_option("--district", args->options.district_code, "6-digit county-level division code")
      ->capture_default_str();
  cmd->add_option("--districts", args->options.districts,
                  "Make a city of this many districts: --district, then the other districts of "
                  "its city and province; --households is shared among them")
      ->capture_default_str();
  cmd->add_option("--profile", args->profile,
                  "Error profile: a TOML file with a [rates] table (see gen-profiles/)");
  cmd->add_option("--rate", args->rates,
                  "Set a rate, NAME=VALUE (repeatable; overrides the profile; see --list-rates)");
  cmd->add_flag("--list-rates", args->list_rates, "List the rates and their defaults");
  cmd->callback([args] {
    Status s = RunGen(*args);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
