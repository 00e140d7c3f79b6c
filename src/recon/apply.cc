#include "recon/apply.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/env.h"
#include "norm/address.h"
#include "norm/id_number.h"
#include "recon/item_parts.h"
#include "recon/policy.h"
#include "recon/rules.h"
#include "store/register_edit.h"
#include "store/review.h"
#include "store/sql.h"
#include "store/users.h"

namespace popreg::recon {
namespace {

using Json = nlohmann::json;
using store::sql::Session;

// The evidence of the history rows an undo writes ("undo of item 12").
constexpr std::string_view kUndoEvidence = "undo of item ";

// An item the register no longer fits: the item stays approved, with this reason.
struct Refusal {
  std::string reason;
};

// The outcome of applying one item: OK, refused (with the reason), or an error of the store.
struct Outcome {
  Status error;
  std::optional<Refusal> refused;
};

// The item's JSON objects, read as effects.cc reads them (item_parts.h).
Json ParseObject(const std::string& text) { return ItemObject(text); }
std::string Get(const Json& j, const char* key) { return ItemString(j, key); }

// What one apply run remembers between its items: the card made for a police household none of
// whose members had a card, so that its other members join it.
struct RunMemory {
  std::map<std::string, std::string> card_of_hukou;
};

// Applies one item inside the batch's transaction. Every register change is made through
// register_edit.h with `note`, so each has its history row. Every refusal comes before the
// item's first write: a refused item changes nothing, without a savepoint (which would cost
// SQLite a statement journal of every page the item touches).
class ItemApplier {
 public:
  ItemApplier(Session& s, const store::Discrepancy& d, const store::ChangeNote& note,
              const Date& today, RunMemory* memory)
      : s_(s),
        d_(d),
        note_(note),
        today_(today),
        verified_(ParseObject(d.values_json)),
        memory_(memory) {}

  // True when the item changed nothing: another item had made its change already, or an
  // incomplete record's missing values (incomplete()) are nowhere to be had yet.
  bool unchanged() const { return unchanged_; }
  const std::string& incomplete() const { return kept_incomplete_; }

  // A refusal, an error, or OK with the register changed.
  Outcome Run() {
    Result<std::optional<Refusal>> r = Dispatch();
    if (!r.ok()) return {r.status(), std::nullopt};
    return {Status(), *r};
  }

 private:
  using Step = Result<std::optional<Refusal>>;
  static Step Done() { return std::optional<Refusal>(); }
  static Step Refuse(std::string why) { return std::optional<Refusal>(Refusal{std::move(why)}); }

  Step Dispatch() {
    const std::string& t = d_.type;
    if (t == "field_mismatch") return SetFields({d_.field}, /*from_police=*/true);
    if (t == store::kCardCorrection) return SetFields({d_.field}, /*from_police=*/true);
    if (t == "invalid_id_number") return SetFields({"id_number"}, /*from_police=*/true);
    if (t == "incomplete_record") return Complete();
    if (t == "unrecorded_death") return Death();
    if (t == "missing_in_register") return Missing();
    if (t == "unrecorded_birth") return Birth();
    if (t == "duplicate_in_register") return Merge();
    if (t == "absent_from_source") return Absent();
    return Refuse("items of type " + t + " change nothing");
  }

  // The register person of the item (following merges), or a refusal.
  Result<std::optional<store::Person>> Person(const std::string& key) {
    ASSIGN_OR_RETURN(std::string now, store::ResolveKey(s_, key));
    return store::GetPerson(s_, now);
  }

  // The police (or other source) record the item rests on, as normalised values: read from the
  // store once per item, however many of its fields are asked for.
  Result<Json> Source() {
    if (!source_) {
      source_ = Json::object();
      if (d_.source_import_id != 0 && d_.source_row != 0) {
        ASSIGN_OR_RETURN(std::string text,
                         store::SourceRecordJson(s_, d_.source_import_id, d_.source_row));
        source_ = ParseObject(text);
      }
    }
    return *source_;
  }

