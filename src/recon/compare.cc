#include "recon/compare.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "base/chunks.h"
#include "base/log.h"
#include "base/memory.h"
#include "base/thread_pool.h"
#include "norm/address.h"
#include "norm/id_number.h"
#include "recon/births.h"
#include "recon/counts.h"
#include "recon/linking.h"
#include "recon/rules.h"
#include "recon/words.h"

namespace popreg::recon {
namespace {

// Logs how a linkage went: its size, its links, its time and the process's peak memory so far.
class JobLog {
 public:
  JobLog() : start_(std::chrono::steady_clock::now()) {}
  void Done(const LinkSummary& s) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    LogInfo("{}: {} x {} records, {} candidate pairs, {} links in {:.1f}s (peak {} MB)", s.name,
            s.left, s.right, s.candidate_pairs, s.links, seconds, usage.ru_maxrss / 1024);
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

std::string RegisterKey(const store::RegisterColumns& reg, size_t i) {
  return fmt::format("{}/{}", reg.card_no[i], reg.person_no[i]);
}

// "李娜 (3509020010010007/2)", or the key alone for a nameless card.
std::string Who(const store::RegisterColumns& reg, size_t i) {
  const std::string key = RegisterKey(reg, i);
  return reg.name[i].empty() ? key : fmt::format("{}（{}）", reg.name[i], key);
}

std::string Or(std::string_view value, std::string_view fallback) {
  return std::string(value.empty() ? fallback : value);
}

std::string EvidenceJson(const std::vector<std::tuple<std::string, store::ImportId, int64_t>>& e) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [kind, import, row] : e) {
    j.push_back({{"kind", kind}, {"import", import}, {"row", row}});
  }
  return j.dump();
}

// One piece of death evidence linked to a register person.
struct DeathEvidence {
  const SourceTable* table;
  size_t record;
  double probability;
  std::string explanation;  // JSON of the link's terms
};

class Comparer {
 public:
  Comparer(const Inputs& in, const CompareOptions& options)
      : in_(in),
        reg_(in.reg),
        options_(options),
        window_{options.since, options.as_of},
        ctx_{in.reg,
             &records_,
             options.as_of,
             options.since,
             options.threads,
             options.progress,
             options.learn ? &options.labels : nullptr,
             options.partition} {
    for (const store::Area& a : in.areas) areas_.Add(a.code, a.name);
  }

  Result<CompareResult> Run() {
    const Status linked = LinkAll();
    if (households_.valid()) households_.get();
    RETURN_IF_ERROR(linked);
    // The police list's figures need its links only: counted on a thread of their own while the
    // items are made (a second of one core at a million persons).
    std::future<PoliceCount> police_count =
        std::async(std::launch::async, [this] { return CountPolice(); });
    ChoosePrimaries();
    RegisterItems();
    PoliceItems();
    BirthItems();
    CountSources(police_count.get());
    return Finish();
  }

 private:
  // -- Linking -------------------------------------------------------------------------------

  Status LinkAll() {
    const size_t n = reg_.size();
    JobLog norm_log;
    ASSIGN_OR_RETURN(
        records_, BuildAliveRecords(reg_, RegisterMothers(reg_, options_.as_of, options_.threads),
                                    options_.as_of));
    norm_log.Done({"normalising the register", static_cast<int64_t>(n), 0, 0, 0, 0});
    // Normalising made and freed as much again (each distinct text's parts, the hash tables):
    // returned before the police job, whose memory is the comparison's peak.
    ReturnFreeMemory();
    RETURN_IF_ERROR(CheckCancel(options_.cancel, "the comparison"));
    police_of_.assign(n, kUnlinked);
    if (in_.police) {
      JobLog log;
      police_community_ = SourceCommunities(*in_.police);
      ASSIGN_OR_RETURN(police_, LinkPolice(ctx_, *in_.police, police_community_));
      log.Done(police_.summary);
      result_.links.push_back(police_.summary);
      for (size_t r = 0; r < police_.to_register.size(); ++r) {
        if (police_.to_register[r] != kUnlinked) {
          police_of_[police_.to_register[r]] = static_cast<int32_t>(r);
        }
      }
    }
    // The police households' index needs the inputs only: it is built on a thread of its own
    // while the other lists are linked (a third of a second of one core at a million persons;
    // not earlier, where it would add its 100 MB to the police job's peak), and is complete
    // before anything looks a household up (Run), so that from then on it is only read.
    if (in_.police) households_ = std::async(std::launch::async, [this] { IndexHouseholds(); });
    // The police list and the duplicates need the alive persons only; the later jobs extend
    // the records to every person.
    RETURN_IF_ERROR(CheckCancel(options_.cancel, "the comparison"));
    JobLog dup_log;
    ASSIGN_OR_RETURN(dups_, FindDuplicates(ctx_));
    dup_log.Done(dups_.summary);
    result_.links.push_back(dups_.summary);
    deaths_.resize(n);
    for (const std::optional<SourceTable>* t : {&in_.cremations, &in_.certificates}) {
      if (!t->has_value()) continue;
      RETURN_IF_ERROR(CheckCancel(options_.cancel, "the comparison"));
      const SourceTable& table = **t;
      JobLog log;
      const TextColumn& community = community_of_[&table] = SourceCommunities(table);
      ASSIGN_OR_RETURN(Links links, LinkDeaths(ctx_, table, community));
      log.Done(links.summary);
      result_.links.push_back(links.summary);
      death_links_.push_back(std::move(links));
      death_tables_.push_back(&table);
      const Links& l = death_links_.back();
      for (size_t i = 0; i < table.size(); ++i) {
        if (l.to_register[i] == kUnlinked) continue;
        // Evidence dated after as_of does not count: the person was alive on the reference date.
        const std::optional<Date> d = Date::ParseIso(table.value("death_date", i));
        if (!d || *d > options_.as_of) continue;
        deaths_[l.to_register[i]].push_back({&table, i, l.probability[i], l.explanation[i]});
      }
    }
    for (const std::optional<SourceTable>* t : {&in_.births, &in_.vaccinations}) {
      if (!t->has_value()) continue;
      RETURN_IF_ERROR(CheckCancel(options_.cancel, "the comparison"));
      JobLog log;
      const TextColumn& community = community_of_[&**t] = SourceCommunities(**t);
      ASSIGN_OR_RETURN(Links links, LinkBirths(ctx_, **t, community));
      log.Done(links.summary);
      result_.links.push_back(links.summary);
      birth_links_.emplace_back(&**t, std::move(links));
    }
    // The normalised register is the linkage's only: freed before the items are made, it makes
    // room for them (at ten million persons they are 1.3 GB, which raised the peak by as much).
    records_ = RegisterRecords{};
    // What the jobs freed stays resident otherwise, under the items as they are made: at a
    // million persons the resident size rose from 1.2 to 1.4 GB making them over 0.6 GB in use.
    ReturnFreeMemory();
    return Status::Ok();
  }

