#include "recon/births.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "base/thread_pool.h"
#include "link/strings.h"
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

// One substitution or one adjacent transposition apart, as the engine's id_typo level counts.
bool OneTypoApart(std::string_view a, std::string_view b) {
  return a.size() == b.size() && a != b && link::DamerauLevenshtein(a, b, 1) == 1;
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

// Relations to the head of the household (与户主关系) as registers write them (GB/T 4761).
bool IsChildOfHead(std::string_view relation) {
  static constexpr std::string_view kChild[] = {"子",   "女",   "儿子",   "女儿",  "长子", "次子",
                                                "三子", "长女", "次女",   "三女",  "养子", "养女",
                                                "继子", "继女", "独生子", "独生女"};
  for (std::string_view c : kChild) {
    if (relation == c) return true;
  }
  return false;
}

bool IsHeadOrWife(std::string_view relation) {
  static constexpr std::string_view kHead[] = {"户主", "本人", "配偶", "妻", "妻子"};
  for (std::string_view h : kHead) {
    if (relation == h) return true;
  }
  return false;
}

// The first person at or after `i` who begins a card (reg.size() when none does).
size_t CardStart(const store::RegisterColumns& reg, size_t i) {
  while (i > 0 && i < reg.size() && reg.card_no[i] == reg.card_no[i - 1]) ++i;
  return std::min(i, reg.size());
}

// RegisterMothers of the persons [first, last), who are whole cards.
TextColumn CardMothers(const store::RegisterColumns& reg, const Date& as_of, size_t first,
                       size_t last) {
  TextColumn out;
  out.reserve(last - first);
  std::vector<std::string> card;  // the mothers of one card's persons
  size_t begin = first;
  while (begin < last) {
    size_t end = begin + 1;
    while (end < last && reg.card_no[end] == reg.card_no[begin]) ++end;
    card.assign(end - begin, std::string());
    auto mother = [&](size_t i) -> std::string& { return card[i - begin]; };
    for (size_t i = begin; i < end; ++i) {
      const norm::IdInfo given = norm::ParseIdNumber(reg.mother_id_number[i], as_of);
      if (given.valid()) {
        mother(i) = given.normalized;
        continue;
      }
      const std::optional<Date> birth = Date::ParseIso(reg.birth_date[i]);
      if (!birth) continue;
      const bool child_of_head = IsChildOfHead(reg.relation[i]);
      // Best first: the head or the head's wife for the head's child; then a woman aged 20 to
      // 45 at the birth (an elder sister of 18 is not the mother); then the age gap closest
      // to 28 years.
      std::tuple<bool, bool, int> best{false, false, -1000};
      for (size_t j = begin; j < end; ++j) {
        if (j == i || reg.sex[j] != "F") continue;
        const std::optional<Date> b = Date::ParseIso(reg.birth_date[j]);
        if (!b) continue;
        const int age = AgeInYears(*b, *birth);
        if (age < 14 || age > 55) continue;
        // A mistyped number still finds her: the births' link compares it one typo apart.
        const norm::IdInfo id = norm::ParseIdNumber(reg.id_number[j], as_of);
        if (id.missing() || id.normalized.size() != 18) continue;
        const std::tuple<bool, bool, int> rank{child_of_head && IsHeadOrWife(reg.relation[j]),
                                               age >= 20 && age <= 45, -std::abs(age - 28)};
        if (rank > best) {
          best = rank;
          mother(i) = id.normalized;
        }
      }
    }
    // A child of the head without a mother in the card shares its siblings' given mother.
    for (size_t i = begin; i < end; ++i) {
      if (!mother(i).empty() || !IsChildOfHead(reg.relation[i])) continue;
      for (size_t j = begin; j < end; ++j) {
        if (j == i || !IsChildOfHead(reg.relation[j])) continue;
        const norm::IdInfo given = norm::ParseIdNumber(reg.mother_id_number[j], as_of);
        if (given.valid()) {
          mother(i) = given.normalized;
          break;
        }
      }
    }
    for (const std::string& m : card) out.push_back(m);
    begin = end;
  }
  return out;
}

}  // namespace

TextColumn RegisterMothers(const store::RegisterColumns& reg, const Date& as_of, int threads) {
  // Cards are independent: each chunk of persons takes the cards that begin in it.
  ThreadPool pool(threads);
  std::vector<TextColumn> chunks = pool.ParallelChunks<TextColumn>(
      static_cast<int64_t>(reg.size()), 16384, [&](int64_t begin, int64_t end) {
        return CardMothers(reg, as_of, CardStart(reg, static_cast<size_t>(begin)),
                           CardStart(reg, static_cast<size_t>(end)));
      });
  TextColumn out;
  size_t bytes = 0;
  for (const TextColumn& c : chunks) bytes += c.text_bytes();
  out.reserve(reg.size(), bytes);
  for (const TextColumn& c : chunks) out.Append(c);
  return out;
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