  // The value to set for `field`: what staff verified, else the source's (the police list's for
  // a person's fields), else "".
  Result<std::string> ValueFor(const std::string& field, bool from_source) {
    std::string v = Get(verified_, field.c_str());
    if (v.empty() && from_source) {
      if (field == d_.field && !d_.source_value.empty()) return d_.source_value;
      ASSIGN_OR_RETURN(Json src, Source());
      v = Get(src, field.c_str());
    }
    if (!v.empty() && (field == "id_number" || field == "mother_id_number")) {
      const norm::IdInfo id = norm::ParseIdNumber(v, today_);
      if (!id.valid()) return std::string();  // never write a number that fails GB 11643
      v = id.normalized;
    }
    return v;
  }

  Step SetFields(const std::vector<std::string>& fields, bool from_police) {
    ASSIGN_OR_RETURN(std::optional<store::Person> p, Person(d_.register_key));
    if (!p) return Refuse("person " + d_.register_key + " is no longer in the register");
    const std::optional<store::Person> read = p;
    for (const std::string& field : fields) {
      std::string& current = PersonField(*p, field);
      ASSIGN_OR_RETURN(std::string value, ValueFor(field, from_police));
      if (value.empty()) {
        // Another item of the person (a field_mismatch on the ID) may have mended it already.
        if (field == "id_number" && current != d_.register_value &&
            norm::ParseIdNumber(current, today_).valid()) {
          continue;
        }
        return Refuse("no valid " + field + " to set: verify the item with --set " + field +
                      "=VALUE");
      }
      // Another item of the same person may have set it already (an invalid ID that the police
      // list also contradicts): nothing left to do.
      if (current == value) continue;
      if (current != d_.register_value) {
        return Refuse("the register's " + field + " of " + d_.register_key + " is now '" + current +
                      "', not '" + d_.register_value + "' as compared: compare again");
      }
      current = value;
    }
    unchanged_ = store::PersonJson(*read) == store::PersonJson(*p);
    RETURN_IF_ERROR(store::PutPerson(s_, *p, note_, &read));
    return Done();
  }

  Step Complete() {
    ASSIGN_OR_RETURN(std::optional<store::Person> p, Person(d_.register_key));
    if (!p) return Refuse("person " + d_.register_key + " is no longer in the register");
    const std::optional<store::Person> read = p;
    const std::string missing =
        Rule5MissingFields(p->name, p->sex, p->birth_date, p->id_number, today_);
    if (missing.empty()) return Refuse(d_.register_key + " is complete already");
    int filled = 0;
    for (const std::string& field : MissingFieldList(missing)) {
      ASSIGN_OR_RETURN(std::string value, ValueFor(field, /*from_source=*/true));
      if (value.empty()) continue;  // left for the incomplete-information list
      PersonField(*p, field) = value;
      ++filled;
    }
    if (filled == 0) {
      // No one has the value yet: the person stays on the incomplete-information list, which
      // is what applying this item means until the household brings it.
      unchanged_ = true;
      kept_incomplete_ = missing;
      return Done();
    }
    RETURN_IF_ERROR(store::PutPerson(s_, *p, note_, &read));
    return Done();
  }

  Step Death() {
    ASSIGN_OR_RETURN(std::optional<store::Person> p, Person(d_.register_key));
    if (!p) return Refuse("person " + d_.register_key + " is no longer in the register");
    const std::optional<store::Person> read = p;
    if (p->status != "alive") {
      return Refuse(d_.register_key + " is " + p->status + " in the register already");
    }
    ASSIGN_OR_RETURN(std::string date, ValueFor("death_date", /*from_source=*/true));
    if (date.empty()) {
      return Refuse("no death date: verify the item with --set death_date=DATE");
    }
    p->status = "deceased";
    p->death_date = date;
    RETURN_IF_ERROR(store::PutPerson(s_, *p, note_, &read));
    return Done();
  }

