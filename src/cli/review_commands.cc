// `popreg review`, `apply`, `undo`, `history` and `incomplete`: the review workflow and the
// register's maintenance (src/recon/review.h, src/recon/apply.h, src/report/incomplete.h).
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/log.h"
#include "cli/commands.h"
#include "recon/apply.h"
#include "recon/correct.h"
#include "recon/policy.h"
#include "recon/review.h"
#include "report/incomplete.h"
#include "report/totals.h"
#include "store/register_edit.h"
#include "store/store.h"

namespace popreg::cli {
namespace {

// The values of --set FIELD=VALUE options, by field.
Result<std::map<std::string, std::string>> ParseSet(const std::vector<std::string>& options) {
  std::map<std::string, std::string> set;
  for (const std::string& kv : options) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument("--set wants FIELD=VALUE, not '" + kv + "'");
    }
    set[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return set;
}

struct ReviewArgs {
  std::string db, user, action, note, type, community, household;
  int64_t item = 0;
  std::vector<int64_t> items;
  std::optional<double> min_probability;
  std::vector<std::string> set;
};

Status RunReview(const ReviewArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.action.empty()) return InvalidArgument("--action is required");
  recon::ReviewRequest r;
  ASSIGN_OR_RETURN(r.action, recon::ParseReviewAction(a.action));
  r.user = a.user;
  r.note = a.note;
  r.item = a.item;
  r.items = a.items;
  r.type = a.type;
  r.community = a.community;
  r.household = a.household;
  r.min_probability = a.min_probability;
  ASSIGN_OR_RETURN(r.set, ParseSet(a.set));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(recon::ReviewResult res, recon::Review(*store, r));
  std::printf("%s: %lld items changed", a.action.c_str(), static_cast<long long>(res.changed));
  if (!res.skipped.empty()) {
    std::printf(", %zu left as they were", res.skipped.size());
  }
  std::printf("\n");
  for (size_t i = 0; i < res.skipped.size() && i < 20; ++i) {
    std::printf("  %s\n", res.skipped[i].c_str());
  }
  if (res.skipped.size() > 20) std::printf("  ... and %zu more\n", res.skipped.size() - 20);
  return Status::Ok();
}

struct ApplyArgs {
  std::string db, user, community, note;
  int64_t item = 0, batch = 10000;
  bool all = false;
};

Status RunApply(const ApplyArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  recon::ApplyRequest r;
  r.user = a.user;
  r.item = a.item;
  r.all_approved = a.all;
  r.community = a.community;
  r.note = a.note;
  r.batch_size = a.batch;
  std::unique_ptr<ProgressBar> bar;
  int64_t drawn = 0;
  r.progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>("applying", total);
    bar->Add(done - drawn);
    drawn = done;
  };
  ASSIGN_OR_RETURN(recon::ApplyResult res, recon::Apply(*store, r));
  bar.reset();
  std::printf("Applied %lld items in %lld batches", static_cast<long long>(res.applied),
              static_cast<long long>(res.batches));
  if (!res.refused.empty()) std::printf("; %zu refused (still approved)", res.refused.size());
  std::printf("\n");
  for (size_t i = 0; i < res.refused.size() && i < 50; ++i) {
    std::printf("  %s\n", res.refused[i].c_str());
  }
  if (res.refused.size() > 50) std::printf("  ... and %zu more\n", res.refused.size() - 50);
  return Status::Ok();
}

struct UndoArgs {
  std::string db, user, note;
  int64_t item = 0;
};

Status RunUndo(const UndoArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.item == 0) return InvalidArgument("--item is required");
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(recon::UndoResult res, recon::Undo(*store, a.user, a.item, a.note));
  std::printf("Undid item %lld: %lld changes restored; the item is approved again\n",
              static_cast<long long>(a.item), static_cast<long long>(res.changes));
  return Status::Ok();
}

struct CorrectArgs {
  std::string db, user, person, note;
  std::vector<std::string> set;
};

