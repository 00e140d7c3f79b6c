// Sex as people write it (exchange spec): 男/女, M/F, male/female, 1/2 (GB/T 2261.1).
#pragma once

#include <string_view>

namespace popreg::norm {

// 'M', 'F', or 0 when the value is empty or not one of the spellings (case-insensitive,
// full-width and surrounding spaces allowed). GB/T 2261.1's 0 (unknown) and 9 (unstated) give 0.
// Thread-safe.
char ParseSex(std::string_view text);

}  // namespace popreg::norm
