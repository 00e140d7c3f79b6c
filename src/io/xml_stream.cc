#include "io/xml_stream.h"

#include <algorithm>
#include <utility>

namespace popreg::io::internal {
namespace {

constexpr size_t kMinRead = size_t{64} << 10;
constexpr size_t kIncomplete = std::string::npos;

enum class Token { kStartTag, kEndTag, kOther };

bool IsNameEnd(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

// True when `avail` (the bytes from a '<' to the end of the buffer) may still grow into
// `marker`.
bool MayBecome(std::string_view avail, std::string_view marker) {
  return avail.size() < marker.size() && marker.starts_with(avail);
}

// Finds the end (one past the last byte) of the markup token that starts with the '<' at `lt`,
// or returns kIncomplete when the buffer ends first. Sets *kind; for a start tag also *name
// (the qualified name) and *empty (an empty-element tag "<a/>").
size_t TokenEnd(std::string_view buf, size_t lt, Token* kind, std::string_view* name, bool* empty) {
  *kind = Token::kOther;
  if (lt + 1 >= buf.size()) return kIncomplete;
  const char c = buf[lt + 1];
  if (c == '/') {
    *kind = Token::kEndTag;
    const size_t gt = buf.find('>', lt + 2);
    return gt == std::string_view::npos ? kIncomplete : gt + 1;
  }
  if (c == '?') {
    const size_t e = buf.find("?>", lt + 2);
    return e == std::string_view::npos ? kIncomplete : e + 2;
  }
  if (c == '!') {
    const std::string_view avail = buf.substr(lt);
    if (MayBecome(avail, "<!--") || MayBecome(avail, "<![CDATA[")) return kIncomplete;
    if (avail.starts_with("<!--")) {
      const size_t e = buf.find("-->", lt + 4);
      return e == std::string_view::npos ? kIncomplete : e + 3;
    }
    if (avail.starts_with("<![CDATA[")) {
      const size_t e = buf.find("]]>", lt + 9);
      return e == std::string_view::npos ? kIncomplete : e + 3;
    }
    // <!DOCTYPE ...> with an optional [internal subset] and quoted literals.
    int brackets = 0;
    for (size_t i = lt + 2; i < buf.size(); ++i) {
      const char d = buf[i];
      if (d == '"' || d == '\'') {
        const size_t q = buf.find(d, i + 1);
        if (q == std::string_view::npos) return kIncomplete;
        i = q;
      } else if (d == '[') {
        ++brackets;
      } else if (d == ']') {
        if (brackets > 0) --brackets;
      } else if (d == '>' && brackets == 0) {
        return i + 1;
      }
    }
    return kIncomplete;
  }
  // A start tag; attribute values may hold '>' and '/'.
  *kind = Token::kStartTag;
  size_t i = lt + 1;
  while (i < buf.size() && !IsNameEnd(buf[i])) ++i;
  if (i == buf.size()) return kIncomplete;
  *name = buf.substr(lt + 1, i - lt - 1);
  for (; i < buf.size(); ++i) {
    const char d = buf[i];
    if (d == '"' || d == '\'') {
      const size_t q = buf.find(d, i + 1);
      if (q == std::string_view::npos) return kIncomplete;
      i = q;
    } else if (d == '>') {
      *empty = buf[i - 1] == '/';
      return i + 1;
    }
  }
  return kIncomplete;
}

std::string_view LocalName(std::string_view qname) {
  const size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

}  // namespace

XmlElementStream::XmlElementStream(ReadFn read, std::string container, std::string item,
                                   size_t max_element_bytes)
    : read_(std::move(read)),
      container_(std::move(container)),
      item_(std::move(item)),
      max_bytes_(max_element_bytes) {}

Result<bool> XmlElementStream::Fill() {
  if (eof_) return false;
  const size_t old = buf_.size();
  // Reading as much again as the buffer holds keeps rescanning an incomplete token linear.
  const size_t n = std::max(kMinRead, old);
  buf_.resize(old + n);
  Result<size_t> got = read_(buf_.data() + old, n);
  if (!got.ok()) {
    buf_.resize(old);
    return got.status();
  }
  buf_.resize(old + *got);
  bytes_read_ += static_cast<int64_t>(*got);
  if (*got == 0) {
    eof_ = true;
    return false;
  }
  return true;
}

void XmlElementStream::Compact(size_t keep_from) {
  if (keep_from == 0) return;
  buf_.erase(0, keep_from);
  pos_ -= keep_from;
  if (item_start_ != std::string::npos) item_start_ -= keep_from;
}

Result<bool> XmlElementStream::Next(std::string_view* element) {
  if (!error_.ok()) return error_;
  auto fail = [this](Status s) -> Status {
    error_ = std::move(s);
    return error_;
  };
  if (!started_) {
    while (buf_.size() < 3) {
      Result<bool> more = Fill();
      if (!more.ok()) return fail(more.status());
      if (!*more) break;
    }
    const std::string_view head(buf_);
    if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF") ||
        head.starts_with(std::string_view("<\0", 2)) ||
        head.starts_with(std::string_view("\0<", 2))) {
      return fail(InvalidArgument("XML is UTF-16 (only UTF-8 is supported)"));
    }
    if (head.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    started_ = true;
  }
  if (item_start_ == std::string::npos) Compact(pos_);
  for (;;) {
    const size_t lt = buf_.find('<', pos_);
    if (lt == std::string::npos) {
      pos_ = buf_.size();
      if (item_start_ == std::string::npos) Compact(pos_);
      Result<bool> more = Fill();
      if (!more.ok()) return fail(more.status());
      if (*more) continue;
      if (item_start_ != std::string::npos || depth_ > 0) {
        return fail(InvalidArgument("XML ends inside an element"));
      }
      return false;
    }
    pos_ = lt;
    Token kind;
    std::string_view name;
    bool empty = false;
    const size_t end = TokenEnd(buf_, lt, &kind, &name, &empty);
    if (end == kIncomplete) {
      const size_t from = item_start_ != std::string::npos ? item_start_ : lt;
      if (buf_.size() - from > max_bytes_) {
        return fail(
            ResourceExhausted("XML element larger than " + std::to_string(max_bytes_) + " bytes"));
      }
      if (item_start_ == std::string::npos) Compact(lt);
      Result<bool> more = Fill();
      if (!more.ok()) return fail(more.status());
      if (!*more) return fail(InvalidArgument("XML ends inside a tag"));
      continue;
    }
    const size_t from = item_start_ != std::string::npos ? item_start_ : lt;
    if (end - from > max_bytes_) {
      return fail(
          ResourceExhausted("XML element larger than " + std::to_string(max_bytes_) + " bytes"));
    }
    pos_ = end;
    if (kind == Token::kStartTag) {
      const std::string_view local = LocalName(name);
      if (container_depth_ < 0 && !container_done_ && local == container_) {
        if (empty) {
          container_done_ = true;
        } else {
          container_depth_ = depth_++;
        }
      } else if (container_depth_ >= 0 && item_start_ == std::string::npos &&
                 depth_ == container_depth_ + 1 && local == item_) {
        if (empty) {
          *element = std::string_view(buf_).substr(lt, end - lt);
          return true;
        }
        item_start_ = lt;
        item_depth_ = depth_++;
      } else if (!empty) {
        ++depth_;
      }
    } else if (kind == Token::kEndTag) {
      if (depth_ == 0) return fail(InvalidArgument("XML has more end tags than start tags"));
      --depth_;
      if (item_start_ != std::string::npos && depth_ == item_depth_) {
        *element = std::string_view(buf_).substr(item_start_, end - item_start_);
        item_start_ = std::string::npos;
        return true;
      }
      if (container_depth_ >= 0 && depth_ == container_depth_) {
        container_depth_ = -1;
        container_done_ = true;
      }
    }
  }
}

}  // namespace popreg::io::internal