  // Each record's community: its community_code when the kind has one, else the community its
  // address names.
  TextColumn SourceCommunities(const SourceTable& table) const {
    const TextColumn* code = nullptr;
    for (const io::ColumnSpec& c : io::Columns(table.kind())) {
      if (c.name == "community_code") code = &table.column("community_code");
    }
    const TextColumn& address = table.column("address");
    return ParallelColumn(table.size(), options_.threads, [&](size_t i) {
      const std::string_view given = code != nullptr ? (*code)[i] : std::string_view();
      return given.empty() ? areas_.Resolve(address[i]) : std::string(given);
    });
  }

  // Rule 7: the card of a duplicate cluster that stands for the person. The member linked to the
  // police list; else one with death evidence; else the most complete card (a valid ID, then a
  // name, sex and birth date), then the first.
  void ChoosePrimaries() {
    std::unordered_map<uint32_t, std::vector<uint32_t>> members;
    for (const DuplicatePair& p : dups_.pairs) {
      members[dups_.cluster[p.a]];  // make the cluster known
    }
    for (size_t i = 0; i < reg_.size(); ++i) {
      auto it = members.find(dups_.cluster[i]);
      if (it != members.end()) it->second.push_back(static_cast<uint32_t>(i));
    }
    primary_.assign(reg_.size(), -1);
    for (auto& [cluster, list] : members) {
      if (list.size() < 2) continue;
      // Two members each linked to a different police person are two people (twins, namesakes):
      // the police list outranks the duplicate model, so such clusters are not reported.
      int linked = 0;
      for (uint32_t m : list) linked += police_of_[m] != kUnlinked ? 1 : 0;
      if (linked > 1) continue;
      auto score = [&](uint32_t m) {
        const norm::IdInfo id = norm::ParseIdNumber(reg_.id_number[m], options_.as_of);
        return std::make_tuple(
            police_of_[m] != kUnlinked, !deaths_[m].empty(), id.valid(),
            !reg_.name[m].empty() && !reg_.sex[m].empty() && !reg_.birth_date[m].empty());
      };
      uint32_t best = list.front();
      for (uint32_t m : list) {
        if (score(m) > score(best)) best = m;
      }
      for (uint32_t m : list) {
        primary_[m] = static_cast<int32_t>(best);
        // One person: death evidence linked to any of its cards is the person's.
        if (m != best) {
          deaths_[best].insert(deaths_[best].end(), deaths_[m].begin(), deaths_[m].end());
          deaths_[m].clear();
        }
      }
    }
    for (const DuplicatePair& p : dups_.pairs) {
      pair_probability_[{std::min(p.a, p.b), std::max(p.a, p.b)}] = {p.probability, &p.explanation};
    }
  }

  bool InCluster(size_t i) const { return primary_[i] >= 0; }
  bool IsPrimary(size_t i) const { return primary_[i] == static_cast<int32_t>(i); }

  // -- Items ---------------------------------------------------------------------------------

  store::Discrepancy Item(std::string_view type, size_t person) const {
    store::Discrepancy d;
    d.type = std::string(type);
    d.register_key = RegisterKey(reg_, person);
    d.community_code = reg_.community_code[person];
    return d;
  }

  void Add(store::Discrepancy d) { AddTo(items_, std::move(d)); }
  static void AddTo(std::vector<store::Discrepancy>& out, store::Discrepancy d) {
    if (d.evidence_json.empty()) d.evidence_json = "[]";
    out.push_back(std::move(d));
  }

  // Every register person's items, on all cores: each chunk of persons fills its own list and
  // the lists are joined in chunk order, so the items come in the order one loop makes them.
  void RegisterItems() {
    ThreadPool pool(options_.threads);
    std::vector<std::vector<store::Discrepancy>> chunks =
        pool.ParallelChunks<std::vector<store::Discrepancy>>(
            static_cast<int64_t>(reg_.size()), 4096, [&](int64_t begin, int64_t end) {
              std::vector<store::Discrepancy> out;
              for (int64_t i = begin; i < end; ++i) PersonItems(static_cast<size_t>(i), out);
              return out;
            });
    AppendChunks(chunks, items_);
  }

