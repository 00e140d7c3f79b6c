// String comparison kernels of the linkage engine: edit distances (Levenshtein, optimal string
// alignment) and the Jaro and Jaro-Winkler comparators.
//
// The kernels work on sequences of Unicode code points (std::u32string_view), so that a Chinese
// character counts as one symbol: 张伟 and 张玮 are at distance 1, not 3 (their UTF-8 bytes).
// Records keep their normalised strings as std::u32string for this reason. The overloads on UTF-8
// std::string_view decode both arguments first (into a stack buffer up to 128 bytes, else on the
// heap) and take about twice as long as the kernel on names and addresses (bench/strings_bench.cc);
// use them outside the pair loop only.
//
// All functions are pure: any thread may call them at any time. None allocates for strings whose
// shorter argument has at most 64 code points (the bit-parallel paths); the fallbacks for longer
// strings allocate O(length) memory. Code points are compared as numbers, with no folding of any
// kind: case, width and variants are the business of norm/.
#pragma once

#include <climits>
#include <string>
#include <string_view>

namespace popreg::link {

// The code points of `utf8`, decoded with utf8::NextCodePoint; each ill-formed byte sequence
// becomes one U+FFFD (replacement character).
std::u32string ToU32(std::string_view utf8);

// The Levenshtein distance between `a` and `b`: the least number of insertions, deletions and
// substitutions of one code point that turn `a` into `b`.
//
// Returns the distance if it is at most `max_distance`, otherwise exactly max_distance + 1 (and
// stops as soon as that is certain: a small bound makes far-apart strings cheap). A negative
// `max_distance` is treated as 0. The strings must be shorter than INT_MAX code points.
//
// Algorithm: common prefix and suffix are dropped; then, when the shorter string has at most 64
// code points, the bit-vector algorithm of Myers ("A fast bit-vector algorithm for approximate
// string matching based on dynamic programming", J. ACM 46(3), 1999) in the edit-distance form of
// Hyyrö ("A bit-vector algorithm for computing Levenshtein and Damerau edit distances", Nordic J.
// Computing 10(1), 2003), one 64-bit word per column, O(n); otherwise the dynamic programme
// restricted to the diagonal band |i - j| <= k, with k doubled from the length difference up to
// max_distance (Ukkonen, "Algorithms for approximate string matching", Information and Control
// 64, 1985), O(k * n).
int Levenshtein(std::u32string_view a, std::u32string_view b, int max_distance = INT_MAX);

// The Damerau-Levenshtein distance in its optimal string alignment (OSA) form: as Levenshtein,
// plus the transposition of two adjacent code points at cost 1, with the restriction that no
// substring is edited more than once. This is NOT the unrestricted Damerau-Levenshtein distance
// and does not satisfy the triangle inequality: OSA("ca", "abc") = 3 where the unrestricted
// distance is 2 ("ca" -> "ac" -> "abc").
//
// Returns the distance if it is at most `max_distance`, otherwise exactly max_distance + 1. A
// negative `max_distance` is treated as 0.
//
// Algorithm: as Levenshtein, with Hyyrö's extension of Myers' bit vectors to transpositions
// ("A bit-vector algorithm for computing Levenshtein and Damerau edit distances", Prague
// Stringology Conference 2002) when the shorter string has at most 64 code points, otherwise the
// banded OSA dynamic programme.
int DamerauLevenshtein(std::u32string_view a, std::u32string_view b, int max_distance = INT_MAX);

// The Jaro similarity in [0, 1] (Jaro, "Advances in record-linkage methodology as applied to
// matching the 1985 census of Tampa, Florida", JASA 84, 1989; as defined by Winkler, "String
// comparator metrics and enhanced decision rules in the Fellegi-Sunter model of record linkage",
// Proc. Section on Survey Research Methods, ASA, 1990):
//   m = the number of common code points: a[i] and b[j] match if equal and
//       |i - j| <= max(|a|, |b|) / 2 - 1 (integer division, at least 0), each code point matching
//       at most once, taken greedily from the left;
//   t = half the number of matched code points that differ when the matches of a and of b are
//       read in order (integer halving, as in Winkler's strcmp95);
//   Jaro = (m / |a| + m / |b| + (m - t) / m) / 3, and 0 when m = 0.
// Empty strings: two empty strings are equal, so Jaro("", "") = 1.0 (as DuckDB, which Splink
// uses; jellyfish returns 0.0); one empty and one not gives 0.0. The engine gives missing values
// their own null level before any kernel is called, so this only concerns values that are truly
// empty. Symmetric: Jaro(a, b) == Jaro(b, a) exactly.
//
// Algorithm: when the shorter string has at most 64 code points, the match flags of the shorter
// string are one 64-bit mask and each code point of the longer string finds its match with one
// mask operation; otherwise the textbook loops over std::vector<bool> flags.
double Jaro(std::u32string_view a, std::u32string_view b);

// The Jaro-Winkler similarity in [0, 1] (Winkler 1990, cited above): with j = Jaro(a, b) and
// l the length of the common prefix of `a` and `b`, at most 4 code points, returns
//   j + l * prefix_scale * (1 - j)   if j > boost_threshold (strictly, as in strcmp95),
//   j                                otherwise.
// Winkler's values are prefix_scale 0.1 and boost_threshold 0.7; prefix_scale must be in
// [0, 0.25] for the result to stay in [0, 1]. strcmp95's further adjustments (similar characters,
// long strings) are not applied. Empty strings as in Jaro.
double JaroWinkler(std::u32string_view a, std::u32string_view b, double prefix_scale = 0.1,
                   double boost_threshold = 0.7);

// Conveniences on UTF-8: decode both arguments as ToU32 does, then call the function above.
// Slower than the code point versions (decoding costs more than the kernel on names); for tests,
// tools and one-off comparisons, not for the pair loop.
int Levenshtein(std::string_view a, std::string_view b, int max_distance = INT_MAX);
int DamerauLevenshtein(std::string_view a, std::string_view b, int max_distance = INT_MAX);
double Jaro(std::string_view a, std::string_view b);
double JaroWinkler(std::string_view a, std::string_view b, double prefix_scale = 0.1,
                   double boost_threshold = 0.7);

}  // namespace popreg::link