  Step Absent() {
    ASSIGN_OR_RETURN(std::optional<store::Person> p, Person(d_.register_key));
    if (!p) return Refuse("person " + d_.register_key + " is no longer in the register");
    const std::string outcome = Get(verified_, "outcome");
    if (outcome.empty()) {
      return Refuse("the outcome is not verified: --set outcome=moved_out|deceased|present");
    }
    if (outcome == "present") return Done();  // the note stays with the item's review rows
    if (p->status != "alive") {
      return Refuse(d_.register_key + " is " + p->status + " in the register already");
    }
    store::ChangeNote n = note_;
    if (outcome == "moved_out") {
      p->status = "moved_out";
      n.why += "; moved out on " + Get(verified_, "date");
      if (const std::string to = Get(verified_, "destination"); !to.empty()) n.why += " to " + to;
    } else {
      p->status = "deceased";
      p->death_date = Get(verified_, "death_date");
      if (p->death_date.empty()) p->death_date = Get(verified_, "date");
    }
    RETURN_IF_ERROR(store::PutPerson(s_, *p, n));
    return Done();
  }

  // A household at `address`: its building, unit and room read from the text (norm/address.h),
  // so that the members of one household spelled "36号楼3单元1201室" and "36-3-1201" find one
  // card.
  static store::Household Dwelling(const std::string& address) {
    store::Household h;
    h.address = address;
    const norm::AddressParts parts = norm::ParseAddress(address);
    h.building = parts.building;
    h.unit = parts.unit;
    h.room = parts.room;
    return h;
  }

  // A new person on `card`, or on a new card of `community` at `where` when `card` is empty.
  static std::string CardOf(const std::string& key) { return key.substr(0, key.rfind('/')); }

  Status AddPerson(store::Person p, std::string card, store::Household where, bool by_dwelling) {
    if (card.empty() && by_dwelling) {
      ASSIGN_OR_RETURN(card, store::CardAtDwelling(s_, where));
    }
    if (card.empty()) {
      ASSIGN_OR_RETURN(card, store::NextCardNo(s_, where.community_code));
      where.card_no = card;
      RETURN_IF_ERROR(store::PutHousehold(s_, where, note_));
    }
    p.card_no = card;
    ASSIGN_OR_RETURN(p.person_no, store::NextPersonNo(s_, card));
    created_key_ = p.card_no + "/" + p.person_no;
    return store::PutPerson(s_, p, note_);
  }

  Step Missing() {
    ASSIGN_OR_RETURN(Json src, Source());
    store::Person p;
    for (const char* f :
         {"name", "sex", "birth_date", "id_number", "relation", "ethnicity", "mother_id_number"}) {
      ASSIGN_OR_RETURN(std::string v, ValueFor(f, /*from_source=*/true));
      PersonField(p, f) = v;
    }
    p.status = "alive";
    if (!p.id_number.empty()) {
      ASSIGN_OR_RETURN(std::vector<store::Person> same, store::PersonsWithId(s_, p.id_number));
      if (!same.empty()) {
        return Refuse("ID " + p.id_number + " is carded already as " + same[0].card_no + "/" +
                      same[0].person_no);
      }
    }
    // The card: the police household's (where its other members are carded), else one made
    // in this run for another member of that police household; a person the police list gives
    // no household goes to the card of the same dwelling. Two families who share an address
    // but not a police household never share a card.
    std::string card = Get(ParseObject(d_.action_json), "card");
    if (!card.empty()) {
      ASSIGN_OR_RETURN(std::optional<store::Household> h, store::GetHousehold(s_, card));
      if (!h) card.clear();  // the card was merged away or removed since
    }
    const std::string hukou = Get(src, "hukou_no");
    if (card.empty() && !hukou.empty()) {
      auto it = memory_->card_of_hukou.find(hukou);
      if (it != memory_->card_of_hukou.end()) card = it->second;
    }
    store::Household where = Dwelling(Get(src, "address"));
    where.community_code = Get(verified_, "community_code");
    if (where.community_code.empty()) where.community_code = d_.community_code;
    if (card.empty() && where.community_code.empty()) {
      return Refuse("the person's community is unknown: verify with --set community_code=CODE");
    }
    RETURN_IF_ERROR(AddPerson(std::move(p), card, where, /*by_dwelling=*/hukou.empty()));
    if (!hukou.empty()) memory_->card_of_hukou.emplace(hukou, CardOf(created_key_));
    return Done();
  }