  // Register person i's items, appended to `out`. Reads the links and the inputs only, and
  // touches no person's state but i's (its death evidence, sorted): callable for different
  // persons at once.
  void PersonItems(size_t i, std::vector<store::Discrepancy>& out) {
    const SourceTable* police = in_.police ? &*in_.police : nullptr;
    const std::string key = RegisterKey(reg_, i);
    if (Rule4InvalidIdNumber(reg_.id_number[i], options_.as_of)) {
      store::Discrepancy d = Item("invalid_id_number", i);
      d.identity = "invalid_id_number|" + key;
      const norm::IdInfo id = norm::ParseIdNumber(reg_.id_number[i], options_.as_of);
      d.register_value = reg_.id_number[i];
      std::string fix;
      if (police_of_[i] != kUnlinked) {
        const std::string_view p = police->value("id_number", police_of_[i]);
        if (norm::ParseIdNumber(p, options_.as_of).valid()) {
          fix = fmt::format("；公安户籍为 {}，改为该号码", p);
        }
        // The police person is the evidence applying takes the number from.
        AttachPolice(static_cast<size_t>(police_of_[i]), &d);
      }
      d.proposal = "更正" + Who(reg_, i) + "的公民身份号码“" + std::string(reg_.id_number[i]) +
                   "”：不符合 GB 11643（" + std::string(IdErrorWord(id.error)) + "）" +
                   (fix.empty() ? "；请与本人居民身份证核对" : fix);
      AddTo(out, std::move(d));
    }
    if (reg_.status[i] != "alive") return;
    const std::string missing = Rule5MissingFields(reg_.name[i], reg_.sex[i], reg_.birth_date[i],
                                                   reg_.id_number[i], options_.as_of);
    if (!missing.empty()) AddTo(out, Incomplete(i, missing));
    if (!Rule7JudgedOnItsOwn(InCluster(i), IsPrimary(i))) {
      AddTo(out, Duplicate(static_cast<size_t>(primary_[i]), i));
      return;
    }
    const bool on_police = police_of_[i] != kUnlinked;
    if (on_police) FieldMismatches(i, out);
    const bool dead = !deaths_[i].empty();
    if (dead) AddTo(out, UnrecordedDeath(i));
    if (police != nullptr && Rule1AbsentUnlessDead(on_police, dead) &&
        Rule6AbsentUnlessNewborn(window_, reg_.birth_date[i])) {
      store::Discrepancy d = Item("absent_from_source", i);
      d.identity = "absent_from_source|" + key;
      d.source_kind = "police_population";
      if (police) d.source_import_id = police->import_id;
      d.proposal =
          Who(reg_, i) + "不在 " + options_.as_of.Iso() +
          " 的公安户籍名单上，也没有死亡记录：核实是否已迁出；如已迁出，将人员状态改为迁出";
      if (auto c = police_.register_candidate.find(static_cast<uint32_t>(i));
          c != police_.register_candidate.end()) {
        d.explanation_json = CandidateJson(c->second, /*other_is_register=*/false);
      }
      AddTo(out, std::move(d));
    }
  }

  // An unlinked record's best candidate as the item's explanation: the pair's terms and why it
  // fell short, with who the candidate is (a register person, or a police list row). "" when it
  // had no candidate at all.
  std::string CandidateJson(const Candidate& c, bool other_is_register) const {
    if (c.other == kUnlinked || c.explanation.empty()) return "";
    nlohmann::json j = nlohmann::json::parse(c.explanation);
    const size_t o = static_cast<size_t>(c.other);
    if (other_is_register) {
      j["best_candidate"] = {{"register_key", RegisterKey(reg_, o)},
                             {"name", reg_.name[o]},
                             {"id_number", reg_.id_number[o]},
                             {"birth_date", reg_.birth_date[o]}};
    } else {
      const SourceTable& police = *in_.police;
      j["best_candidate"] = {{"source_kind", "police_population"},
                             {"source_row", police.rows[o]},
                             {"name", police.value("name", o)},
                             {"id_number", police.value("id_number", o)},
                             {"birth_date", police.value("birth_date", o)}};
    }
    return j.dump();
  }

  // The police person an item rests on: its row, ID, link probability and explanation.
  void AttachPolice(size_t r, store::Discrepancy* d) const {
    const SourceTable& police = *in_.police;
    d->source_kind = "police_population";
    d->source_import_id = police.import_id;
    d->source_row = police.rows[r];
    d->source_id_number = police.value("id_number", r);
    d->match_probability = police_.probability[r];
    d->explanation_json = police_.explanation[r];
    d->evidence_json = EvidenceJson({{"police_population", police.import_id, police.rows[r]}});
  }

  store::Discrepancy Incomplete(size_t i, const std::string& missing) {
    store::Discrepancy d = Item("incomplete_record", i);
    d.identity = "incomplete_record|" + d.register_key;
    std::string fill;
    if (police_of_[i] != kUnlinked) {
      const SourceTable& police = *in_.police;
      const size_t r = static_cast<size_t>(police_of_[i]);
      nlohmann::json values = nlohmann::json::object();
      for (const std::string& field : MissingFieldList(missing)) {
        const std::string_view v = police.value(field, r);
        if (!v.empty()) {
          fill += fmt::format("{}{}“{}”", fill.empty() ? "" : "，", FieldWord(field), v);
          values[field] = v;
        }
      }
      AttachPolice(r, &d);
      // The values applying fills in (unless staff verify others): for the counts (effects.h).
      if (!values.empty()) d.action_json = nlohmann::json{{"fill", values}}.dump();
    }
    d.proposal = fill.empty()
                     ? "补全" + Who(reg_, i) + "的户卡：缺" + FieldWords(missing) + "，向住户询问"
                     : "按" + RowWords("police_population", d.source_row) + "补填" + Who(reg_, i) +
                           "：" + fill;
    return d;
  }

