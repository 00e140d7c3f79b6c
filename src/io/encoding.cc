#include "io/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>

#include <algorithm>
#include <cstring>

#include "base/utf8.h"
#include "io/transcode.h"

namespace popreg::io {
namespace internal {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Opens the ICU GB18030 converter with STOP callbacks in both directions, so that bytes or
// characters it cannot convert are errors instead of substitution characters.
Result<UConverter*> OpenGb18030() {
  UErrorCode ec = U_ZERO_ERROR;
  UConverter* cnv = ucnv_open("GB18030", &ec);
  if (U_FAILURE(ec) || cnv == nullptr) {
    return Internal(std::string("cannot open the ICU GB18030 converter: ") + u_errorName(ec));
  }
  ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &ec);
  ucnv_setFromUCallBack(cnv, UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &ec);
  if (U_FAILURE(ec)) {
    ucnv_close(cnv);
    return Internal(std::string("cannot set ICU converter callbacks: ") + u_errorName(ec));
  }
  return cnv;
}

bool IsHighSurrogate(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool IsLowSurrogate(char16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

}  // namespace

std::string InvalidUtf8Message(int64_t offset) {
  return "invalid UTF-8 byte sequence at byte offset " + std::to_string(offset);
}

Utf8Scan ScanUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  Utf8Scan r;
  bool seen_non_ascii = false;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80;  // range of the second byte
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3;
      lo = 0xA0;  // no overlong forms
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3;
      hi = 0x9F;  // no surrogates
    } else if (c == 0xF0) {
      len = 4;
      lo = 0x90;  // no overlong forms
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4;
      hi = 0x8F;  // nothing above U+10FFFF
    } else {
      break;  // a continuation byte, C0, C1 or F5..FF
    }
    bool ok = true;
    for (size_t k = 1; k < len; ++k) {
      if (i + k >= n) {
        r.truncated = true;
        ok = false;
        break;
      }
      const unsigned char b = p[i + k];
      const unsigned char klo = k == 1 ? lo : 0x80;
      const unsigned char khi = k == 1 ? hi : 0xBF;
      if (b < klo || b > khi) {
        ok = false;
        break;
      }
    }
    if (!ok) break;
    if (!seen_non_ascii) {
      seen_non_ascii = true;
      r.first_non_ascii = i;
    }
    i += len;
  }
  r.valid = i;
  if (!seen_non_ascii) r.first_non_ascii = i;
  return r;
}

Result<std::unique_ptr<Gb18030Decoder>> Gb18030Decoder::Create() {
  ASSIGN_OR_RETURN(UConverter * cnv, OpenGb18030());
  return std::unique_ptr<Gb18030Decoder>(new Gb18030Decoder(cnv));
}

Gb18030Decoder::~Gb18030Decoder() { ucnv_close(cnv_); }

Status Gb18030Decoder::Decode(std::string_view in, bool flush, std::string* out) {
  constexpr size_t kUnits = 4096;
  UChar ubuf[kUnits];
  const char* src = in.data();
  const char* const src_end = in.data() + in.size();
  out->reserve(out->size() + in.size() + in.size() / 2);
  for (;;) {
    UChar* target = ubuf;
    UErrorCode ec = U_ZERO_ERROR;
    ucnv_toUnicode(cnv_, &target, ubuf + kUnits, &src, src_end, nullptr, flush, &ec);
    for (const UChar* u = ubuf; u < target; ++u) {
      const auto c = static_cast<char16_t>(*u);
      if (pending_high_ != 0) {
        if (IsLowSurrogate(c)) {
          utf8::AppendUtf8(0x10000 + ((static_cast<char32_t>(pending_high_) - 0xD800) << 10) +
                               (static_cast<char32_t>(c) - 0xDC00),
                           out);
          pending_high_ = 0;
          continue;
        }
        utf8::AppendUtf8(0xFFFD,
                         out);  // cannot happen with ICU output; never emit a lone surrogate
        pending_high_ = 0;
      }
      if (IsHighSurrogate(c)) {
        pending_high_ = c;
      } else if (IsLowSurrogate(c)) {
        utf8::AppendUtf8(0xFFFD, out);
      } else {
        utf8::AppendUtf8(c, out);
      }
    }
    if (ec == U_BUFFER_OVERFLOW_ERROR) continue;
    if (U_FAILURE(ec)) {
      char bad[32];  // ICU keeps at most 32 (UCNV_ERROR_BUFFER_LENGTH)
      int8_t bad_len = sizeof bad;
      UErrorCode ec2 = U_ZERO_ERROR;
      ucnv_getInvalidChars(cnv_, bad, &bad_len, &ec2);
      if (U_FAILURE(ec2)) bad_len = 0;
      error_offset_ = std::max<int64_t>(0, consumed_ + (src - in.data()) - bad_len);
      consumed_ += static_cast<int64_t>(in.size());
      if (ec != U_ILLEGAL_CHAR_FOUND && ec != U_INVALID_CHAR_FOUND &&
          ec != U_TRUNCATED_CHAR_FOUND) {
        return Internal(std::string("ICU GB18030 conversion failed: ") + u_errorName(ec));
      }
      return InvalidArgument("invalid GB18030 byte sequence at byte offset " +
                             std::to_string(error_offset_));
    }
    break;
  }
  consumed_ += static_cast<int64_t>(in.size());
  return Status::Ok();
}

Result<std::unique_ptr<Gb18030Encoder>> Gb18030Encoder::Create() {
  ASSIGN_OR_RETURN(UConverter * cnv, OpenGb18030());
  return std::unique_ptr<Gb18030Encoder>(new Gb18030Encoder(cnv));
}