  Step Birth() {
    const Json action = ParseObject(d_.action_json);
    const std::optional<ItemBirth> b = BirthOfItem(d_);
    if (!b) return Refuse("the item has no birth key");
    const std::string& mother_id = b->mother_id;
    const std::string& birth = b->birth_date;
    const std::string& sex = b->sex;
    const int64_t nth = b->nth;  // twins share a key: the item's number among them
    // Never card one birth twice in a township.
    std::string township = BirthArea(d_.community_code);
    std::string card;
    ASSIGN_OR_RETURN(Json src, Source());
    store::Household where = Dwelling(Get(src, "address"));
    where.community_code = Get(verified_, "community_code");
    if (where.community_code.empty()) where.community_code = d_.community_code;
    if (const std::string mother_key = Get(action, "mother_key"); !mother_key.empty()) {
      ASSIGN_OR_RETURN(std::optional<store::Person> mother, Person(mother_key));
      if (mother) {
        card = mother->card_no;
        ASSIGN_OR_RETURN(std::optional<store::Household> h, store::GetHousehold(s_, card));
        if (h && h->community_code.size() == 12) township = BirthArea(h->community_code);
      }
    }
    if (card.empty()) {
      // The mother carded since the comparison (a missing person applied before the births).
      ASSIGN_OR_RETURN(std::vector<store::Person> mothers, store::PersonsWithId(s_, mother_id));
      for (const store::Person& m : mothers) {
        if (m.status == "alive") {
          card = m.card_no;
          break;
        }
      }
    }
    ASSIGN_OR_RETURN(std::vector<store::Person> carded,
                     store::ChildrenOf(s_, mother_id, birth, sex, township));
    // Twins of whom some are carded: the comparison counted those ("carded"), and this item is
    // the nth of the rest.
    const int64_t carded_before = action.value("carded", int64_t{0});
    if (static_cast<int64_t>(carded.size()) >= carded_before + nth) {
      return Refuse("the child of " + mother_id + " born " + birth + " (" + sex +
                    ") has a card in the township already: " + carded[0].card_no + "/" +
                    carded[0].person_no + " (the same birth is never carded twice)");
    }
    if (card.empty() && where.community_code.empty()) {
      return Refuse("the mother is not in the register and the community is unknown");
    }
    store::Person child;
    child.name = Get(verified_, "name");
    if (child.name.empty()) child.name = Get(action, "name");
    child.sex = sex;
    child.birth_date = birth;
    ASSIGN_OR_RETURN(child.id_number, ValueFor("id_number", /*from_source=*/false));
    if (child.id_number.empty()) {
      const norm::IdInfo id = norm::ParseIdNumber(Get(action, "child_id"), today_);
      if (id.valid()) child.id_number = id.normalized;
    }
    child.relation = Get(verified_, "relation");
    if (child.relation.empty()) child.relation = sex == "M" ? "子" : "女";
    child.ethnicity = Get(verified_, "ethnicity");
    child.mother_id_number = mother_id;
    child.status = "alive";
    RETURN_IF_ERROR(AddPerson(std::move(child), card, where, /*by_dwelling=*/false));
    return Done();
  }