  store::Discrepancy Duplicate(size_t primary, size_t other) {
    store::Discrepancy d = Item("duplicate_in_register", primary);
    const std::string a = RegisterKey(reg_, primary), b = RegisterKey(reg_, other);
    d.register_key = std::min(a, b);
    d.register_key_2 = std::max(a, b);
    d.identity = "duplicate_in_register|" + d.register_key + "|" + d.register_key_2;
    auto it = pair_probability_.find(
        {std::min<uint32_t>(primary, other), std::max<uint32_t>(primary, other)});
    if (it != pair_probability_.end()) {
      d.match_probability = it->second.first;
      d.explanation_json = *it->second.second;
    }
    d.proposal = Who(reg_, other) + "与" + Who(reg_, primary) + "是同一人：保留 " + a + "，把 " +
                 b + " 独有的信息补到 " + a + " 后删除 " + b;
    d.action_json = nlohmann::json{{"keep", a}, {"remove", b}}.dump();
    return d;
  }

  void FieldMismatches(size_t i, std::vector<store::Discrepancy>& out) const {
    const SourceTable& police = *in_.police;
    const size_t r = static_cast<size_t>(police_of_[i]);
    struct F {
      Field field;
      std::string_view reg;
      std::string_view src;
    };
    const F fields[] = {{Field::kName, reg_.name[i], police.value("name", r)},
                        {Field::kSex, reg_.sex[i], police.value("sex", r)},
                        {Field::kBirthDate, reg_.birth_date[i], police.value("birth_date", r)},
                        {Field::kIdNumber, reg_.id_number[i], police.value("id_number", r)}};
    for (const F& f : fields) {
      if (!Rule3Differs(f.field, f.reg, f.src, options_.as_of)) continue;
      store::Discrepancy d = Item("field_mismatch", i);
      d.field = std::string(FieldName(f.field));
      d.identity = "field_mismatch|" + d.register_key + "|" + d.field;
      d.register_value = f.reg;
      d.source_value = f.src;
      AttachPolice(r, &d);
      d.proposal = fmt::format("将 {} 的{}由“{}”改为“{}”（{}）", d.register_key, FieldWord(d.field),
                               f.reg, f.src, RowWords("police_population", police.rows[r]));
      AddTo(out, std::move(d));
    }
  }

  store::Discrepancy UnrecordedDeath(size_t i) {
    store::Discrepancy d = Item("unrecorded_death", i);
    d.identity = "unrecorded_death|" + d.register_key;
    std::vector<DeathEvidence>& ev = deaths_[i];
    std::sort(ev.begin(), ev.end(), [](const DeathEvidence& a, const DeathEvidence& b) {
      return a.probability > b.probability;
    });
    const DeathEvidence& best = ev.front();
    d.source_kind = std::string(best.table->kind_name());
    d.source_import_id = best.table->import_id;
    d.source_row = best.table->rows[best.record];
    d.source_id_number = best.table->value("id_number", best.record);
    d.match_probability = best.probability;
    d.explanation_json = best.explanation;
    std::vector<std::tuple<std::string, store::ImportId, int64_t>> evidence;
    std::string where;
    for (const DeathEvidence& e : ev) {
      evidence.emplace_back(std::string(e.table->kind_name()), e.table->import_id,
                            e.table->rows[e.record]);
      where += std::string(where.empty() ? "" : "、") +
               RowWords(e.table->kind_name(), e.table->rows[e.record]);
    }
    d.evidence_json = EvidenceJson(evidence);
    d.proposal = "将" + Who(reg_, i) + "的人员状态改为死亡，死亡日期 " +
                 std::string(best.table->value("death_date", best.record)) + "（" + where + "）";
    // The date applying sets (unless staff verify another): for the counts (effects.h).
    d.action_json =
        nlohmann::json{{"death_date", best.table->value("death_date", best.record)}}.dump();
    return d;
  }

  // Police persons without a register person: missing, or (rule 2) a birth of the window.
  void PoliceItems() {
    if (!in_.police) return;
    const SourceTable& police = *in_.police;
    for (size_t r = 0; r < police.size(); ++r) {
      if (police_.to_register[r] != kUnlinked) continue;
      if (!Rule2MissingUnlessBorn(window_, police.value("birth_date", r))) continue;
      store::Discrepancy d;
      d.type = "missing_in_register";
      const std::string_view id = police.value("id_number", r);
      d.source_id_number = id;
      d.identity =
          "missing_in_register|" + (id.empty() ? "row " + std::to_string(r) : std::string(id));
      d.source_kind = "police_population";
      d.source_import_id = police.import_id;
      d.source_row = police.rows[r];
      d.community_code = PoliceCommunity(r);
      d.evidence_json = EvidenceJson({{"police_population", police.import_id, police.rows[r]}});
      if (!police_.source_candidate.empty()) {
        d.explanation_json = CandidateJson(police_.source_candidate[r], /*other_is_register=*/true);
      }
      const std::string card = HouseholdOfHukou(r);
      if (!card.empty()) d.action_json = nlohmann::json{{"card", card}}.dump();
      d.proposal = "为" + Or(police.value("name", r), "（无姓名）") + "建卡（" +
                   std::string(SexWord(police.value("sex", r))) + "，" +
                   Or(police.value("birth_date", r), "?") + " 出生，公民身份号码 " + Or(id, "?") +
                   "）" +
                   (card.empty() ? "，依据" + RowWords("police_population", police.rows[r])
                                 : "，入户 " + card + "（公安户籍名单上其同户成员所在的户）");
      Add(std::move(d));
    }
  }

