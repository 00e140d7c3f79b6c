// Text encodings of the exchange files: UTF-8 (with or without BOM) and GB18030 (a superset of
// GBK and GB2312). Conversion uses ICU converters.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace popreg::io {

enum class Encoding { kUtf8, kUtf8Bom, kGb18030 };

// "utf-8", "utf-8-bom", "gb18030".
std::string_view EncodingName(Encoding e);
// Parses the names above (and "utf8", "gbk", "gb2312" as gb18030), case-insensitive.
Result<Encoding> ParseEncodingName(std::string_view name);

// Decides the encoding of the beginning of a file. A UTF-8 BOM gives kUtf8Bom; bytes that are
// valid UTF-8 give kUtf8 (a sequence cut at the end of `head` is allowed); bytes that are valid
// GB18030 give kGb18030 (again a sequence cut at the end is allowed); pure ASCII is kUtf8.
// Anything else is an InvalidArgument error "FILE: not UTF-8 or GB18030 text (byte offset N)",
// where N is the first byte that neither reading gets past (the larger of the two offsets where
// the UTF-8 and the GB18030 readings fail).
Result<Encoding> DetectEncoding(std::string_view head, std::string_view file_name);

// Converts a whole text between UTF-8 and `e`. ToUtf8 drops a BOM (whatever `e` says) and checks
// that UTF-8 input is well-formed; FromUtf8 checks that `utf8` is well-formed and, for kUtf8Bom,
// puts a BOM first. Bytes not valid in the source encoding (including a sequence cut at the end)
// are an InvalidArgument error naming the byte offset, e.g. "invalid UTF-8 byte sequence at byte
// offset 7". GB18030 covers all of Unicode, so FromUtf8 fails only on malformed UTF-8.
Result<std::string> ToUtf8(std::string_view bytes, Encoding e);
Result<std::string> FromUtf8(std::string_view utf8, Encoding e);

}  // namespace popreg::io
