#include "recon/births.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "norm/id_number.h"

namespace popreg::recon {
namespace {

bool WellFormed18(std::string_view id) {
  if (id.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  return norm::IdCheckChar(id.substr(0, 17)) == id[17];
}

// One substitution or one adjacent transposition apart (same length).
bool OneTypoApart(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a == b) return false;
  size_t first = a.size(), count = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      if (first == a.size()) first = i;
      ++count;
    }
  }
  if (count == 1) return true;
  return count == 2 && first + 1 < a.size() && a[first] == b[first + 1] && a[first + 1] == b[first];
}

int Priority(io::Kind kind) {
  switch (kind) {
    case io::Kind::kPoliceBirths:
      return 0;
    case io::Kind::kPolicePopulation:
      return 1;
    default:
      return 2;
  }
}

bool SameBirth(const BirthMention& a, const BirthMention& b) {
  if (a.sex != b.sex) return false;
  if (std::llabs(a.birth.ToDays() - b.birth.ToDays()) <= 3) return true;
  return a.birth.year == b.birth.year && a.birth.month == b.birth.day &&
         a.birth.day == b.birth.month;
}

}  // namespace

std::vector<std::string> RegisterMothers(const store::RegisterColumns& reg, const Date& as_of) {
  std::vector<std::string> mother(reg.size());
  size_t begin = 0;
  while (begin < reg.size()) {
    size_t end = begin + 1;
    while (end < reg.size() && reg.card_no[end] == reg.card_no[begin]) ++end;
    for (size_t i = begin; i < end; ++i) {
      const norm::IdInfo given = norm::ParseIdNumber(reg.mother_id_number[i], as_of);
      if (given.valid()) {
        mother[i] = given.normalized;
        continue;
      }
      const std::optional<Date> birth = Date::ParseIso(reg.birth_date[i]);
      if (!birth) continue;
      int best_gap = 1000;
      for (size_t j = begin; j < end; ++j) {
        if (j == i || reg.sex[j] != "F") continue;
        const std::optional<Date> b = Date::ParseIso(reg.birth_date[j]);
        if (!b) continue;
        const int age = AgeInYears(*b, *birth);
        if (age < 14 || age > 55) continue;
        const norm::IdInfo id = norm::ParseIdNumber(reg.id_number[j], as_of);
        if (!id.valid()) continue;
        if (std::abs(age - 28) < best_gap) {
          best_gap = std::abs(age - 28);
          mother[i] = id.normalized;
        }
      }
    }
    begin = end;
  }
  return mother;
}

std::vector<Child> ConsolidateBirths(const std::vector<BirthMention>& mentions) {
  // The mother each mention is filed under: its own ID, or a well-formed ID one typo away
  // that another mention of a child of the same sex and birth gives.
  std::vector<std::string> mother(mentions.size());
  std::vector<size_t> well_formed;
  for (size_t i = 0; i < mentions.size(); ++i) {
    mother[i] = mentions[i].mother_id;
    if (WellFormed18(mother[i])) well_formed.push_back(i);
  }
  for (size_t i = 0; i < mentions.size(); ++i) {
    if (mother[i].empty() || WellFormed18(mother[i])) continue;
    for (size_t j : well_formed) {
      if (SameBirth(mentions[i], mentions[j]) && OneTypoApart(mother[i], mentions[j].mother_id)) {
        mother[i] = mentions[j].mother_id;
        break;
      }
    }
  }
  // A mention without a mother joins a mention of the same child by name, sex and birth date.
  for (size_t i = 0; i < mentions.size(); ++i) {
    if (!mother[i].empty() || mentions[i].name.empty()) continue;
    for (size_t j = 0; j < mentions.size(); ++j) {
      if (!mother[j].empty() && mentions[j].name == mentions[i].name &&
          mentions[j].sex == mentions[i].sex && mentions[j].birth == mentions[i].birth) {
        mother[i] = mother[j];
        break;
      }
    }
  }
  std::map<std::string, std::vector<size_t>> by_mother;
  std::vector<Child> children;
  for (size_t i = 0; i < mentions.size(); ++i) {
    if (mother[i].empty()) {
      Child c;
      c.mentions = {i};
      children.push_back(std::move(c));  // no key: compare.cc reports what it can
    } else {
      by_mother[mother[i]].push_back(i);
    }
  }
  for (auto& [id, list] : by_mother) {
    std::sort(list.begin(), list.end(), [&](size_t a, size_t b) {
      const BirthMention& x = mentions[a];
      const BirthMention& y = mentions[b];
      if (x.sex != y.sex) return x.sex < y.sex;
      if (x.birth != y.birth) return x.birth < y.birth;
      return a < b;
    });
    std::vector<std::vector<size_t>> groups;
    for (size_t i : list) {
      bool placed = false;
      for (auto& g : groups) {
        if (SameBirth(mentions[g.front()], mentions[i])) {
          g.push_back(i);
          placed = true;
          break;
        }
      }
      if (!placed) groups.push_back({i});
    }
    for (auto& g : groups) {
      Child c;
      c.mentions = g;
      children.push_back(std::move(c));
    }
  }
  for (Child& c : children) {
    std::stable_sort(c.mentions.begin(), c.mentions.end(), [&](size_t a, size_t b) {
      return Priority(mentions[a].kind) < Priority(mentions[b].kind);
    });
    std::map<io::Kind, int64_t> per_kind;
    std::set<int32_t> linked;
    for (size_t i : c.mentions) {
      ++per_kind[mentions[i].kind];
      if (mentions[i].linked >= 0) linked.insert(mentions[i].linked);
    }
    c.count = 0;
    for (const auto& [kind, n] : per_kind) c.count = std::max(c.count, n);
    c.recorded = static_cast<int64_t>(linked.size());
    const BirthMention& best = mentions[c.mentions.front()];
    const std::string& m = mother[c.mentions.front()];
    if (WellFormed18(m) && best.sex != 0) {
      c.birth_key = m + "|" + best.birth.Iso() + "|" + std::string(1, best.sex);
    }
  }
  return children;
}

}  // namespace popreg::recon