  Step Merge() {
    const auto [keep, gone] = MergeOfItem(d_, ParseObject(d_.action_json));
    ASSIGN_OR_RETURN(std::string keep_now, store::ResolveKey(s_, keep));
    ASSIGN_OR_RETURN(std::string gone_now, store::ResolveKey(s_, gone));
    if (keep_now == gone_now) return Refuse(keep + " and " + gone + " are one card already");
    ASSIGN_OR_RETURN(std::optional<store::Person> k, store::GetPerson(s_, keep_now));
    ASSIGN_OR_RETURN(std::optional<store::Person> g, store::GetPerson(s_, gone_now));
    if (!k || !g)
      return Refuse("one of " + keep + " and " + gone + " is no longer in the register");
    // Values only the other card has are copied; where both have one, the card kept wins.
    for (const char* f : {"name", "sex", "birth_date", "id_number", "relation", "ethnicity",
                          "death_date", "mother_id_number"}) {
      std::string& mine = PersonField(*k, f);
      if (mine.empty()) mine = PersonField(*g, f);
    }
    RETURN_IF_ERROR(store::PutPerson(s_, *k, note_));
    RETURN_IF_ERROR(store::RemovePerson(s_, gone_now, note_));
    RETURN_IF_ERROR(store::AddForward(s_, gone_now, keep_now, d_.id));
    ASSIGN_OR_RETURN(std::vector<store::Person> left, store::PersonsOfCard(s_, g->card_no));
    if (left.empty()) RETURN_IF_ERROR(store::RemoveHousehold(s_, g->card_no, note_));
    return Done();
  }