Status RunCorrect(const CorrectArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.person.empty()) return InvalidArgument("--person is required");
  recon::CorrectionRequest r;
  r.user = a.user;
  r.person = a.person;
  r.note = a.note;
  ASSIGN_OR_RETURN(r.set, ParseSet(a.set));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, recon::RaiseCorrection(*store, r));
  std::printf("Raised %zu card correction item(s), verified by %s:", ids.size(), a.user.c_str());
  for (int64_t id : ids) std::printf(" %lld", static_cast<long long>(id));
  std::printf("\n");
  return Status::Ok();
}

struct HistoryArgs {
  std::string db, user, person, card, format = "text";
};

void PrintHistory(const std::vector<store::HistoryEntry>& rows, bool json) {
  if (json) {
    nlohmann::json all = nlohmann::json::array();
    for (const store::HistoryEntry& h : rows) {
      auto parse = [](const std::string& t) {
        return t.empty() ? nlohmann::json() : nlohmann::json::parse(t, nullptr, false);
      };
      all.push_back({{"id", h.id},
                     {"entity", h.entity},
                     {"key", h.entity_key},
                     {"at", h.at},
                     {"who", h.who},
                     {"why", h.why},
                     {"evidence", h.evidence},
                     {"item", h.item_id == 0 ? nlohmann::json() : nlohmann::json(h.item_id)},
                     {"before", parse(h.before_json)},
                     {"after", parse(h.after_json)}});
    }
    std::printf("%s\n", all.dump(1).c_str());
    return;
  }
  for (const store::HistoryEntry& h : rows) {
    std::printf("#%lld %s %s %s by %s%s\n  why: %s\n  evidence: %s\n", static_cast<long long>(h.id),
                h.at.c_str(), h.entity.c_str(), h.entity_key.c_str(), h.who.c_str(),
                h.item_id == 0 ? "" : (" (item " + std::to_string(h.item_id) + ")").c_str(),
                h.why.c_str(), h.evidence.c_str());
    std::printf("  before: %s\n  after:  %s\n",
                h.before_json.empty() ? "(none: created)" : h.before_json.c_str(),
                h.after_json.empty() ? "(none: removed)" : h.after_json.c_str());
  }
}

Status RunHistory(const HistoryArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  if (a.person.empty() == a.card.empty())
    return InvalidArgument("give --person KEY or --card CARD");
  if (a.format != "text" && a.format != "json") {
    return InvalidArgument("--format: '" + a.format + "' is not text or json");
  }
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead,
                                   a.person.empty() ? a.card.substr(0, 12) : a.person.substr(0, 12))
                      .status());
  if (!a.person.empty()) {
    ASSIGN_OR_RETURN(store::PersonHistoryResult h, store::PersonHistory(*store, a.person));
    if (a.format == "text") {
      if (h.keys.size() > 1) {
        std::string merged;
        for (size_t i = 1; i < h.keys.size(); ++i) merged += (i > 1 ? ", " : "") + h.keys[i];
        std::printf("%s, with the persons merged into it: %s\n\n", a.person.c_str(),
                    merged.c_str());
      }
      if (!h.merged_into.empty()) {
        std::printf("%s was merged into %s (see its history for what came after)\n\n",
                    a.person.c_str(), h.merged_into.c_str());
      }
      if (h.rows.empty()) std::printf("no history for %s\n", a.person.c_str());
    }
    PrintHistory(h.rows, a.format == "json");
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(std::vector<store::HistoryEntry> rows, store::CardHistory(*store, a.card));
  if (rows.empty() && a.format == "text") std::printf("no history for card %s\n", a.card.c_str());
  PrintHistory(rows, a.format == "json");
  return Status::Ok();
}

struct IncompleteArgs {
  std::string db, user, community, format, out, as_of;
};

