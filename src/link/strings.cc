#include "link/strings.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "base/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace popreg::link {
namespace {

constexpr size_t kWordBits = 64;

// The pattern-match masks of the bit-parallel algorithms (Myers 1999, "Peq"): for a pattern of
// at most 64 code points and any code point c, bit i of Get(c) is set iff pattern[i] == c. Two
// implementations, both on the stack and built in O(pattern length) without allocating; the
// kernels are templates on them and choose by the pattern's length once per call.

// Patterns of at most 8 code points (Chinese names): Get compares c with all 8 slots at once
// (two SSE2 compares and movemasks; a scalar loop elsewhere).
class ShortMasks {
 public:
  static constexpr size_t kMaxSize = 8;

  // Requires pattern.size() <= kMaxSize.
  explicit ShortMasks(std::u32string_view pattern) : valid_((uint64_t{1} << pattern.size()) - 1) {
    // Slots past the pattern are masked off by valid_.
    alignas(16) char32_t chars[kMaxSize] = {};
    for (size_t i = 0; i < pattern.size(); ++i) chars[i] = pattern[i];
#if defined(__SSE2__)
    lo_ = _mm_load_si128(reinterpret_cast<const __m128i*>(chars));
    hi_ = _mm_load_si128(reinterpret_cast<const __m128i*>(chars + 4));
#else
    std::copy_n(chars, kMaxSize, chars_);
#endif
  }

  uint64_t Get(char32_t c) const {
#if defined(__SSE2__)
    const __m128i v = _mm_set1_epi32(static_cast<int>(c));
    const int bits = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(lo_, v))) |
                     (_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(hi_, v))) << 4);
    return static_cast<uint64_t>(bits) & valid_;
#else
    uint64_t bits = 0;
    for (size_t i = 0; i < kMaxSize; ++i) bits |= uint64_t{chars_[i] == c} << i;
    return bits & valid_;
#endif
  }

 private:
#if defined(__SSE2__)
  __m128i lo_;  // the code points 0..3 and 4..7
  __m128i hi_;
#else
  char32_t chars_[kMaxSize];
#endif
  uint64_t valid_;
};

// Patterns of up to 64 code points: ASCII code points index a table that spans only the range
// from the least to the greatest ASCII code point of the pattern (a-z for pinyin, 0-9 for the
// numbers of an address), so that clearing it is cheap; the other code points go to an
// open-addressing hash table (linear probing, Knuth's multiplicative hash) at most a quarter
// full, of which only the slots in use are cleared. A slot is empty iff its mask is 0 (a stored
// code point always has a bit), so any code point can be a key.
class PatternMasks {
 public:
  // Requires pattern.size() <= 64.
  explicit PatternMasks(std::u32string_view pattern) {
    size_t others = 0;
    char32_t lo = kAscii;
    char32_t hi = 0;
    for (const char32_t c : pattern) {
      if (c < kAscii) {
        lo = std::min(lo, c);
        hi = std::max(hi, c);
      } else {
        ++others;
      }
    }
    if (lo <= hi) {
      ascii_lo_ = lo;
      ascii_span_ = hi - lo + 1;
      std::fill_n(ascii_, ascii_span_, uint64_t{0});
    }
    int bits = 2;
    while ((size_t{1} << bits) < 4 * others) ++bits;
    shift_ = 32 - bits;
    slot_mask_ = (uint32_t{1} << bits) - 1;
    std::fill_n(masks_, slot_mask_ + 1, uint64_t{0});
    for (size_t i = 0; i < pattern.size(); ++i) {
      const char32_t c = pattern[i];
      const uint64_t bit = uint64_t{1} << i;
      if (c < kAscii) {
        ascii_[c - ascii_lo_] |= bit;
        continue;
      }
      uint32_t s = Slot(c);
      while (masks_[s] != 0 && keys_[s] != c) s = (s + 1) & slot_mask_;
      keys_[s] = c;
      masks_[s] |= bit;
    }
  }

  uint64_t Get(char32_t c) const {
    const uint32_t offset = static_cast<uint32_t>(c) - ascii_lo_;  // wraps around below lo
    if (offset < ascii_span_) return ascii_[offset];
    if (c < kAscii) return 0;
    uint32_t s = Slot(c);
    while (masks_[s] != 0) {
      if (keys_[s] == c) return masks_[s];
      s = (s + 1) & slot_mask_;
    }
    return 0;
  }

