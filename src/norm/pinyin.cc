#include "norm/pinyin.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "base/utf8.h"
#include "norm/name.h"

namespace popreg::norm {
namespace {

using utf8::AppendUtf8;
using utf8::NextCodePoint;

// The surname table (see SurnameTable in pinyin.h).
//
// Single surnames: readings of characters as surnames where they differ from the character's most
// common reading (kMandarin's first). Source: the surname (姓) senses of 现代汉语词典 (7th
// edition), which gives e.g. 单 Shàn, 曾 Zēng, 解 Xiè, 区 Ōu, 查 Zhā, 仇 Qiú, 朴 Piáo, 盖 Gě,
// 翟 Zhái, 乐 Yuè. Where a character has two surname readings, the more common surname is
// listed (乐 Yuè rather than Lè; 覃 Qín rather than Tán; 翟 Zhái rather than Dí); the other stays
// among the character's readings, so SameReading still matches it. Regional readings that the
// dictionary does not give as surnames (黑 He) are left out.
//
// Compound surnames: those of the 百家姓 and other common ones, with their readings (现代汉语词典
// where it lists them: 万俟 Mòqí, 尉迟 Yùchí, 长孙 Zhǎngsūn, 单于 Chányú, 澹台 Tántái, 令狐
// Línghú, 诸葛 Zhūgě).
//
// Every reading is one of the character's Unihan readings (pinyin_test checks it).
// clang-format off
constexpr SurnameReading kSurnames[] = {
    {"单", "shan4"},   {"曾", "zeng1"},   {"解", "xie4"},    {"区", "ou1"},     {"查", "zha1"},
    {"仇", "qiu2"},    {"朴", "piao2"},   {"盖", "ge3"},     {"繁", "po2"},     {"翟", "zhai2"},
    {"乐", "yue4"},    {"秘", "bi4"},     {"缪", "miao4"},   {"种", "chong2"},  {"员", "yun4"},
    {"覃", "qin2"},    {"召", "shao4"},   {"折", "she2"},    {"隗", "wei3"},    {"过", "guo1"},
    {"纪", "ji3"},     {"燕", "yan1"},    {"任", "ren2"},    {"华", "hua4"},    {"要", "yao1"},
    {"那", "na1"},     {"都", "du1"},     {"肖", "xiao1"},   {"重", "chong2"},  {"乜", "nie4"},
    {"句", "gou1"},    {"能", "nai4"},    {"佴", "nai4"},    {"祭", "zhai4"},   {"薄", "bo2"},
    {"相", "xiang4"},  {"角", "jue2"},    {"哈", "ha3"},     {"占", "zhan1"},   {"洗", "xian3"},

    {"欧阳", "ou1 yang2"},      {"司马", "si1 ma3"},        {"诸葛", "zhu1 ge3"},
    {"上官", "shang4 guan1"},   {"司徒", "si1 tu2"},        {"东方", "dong1 fang1"},
    {"皇甫", "huang2 fu3"},     {"令狐", "ling2 hu2"},      {"慕容", "mu4 rong2"},
    {"夏侯", "xia4 hou2"},      {"尉迟", "yu4 chi2"},       {"长孙", "zhang3 sun1"},
    {"宇文", "yu3 wen2"},       {"公孙", "gong1 sun1"},     {"轩辕", "xuan1 yuan2"},
    {"端木", "duan1 mu4"},      {"申屠", "shen1 tu2"},      {"万俟", "mo4 qi2"},
    {"独孤", "du2 gu1"},        {"南宫", "nan2 gong1"},     {"百里", "bai3 li3"},
    {"呼延", "hu1 yan2"},       {"鲜于", "xian1 yu2"},      {"闾丘", "lv2 qiu1"},
    {"司空", "si1 kong1"},      {"太史", "tai4 shi3"},      {"单于", "chan2 yu2"},
    {"澹台", "tan2 tai2"},      {"闻人", "wen2 ren2"},      {"赫连", "he4 lian2"},
    {"公羊", "gong1 yang2"},    {"公冶", "gong1 ye3"},      {"宗政", "zong1 zheng4"},
    {"濮阳", "pu2 yang2"},      {"淳于", "chun2 yu2"},      {"太叔", "tai4 shu1"},
    {"仲孙", "zhong4 sun1"},    {"钟离", "zhong1 li2"},     {"司寇", "si1 kou4"},
    {"亓官", "qi2 guan1"},      {"子车", "zi3 ju1"},        {"颛孙", "zhuan1 sun1"},
    {"巫马", "wu1 ma3"},        {"公西", "gong1 xi1"},      {"漆雕", "qi1 diao1"},
    {"乐正", "yue4 zheng4"},    {"壤驷", "rang3 si4"},      {"公良", "gong1 liang2"},
    {"拓跋", "tuo4 ba2"},       {"夹谷", "jia2 gu3"},       {"宰父", "zai3 fu3"},
    {"谷梁", "gu3 liang2"},     {"段干", "duan4 gan1"},     {"东郭", "dong1 guo1"},
    {"南门", "nan2 men2"},      {"羊舌", "yang2 she2"},     {"微生", "wei1 sheng1"},
    {"梁丘", "liang2 qiu1"},    {"左丘", "zuo3 qiu1"},      {"东门", "dong1 men2"},
    {"西门", "xi1 men2"},       {"第五", "di4 wu3"},        {"完颜", "wan2 yan2"},
};
// clang-format on

// The reading of one surname position: the surname reading and every toneless reading of the
// character, the surname's first.
struct Position {
  TonedSyllable toned = 0;
  std::span<const Syllable> readings;
};

struct Surnames {
  std::unordered_map<char32_t, Position> single;
  std::unordered_map<uint64_t, std::pair<Position, Position>> compound;  // key: Pair(a, b)
  std::vector<Syllable> pool;  // the storage of every Position::readings
};

uint64_t Pair(char32_t a, char32_t b) { return (uint64_t{a} << 32) | b; }

// The surname tables are this file's own data: a mistake in them is a programming error.
[[noreturn]] void BadSurname(std::string_view surname, const char* what) {
  std::fprintf(stderr, "popreg: surname table entry %.*s: %s\n", static_cast<int>(surname.size()),
               surname.data(), what);
  std::abort();
}

std::vector<char32_t> Chars(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t pos = 0; pos < s.size();) out.push_back(NextCodePoint(s, &pos));
  return out;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const size_t sp = s.find(' ');
    out.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

const Surnames& GetSurnames() {
  static std::once_flag once;
  static const Surnames* surnames = nullptr;
  std::call_once(once, [] {
    auto* s = new Surnames;  // kept until the process ends
    // Offsets first: the pool grows while it is filled, so spans are made at the end.
    struct Pending {
      char32_t a, b;  // b == 0 for a single surname
      TonedSyllable toned[2];
      size_t begin[2], end[2];
    };
    std::vector<Pending> pending;
    auto add_position = [&](std::string_view surname, char32_t cp, std::string_view reading,
                            Pending* p, int i) {
      if (!FindTonedSyllable(reading, &p->toned[i])) BadSurname(surname, "unknown syllable");
      p->begin[i] = s->pool.size();
      s->pool.push_back(Toneless(p->toned[i]));
      for (Syllable r : HanTonelessReadings(cp)) {
        if (r != s->pool[p->begin[i]]) s->pool.push_back(r);
      }
      p->end[i] = s->pool.size();
    };
    for (const SurnameReading& e : kSurnames) {
      const auto cps = Chars(e.surname);
      const auto words = Words(e.reading);
      if (cps.empty() || cps.size() > 2 || words.size() != cps.size()) {
        BadSurname(e.surname, "needs one or two characters, one reading each");
      }
      Pending p{cps[0], cps.size() == 2 ? cps[1] : 0, {}, {}, {}};
      for (size_t i = 0; i < cps.size(); ++i) {
        add_position(e.surname, cps[i], words[i], &p, static_cast<int>(i));
      }
      pending.push_back(p);
    }
    auto span = [&](const Pending& p, int i) {
      return std::span<const Syllable>(s->pool.data() + p.begin[i], p.end[i] - p.begin[i]);
    };
    for (const Pending& p : pending) {
      if (p.b == 0) {
        s->single.emplace(p.a, Position{p.toned[0], span(p, 0)});
      } else {
        s->compound.emplace(Pair(p.a, p.b), std::pair{Position{p.toned[0], span(p, 0)},
                                                      Position{p.toned[1], span(p, 1)}});
      }
    }
    surnames = s;
  });
  return *surnames;
}

constexpr char32_t kMiddleDot = 0x00B7;
constexpr char32_t kKou = 0x53E3;  // 口

// Characters that only ever stand for a missing one (after NFKC: ？ -> ?, ＊ -> *).
bool IsPlaceholder(char32_t cp) {
  switch (cp) {
    case '?':
    case '*':
    case 0x25A0:  // ■ black square
    case 0x25A1:  // □ white square
    case 0x25CB:  // ○ white circle
    case 0x25EF:  // ◯ large circle
    case 0xFFFD:  // replacement character: a character lost to an encoding error
      return true;
    default:
      return false;
  }
}

// The closing bracket of an opening one, or 0.
char32_t ClosingBracket(char32_t cp) {
  switch (cp) {
    case '(':
      return ')';
    case '[':
      return ']';
    case '{':
      return '}';
    case '<':
      return '>';
    case 0x3010:  // 【
      return 0x3011;
    case 0x3014:  // 〔
      return 0x3015;
    case 0x3016:  // 〖
      return 0x3017;
    case 0x3008:  // 〈
      return 0x3009;
    case 0x300A:  // 《
      return 0x300B;
    default:
      return 0;
  }
}

// How many operands an ideographic description character takes; 0 for other characters.
int IdcOperands(char32_t cp) {
  if (cp == 0x2FF2 || cp == 0x2FF3) return 3;  // ⿲ ⿳
  if (cp >= 0x2FF0 && cp <= 0x2FFB) return 2;
  return 0;
}

// Skips one operand of an ideographic description sequence starting at byte *pos of s.
void SkipIdsOperand(std::string_view s, size_t* pos, int depth) {
  if (*pos >= s.size()) return;
  const char32_t cp = NextCodePoint(s, pos);
  const int operands = depth < 16 ? IdcOperands(cp) : 0;
  for (int i = 0; i < operands; ++i) SkipIdsOperand(s, pos, depth + 1);
}

void AppendLower(char32_t cp, std::string* out) {
  if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
  AppendUtf8(cp, out);
}

}  // namespace

void AnalyzeName(std::string_view name, NameKeys* out) {
  out->canonical = CanonicalName(name);
  out->chars.clear();
  out->surname_length = 0;
  out->dotted = false;
  out->partial = false;
  out->pinyin.clear();
  out->pinyin_toned.clear();
  out->initials.clear();
  out->readings.clear();

  // Positions, with placeholders, bracketed runs and description sequences as kUnknownChar.
  const std::string_view s = out->canonical;
  for (size_t pos = 0; pos < s.size();) {
    const char32_t cp = NextCodePoint(s, &pos);
    if (cp == kMiddleDot) {
      out->dotted = true;
    } else if (const char32_t close = ClosingBracket(cp); close != 0) {
      while (pos < s.size() && NextCodePoint(s, &pos) != close) {
      }
      out->chars.push_back(kUnknownChar);
    } else if (const int operands = IdcOperands(cp); operands != 0) {
      for (int i = 0; i < operands; ++i) SkipIdsOperand(s, &pos, 1);
      out->chars.push_back(kUnknownChar);
    } else {
      out->chars.push_back(IsPlaceholder(cp) ? kUnknownChar : cp);
    }
  }
  std::vector<char32_t>& chars = out->chars;
  const size_t n = chars.size();
  // 口 is a placeholder except as a surname (first position) followed by a real character.
  for (size_t i = 0; i < n; ++i) {
    if (chars[i] != kKou) continue;
    const bool first_alone = i == 0 && (n == 1 || (chars[1] != kKou && chars[1] != kUnknownChar));
    if (!first_alone) chars[i] = kUnknownChar;
  }
  for (char32_t cp : chars) out->partial |= cp == kUnknownChar;

  // The surname.
  const Surnames& surnames = GetSurnames();
  const std::pair<Position, Position>* compound = nullptr;
  const Position* single = nullptr;
  if (!out->dotted && n >= 2 && chars[0] != kUnknownChar && !HanReadings(chars[0]).empty()) {
    if (n >= 3) {
      const auto it = surnames.compound.find(Pair(chars[0], chars[1]));
      if (it != surnames.compound.end()) compound = &it->second;
    }
    if (compound != nullptr) {
      out->surname_length = 2;
    } else {
      out->surname_length = 1;
      const auto it = surnames.single.find(chars[0]);
      if (it != surnames.single.end()) single = &it->second;
    }
  }

  // Readings per position.
  out->pinyin.resize(n);
  out->pinyin_toned.resize(n);
  out->readings.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const char32_t cp = chars[i];
    const Position* surname = nullptr;
    if (compound != nullptr && i < 2) surname = i == 0 ? &compound->first : &compound->second;
    if (single != nullptr && i == 0) surname = single;
    std::string& pinyin = out->pinyin[i];
    std::string& toned = out->pinyin_toned[i];
    pinyin.clear();
    toned.clear();
    if (surname != nullptr) {
      toned = TonedSyllableText(surname->toned);
      out->readings[i] = surname->readings;
    } else if (const auto readings = HanReadings(cp); !readings.empty()) {
      toned = TonedSyllableText(readings[0]);
      out->readings[i] = HanTonelessReadings(cp);
    } else {
      out->readings[i] = {};
    }
    if (!toned.empty()) {
      pinyin.assign(toned, 0, toned.size() - 1);
      out->initials.push_back(pinyin[0]);
    } else {
      if (cp == kUnknownChar) {
        pinyin.push_back('?');  // cleared above
        out->initials.push_back('?');
      } else {
        AppendLower(cp, &pinyin);
        AppendLower(cp, &out->initials);
      }
      toned = pinyin;
    }
  }
}

NameKeys AnalyzeName(std::string_view name) {
  NameKeys keys;
  AnalyzeName(name, &keys);
  return keys;
}

std::span<const SurnameReading> SurnameTable() { return kSurnames; }

std::string PinyinKey(const NameKeys& keys) {
  std::string out;
  for (const std::string& syllable : keys.pinyin) {
    if (!out.empty()) out.push_back(' ');
    out += syllable;
  }
  return out;
}

bool SameReading(const NameKeys& a, const NameKeys& b) {
  if (a.chars.size() != b.chars.size()) return false;
  for (size_t i = 0; i < a.chars.size(); ++i) {
    const char32_t x = a.chars[i];
    const char32_t y = b.chars[i];
    if (x == y || x == kUnknownChar || y == kUnknownChar) continue;
    const auto rx = a.readings[i];
    const auto ry = b.readings[i];
    bool shared = false;
    for (Syllable s : rx) {
      for (Syllable t : ry) shared |= s == t;
    }
    if (!shared) return false;
  }
  return true;
}

bool SameReading(std::string_view a, std::string_view b) {
  return SameReading(AnalyzeName(a), AnalyzeName(b));
}

}  // namespace popreg::norm
