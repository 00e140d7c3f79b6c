#include "norm/address.h"

#include <algorithm>

#include "base/utf8.h"

namespace popreg::norm {
namespace {

// An address as code points, full-width folded, spaces removed.
std::u32string Fold(std::string_view s) {
  std::u32string out;
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp = utf8::NextCodePoint(s, &pos);
    if (cp == utf8::kIllFormed) continue;
    cp = utf8::FoldWidth(cp);
    if (utf8::IsSpace(cp)) continue;
    if (cp == U'—' || cp == U'–' || cp == U'－' || cp == U'−') cp = U'-';
    if (cp >= U'a' && cp <= U'z') cp = cp - U'a' + U'A';
    out.push_back(cp);
  }
  return out;
}

int ChineseDigit(char32_t c) {
  switch (c) {
    case U'〇':
    case U'零':
      return 0;
    case U'一':
      return 1;
    case U'二':
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}

// A number in the text: ASCII digits (with an optional trailing letter, 12A), or a Chinese
// numeral below one hundred (三, 十二, 二十一).
struct Number {
  size_t begin = 0, end = 0;  // [begin, end) in the folded text
  std::string value;
};

std::vector<Number> FindNumbers(const std::u32string& t) {
  std::vector<Number> out;
  size_t i = 0;
  while (i < t.size()) {
    if (t[i] >= U'0' && t[i] <= U'9') {
      Number n{i, i, ""};
      while (i < t.size() && t[i] >= U'0' && t[i] <= U'9')
        n.value.push_back(static_cast<char>(t[i++]));
      if (i < t.size() && t[i] >= U'A' && t[i] <= U'Z' &&
          !(i + 1 < t.size() && t[i + 1] >= U'A' && t[i + 1] <= U'Z')) {
        n.value.push_back(static_cast<char>(t[i++]));
      }
      n.end = i;
      const size_t nz = n.value.find_first_not_of('0');
      n.value = nz == std::string::npos ? "0" : n.value.substr(nz);
      out.push_back(std::move(n));
      continue;
    }
    if (ChineseDigit(t[i]) >= 0 || t[i] == U'十') {
      const size_t begin = i;
      int value = 0, digit = -1;
      bool ten = false;
      while (i < t.size() && (ChineseDigit(t[i]) >= 0 || t[i] == U'十')) {
        if (t[i] == U'十') {
          value += (digit < 0 ? 1 : digit) * 10;
          digit = -1;
          ten = true;
        } else {
          digit = ChineseDigit(t[i]);
        }
        ++i;
      }
      if (digit >= 0) value += digit;
      // A lone 〇/零 or a run of digits without 十 longer than one (一二三) is not a number here.
      if (i - begin == 1 || ten) out.push_back({begin, i, std::to_string(value)});
      continue;
    }
    ++i;
  }
  return out;
}

bool At(const std::u32string& t, size_t pos, std::u32string_view word) {
  return t.compare(pos, word.size(), word) == 0;
}

// The length of the building marker at `pos` (号楼, 栋, 幢, 座, #楼, #, 号院?), or 0.
size_t BuildingMarker(const std::u32string& t, size_t pos) {
  for (std::u32string_view m : {U"号楼", U"#楼", U"栋", U"幢", U"座", U"#"}) {
    if (At(t, pos, m)) return m.size();
  }
  return 0;
}

}  // namespace

std::string AddressTail(std::string_view address) {
  std::u32string t = Fold(address);
  // The administrative levels from the top, each a set of endings. A segment is at most
  // kMaxSegment code points long (the longest common names, e.g. 新疆维吾尔自治区, are shorter),
  // so that a marker deep inside the street part is not taken for a level.
  constexpr size_t kMaxSegment = 10;
  const std::vector<std::vector<std::u32string_view>> levels = {
      {U"省", U"自治区"}, {U"市", U"州", U"盟"}, {U"区", U"县", U"旗"}, {U"街道", U"镇", U"乡"}};
  size_t start = 0;
  for (const std::vector<std::u32string_view>& endings : levels) {
    size_t best = std::u32string::npos;
    for (std::u32string_view e : endings) {
      const size_t at = t.find(e, start);
      if (at == std::u32string::npos || at - start + e.size() > kMaxSegment || at == start)
        continue;
      // 社区, 小区, 园区 and 校区 name places inside a community, not a district.
      if (e == U"区" &&
          (t[at - 1] == U'社' || t[at - 1] == U'小' || t[at - 1] == U'园' || t[at - 1] == U'校')) {
        continue;
      }
      // A community, a village, a road or a house number comes after every level: a marker
      // behind one of them belongs to a place name (城市花园), not to a level.
      const std::u32string_view segment(t.data() + start, at - start);
      bool below = false;
      for (std::u32string_view w : {U"社区", U"村", U"路", U"号"}) {
        below = below || segment.find(w) != std::u32string_view::npos;
      }
      if (below) continue;
      best = std::min(best, at + e.size());
    }
    if (best != std::u32string::npos && best < t.size()) start = best;
  }
  std::string out;
  for (size_t i = start; i < t.size(); ++i) utf8::AppendUtf8(t[i], &out);
  return out;
}

AddressParts ParseAddress(std::string_view address) {
  const std::u32string t = Fold(address);
  const std::vector<Number> nums = FindNumbers(t);
  AddressParts p;
  // 1. A building marker: the dwelling follows it.
  size_t building = nums.size();
  for (size_t i = 0; i < nums.size(); ++i) {
    if (BuildingMarker(t, nums[i].end) > 0) building = i;
  }
  if (building < nums.size()) {
    p.building = nums[building].value;
    for (size_t i = building + 1; i < nums.size(); ++i) {
      const Number& n = nums[i];
      if (At(t, n.end, U"单元")) {
        p.unit = n.value;
      } else if (p.room.empty()) {
        p.room = n.value;  // 501室, 501房, or a bare 501 at the end
      }
    }
    return p;
  }
  // 2. 3-2-501 or 3-501.
  for (size_t i = 0; i + 1 < nums.size(); ++i) {
    if (nums[i].end < t.size() && t[nums[i].end] == U'-' && nums[i + 1].begin == nums[i].end + 1) {
      p.building = nums[i].value;
      if (i + 2 < nums.size() && nums[i + 1].end < t.size() && t[nums[i + 1].end] == U'-' &&
          nums[i + 2].begin == nums[i + 1].end + 1) {
        p.unit = nums[i + 1].value;
        p.room = nums[i + 2].value;
      } else {
        p.room = nums[i + 1].value;
      }
      return p;
    }
  }
  // 3. A unit without a building, or a room: 2单元501室.
  for (const Number& n : nums) {
    if (At(t, n.end, U"单元")) p.unit = n.value;
    if (At(t, n.end, U"室") || At(t, n.end, U"房")) p.room = n.value;
  }
  if (!p.room.empty()) return p;
  // 4. A village house number: the last number followed by 号.
  for (size_t i = nums.size(); i-- > 0;) {
    if (At(t, nums[i].end, U"号")) {
      p.room = nums[i].value;
      break;
    }
  }
  return p;
}

namespace {

constexpr std::string_view kSuffixes[] = {
    "社区居民委员会", "社区居委会", "居民委员会", "村民委员会", "社区", "居委会", "村委会",
    "街道办事处",     "街道办",     "街道",       "村",         "镇",   "乡"};

std::string StripSuffix(std::string_view name) {
  for (std::string_view s : kSuffixes) {
    if (name.size() > s.size() && name.ends_with(s))
      return std::string(name.substr(0, name.size() - s.size()));
  }
  return std::string(name);
}

}  // namespace

void AreaIndex::Add(std::string code, std::string_view name) {
  if (code.size() != 12) return;
  std::string folded;
  for (char32_t c : Fold(name)) utf8::AppendUtf8(c, &folded);
  const bool community = code.size() == 12 && !code.ends_with("000");
  std::string key = StripSuffix(folded);
  if (!key.empty()) {
    const auto at = std::lower_bound(key_lengths_.begin(), key_lengths_.end(), key.size());
    if (at == key_lengths_.end() || *at != key.size()) key_lengths_.insert(at, key.size());
    by_key_[std::move(key)].push_back(static_cast<uint32_t>(entries_.size()));
  }
  entries_.push_back({std::move(code), std::move(folded), community});
}

std::string AreaIndex::Resolve(std::string_view address) const {
  std::string folded;
  for (char32_t c : Fold(address)) utf8::AppendUtf8(c, &folded);
  // The areas whose key the address holds (a name found whole holds its key too: the key is the
  // name's beginning), in the order they were added. A UTF-8 key can only start where a
  // character starts.
  const std::string_view text = folded;
  std::vector<uint32_t> found;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    for (size_t length : key_lengths_) {
      if (length > text.size() - i) break;
      const auto it = by_key_.find(text.substr(i, length));
      if (it != by_key_.end()) found.insert(found.end(), it->second.begin(), it->second.end());
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  const Entry* best = nullptr;
  int best_score = 0;
  bool tie = false;
  for (uint32_t index : found) {
    const Entry& e = entries_[index];
    const int whole = folded.find(e.name) != std::string::npos ? 1 : 0;
    // Order: found whole, community, longer name.
    const int score = whole * 4'000'000 + (e.community ? 2'000'000 : 0) +
                      static_cast<int>(std::min<size_t>(e.name.size(), 1'000'000));
    if (score > best_score) {
      best = &e;
      best_score = score;
      tie = false;
    } else if (score == best_score && best->code != e.code) {
      tie = true;
    }
  }
  return best == nullptr || tie ? std::string() : best->code;
}

}  // namespace popreg::norm
