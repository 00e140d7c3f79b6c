// Name data for the synthetic district: surnames with their frequency skew, given-name
// characters by sex and era, minority names, nicknames, and the confusions clerks make
// (homophones, look-alike characters) and the traditional forms other offices type.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace popreg::gen {

struct WeightedName {
  std::string_view text;
  double weight;  // relative frequency
};

// Han surnames, single and compound, with relative frequencies (see names.cc for the source).
std::span<const WeightedName> Surnames();
// Surnames of the She (畲族) people of eastern Fujian.
std::span<const WeightedName> SheSurnames();

// Characters of given names. `female` picks the pool; `modern` (born 1990 or later) favours
// the characters parents chose then. Each entry is one character (UTF-8).
std::span<const WeightedName> GivenChars(bool female, bool modern);

// Uyghur personal names as written in Chinese characters; a full name is "given·father".
std::span<const std::string_view> UyghurNames(bool female);

// Baby nicknames (乳名) seen on vaccination records.
std::span<const std::string_view> Nicknames();

// Characters read the same (toneless pinyin) as `ch`, excluding `ch`; empty when none known.
std::vector<std::string_view> Homophones(std::string_view ch);
// Characters of names that a speaker of a southern accent says like `ch` (Unihan's most common
// readings differ only by n/ng at the end, z/zh, c/ch, s/sh, l/n or f/h(u) at the start: 琳 lin
// and 玲 ling, 林 and 凌, 志 zhi and 梓 zi, 兰 lan and 南 nan, 芳 fang and 黄 huang), excluding
// true homophones of `ch`; empty when none known. Drawn from the generator's name characters.
std::vector<std::string_view> NearHomophones(std::string_view ch);
// Characters that look like `ch` (形近字), excluding `ch`; empty when none known.
std::vector<std::string_view> LookAlikes(std::string_view ch);
// The traditional form of a simplified character, or empty when it has none (or it is the same).
std::string_view Traditional(std::string_view ch);

// Syllables for invented place names (townships, communities, roads, clinics).
std::span<const std::string_view> PlaceSyllables();

// Splits UTF-8 text into its characters (code points), each as a view into `s`.
std::vector<std::string_view> SplitChars(std::string_view s);

}  // namespace popreg::gen
