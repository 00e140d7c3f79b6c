// UTF-8 helpers shared by the readers of text (io/) and of values (norm/).
#pragma once

#include <string>
#include <string_view>

namespace popreg::utf8 {

// Marks an ill-formed UTF-8 byte sequence returned by NextCodePoint.
inline constexpr char32_t kIllFormed = 0xFFFFFFFF;

// Decodes the code point of `s` that starts at byte `*pos` and advances `*pos` past it. For an
// ill-formed sequence returns kIllFormed and advances past the bytes that belong to it (at least
// one). Requires *pos < s.size().
char32_t NextCodePoint(std::string_view s, size_t* pos);

// Appends the UTF-8 encoding of `cp` (a Unicode scalar value) to `out`.
void AppendUtf8(char32_t cp, std::string* out);

// Full-width ASCII forms U+FF01..U+FF5E become their ASCII counterparts; other code points are
// returned unchanged.
char32_t FoldWidth(char32_t cp);

// True for the spaces people type or paste around values: ASCII whitespace, U+3000 (ideographic
// space), U+00A0 (no-break space), U+2000..U+200B, U+202F, U+205F and U+FEFF (a stray BOM).
bool IsSpace(char32_t cp);

// `s` with full-width ASCII folded to ASCII, every space (IsSpace) turned into ' ', leading and
// trailing spaces removed, and ill-formed bytes replaced by U+FFFD. Other characters are kept.
std::string FoldAndTrim(std::string_view s);

// `s` without leading and trailing ASCII spaces, tabs, CRs and LFs.
std::string TrimAscii(std::string_view s);
// The same as a view into `s` (no copy: for checks run a million times).
std::string_view TrimAsciiView(std::string_view s);

// True when every byte of `s` is ASCII (below 0x80).
bool IsAscii(std::string_view s);

}  // namespace popreg::utf8