 private:
  static constexpr char32_t kAscii = 128;
  static constexpr size_t kSlots = 4 * kWordBits;

  uint32_t Slot(char32_t c) const { return (static_cast<uint32_t>(c) * 0x9E3779B1u) >> shift_; }

  uint32_t ascii_lo_ = 0;
  uint32_t ascii_span_ = 0;  // 0 when the pattern has no ASCII code point
  int shift_;
  uint32_t slot_mask_;
  uint64_t ascii_[kAscii];
  uint64_t masks_[kSlots];
  char32_t keys_[kSlots];
};

// Drops the common prefix and the common suffix of `a` and `b`. Neither distance changes: both
// satisfy D(xA, xB) = D(A, B) and D(Ax, Bx) = D(A, B).
void DropCommonAffix(std::u32string_view* a, std::u32string_view* b) {
  const size_t n = std::min(a->size(), b->size());
  size_t prefix = 0;
  while (prefix < n && (*a)[prefix] == (*b)[prefix]) ++prefix;
  a->remove_prefix(prefix);
  b->remove_prefix(prefix);
  const size_t m = n - prefix;
  size_t suffix = 0;
  while (suffix < m && (*a)[a->size() - 1 - suffix] == (*b)[b->size() - 1 - suffix]) ++suffix;
  a->remove_suffix(suffix);
  b->remove_suffix(suffix);
}

// Levenshtein (kOsa false) or OSA (kOsa true) distance by Hyyrö's bit vectors. Requires
// 1 <= a.size() <= 64, a.size() <= b.size() and k >= 0. Returns the distance if <= k, else k + 1.
template <bool kOsa, typename Masks>
int BitParallelDistance(std::u32string_view a, std::u32string_view b, int k) {
  const Masks pm(a);
  const uint64_t last = uint64_t{1} << (a.size() - 1);
  uint64_t vp = ~uint64_t{0};  // vertical +1 deltas of the current column
  uint64_t vn = 0;             // vertical -1 deltas
  uint64_t d0 = 0;             // diagonal zero deltas (kept for transpositions)
  uint64_t eq_prev = 0;        // match mask of the previous text code point
  int score = static_cast<int>(a.size());
  const int n = static_cast<int>(b.size());
  for (int j = 0; j < n; ++j) {
    const uint64_t eq = pm.Get(b[j]);
    if constexpr (kOsa) {
      // A transposition ends at (i, j) iff a[i] == b[j-1] and a[i-1] == b[j] and the diagonal at
      // (i-1, j-1) was not already free.
      const uint64_t tr = (((~d0) & eq) << 1) & eq_prev;
      d0 = ((((eq & vp) + vp) ^ vp) | eq | vn) | tr;
      eq_prev = eq;
    } else {
      d0 = (((eq & vp) + vp) ^ vp) | eq | vn;
    }
    uint64_t hp = vn | ~(d0 | vp);
    uint64_t hn = vp & d0;
    score += (hp & last) != 0;
    score -= (hn & last) != 0;
    // The last row can fall by at most one per remaining column.
    if (score - (n - 1 - j) > k) return k + 1;
    hp = (hp << 1) | 1;
    hn <<= 1;
    vp = hn | ~(d0 | hp);
    vn = hp & d0;
  }
  return score > k ? k + 1 : score;
}

