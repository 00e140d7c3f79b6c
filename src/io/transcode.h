// Internal to io/: the UTF-8 validator and the streaming GB18030 converters behind encoding.h,
// csv.h and the fuzz targets. Not for use outside src/io/ and fuzz/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "io/encoding.h"

struct UConverter;

namespace popreg::io::internal {

// The result of ScanUtf8.
struct Utf8Scan {
  // Length of the longest prefix made of complete, well-formed UTF-8 sequences (RFC 3629: no
  // overlong forms, no surrogates, nothing above U+10FFFF).
  size_t valid = 0;
  // True when the bytes after `valid` are the beginning of a well-formed sequence cut by the end
  // of the input (so more input could complete them); false when they are invalid or absent.
  bool truncated = false;
  // Position of the first byte >= 0x80 within the valid prefix, or `valid` when it is all ASCII.
  size_t first_non_ascii = 0;
};

// Scans `s` as UTF-8. Fast on ASCII (8 bytes at a time).
Utf8Scan ScanUtf8(std::string_view s);

// Decodes GB18030 to UTF-8 as a stream: a character split between two calls is completed by the
// second. Invalid or unmapped bytes stop the conversion (ICU STOP callback). Not thread-safe; one
// object per stream.
class Gb18030Decoder {
 public:
  // Opens the ICU converter; an Internal error when ICU lacks it.
  static Result<std::unique_ptr<Gb18030Decoder>> Create();
  ~Gb18030Decoder();
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  // Appends the UTF-8 of `in` to `out`. With `flush` false, a sequence cut at the end of `in` is
  // kept for the next call; with `flush` true it is an error. On an error, the text before the bad
  // bytes has been appended, error_offset() tells where they start, and the returned
  // InvalidArgument says "invalid GB18030 byte sequence at byte offset N"; the decoder must not be
  // used further.
  Status Decode(std::string_view in, bool flush, std::string* out);

  // Counts byte offsets in errors as if `offset` bytes had been decoded before (for a decoder
  // that starts in the middle of a file). Call before the first Decode.
  void SetStreamOffset(int64_t offset) { consumed_ = offset; }

  // Byte offset (see SetStreamOffset) of the bytes that made the last call fail.
  int64_t error_offset() const { return error_offset_; }

 private:
  explicit Gb18030Decoder(UConverter* cnv) : cnv_(cnv) {}
  UConverter* cnv_;
  int64_t consumed_ = 0;       // stream offset of the first byte of the current call
  int64_t error_offset_ = 0;   // see error_offset()
  char16_t pending_high_ = 0;  // a high surrogate whose low half has not been produced yet
};

// Encodes UTF-8 text as GB18030 (which covers all of Unicode). Not thread-safe.
class Gb18030Encoder {
 public:
  static Result<std::unique_ptr<Gb18030Encoder>> Create();
  ~Gb18030Encoder();
  Gb18030Encoder(const Gb18030Encoder&) = delete;
  Gb18030Encoder& operator=(const Gb18030Encoder&) = delete;

  // Appends the GB18030 bytes of the complete text `utf8` to `out`. Text that is not well-formed
  // UTF-8 is an InvalidArgument error "invalid UTF-8 byte sequence at byte offset N" and nothing is
  // appended.
  Status Encode(std::string_view utf8, std::string* out);

 private:
  explicit Gb18030Encoder(UConverter* cnv) : cnv_(cnv) {}
  UConverter* cnv_;
  std::u16string utf16_;  // scratch, reused between calls
};

// DetectEncoding of encoding.h; with `with_line`, the error also names the physical line of the
// bad byte: "FILE: not UTF-8 or GB18030 text (byte offset N, line L)".
Result<Encoding> DetectEncoding(std::string_view head, std::string_view file_name, bool with_line);

// "invalid UTF-8 byte sequence at byte offset N".
std::string InvalidUtf8Message(int64_t offset);

}  // namespace popreg::io::internal