Status RunIncomplete(const IncompleteArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  ASSIGN_OR_RETURN(const Date as_of, ParseDateArg("--as-of", a.as_of, /*today_if_empty=*/true));
  std::string format = a.format;
  if (format.empty()) format = a.out.ends_with(".xlsx") ? "xlsx" : "csv";
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead, a.community).status());
  ASSIGN_OR_RETURN(std::vector<report::IncompletePerson> persons,
                   report::ListIncomplete(*store, a.community, as_of));
  if (a.out.empty()) {
    std::printf("%-14s %-22s %-10s %-4s %-11s %-20s %-22s %s\n", "community", "register_key",
                "name", "sex", "birth_date", "id_number", "missing", "since");
    for (const report::IncompletePerson& p : persons) {
      std::printf("%-14s %-22s %-10s %-4s %-11s %-20s %-22s %s\n", p.community_code.c_str(),
                  p.register_key.c_str(), p.name.c_str(), p.sex.c_str(), p.birth_date.c_str(),
                  p.id_number.c_str(), p.missing.c_str(), p.since.c_str());
    }
    std::printf("%zu incomplete persons\n", persons.size());
    return Status::Ok();
  }
  RETURN_IF_ERROR(report::WriteIncomplete(persons, format, a.out));
  std::printf("Wrote %zu incomplete persons to %s\n", persons.size(), a.out.c_str());
  return Status::Ok();
}

struct TotalsArgs {
  std::string db, user, community, as_of;
  bool by_community = false;
};

void PrintTotalsRow(const std::string& label, const report::Totals& t) {
  std::printf("%-14s %8lld %9lld %8lld %10lld %10lld %9lld %10lld\n", label.c_str(),
              static_cast<long long>(t.cards), static_cast<long long>(t.persons),
              static_cast<long long>(t.alive), static_cast<long long>(t.complete),
              static_cast<long long>(t.incomplete), static_cast<long long>(t.deceased),
              static_cast<long long>(t.moved_out));
}

Status RunTotals(const TotalsArgs& a) {
  if (a.db.empty()) return InvalidArgument("--db is required");
  ASSIGN_OR_RETURN(const Date as_of, ParseDateArg("--as-of", a.as_of, /*today_if_empty=*/true));
  ASSIGN_OR_RETURN(auto store, store::OpenStore(a.db));
  RETURN_IF_ERROR(recon::Authorize(*store, a.user, recon::Action::kRead, a.community).status());
  ASSIGN_OR_RETURN(report::RegisterTotals t, report::CountRegister(*store, a.community, as_of));
  std::printf("%-14s %8s %9s %8s %10s %10s %9s %10s\n", "", "cards", "persons", "alive", "complete",
              "incomplete", "deceased", "moved_out");
  if (a.by_community) {
    for (const auto& [code, c] : t.by_community) PrintTotalsRow(code, c);
  }
  PrintTotalsRow(a.community.empty() ? "register" : a.community, t.all);
  return Status::Ok();
}

void AddDbAndUser(CLI::App* c, std::string* db, std::string* user, const char* who) {
  c->add_option("--db", *db, "The store (a SQLite file path or a postgresql:// URL)");
  c->add_option("--user", *user, who)->envname("POPREG_USER");
}

}  // namespace