  // The community of a police person: its own code, its address, or its police household's.
  std::string PoliceCommunity(size_t r) const {
    if (!police_community_[r].empty()) return std::string(police_community_[r]);
    const std::string card = HouseholdOfHukou(r);
    if (!card.empty()) return std::string(reg_.community_code[card_first_.at(card)]);
    return "";
  }

  // The members of each police household (hukou_no), and the first person of each card: once,
  // before anything looks households up (HouseholdOfHukou, MotherInHukou, PoliceCommunity).
  void IndexHouseholds() {
    const SourceTable& police = *in_.police;
    for (size_t i = 0; i < police.size(); ++i) {
      const std::string_view h = police.value("hukou_no", i);
      if (!h.empty()) hukou_members_[h].push_back(i);
    }
    for (size_t i = 0; i < reg_.size(); ++i) {
      // A card's persons come one after another: one lookup per card, not per person.
      if (i == 0 || reg_.card_no[i] != reg_.card_no[i - 1]) card_first_.emplace(reg_.card_no[i], i);
    }
  }

  // The police persons of household `h`, in list order.
  const std::vector<size_t>& HukouMembers(std::string_view h) const {
    static const std::vector<size_t> kNone;
    const auto it = hukou_members_.find(h);
    return it == hukou_members_.end() ? kNone : it->second;
  }

  // The ID of the woman of police person r's household who is most likely the mother of a child
  // born on `birth` (aged 20 to 45 then, the age gap closest to 28 years), for a newborn of the
  // police list whose mother no source names. Empty when there is none.
  std::string MotherInHukou(size_t r, const Date& birth) const {
    const SourceTable& police = *in_.police;
    const std::string h(police.value("hukou_no", r));
    if (h.empty()) return "";
    std::string best;
    int best_gap = 100;
    for (size_t m : HukouMembers(h)) {
      if (m == r || police.value("sex", m) != "F") continue;
      const std::optional<Date> b = Date::ParseIso(police.value("birth_date", m));
      if (!b) continue;
      const int age = AgeInYears(*b, birth);
      const norm::IdInfo id = norm::ParseIdNumber(police.value("id_number", m), options_.as_of);
      if (age < 20 || age > 45 || !id.valid()) continue;
      if (std::abs(age - 28) < best_gap) {
        best_gap = std::abs(age - 28);
        best = id.normalized;
      }
    }
    return best;
  }

  // The register card of the police household (hukou_no) of police person r: the card most of
  // its linked members are on. Empty when none is linked.
  std::string HouseholdOfHukou(size_t r) const {
    const SourceTable& police = *in_.police;
    const std::string h(police.value("hukou_no", r));
    if (h.empty()) return "";
    std::map<std::string, int> votes;
    for (size_t m : HukouMembers(h)) {
      if (police_.to_register[m] != kUnlinked) {
        ++votes[std::string(reg_.card_no[police_.to_register[m]])];
      }
    }
    std::string best;
    int most = 0;
    for (const auto& [card, n] : votes) {
      if (n > most) {
        best = card;
        most = n;
      }
    }
    return best;
  }

  // -- Births --------------------------------------------------------------------------------

