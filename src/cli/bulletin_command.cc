// `popreg bulletin`: the two-weekly supervision bulletin of a campaign (src/report/bulletin.h).
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "recon/policy.h"
#include "report/bulletin.h"
#include "store/campaigns.h"
#include "store/store.h"

namespace popreg::cli {
namespace {

struct BulletinArgs {
  std::string db, user, campaign, as_of, office, out;
  double slow_gap = 10;
  int history = 6;
};

Status RunBulletin(const BulletinArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.out.empty()) return InvalidArgument("--out is required (a .pdf file)");
  if (!a.out.ends_with(".pdf")) {
    return InvalidArgument("--out " + a.out + ": the bulletin is a PDF; name it FILE.pdf");
  }
  if (a.history < 1 || a.history > 26) {
    return InvalidArgument("--history: " + std::to_string(a.history) + " is not in 1..26");
  }
  report::BulletinOptions o;
  ASSIGN_OR_RETURN(o.as_of, ParseDateArg("--as-of", a.as_of, /*today_if_empty=*/true));
  o.office = a.office;
  o.slow_gap = a.slow_gap;
  o.history = a.history;
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead).status());
  ASSIGN_OR_RETURN(store::Campaign c, store::FindCampaign(*store, a.campaign));
  o.campaign_id = c.id;
  ASSIGN_OR_RETURN(report::Bulletin b, report::ComputeBulletin(*store, o));
  RETURN_IF_ERROR(report::WriteBulletin(b, a.out));
  std::printf(
      "Wrote bulletin no. %d of campaign %s on %s to %s: %zu communities, %lld items, %.1f%% "
      "done",
      b.number, b.campaign_name.c_str(), b.as_of.Iso().c_str(), a.out.c_str(), b.communities.size(),
      static_cast<long long>(b.items), b.done_pct);
  size_t slow = 0;
  for (const report::BulletinCommunity& bc : b.communities) slow += bc.slow;
  std::printf(", %zu slow, %zu hand-over gaps\n", slow, b.intake_gaps.size());
  return Status::Ok();
}

}  // namespace

void RegisterBulletin(CLI::App& app) {
  auto a = std::make_shared<BulletinArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bulletin",
      "Writes the two-weekly supervision bulletin of a campaign as a PDF a director signs: the "
      "summary figures, the communities ranked by completion with the slow ones named, a bar "
      "chart of completion by community, a line chart of progress over the last bulletins, the "
      "statistics comparison's totals and the monthly hand-over's gaps (docs/reports.md)");
  cmd->add_option("--db", a->db, "The store: a SQLite file or a postgresql:// URL");
  cmd->add_option("--user", a->user, "Who asks (default: $POPREG_USER)")->envname("POPREG_USER");
  cmd->add_option("--campaign", a->campaign, "The campaign: its id or name (default: the newest)");
  cmd->add_option("--as-of", a->as_of,
                  "The bulletin's date, YYYY-MM-DD: progress and hand-overs as they stood at the "
                  "end of that day (default: today)");
  cmd->add_option("--office", a->office,
                  "The issuing office printed on the bulletin (default: the district's name + "
                  "人口和计划生育办公室)");
  cmd->add_option("--slow-gap", a->slow_gap,
                  "A community is named as slow when its completion is this many points below "
                  "the district's, or a deadline of it passed undone")
      ->capture_default_str();
  cmd->add_option("--history", a->history,
                  "How many bulletins, two weeks apart, the progress chart shows")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "The PDF to write");
  cmd->callback([a] {
    Status s = RunBulletin(*a);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
