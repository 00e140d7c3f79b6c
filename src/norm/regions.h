// Administrative division codes of the PRC, 1981-2024, shipped inside the binary
// (data/regions/areacodes.csv; source and licence in data/regions/README.md).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace popreg::norm {

struct Region {
  std::string code;        // 6 digits
  std::string name;        // e.g. 蕉城区
  std::string province;    // 一级行政区, e.g. 福建省
  std::string level;       // 省级, 地级, 县级 as in the source
  int since = 0;           // year the code came into use
  int until = 0;           // year it was retired or changed; 0 while in use
  std::string prefecture;  // 二级行政区 as in the source: e.g. 宁德市, 直辖, or empty
  std::string status;      // 在用 (in use), 弃用 (retired) or 变更 (changed) as in the source
  std::string replaced_by;  // 新代码 as in the source, e.g. "110101" or "130102;130104[2001]"
};

// Every row of the table, in file order (a code may appear more than once when it was reused).
// Parsed once on first use; thread-safe.
std::span<const Region> AllRegions();

// The most recent row of `code` (the one that came into use last), or nullptr when the code was
// never used. The pointer stays valid until the process ends. Thread-safe.
const Region* FindRegion(std::string_view code);

// True when `code` (6 digits) was ever in use.
bool RegionCodeEverUsed(std::string_view code);

// The most recent name of a code, or empty when unknown.
std::string RegionName(std::string_view code);

}  // namespace popreg::norm