Gb18030Encoder::~Gb18030Encoder() { ucnv_close(cnv_); }

Status Gb18030Encoder::Encode(std::string_view utf8, std::string* out) {
  const Utf8Scan scan = ScanUtf8(utf8);
  if (scan.valid != utf8.size()) {
    return InvalidArgument(InvalidUtf8Message(static_cast<int64_t>(scan.valid)));
  }
  // Well-formed UTF-8 to UTF-16; no checks needed after ScanUtf8.
  utf16_.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    char32_t cp;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c < 0xE0) {
      cp = ((c & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
      i += 2;
    } else if (c < 0xF0) {
      cp = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
      i += 3;
    } else {
      cp = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) | ((p[i + 2] & 0x3Fu) << 6) |
           (p[i + 3] & 0x3Fu);
      i += 4;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      utf16_.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      utf16_.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      utf16_.push_back(static_cast<char16_t>(cp));
    }
  }
  if (utf16_.empty()) return Status::Ok();
  // GB18030 needs at most 4 bytes per UTF-16 code unit.
  const size_t old = out->size();
  const size_t cap = utf16_.size() * 4;
  out->resize(old + cap);
  UErrorCode ec = U_ZERO_ERROR;
  const int32_t len = ucnv_fromUChars(cnv_, out->data() + old, static_cast<int32_t>(cap),
                                      reinterpret_cast<const UChar*>(utf16_.data()),
                                      static_cast<int32_t>(utf16_.size()), &ec);
  if (U_FAILURE(ec)) {
    out->resize(old);
    return Internal(std::string("ICU GB18030 conversion failed: ") + u_errorName(ec));
  }
  out->resize(old + static_cast<size_t>(len));
  return Status::Ok();
}

}  // namespace internal

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kUtf8Bom:
      return "utf-8-bom";
    case Encoding::kGb18030:
      return "gb18030";
  }
  return "unknown";
}

Result<Encoding> ParseEncodingName(std::string_view name) {
  std::string s(name);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  if (s == "utf-8" || s == "utf8") return Encoding::kUtf8;
  if (s == "utf-8-bom" || s == "utf8-bom") return Encoding::kUtf8Bom;
  if (s == "gb18030" || s == "gbk" || s == "gb2312") return Encoding::kGb18030;
  return InvalidArgument("unknown encoding '" + std::string(name) +
                         "' (expected utf-8, utf-8-bom or gb18030)");
}

Result<Encoding> DetectEncoding(std::string_view head, std::string_view file_name) {
  return internal::DetectEncoding(head, file_name, /*with_line=*/false);
}

namespace internal {

Result<Encoding> DetectEncoding(std::string_view head, std::string_view file_name, bool with_line) {
  if (head.starts_with(internal::kBom)) return Encoding::kUtf8Bom;
  const internal::Utf8Scan scan = internal::ScanUtf8(head);
  if (scan.valid == head.size() || scan.truncated) return Encoding::kUtf8;
  ASSIGN_OR_RETURN(auto decoder, internal::Gb18030Decoder::Create());
  std::string ignored;
  const Status gb = decoder->Decode(head, /*flush=*/false, &ignored);
  if (gb.ok()) return Encoding::kGb18030;
  if (gb.code() != ErrorCode::kInvalidArgument) return gb;
  // Every byte before the larger of the two failure offsets belongs to valid text in at least
  // one of the encodings; the byte there belongs to neither.
  const int64_t offset = std::max(static_cast<int64_t>(scan.valid), decoder->error_offset());
  std::string msg =
      std::string(file_name) + ": not UTF-8 or GB18030 text (byte offset " + std::to_string(offset);
  if (with_line) {
    int64_t line = 1;
    for (int64_t i = 0; i < offset; ++i) {
      if (head[i] == '\n' || (head[i] == '\r' && (i + 1 == offset || head[i + 1] != '\n'))) {
        ++line;
      }
    }
    msg += ", line " + std::to_string(line);
  }
  msg += ")";
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) {
    msg += "; it looks like UTF-16: save it as UTF-8";
  }
  return InvalidArgument(std::move(msg));
}

}  // namespace internal

Result<std::string> ToUtf8(std::string_view bytes, Encoding e) {
  if (e == Encoding::kGb18030) {
    ASSIGN_OR_RETURN(auto decoder, internal::Gb18030Decoder::Create());
    std::string out;
    RETURN_IF_ERROR(decoder->Decode(bytes, /*flush=*/true, &out));
    if (std::string_view(out).starts_with(internal::kBom)) out.erase(0, internal::kBom.size());
    return out;
  }
  const internal::Utf8Scan scan = internal::ScanUtf8(bytes);
  if (scan.valid != bytes.size()) {
    return InvalidArgument(internal::InvalidUtf8Message(static_cast<int64_t>(scan.valid)));
  }
  if (bytes.starts_with(internal::kBom)) bytes.remove_prefix(internal::kBom.size());
  return std::string(bytes);
}

Result<std::string> FromUtf8(std::string_view utf8, Encoding e) {
  if (e == Encoding::kGb18030) {
    ASSIGN_OR_RETURN(auto encoder, internal::Gb18030Encoder::Create());
    std::string out;
    RETURN_IF_ERROR(encoder->Encode(utf8, &out));
    return out;
  }
  const internal::Utf8Scan scan = internal::ScanUtf8(utf8);
  if (scan.valid != utf8.size()) {
    return InvalidArgument(internal::InvalidUtf8Message(static_cast<int64_t>(scan.valid)));
  }
  std::string out;
  out.reserve(utf8.size() + 3);
  if (e == Encoding::kUtf8Bom) out += internal::kBom;
  out += utf8;
  return out;
}

}  // namespace popreg::io