  void BirthItems() {
    std::vector<BirthMention>& mentions = birth_mentions_;
    // Mother IDs by child ID, from the police births, for newborns of the police list.
    std::unordered_map<std::string, std::string> mother_by_child;
    for (const auto& [table, links] : birth_links_) {
      for (size_t i = 0; i < table->size(); ++i) {
        const std::optional<Date> birth = Date::ParseIso(table->value("birth_date", i));
        if (!birth || !window_.Contains(*birth)) continue;
        BirthMention m;
        m.kind = table->kind();
        m.table = table;
        m.record = i;
        m.mother_id = table->value("mother_id_number", i);
        m.birth = *birth;
        m.sex = table->value("sex", i).empty() ? 0 : table->value("sex", i)[0];
        m.name = table->value(table->kind() == io::Kind::kVaccinations ? "child_name" : "name", i);
        m.mother_name = table->value("mother_name", i);
        m.linked = links.to_register[i];
        m.probability = links.probability[i];
        if (table->kind() == io::Kind::kPoliceBirths && !table->value("id_number", i).empty()) {
          mother_by_child.emplace(table->value("id_number", i), m.mother_id);
        }
        mentions.push_back(std::move(m));
      }
    }
    if (in_.police) {
      const SourceTable& police = *in_.police;
      for (size_t r = 0; r < police.size(); ++r) {
        const std::optional<Date> birth = Date::ParseIso(police.value("birth_date", r));
        if (!birth || !window_.Contains(*birth)) continue;
        BirthMention m;
        m.kind = io::Kind::kPolicePopulation;
        m.table = &police;
        m.record = r;
        m.mother_id = police.value("mother_id_number", r);
        if (m.mother_id.empty()) {
          auto it = mother_by_child.find(std::string(police.value("id_number", r)));
          if (it != mother_by_child.end()) m.mother_id = it->second;
        }
        if (m.mother_id.empty()) m.mother_id = MotherInHukou(r, *birth);
        m.birth = *birth;
        m.sex = police.value("sex", r).empty() ? 0 : police.value("sex", r)[0];
        m.name = police.value("name", r);
        m.linked = police_.to_register[r];
        m.probability = police_.probability[r];
        mentions.push_back(std::move(m));
      }
    }
    children_ = ConsolidateBirths(mentions);
    // The first alive register person of each mother's ID an unrecorded birth names (a few
    // thousand), found in one pass instead of a map of every person's ID.
    // Keys are views into children_'s birth keys.
    constexpr size_t kNoPerson = std::numeric_limits<size_t>::max();
    std::unordered_map<std::string_view, size_t> person_by_id;
    for (const Child& c : children_) {
      if (!c.birth_key.empty() && c.recorded < c.count) {
        person_by_id.emplace(std::string_view(c.birth_key).substr(0, 18), kNoPerson);
      }
    }
    for (size_t i = 0; i < reg_.size() && !person_by_id.empty(); ++i) {
      if (reg_.status[i] != "alive" || reg_.id_number[i].empty()) continue;
      auto it = person_by_id.find(reg_.id_number[i]);
      if (it != person_by_id.end() && it->second == kNoPerson) it->second = i;
    }
    std::erase_if(person_by_id, [](const auto& e) { return e.second == kNoPerson; });
    for (const Child& c : children_) {
      if (c.birth_key.empty()) {
        ++unkeyed_births_;
        continue;
      }
      for (int64_t n = c.recorded; n < c.count; ++n) {
        Add(UnrecordedBirth(c, mentions, n - c.recorded + 1, person_by_id));
      }
    }
    if (unkeyed_births_ > 0) {
      LogWarn(
          "{} births of the window have no mother's ID in any source: no birth_key, not "
          "reported",
          unkeyed_births_);
    }
  }

  store::Discrepancy UnrecordedBirth(const Child& c, const std::vector<BirthMention>& mentions,
                                     int64_t nth,
                                     const std::unordered_map<std::string_view, size_t>& by_id) {
    const BirthMention& best = mentions[c.mentions.front()];
    store::Discrepancy d;
    d.type = "unrecorded_birth";
    d.birth_key = c.birth_key;
    d.identity = "unrecorded_birth|" + c.birth_key + "|" + std::to_string(nth);
    d.source_kind = std::string(best.table->kind_name());
    d.source_import_id = best.table->import_id;
    d.source_row = best.table->rows[best.record];
    if (best.kind != io::Kind::kVaccinations) {
      d.source_id_number = best.table->value("id_number", best.record);
    }
    std::vector<std::tuple<std::string, store::ImportId, int64_t>> evidence;
    std::string name, child_id;
    for (size_t i : c.mentions) {
      const BirthMention& m = mentions[i];
      evidence.emplace_back(std::string(m.table->kind_name()), m.table->import_id,
                            m.table->rows[m.record]);
      if (name.empty() && m.kind != io::Kind::kVaccinations) name = m.name;
      if (child_id.empty() && m.kind != io::Kind::kVaccinations) {
        child_id = m.table->value("id_number", m.record);
      }
    }
    d.evidence_json = EvidenceJson(evidence);
    const std::string mother_id = c.birth_key.substr(0, 18);
    auto mother = by_id.find(mother_id);
    const std::string child = (best.sex == 'M' ? "之子" : "之女");
    // What applying needs beyond the item: the mother's card, the child's name (never a
    // vaccination's nickname) and ID when a source has them.
    nlohmann::json action = {
        {"name", name},
        {"child_id", child_id},
        {"mother_key", mother != by_id.end() ? RegisterKey(reg_, mother->second) : std::string()},
        {"carded", c.recorded}};
    d.action_json = action.dump();
    const std::string what = "为" + Or(name, "（尚未取名）") + "建卡（" +
                             std::string(SexWord(std::string(1, best.sex))) + "，" +
                             best.birth.Iso() + " 出生）";
    if (mother != by_id.end()) {
      d.community_code = reg_.community_code[mother->second];
      d.proposal = what + "，入户 " + std::string(reg_.card_no[mother->second]) + "，为" +
                   Or(reg_.name[mother->second], mother_id) + child;
    } else {
      d.community_code = best.table->value("community_code", best.record);
      if (d.community_code.empty()) {
        d.community_code = areas_.Resolve(best.table->value("address", best.record));
      }
      d.proposal = what + "，为" + Or(best.mother_name, "其母") + "（公民身份号码 " + mother_id +
                   "，不在户卡中）" + child + "：新立户卡";
    }
    return d;
  }

  // -- Statistics (counts.h) -----------------------------------------------------------------

  // Each police record's community (PoliceCommunity) and the police list's figures per
  // community. Reads the police list, its links and the households' index only.
  struct PoliceCount {
    TextColumn community;
    std::map<std::string, SourceFigures> per;
  };
  PoliceCount CountPolice() const {
    PoliceCount out;
    if (!in_.police) return out;
    const SourceTable& police = *in_.police;
    out.community.reserve(police.size());
    for (size_t r = 0; r < police.size(); ++r) out.community.push_back(PoliceCommunity(r));
    std::vector<CountedRecord> rs;
    CountedRecords(police, out.community, police_.to_register, &rs);
    CountPersons(rs, window_, reg_.community_code, &out.per);
    return out;
  }