  Session& s_;
  const store::Discrepancy& d_;
  const store::ChangeNote& note_;
  Date today_;
  Json verified_;
  std::string created_key_;
  RunMemory* memory_;
  std::optional<Json> source_;  // Source(), once read
  bool unchanged_ = false;
  std::string kept_incomplete_;
};

std::string Evidence(const store::Discrepancy& d) {
  std::string e = "item " + std::to_string(d.id);
  if (!d.source_kind.empty() && d.source_row > 0) {
    e += "; " + d.source_kind + " import " + std::to_string(d.source_import_id) + " row " +
         std::to_string(d.source_row);
  }
  return e;
}

}  // namespace

Result<ApplyResult> Apply(store::Store& store, const ApplyRequest& r) {
  if ((r.item != 0) == r.all_approved) {
    return InvalidArgument("say which items: --item N or --all-approved");
  }
  if (r.batch_size < 1) return InvalidArgument("the batch size must be at least 1");
  // One item: its community is asked about once it is read. All approved items: of the
  // community asked for, or of the whole district.
  ASSIGN_OR_RETURN(store::User user, r.item != 0
                                         ? AuthorizeSomewhere(store, r.user, Action::kApply)
                                         : Authorize(store, r.user, Action::kApply, r.community));
  store::DiscrepancyFilter f;
  f.status = r.item != 0 ? "" : "approved";
  f.community_code = r.community;
  ASSIGN_OR_RETURN(std::vector<store::ItemRef> items, store::ListItemRefs(store, f));
  if (r.item != 0) {
    std::erase_if(items, [&](const store::ItemRef& d) { return d.id != r.item; });
    if (items.empty()) {
      return NotFound("store " + store.location() + ": there is no item " + std::to_string(r.item));
    }
    if (items[0].status != "approved") {
      return FailedPrecondition("item " + std::to_string(r.item) + " (" + items[0].type + ") is " +
                                items[0].status + ": only approved items are applied");
    }
  }
  for (const store::ItemRef& d : items)
    RETURN_IF_ERROR(Allow(user, Action::kApply, d.community_code));
  // Births and merges last: a child joins a card after its mother's values are mended, and a
  // merge does not move a person another item of the batch still names by its old key.
  auto rank = [](const std::string& type) {
    if (type == "missing_in_register") return 1;
    if (type == "unrecorded_birth") return 2;
    if (type == "duplicate_in_register") return 3;
    return 0;
  };
  std::stable_sort(items.begin(), items.end(),
                   [&](const store::ItemRef& a, const store::ItemRef& b) {
                     return rank(a.type) < rank(b.type);
                   });
  ApplyResult result;
  RunMemory memory;
  const Date today = Env::Default().Today();
  const int64_t total = static_cast<int64_t>(items.size());
  for (int64_t start = 0; start < total; start += r.batch_size) {
    RETURN_IF_ERROR(CheckCancel(r.cancel, "applying (after " + std::to_string(start) + " of " +
                                              std::to_string(total) + " items)"));
    const int64_t end = std::min(total, start + r.batch_size);
    std::vector<std::string> refused;
    int64_t applied = 0;
    RETURN_IF_ERROR(store.Write(
        "applying items " + std::to_string(start + 1) + "-" + std::to_string(end) + " of " +
            std::to_string(total),
        [&](Session& s) -> Status {
          refused.clear();
          applied = 0;
          for (int64_t i = start; i < end; ++i) {
            // Read again inside the write: only an item still approved is applied.
            ASSIGN_OR_RETURN(store::Discrepancy d, store::ReadItemForReview(s, items[i].id));
            if (d.status != "approved") {
              refused.push_back("item " + std::to_string(d.id) + " is " + d.status + " now");
              continue;
            }
            const store::ChangeNote note{user.login, d.proposal, Evidence(d), d.id};
            // An item refuses before its first write (ItemApplier), so a refused item leaves
            // nothing behind, and an error of the store fails the whole batch.
            Outcome o = [&] {
              ItemApplier applier(s, d, note, today, &memory);
              Outcome inner = applier.Run();
              if (inner.error.ok() && !inner.refused) {
                std::string why = r.note;
                if (!applier.incomplete().empty()) {
                  why += std::string(why.empty() ? "" : "; ") + "no one has " +
                         applier.incomplete() + " yet: on the incomplete-information list";
                } else if (applier.unchanged()) {
                  why += std::string(why.empty() ? "" : "; ") +
                         "the register had this value already (set by another item)";
                }
                inner.error = store::RecordTransition(s, d, "applied", user.login, why, "");
              }
              return inner;
            }();
            RETURN_IF_ERROR(o.error.WithContext("item " + std::to_string(d.id)));
            if (o.refused) {
              refused.push_back("item " + std::to_string(d.id) + " (" + d.type +
                                "): " + o.refused->reason);
              continue;
            }
            ++applied;
            if (i == start + (end - start) / 2) store::sql::FailPoint("apply.batch");
          }
          return Status();
        }));
    store::sql::FailPoint("apply.committed");
    result.applied += applied;
    ++result.batches;
    result.refused.insert(result.refused.end(), refused.begin(), refused.end());
    if (r.progress) r.progress(end, total);
  }
  if (r.item != 0 && !result.refused.empty()) return FailedPrecondition(result.refused.front());
  return result;
}

Result<UndoResult> Undo(store::Store& store, const std::string& login, int64_t item,
                        const std::string& note) {
  ASSIGN_OR_RETURN(store::User user, AuthorizeSomewhere(store, login, Action::kUndo));
  UndoResult result;
  RETURN_IF_ERROR(store.Write("undoing item " + std::to_string(item), [&](Session& s) -> Status {
    ASSIGN_OR_RETURN(store::Discrepancy d, store::ReadItemForReview(s, item));
    RETURN_IF_ERROR(Allow(user, Action::kUndo, d.community_code));
    if (d.status != "applied") {
      return FailedPrecondition("item " + std::to_string(item) + " is " + d.status +
                                ": only an applied item can be undone");
    }
    ASSIGN_OR_RETURN(std::vector<store::HistoryEntry> all, store::HistoryOfItem(s, item));
    // The rows of the latest application: those after the item's last undo, if any.
    std::vector<store::HistoryEntry> rows;
    for (const store::HistoryEntry& h : all) {
      if (h.evidence.rfind(kUndoEvidence, 0) == 0) {
        rows.clear();
      } else {
        rows.push_back(h);
      }
    }
    // What each later change touched, to refuse an undo that would overwrite it.
    std::vector<std::string> conflicts;
    for (const store::HistoryEntry& h : rows) {
      const Json before = ParseObject(h.before_json), after = ParseObject(h.after_json);
      std::set<std::string> mine;
      for (auto& [k, v] : after.items()) {
        if (!before.contains(k) || before[k] != v) mine.insert(k);
      }
      for (auto& [k, v] : before.items()) {
        if (!after.contains(k)) mine.insert(k);
      }
      ASSIGN_OR_RETURN(std::vector<store::HistoryEntry> later,
                       store::HistoryAfter(s, h.entity, h.entity_key, h.id));
      for (const store::HistoryEntry& l : later) {
        if (l.item_id == item) continue;
        const Json lb = ParseObject(l.before_json), la = ParseObject(l.after_json);
        std::vector<std::string> touched;
        for (const std::string& k : mine) {
          if (l.before_json.empty() || l.after_json.empty() ||
              lb.value(k, Json()) != la.value(k, Json())) {
            touched.push_back(k);
          }
        }
        if (!touched.empty()) {
          std::string fields;
          for (const std::string& t : touched) fields += (fields.empty() ? "" : ", ") + t;
          conflicts.push_back(h.entity + " " + h.entity_key + " (" + fields + ") changed at " +
                              l.at + " by " + l.who + ": " + l.why);
        }
      }
    }
    if (!conflicts.empty()) {
      std::string msg = "item " + std::to_string(item) +
                        " cannot be undone: later changes touched the same values:";
      for (const std::string& c : conflicts) msg += "\n  " + c;
      return FailedPrecondition(msg);
    }
    const store::ChangeNote n{
        user.login, "undo of item " + std::to_string(item) + (note.empty() ? "" : ": " + note),
        std::string(kUndoEvidence) + std::to_string(item), item};
    // Newest first: a person removed after its card was made is put back before the card goes.
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      const store::HistoryEntry& h = *it;
      // Created: removed again. Removed: put back whole. Changed: only the values this item
      // changed go back, so a later change of other values stays.
      if (h.entity == "person") {
        if (h.before_json.empty()) {
          RETURN_IF_ERROR(store::RemovePerson(s, h.entity_key, n));
        } else if (h.after_json.empty()) {
          ASSIGN_OR_RETURN(store::Person p, store::PersonFromJson(h.before_json));
          RETURN_IF_ERROR(store::PutPerson(s, p, n));
        } else {
          ASSIGN_OR_RETURN(std::optional<store::Person> now, store::GetPerson(s, h.entity_key));
          if (!now) return DataLoss("person " + h.entity_key + " vanished without history");
          const Json before = ParseObject(h.before_json), after = ParseObject(h.after_json);
          for (const char* f : {"name", "sex", "birth_date", "id_number", "relation", "ethnicity",
                                "death_date", "mother_id_number"}) {
            if (before.value(f, "") != after.value(f, ""))
              PersonField(*now, f) = before.value(f, "");
          }
          if (before.value("status", "") != after.value("status", "")) {
            now->status = before.value("status", "alive");
          }
          RETURN_IF_ERROR(store::PutPerson(s, *now, n));
        }
      } else if (h.before_json.empty()) {
        RETURN_IF_ERROR(store::RemoveHousehold(s, h.entity_key, n));
      } else {
        ASSIGN_OR_RETURN(store::Household hh, store::HouseholdFromJson(h.before_json));
        RETURN_IF_ERROR(store::PutHousehold(s, hh, n));
      }
      ++result.changes;
    }
    RETURN_IF_ERROR(s.Exec("removing the forward pointers of item " + std::to_string(item),
                           "DELETE FROM person_forwards WHERE item_id = ?1", {item})
                        .status());
    return store::RecordTransition(s, d, "approved", user.login,
                                   "undone" + (note.empty() ? "" : ": " + note), "");
  }));
  return result;
}

}  // namespace popreg::recon
