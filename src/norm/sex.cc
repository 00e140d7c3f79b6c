#include "norm/sex.h"

#include <string>

#include "base/utf8.h"

namespace popreg::norm {

char ParseSex(std::string_view text) {
  std::string s = utf8::FoldAndTrim(text);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // GB/T 2261.1: 1 male, 2 female (0 unknown and 9 unstated give 0 here, as does anything else).
  if (s == "男" || s == "m" || s == "male" || s == "1") return 'M';
  if (s == "女" || s == "f" || s == "female" || s == "2") return 'F';
  return 0;
}

}  // namespace popreg::norm