// The dynamic programme restricted to the band |i - j| <= k (Ukkonen 1985), with values capped at
// k + 1; kOsa adds the transposition case. Requires a.size() <= b.size(), k >= b.size() -
// a.size() and k >= 0. Returns the distance if <= k, else k + 1. O(k * |a|) time, O(|b|) memory.
template <bool kOsa>
int BandedDistance(std::u32string_view a, std::u32string_view b, int k) {
  const int m = static_cast<int>(a.size());
  const int n = static_cast<int>(b.size());
  const int inf = k + 1;
  // Rows i-2, i-1 and i of D (i over a, j over b). Row i writes the cells jlo-1 .. jhi+1 (the
  // band and the two cells beside it), which covers every cell rows i+1 and i+2 read.
  std::vector<int> prev2(kOsa ? n + 1 : 0);
  std::vector<int> prev(n + 1);
  std::vector<int> cur(n + 1);
  for (int j = 0; j <= n; ++j) prev[j] = std::min(j, inf);
  for (int i = 1; i <= m; ++i) {
    const int jlo = std::max(1, i - k);
    const int jhi = std::min(n, i + k);
    cur[jlo - 1] = jlo == 1 ? std::min(i, inf) : inf;
    if (jhi < n) cur[jhi + 1] = inf;
    int row_min = cur[jlo - 1];
    const char32_t ca = a[i - 1];
    for (int j = jlo; j <= jhi; ++j) {
      int d = std::min({prev[j - 1] + (ca == b[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1});
      if constexpr (kOsa) {
        if (i > 1 && j > 1 && ca == b[j - 2] && a[i - 2] == b[j - 1]) {
          d = std::min(d, prev2[j - 2] + 1);
        }
      }
      d = std::min(d, inf);
      cur[j] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min >= inf) return inf;  // every alignment passes through row i
    if constexpr (kOsa) std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[n];
}

// Shared driver of Levenshtein and DamerauLevenshtein.
template <bool kOsa>
int EditDistance(std::u32string_view a, std::u32string_view b, int max_distance) {
  max_distance = std::max(max_distance, 0);
  if (a.size() > b.size()) std::swap(a, b);
  DropCommonAffix(&a, &b);
  // Now a is empty or differs from b, and |b| - |a| <= distance <= |b|.
  const size_t diff = b.size() - a.size();
  if (diff > static_cast<size_t>(max_distance)) return max_distance + 1;
  if (a.empty()) return static_cast<int>(b.size());
  if (max_distance == 0) return 1;
  // The distance is at most |b|, so a bound above |b| changes nothing.
  const int k = static_cast<int>(std::min(static_cast<size_t>(max_distance), b.size()));
  if (a.size() <= ShortMasks::kMaxSize) return BitParallelDistance<kOsa, ShortMasks>(a, b, k);
  if (a.size() <= kWordBits) return BitParallelDistance<kOsa, PatternMasks>(a, b, k);
  // Ukkonen's doubling: a band of width t gives the exact distance if it is <= t.
  int t = std::max(static_cast<int>(diff), 16);
  while (true) {
    t = std::min(t, k);
    const int d = BandedDistance<kOsa>(a, b, t);
    if (d <= t || t == k) return d;
    t *= 2;
  }
}

// Bits 0 .. n-1 set, for n <= 64 (and all for n >= 64).
uint64_t LowBits(size_t n) { return n >= kWordBits ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

// Jaro for a.size() <= b.size(), 1 <= a.size() <= 64: the match flags of `a` are one mask; each
// code point of `b` takes the leftmost unflagged equal code point of `a` in its window. Greedy from
// either side gives the same matches, so the result equals the textbook loop over a
// (strings_test.cc checks this against the textbook loop).
//
// The common prefix is matched position by position whatever the window (each a[j] is then the
// leftmost free equal code point for b[j]), and its matches are never transposed, so it is
// counted without the loop.
template <typename Masks>
double BitParallelJaro(std::u32string_view a, std::u32string_view b, size_t window) {
  size_t prefix = 0;
  while (prefix < a.size() && a[prefix] == b[prefix]) ++prefix;
  const Masks pm(a);
  const uint64_t valid = LowBits(a.size());
  uint64_t a_flags = LowBits(prefix);
  // The window of a for b[j]: bits j - window .. j + window of a, then grown and slid one bit a
  // step.
  uint64_t bound = LowBits(prefix + window + 1) & ~LowBits(prefix > window ? prefix - window : 0);
  // The matched code points of b after the prefix, in order. One spare place: the loop writes b[j]
  // at index `rest` before it knows whether b[j] matched, and rest can reach 64.
  char32_t b_matched[kWordBits + 1];
  int rest = 0;
  // Past a.size() + window, the window lies beyond the end of a.
  const size_t end = std::min(b.size(), a.size() + window);
  for (size_t j = prefix; j < end; ++j) {
    // Without branches: the match taken is the lowest free equal code point in the window (none
    // if the mask is 0); b[j] is written at the next free place and kept only if it matched.
    const uint64_t candidates = pm.Get(b[j]) & bound & valid & ~a_flags;
    const uint64_t lowest = candidates & (~candidates + 1);
    a_flags |= lowest;
    b_matched[rest] = b[j];
    rest += lowest != 0;
    bound = (bound << 1) | uint64_t{j < window};
  }
  const int matches = static_cast<int>(prefix) + rest;
  if (matches == 0) return 0.0;
  int transpositions = 0;
  uint64_t a_rest = a_flags & ~LowBits(prefix);
  for (int k = 0; k < rest; ++k) {
    const int i = std::countr_zero(a_rest);
    a_rest &= a_rest - 1;
    transpositions += a[i] != b_matched[k];
  }
  const double md = matches;
  return (md / static_cast<double>(a.size()) + md / static_cast<double>(b.size()) +
          (md - transpositions / 2) / md) /
         3.0;
}

// The textbook Jaro loops, for strings longer than the bit-parallel path takes.
double FlagsJaro(std::u32string_view a, std::u32string_view b, size_t window) {
  std::vector<bool> a_flags(a.size());
  std::vector<bool> b_flags(b.size());
  int matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(i + window + 1, b.size());
    for (size_t j = lo; j < hi; ++j) {
      if (!b_flags[j] && a[i] == b[j]) {
        a_flags[i] = true;
        b_flags[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  size_t j = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a_flags[i]) continue;
    while (!b_flags[j]) ++j;
    transpositions += a[i] != b[j];
    ++j;
  }
  const double md = matches;
  return (md / static_cast<double>(a.size()) + md / static_cast<double>(b.size()) +
          (md - transpositions / 2) / md) /
         3.0;
}

// UTF-8 decoded to code points: into an inline buffer when the input has at most kInline bytes
// (a code point takes at least one byte), else into a heap string. Neither copyable nor movable:
// view() points into the object.
class Decoded {
 public:
  explicit Decoded(std::string_view utf8) {
    if (utf8.size() > kInline) {
      heap_ = ToU32(utf8);
      view_ = heap_;
      return;
    }
    size_t n = 0;
    for (size_t pos = 0; pos < utf8.size();) {
      const char32_t c = utf8::NextCodePoint(utf8, &pos);
      inline_[n++] = c == utf8::kIllFormed ? U'\uFFFD' : c;
    }
    view_ = std::u32string_view(inline_, n);
  }
  Decoded(const Decoded&) = delete;
  Decoded& operator=(const Decoded&) = delete;

  std::u32string_view view() const { return view_; }

 private:
  static constexpr size_t kInline = 128;
  char32_t inline_[kInline];
  std::u32string heap_;
  std::u32string_view view_;
};

}  // namespace

std::u32string ToU32(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (size_t pos = 0; pos < utf8.size();) {
    const char32_t c = utf8::NextCodePoint(utf8, &pos);
    out.push_back(c == utf8::kIllFormed ? U'\uFFFD' : c);
  }
  return out;
}

int Levenshtein(std::u32string_view a, std::u32string_view b, int max_distance) {
  return EditDistance<false>(a, b, max_distance);
}

int DamerauLevenshtein(std::u32string_view a, std::u32string_view b, int max_distance) {
  return EditDistance<true>(a, b, max_distance);
}

double Jaro(std::u32string_view a, std::u32string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.empty()) return b.empty() ? 1.0 : 0.0;
  if (a == b) return 1.0;
  // Winkler (1990): the matching window is max(|a|, |b|) / 2 - 1, and not negative.
  const size_t window = std::max<size_t>(b.size() / 2, 1) - 1;
  if (a.size() <= ShortMasks::kMaxSize) return BitParallelJaro<ShortMasks>(a, b, window);
  if (a.size() <= kWordBits) return BitParallelJaro<PatternMasks>(a, b, window);
  return FlagsJaro(a, b, window);
}

double JaroWinkler(std::u32string_view a, std::u32string_view b, double prefix_scale,
                   double boost_threshold) {
  const double jaro = Jaro(a, b);
  if (!(jaro > boost_threshold)) return jaro;
  const size_t limit = std::min({a.size(), b.size(), size_t{4}});
  size_t prefix = 0;
  while (prefix < limit && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * prefix_scale * (1.0 - jaro);
}

int Levenshtein(std::string_view a, std::string_view b, int max_distance) {
  const Decoded da(a);
  const Decoded db(b);
  return Levenshtein(da.view(), db.view(), max_distance);
}

int DamerauLevenshtein(std::string_view a, std::string_view b, int max_distance) {
  const Decoded da(a);
  const Decoded db(b);
  return DamerauLevenshtein(da.view(), db.view(), max_distance);
}

double Jaro(std::string_view a, std::string_view b) {
  const Decoded da(a);
  const Decoded db(b);
  return Jaro(da.view(), db.view());
}

double JaroWinkler(std::string_view a, std::string_view b, double prefix_scale,
                   double boost_threshold) {
  const Decoded da(a);
  const Decoded db(b);
  return JaroWinkler(da.view(), db.view(), prefix_scale, boost_threshold);
}

}  // namespace popreg::link