  // The records of `table` as CountPersons counts them.
  static void CountedRecords(const SourceTable& table, const TextColumn& community,
                             const std::vector<int32_t>& to_register,
                             std::vector<CountedRecord>* rs) {
    const bool has_id = table.kind() != io::Kind::kVaccinations;
    const bool deaths =
        table.kind() == io::Kind::kCremations || table.kind() == io::Kind::kDeathCertificates;
    for (size_t i = 0; i < table.size(); ++i) {
      CountedRecord r;
      r.community = community[i];
      r.linked = to_register[i];
      if (has_id) r.id_number = table.value("id_number", i);
      r.birth_date = table.value("birth_date", i);
      if (deaths) {
        r.death_date = table.value("death_date", i);
        // Two death records of one name and one death date are one person, also without an
        // ID and a link (people from outside the district).
        const std::string_view name = table.value("name", i);
        if (!name.empty() && !r.death_date.empty()) {
          r.same_person = fmt::format("{}|{}", name, r.death_date);
        }
      }
      rs->push_back(std::move(r));
    }
  }

  // What each department's file says per community, and the departments together, while the
  // links are at hand: a few passes over the records, linear in their number. The police list's
  // figures come counted (CountPolice).
  void CountSources(PoliceCount police_count) {
    JobLog log;
    SourceCounts& out = result_.counts;
    out.since = options_.since;
    out.as_of = options_.as_of;
    const TextColumn& police_community = police_count.community;
    auto add = [&](const SourceTable& table, const std::map<std::string, SourceFigures>& per) {
      const std::string kind(table.kind_name());
      out.kinds.push_back(kind);
      for (auto& [community, f] : per) out.communities[community].sources[kind] = f;
    };
    auto count = [&](const SourceTable& table, const std::vector<CountedRecord>& rs) {
      std::map<std::string, SourceFigures> per;
      CountPersons(rs, window_, reg_.community_code, &per);
      add(table, per);
    };
    if (in_.police) {
      add(*in_.police, police_count.per);
      for (auto& [community, c] : out.communities) {
        c.departments.total = c.sources["police_population"].persons;
      }
    }
    for (const auto& [table, links] : birth_links_) {
      std::vector<CountedRecord> rs;
      CountedRecords(*table, community_of_.at(table), links.to_register, &rs);
      count(*table, rs);
    }
    std::vector<CountedRecord> all_deaths;
    for (size_t k = 0; k < death_tables_.size(); ++k) {
      const SourceTable& table = *death_tables_[k];
      std::vector<CountedRecord> rs;
      CountedRecords(table, community_of_.at(&table), death_links_[k].to_register, &rs);
      count(table, rs);
      all_deaths.insert(all_deaths.end(), rs.begin(), rs.end());
    }
    // Deaths from any source, once per person.
    std::map<std::string, SourceFigures> deaths;
    CountPersons(all_deaths, window_, reg_.community_code, &deaths);
    for (const auto& [community, f] : deaths) {
      if (f.deaths > 0) out.communities[community].departments.deaths = f.deaths;
    }
    // Births from any source, once per child (twins are two): the children the births found.
    for (const Child& c : children_) {
      const BirthMention& best = birth_mentions_[c.mentions.front()];
      std::string community(best.kind == io::Kind::kPolicePopulation
                                ? police_community[best.record]
                                : community_of_.at(best.table)[best.record]);
      if (community.empty() && best.linked >= 0) community = reg_.community_code[best.linked];
      out.communities[community].departments.births += c.count;
    }
    size_t counted = in_.police ? in_.police->size() : 0;
    for (const auto& [table, community] : community_of_) counted += table->size();
    log.Done({"counting the departments' figures", static_cast<int64_t>(counted), 0, 0, 0, 0});
  }

  // -- Result --------------------------------------------------------------------------------

  Result<CompareResult> Finish() {
    std::vector<store::Discrepancy> kept;
    for (store::Discrepancy& d : items_) {
      if (!options_.area.empty() && !d.community_code.starts_with(options_.area)) continue;
      kept.push_back(std::move(d));
    }
    auto type_rank = [](const std::string& t) {
      for (size_t i = 0; i < std::size(store::kDiscrepancyTypes); ++i) {
        if (store::kDiscrepancyTypes[i] == t) return i;
      }
      return std::size(store::kDiscrepancyTypes);
    };
    std::sort(kept.begin(), kept.end(),
              [&](const store::Discrepancy& a, const store::Discrepancy& b) {
                return std::make_tuple(type_rank(a.type), std::cref(a.community_code),
                                       std::cref(a.identity)) <
                       std::make_tuple(type_rank(b.type), std::cref(b.community_code),
                                       std::cref(b.identity));
              });
    for (size_t i = 1; i < kept.size(); ++i) {
      if (kept[i].identity == kept[i - 1].identity) {
        return Internal("comparison made two items with identity " + kept[i].identity);
      }
    }
    for (std::string_view t : store::kDiscrepancyTypes) result_.by_type[std::string(t)] = 0;
    for (const store::Discrepancy& d : kept) {
      ++result_.by_type[d.type];
      ++result_.by_community[d.community_code][d.type];
    }
    result_.items = std::move(kept);
    return std::move(result_);
  }

  const Inputs& in_;
  const store::RegisterColumns& reg_;
  const CompareOptions& options_;
  const Window window_;
  RegisterRecords records_;
  const LinkContext ctx_;
  norm::AreaIndex areas_;

