// What applying a discrepancy item would do to the register's counts, without applying it: for
// the projections of `popreg stats` (the register once the approved items are applied, and once
// every open item is). One function that mirrors what apply.cc does item by item, so that the
// projection and the register after `popreg apply` agree (effects_test.cc and
// tests/cli_stats_test.sh check it).
//
// The counts are those of report/stats.h: per community the living persons (total), the persons
// born in the window (births, whatever their status now) and the persons recorded dead with a
// death date in the window (deaths).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "recon/rules.h"
#include "store/store.h"

namespace popreg::recon {

// A change of the counts of one community.
struct CountDelta {
  std::string community;
  int64_t total = 0, births = 0, deaths = 0;
  bool operator==(const CountDelta&) const = default;
};

struct ItemEffect {
  std::vector<CountDelta> deltas;  // empty when applying changes no count
  // Why applying would be refused as the register is now (apply.cc's reasons, shortened);
  // refused items have no deltas.
  std::string refused;
  // True when the effect rests on the proposal rather than on verified values (an
  // absent_from_source item counted as moved out because no outcome was verified).
  bool assumed = false;
};

// The register as CountEffect reads it: by register key, card, ID number and child.
class RegisterFacts {
 public:
  // Keeps a reference to `reg`, which must outlive it.
  explicit RegisterFacts(const store::RegisterColumns& reg);

  const store::RegisterColumns& reg() const { return reg_; }
  // The index of the person with this key, or -1.
  int64_t Find(std::string_view key) const;
  // The community of a card (of its first person), or "".
  std::string CardCommunity(std::string_view card_no) const;
  // The persons whose ID number is exactly `id`.
  std::vector<size_t> WithId(std::string_view id) const;
  // How many persons of cards whose community starts with `area` have this mother, birth date
  // and sex (store::ChildrenOf).
  int64_t Children(std::string_view mother_id, std::string_view birth_date, std::string_view sex,
                   std::string_view area) const;

 private:
  const store::RegisterColumns& reg_;
  std::unordered_map<std::string, size_t> by_key_;
  std::unordered_map<std::string_view, size_t> card_first_;
  std::unordered_multimap<std::string_view, size_t> by_id_;
  std::unordered_multimap<std::string, size_t> children_;  // mother|date|sex
};

// The effect of applying item `d` on the register `facts` with the window `window`. Mirrors
// apply.cc: field_mismatch of birth_date moves a birth into or out of the window; an
// incomplete_record whose birth date is filled in may add a birth; unrecorded_death takes a
// living person off the total and adds a death when its date is in the window;
// missing_in_register adds a person; unrecorded_birth adds a person and a birth (each twin is
// its own item); duplicate_in_register takes the removed card's person off (and its birth, unless
// the card kept takes that birth date over); absent_from_source per its verified outcome
// (moved_out, deceased, present), or as proposed (moved out) when none is verified. Types that
// change no count (sex, name or ID corrections) have no deltas.
ItemEffect CountEffect(const store::Discrepancy& d, const RegisterFacts& facts,
                       const Window& window);

}  // namespace popreg::recon
