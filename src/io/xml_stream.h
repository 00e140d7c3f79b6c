// Internal to io/: cuts a large XML document (an xlsx worksheet or shared-string table) into the
// elements that matter, one at a time, so that memory is bounded by the largest such element and
// not by the document. pugixml then parses each element on its own. Not for use outside src/io/
// and fuzz/.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace popreg::io::internal {

// Returns the children named `item` of the first element named `container`, e.g. every <row> of
// <sheetData>, as the complete text of each child element ("<row r=\"1\">...</row>" or
// "<row r=\"2\"/>"). Names are compared by local name, so "x:row" matches "row". Other elements
// inside the container, and everything outside it, are skipped.
//
// The scanner understands only what it needs to find element boundaries: start and end tags
// (attribute values may hold '>'), empty-element tags, comments, CDATA sections, processing
// instructions and a DOCTYPE. It checks neither that end tags match their start tags nor
// entities: that is the job of the parser that reads each returned element. After the container
// closes, the rest of the input is read (and discarded) so that the source sees the whole stream,
// e.g. for a zip entry's CRC check.
//
// Errors are InvalidArgument without a file name (the caller adds it): "XML ends inside a tag",
// "XML ends inside an element", "XML has more end tags than start tags", "XML is UTF-16 (only
// UTF-8 is supported)"; a ResourceExhausted "XML element larger than N bytes" when an element
// or a single markup token exceeds `max_element_bytes`; and any error of `read`. After an error,
// every later call returns it again. Not thread-safe.
class XmlElementStream {
 public:
  // Reads up to `n` bytes into `buf`; returns the number read, 0 at the end of the input.
  using ReadFn = std::function<Result<size_t>(char* buf, size_t n)>;

  XmlElementStream(ReadFn read, std::string container, std::string item, size_t max_element_bytes);

  // Sets *element to the next item element and returns true, or returns false when there are no
  // more (also when the document has no container). *element stays valid until the next call.
  Result<bool> Next(std::string_view* element);

  // Bytes read from the source so far.
  int64_t bytes_read() const { return bytes_read_; }

 private:
  // Reads at least one more byte into buf_ unless at the end; returns false at the end.
  Result<bool> Fill();
  // Discards bytes before `keep_from` (an offset into buf_) and shifts the offsets.
  void Compact(size_t keep_from);

  ReadFn read_;
  std::string container_;
  std::string item_;
  size_t max_bytes_;
  std::string buf_;
  size_t pos_ = 0;  // next byte to scan
  bool eof_ = false;
  bool started_ = false;      // the first bytes were checked for UTF-16
  int depth_ = 0;             // open elements
  int container_depth_ = -1;  // depth_ outside the container while inside it, else -1
  bool container_done_ = false;
  size_t item_start_ = std::string::npos;  // offset of the item being collected
  int item_depth_ = 0;                     // depth_ outside the item being collected
  int64_t bytes_read_ = 0;
  Status error_;
};

}  // namespace popreg::io::internal
