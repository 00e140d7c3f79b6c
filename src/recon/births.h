// Births: who is each register person's mother, and which children of the window the sources
// know, consolidated across sources (spec rule 2: one child, one unrecorded_birth, however many
// sources know it; twins stay two).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/date.h"
#include "io/schema.h"
#include "recon/sources.h"
#include "store/store.h"

namespace popreg::recon {

// Each register person's mother's ID number: the card's mother_id_number when it is a valid
// number, else a woman of the same card aged 14 to 55 at the person's birth with an 18-character
// ID (valid, or one a typo made invalid): for
// a child of the head (relation 子, 女, ...), the head or the head's wife first; then one aged
// 20 to 45 at the birth; then the age gap closest to 28 years. A child of the head with no such
// woman takes the mother its siblings' cards give. Empty when there is none. On `threads`
// threads (ThreadPool's: 0 for every core), a chunk of cards each; the same whatever their number.
TextColumn RegisterMothers(const store::RegisterColumns& reg, const Date& as_of, int threads = 0);

// One source record of a child born in the window.
struct BirthMention {
  io::Kind kind = io::Kind::kPoliceBirths;
  const SourceTable* table = nullptr;
  size_t record = 0;      // index into table
  std::string mother_id;  // 18 characters when valid, else as cleaned; may be empty
  Date birth;
  char sex = 0;      // 'M', 'F' or 0
  std::string name;  // the child's name (may be a nickname or empty)
  std::string mother_name;
  int32_t linked = -1;  // the register person it links to, or -1
  double probability = 0;
};

// The children the mentions describe.
struct Child {
  std::vector<size_t> mentions;  // indexes into the mentions, best source first
  int64_t count = 1;             // twins of one key: how many children (max per source)
  int64_t recorded = 0;          // distinct register persons the mentions link to
  std::string birth_key;         // mother_id|YYYY-MM-DD|M/F from the best mention
};

// Groups mentions into children: the same mother (IDs equal, or one substitution or adjacent
// transposition apart when one of them fails its check digit), the same sex, and birth dates at
// most 3 days apart or with day and month swapped. The best mention is police_births, then
// police_population, then vaccinations.
std::vector<Child> ConsolidateBirths(const std::vector<BirthMention>& mentions);

}  // namespace popreg::recon