  Links police_;
  TextColumn police_community_;     // per police record: SourceCommunities
  std::vector<int32_t> police_of_;  // per register person: police record or kUnlinked
  std::vector<Links> death_links_;
  std::vector<const SourceTable*> death_tables_;  // the table of each of death_links_
  // Per source table but the police list: each record's community (SourceCommunities).
  std::unordered_map<const SourceTable*, TextColumn> community_of_;
  std::vector<BirthMention> birth_mentions_;        // the births of the window, every source
  std::vector<Child> children_;                     // ConsolidateBirths of them
  std::vector<std::vector<DeathEvidence>> deaths_;  // per register person
  Duplicates dups_;
  std::vector<int32_t> primary_;  // per register person: its cluster's primary, or -1
  std::map<std::pair<uint32_t, uint32_t>, std::pair<double, const std::string*>> pair_probability_;
  std::vector<std::pair<const SourceTable*, Links>> birth_links_;
  // Keys are views into the police list's and the register's columns, which outlive them.
  std::unordered_map<std::string_view, std::vector<size_t>> hukou_members_;
  std::unordered_map<std::string_view, size_t> card_first_;
  std::future<void> households_;  // IndexHouseholds, under way during LinkAll
  int64_t unkeyed_births_ = 0;

  std::vector<store::Discrepancy> items_;
  CompareResult result_;
};

}  // namespace

std::string CompareResult::SummaryJson() const {
  nlohmann::json links_json = nlohmann::json::array();
  for (const LinkSummary& l : links) {
    links_json.push_back({{"name", l.name},
                          {"left", l.left},
                          {"right", l.right},
                          {"candidate_pairs", l.candidate_pairs},
                          {"links", l.links},
                          {"lambda", l.lambda}});
    if (l.learned || l.labels_skipped > 0) {
      links_json.back()["labels"] = {{"matches", l.label_matches},
                                     {"non_matches", l.label_non_matches},
                                     {"skipped", l.labels_skipped},
                                     {"threshold_before", l.threshold_before},
                                     {"threshold", l.threshold}};
    }
  }
  nlohmann::json j = {{"by_type", by_type},
                      {"by_community", by_community},
                      {"links", links_json},
                      {"statistics", nlohmann::json::parse(CountsJson(counts))}};
  return j.dump();
}

Result<CompareResult> Compare(const Inputs& inputs, const CompareOptions& options) {
  if (!options.as_of.Valid() || !options.since.Valid()) {
    return InvalidArgument("compare: --as-of and --since must be dates (YYYY-MM-DD)");
  }
  if (options.since > options.as_of) {
    return InvalidArgument("compare: --since " + options.since.Iso() + " is after --as-of " +
                           options.as_of.Iso());
  }
  Comparer c(inputs, options);
  return c.Run();
}

Result<RunResult> RunComparison(store::Store& store, const CompareOptions& options,
                                const std::string& started_by) {
  RunResult out;
  ASSIGN_OR_RETURN(Inputs inputs, LoadInputs(store));
  RETURN_IF_ERROR(CheckCancel(options.cancel, "the comparison"));
  if (!options.area.empty() &&
      std::none_of(inputs.areas.begin(), inputs.areas.end(),
                   [&](const store::Area& a) { return a.code.starts_with(options.area); })) {
    // A typo would otherwise be an empty comparison that finds nothing anywhere.
    return InvalidArgument("the area " + options.area +
                           " is no area of the store's area list (nor a prefix of one)");
  }
  if (!inputs.police) {
    LogWarn(
        "the store has no police_population import: missing_in_register, field_mismatch "
        "and absent_from_source cannot be found");
  }
  if (!options.learn) {
    ASSIGN_OR_RETURN(out.compare, Compare(inputs, options));
  } else {
    // Every decision so far: approved, applied and rejected items (learn.h).
    std::vector<store::Discrepancy> decided;
    for (const char* status : {"approved", "applied", "rejected"}) {
      store::DiscrepancyFilter filter;
      filter.status = status;
      ASSIGN_OR_RETURN(std::vector<store::Discrepancy> items, store.ListDiscrepancies(filter));
      for (store::Discrepancy& d : items) decided.push_back(std::move(d));
    }
    CompareOptions learning = options;
    learning.labels = LabelsFromItems(decided);
    LogInfo("learning from {} decided items: {} labelled pairs", decided.size(),
            learning.labels.size());
    ASSIGN_OR_RETURN(out.compare, Compare(inputs, learning));
  }
  store::ComparisonInfo info;
  info.as_of = options.as_of.Iso();
  info.since = options.since.Iso();
  info.area_code = options.area;
  info.started_by = started_by;
  if (inputs.register_import != 0) info.sources.push_back(inputs.register_import);
  for (const std::optional<SourceTable>* t : {&inputs.police, &inputs.births, &inputs.vaccinations,
                                              &inputs.cremations, &inputs.certificates}) {
    if (t->has_value()) info.sources.push_back((*t)->import_id);
  }
  info.summary_json = out.compare.SummaryJson();
  RETURN_IF_ERROR(CheckCancel(options.cancel, "the comparison"));
  // A run spread over ranks: each has the whole result; rank 0 saves it.
  if (options.partition != nullptr && options.partition->rank() != 0) return out;
  ASSIGN_OR_RETURN(out.saved, store.SaveComparison(info, out.compare.items));
  return out;
}

}  // namespace popreg::recon