void RegisterReview(CLI::App& app) {
  auto rv = std::make_shared<ReviewArgs>();
  CLI::App* c = app.add_subcommand(
      "review", "Verify, dispute, approve, reject or reopen discrepancy items (docs/review.md)");
  AddDbAndUser(c, &rv->db, &rv->user, "Who decides (community staff verify, reviewers approve)");
  c->add_option("--action", rv->action, "verify, dispute, approve, reject or reopen");
  c->add_option("--item", rv->item, "One item, by its id");
  c->add_option("--items", rv->items, "These items, by their ids (e.g. 12,17,40)")->delimiter(',');
  c->add_option("--type", rv->type, "Every item of this type (with --community)");
  c->add_option("--community", rv->community,
                "Only the items of this area (a community or township code prefix)");
  c->add_option("--household", rv->household, "Every item of this household card");
  c->add_option("--min-probability", rv->min_probability,
                "With approve: every open or verified item linked at least this probably");
  c->add_option("--note", rv->note, "What was checked, found or decided");
  c->add_option("--set", rv->set,
                "With verify --item: a corrected value FIELD=VALUE (name, sex, birth_date, "
                "id_number, relation, ethnicity, mother_id_number, death_date, community_code; "
                "for absent_from_source outcome=moved_out|deceased|present, date, destination); "
                "repeatable");
  c->callback([rv] {
    Status s = RunReview(*rv);
    if (!s.ok()) Fail(s);
  });

  auto ap = std::make_shared<ApplyArgs>();
  c = app.add_subcommand("apply", "Change the register by approved items, with history");
  AddDbAndUser(c, &ap->db, &ap->user, "The reviewer applying");
  c->add_option("--item", ap->item, "One approved item");
  c->add_flag("--all-approved", ap->all, "Every approved item");
  c->add_option("--community", ap->community, "With --all-approved: only this area");
  c->add_option("--note", ap->note, "A note kept with each item");
  c->add_option("--batch", ap->batch, "Items per transaction")->default_val(10000);
  c->callback([ap] {
    Status s = RunApply(*ap);
    if (!s.ok()) Fail(s);
  });

  auto un = std::make_shared<UndoArgs>();
  c = app.add_subcommand("undo", "Restore the values an applied item changed");
  AddDbAndUser(c, &un->db, &un->user, "The reviewer undoing");
  c->add_option("--item", un->item, "The applied item");
  c->add_option("--note", un->note, "Why");
  c->callback([un] {
    Status s = RunUndo(*un);
    if (!s.ok()) Fail(s);
  });

  auto co = std::make_shared<CorrectArgs>();
  c = app.add_subcommand("correct",
                         "Propose a correction of a person's card, as an item to review "
                         "(docs/review.md)");
  AddDbAndUser(c, &co->db, &co->user, "The community worker who saw it");
  c->add_option("--person", co->person, "The register key CARD/PERSON");
  c->add_option("--set", co->set,
                "The right value FIELD=VALUE (name, sex, birth_date, id_number, relation, "
                "ethnicity); repeatable");
  c->add_option("--note", co->note, "What was seen, and where (required)");
  c->callback([co] {
    Status s = RunCorrect(*co);
    if (!s.ok()) Fail(s);
  });

  auto hi = std::make_shared<HistoryArgs>();
  c = app.add_subcommand("history", "Show every change of a person or a household card");
  AddDbAndUser(c, &hi->db, &hi->user, "Who reads");
  c->add_option("--person", hi->person, "A register key CARD/PERSON (merged persons followed)");
  c->add_option("--card", hi->card, "A household card number");
  c->add_option("--format", hi->format, "text or json")->default_str("text");
  c->callback([hi] {
    Status s = RunHistory(*hi);
    if (!s.ok()) Fail(s);
  });

  auto tot = std::make_shared<TotalsArgs>();
  c = app.add_subcommand("totals",
                         "The register's totals: cards, persons by status, complete and "
                         "incomplete living persons");
  AddDbAndUser(c, &tot->db, &tot->user, "Who reads");
  c->add_option("--community", tot->community, "Only this area (a code prefix)");
  c->add_flag("--by-community", tot->by_community, "A line per community");
  c->add_option("--as-of", tot->as_of, "The date ages are counted at (default: today)");
  c->callback([tot] {
    Status s = RunTotals(*tot);
    if (!s.ok()) Fail(s);
  });

  auto inc = std::make_shared<IncompleteArgs>();
  c = app.add_subcommand("incomplete",
                         "List the persons who lack a required value (the incomplete-information "
                         "module)");
  AddDbAndUser(c, &inc->db, &inc->user, "Who reads");
  c->add_option("--community", inc->community, "Only this area (a code prefix)");
  c->add_option("--format", inc->format, "csv or xlsx (default: from --out)");
  c->add_option("--out", inc->out, "The file to write (default: print a table)");
  c->add_option("--as-of", inc->as_of, "The date ages are counted at (default: today)");
  c->callback([inc] {
    Status s = RunIncomplete(*inc);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
