// Addresses as departments write them: the building, unit and room of an urban flat, the house
// number in a village, and which community of the district the address lies in.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace popreg::norm {

// The parts of an address that identify a dwelling inside a community. Numbers are ASCII digits
// without leading zeros (Chinese numerals 一..九十九 are converted); letters stay (e.g. "A").
struct AddressParts {
  std::string building;  // 楼号/栋/幢/座, or the first number of "3-2-501"
  std::string unit;      // 单元
  std::string room;      // 室/房, the last number of "3-2-501", or a village house number (号)
  // "building/unit/room", e.g. "3/2/501"; "//12" for a village house number.
  std::string Key() const { return building + "/" + unit + "/" + room; }
  bool empty() const { return building.empty() && unit.empty() && room.empty(); }
};

// Reads the building, unit and room from the usual forms: `3号楼2单元501室`, `3栋2单元501`,
// `3幢2单元501`, `3座2单元501房`, `3#楼2单元501`, `3-2-501`, `3号楼501室` (no unit), a village
// `北山村12号`, with full-width digits and spaces allowed. The text before the dwelling (province,
// district, street, community) is ignored. Parts not found stay empty.
AddressParts ParseAddress(std::string_view address);

// The address as a comparable text, whatever its form (also one whose dwelling ParseAddress
// cannot read: a street number such as 幸福路18弄, a hamlet, a named compound): full-width folded,
// spaces removed, letters in upper case, and the administrative prefix taken off the front (the
// province, the city, the district or county, the township or street office: the leading
// segments ending in 省, 自治区, 市, 州, 盟, 区, 县, 旗, 街道, 镇, 乡, each at most once and in
// that order), so that "福建省蕉城区竹春街道竹林社区幸福路18号" and "竹林社区幸福路18号" are the
// same text. A segment is taken off only when what follows it is not empty. Empty for an empty
// address.
std::string AddressTail(std::string_view address);

// The communities (and townships) of a district by name, to find which one an address names.
class AreaIndex {
 public:
  // Adds an area with its code and name, e.g. ("350902001001", "金湖社区"). Only 12-digit codes
  // (townships and communities) are kept: every address of the district names the district.
  void Add(std::string code, std::string_view name);
  // The code of the area whose name the address contains. A name found whole (金湖社区) beats a
  // name found without its suffix (金湖, for 金湖居委会; suffixes 社区, 社区居委会, 居委会,
  // 居民委员会, 村, 村委会, 村民委员会, 街道, 镇, 乡); then communities beat townships, then the
  // longer name wins. Empty when none matches or two different areas match equally well.
  std::string Resolve(std::string_view address) const;

 private:
  struct Entry {
    std::string code;
    std::string name;  // the whole name, folded, e.g. 金湖社区
    bool community;    // communities win over townships of the same length
  };
  // Hashes std::string and std::string_view alike, so that a substring is looked up uncopied.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<Entry> entries_;
  // The entries of each (non-empty) key, the name without its suffix (金湖 of 金湖社区), in the
  // order added, and the keys' byte lengths. An
  // area's key is in an address exactly when one of the address's substrings of such a length
  // is the key, so Resolve looks those up instead of searching the address for every area's
  // key (the 8,560 areas of a city against 125,000 death records took 38 s that way).
  std::unordered_map<std::string, std::vector<uint32_t>, KeyHash, std::equal_to<>> by_key_;
  std::vector<size_t> key_lengths_;  // ascending, each once
};

}  // namespace popreg::norm
