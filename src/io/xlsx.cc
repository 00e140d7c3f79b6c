#include "io/xlsx.h"

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <pugixml.hpp>
#include <utility>
#include <vector>

#include "base/date.h"
#include "io/sheet_values.h"
#include "io/transcode.h"
#include "io/xml_stream.h"

namespace popreg::io {
namespace {

using internal::NumberFormatKind;

constexpr int64_t kMaxDomPartBytes = int64_t{64} << 20;
constexpr size_t kReadChunk = size_t{64} << 10;

std::string_view LocalName(std::string_view qname) {
  const size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

bool Is(const pugi::xml_node& node, std::string_view local) {
  return node.type() == pugi::node_element && LocalName(node.name()) == local;
}

pugi::xml_node Child(const pugi::xml_node& node, std::string_view local) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (Is(c, local)) return c;
  }
  return {};
}

// The attribute with the given local name (any prefix), e.g. "id" finds r:id.
pugi::xml_attribute Attr(const pugi::xml_node& node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (LocalName(a.name()) == local) return a;
  }
  return {};
}

// The text content of an element: its text and CDATA children, concatenated.
void AppendText(const pugi::xml_node& node, std::string* out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out->append(c.value());
  }
}

// The text of a shared string item <si> or an inline string <is>: a plain <t>, or rich-text runs
// <r><t>; phonetic guides <rPh> and properties are left out.
void AppendStringItem(const pugi::xml_node& item, std::string* out) {
  std::string raw;
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    if (Is(c, "t")) {
      AppendText(c, &raw);
    } else if (Is(c, "r")) {
      for (pugi::xml_node t = c.first_child(); t; t = t.next_sibling()) {
        if (Is(t, "t")) AppendText(t, &raw);
      }
    }
  }
  internal::DecodeXstring(raw, out);
}

bool ParseInt64(std::string_view s, int64_t* v) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ValidUtf8(std::string_view s) { return internal::ScanUtf8(s).valid == s.size(); }

// The directory part of a part name ("xl/workbook.xml" -> "xl/").
std::string DirOf(std::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

// Resolves a relationship target against the directory of its source part (ECMA-376 Part 2):
// "worksheets/sheet1.xml" from "xl/" is "xl/worksheets/sheet1.xml", "/xl/styles.xml" is
// absolute, "../x" goes up.
std::string ResolveTarget(std::string_view base_dir, std::string_view target) {
  std::string joined = target.starts_with("/") ? std::string(target.substr(1))
                                               : std::string(base_dir) + std::string(target);
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    const std::string seg = joined.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out;
}

// The relationships part of a part: "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels".
std::string RelsOf(std::string_view part) {
  const size_t slash = part.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? "" : part.substr(0, slash + 1);
  const std::string_view file = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return std::string(dir) + "_rels/" + std::string(file) + ".rels";
}

std::string ZipErrorText(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string s = zip_error_strerror(&e);
  zip_error_fini(&e);
  return s;
}

std::string ZipErrorText(zip_error_t* e) { return zip_error_strerror(e); }

struct Relationship {
  std::string id;
  std::string type;    // the full type URI
  std::string target;  // resolved part name
};

}  // namespace

struct XlsxReader::Impl {
  std::string name;
  XlsxReaderOptions options;
  std::string buffer;  // the bytes for FromBuffer; libzip reads them in place
  zip_t* zip = nullptr;
  zip_file_t* sheet_file = nullptr;
  std::string sheet_part;
  std::string sheet_name;
  int sheet_number = 0;  // 1-based position among the workbook's sheets, for errors
  bool date1904 = false;
  std::vector<std::string> shared;
  std::vector<NumberFormatKind> xf_kinds;  // by cell style (xf) index
  std::unique_ptr<internal::XmlElementStream> rows;
  int64_t sheet_bytes = 0;
  int64_t last_row = 0;  // the row number of the last <row> read
  int64_t record = 0;
  pugi::xml_document row_doc;
  std::string scratch;
  Status error;

  ~Impl() {
    if (sheet_file != nullptr) zip_fclose(sheet_file);
    if (zip != nullptr) zip_discard(zip);
  }

  Status Fail(std::string_view where, const Status& s) const {
    return s.WithContext(where.empty() ? name : name + ": " + std::string(where));
  }
  Status Invalid(std::string_view where, std::string msg) const {
    return Fail(where, InvalidArgument(std::move(msg)));
  }
  std::string SheetWhere() const { return "sheet " + std::to_string(sheet_number); }
  std::string CellWhere(int col, int64_t row) const {
    return SheetWhere() + ", cell " + internal::ColumnName(col) + std::to_string(row);
  }

  // The index of a part in the zip, or -1.
  zip_int64_t Locate(const std::string& part) const {
    zip_int64_t i = zip_name_locate(zip, part.c_str(), 0);
    if (i < 0) i = zip_name_locate(zip, part.c_str(), ZIP_FL_NOCASE);
    return i;
  }

  // Opens a part for reading, refusing one whose recorded size exceeds `cap`.
  Result<zip_file_t*> OpenPart(const std::string& part, zip_int64_t index, int64_t cap) const {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip, static_cast<zip_uint64_t>(index), 0, &st) == 0 &&
        (st.valid & ZIP_STAT_SIZE) != 0 && st.size > static_cast<zip_uint64_t>(cap)) {
      return Fail(part, TooBig(cap));
    }
    zip_file_t* f = zip_fopen_index(zip, static_cast<zip_uint64_t>(index), 0);
    if (f == nullptr) {
      return Invalid(part, "cannot read this part of the zip archive (" +
                               ZipErrorText(zip_get_error(zip)) + ")");
    }
    return f;
  }

  static Status TooBig(int64_t cap) {
    return ResourceExhausted("decompresses to more than " + std::to_string(cap) +
                             " bytes; refused as a possible zip bomb");
  }

  // Reads up to n bytes of an open part, counting *total against `cap`. Errors carry no file or
  // part name; the caller adds them.
  static Result<size_t> ReadPart(zip_file_t* f, char* buf, size_t n, int64_t* total, int64_t cap) {
    const zip_int64_t got = zip_fread(f, buf, n);
    if (got < 0) {
      return InvalidArgument("damaged compressed data (" + ZipErrorText(zip_file_get_error(f)) +
                             ")");
    }
    *total += got;
    if (*total > cap) return TooBig(cap);
    return static_cast<size_t>(got);
  }

  // Reads a whole small part and parses it. Returns false in *found when the part is absent.
  Status LoadDom(const std::string& part, pugi::xml_document* doc, bool* found) const {
    const zip_int64_t index = Locate(part);
    *found = index >= 0;
    if (!*found) return Status::Ok();
    const int64_t cap = std::min(options.max_part_bytes, kMaxDomPartBytes);
    ASSIGN_OR_RETURN(zip_file_t * f, OpenPart(part, index, cap));
    std::string bytes;
    int64_t total = 0;
    Status st;
    for (;;) {
      const size_t old = bytes.size();
      bytes.resize(old + kReadChunk);
      Result<size_t> got = ReadPart(f, bytes.data() + old, kReadChunk, &total, cap);
      if (!got.ok()) {
        st = Fail(part, got.status());
        break;
      }
      bytes.resize(old + *got);
      if (*got == 0) break;
    }
    zip_fclose(f);
    RETURN_IF_ERROR(st);
    const pugi::xml_parse_result r =
        doc->load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_auto);
    if (!r) {
      return Invalid(part, std::string("malformed XML (") + r.description() + " at byte offset " +
                               std::to_string(r.offset) + ")");
    }
    return Status::Ok();
  }

  Result<std::vector<Relationship>> LoadRels(const std::string& source_part, bool* found) const {
    const std::string rels_part = RelsOf(source_part);
    pugi::xml_document doc;
    RETURN_IF_ERROR(LoadDom(rels_part, &doc, found));
    std::vector<Relationship> rels;
    const std::string base = DirOf(source_part);
    const pugi::xml_node root = doc.document_element();
    for (pugi::xml_node r = root.first_child(); r; r = r.next_sibling()) {
      if (!Is(r, "Relationship")) continue;
      if (std::string_view(r.attribute("TargetMode").value()) == "External") continue;
      rels.push_back({r.attribute("Id").value(), r.attribute("Type").value(),
                      ResolveTarget(base, r.attribute("Target").value())});
    }
    return rels;
  }

  Status OpenWorkbook() {
    // libzip opens an empty file as an empty archive.
    if (zip_get_num_entries(zip, 0) <= 0) {
      return Invalid("", "not a valid xlsx file: the zip archive is empty");
    }
    // The package relationships name the workbook part; xl/workbook.xml when they are absent.
    std::string workbook_part = "xl/workbook.xml";
    bool found = false;
    ASSIGN_OR_RETURN(std::vector<Relationship> package_rels, LoadRels("", &found));
    for (const Relationship& r : package_rels) {
      if (r.type.ends_with("/officeDocument")) {
        workbook_part = r.target;
        break;
      }
    }
    pugi::xml_document workbook;
    RETURN_IF_ERROR(LoadDom(workbook_part, &workbook, &found));
    if (!found) {
      return Invalid("", "not an xlsx workbook: the zip archive has no " + workbook_part);
    }
    const pugi::xml_node wb = workbook.document_element();
    if (!Is(wb, "workbook")) {
      return Invalid(workbook_part,
                     "not an xlsx workbook (the root element is <" + std::string(wb.name()) + ">)");
    }
    const std::string_view d1904 = Attr(Child(wb, "workbookPr"), "date1904").value();
    date1904 = d1904 == "1" || d1904 == "true";

    ASSIGN_OR_RETURN(std::vector<Relationship> rels, LoadRels(workbook_part, &found));
    if (!found) {
      return Invalid("", "not an xlsx workbook: the zip archive has no " + RelsOf(workbook_part));
    }
    auto by_id = [&rels](std::string_view id) -> const Relationship* {
      for (const Relationship& r : rels) {
        if (r.id == id) return &r;
      }
      return nullptr;
    };
    int position = 0;
    for (pugi::xml_node s = Child(wb, "sheets").first_child(); s; s = s.next_sibling()) {
      if (!Is(s, "sheet")) continue;
      ++position;
      const Relationship* r = by_id(Attr(s, "id").value());
      if (r == nullptr || !r->type.ends_with("/worksheet")) continue;  // a chartsheet
      sheet_part = r->target;
      sheet_name = s.attribute("name").value();
      sheet_number = position;
      break;
    }
    if (sheet_part.empty()) return Invalid(workbook_part, "the workbook has no worksheet");

    for (const Relationship& r : rels) {
      if (r.type.ends_with("/styles")) {
        RETURN_IF_ERROR(LoadStyles(r.target));
        break;
      }
    }
    for (const Relationship& r : rels) {
      if (r.type.ends_with("/sharedStrings")) {
        RETURN_IF_ERROR(LoadSharedStrings(r.target));
        break;
      }
    }

    const zip_int64_t index = Locate(sheet_part);
    if (index < 0) {
      return Invalid("", "damaged xlsx workbook: the zip archive has no " + sheet_part + " (" +
                             SheetWhere() + ")");
    }
    ASSIGN_OR_RETURN(sheet_file, OpenPart(sheet_part, index, options.max_part_bytes));
    rows = std::make_unique<internal::XmlElementStream>(
        [this](char* buf, size_t n) {
          return ReadPart(sheet_file, buf, n, &sheet_bytes, options.max_part_bytes);
        },
        "sheetData", "row", options.max_row_bytes);
    return Status::Ok();
  }

  Status LoadStyles(const std::string& part) {
    pugi::xml_document doc;
    bool found = false;
    RETURN_IF_ERROR(LoadDom(part, &doc, &found));
    if (!found) return Status::Ok();  // a dangling relationship: every cell is General
    const pugi::xml_node root = doc.document_element();
    std::vector<std::pair<int64_t, NumberFormatKind>> custom;
    for (pugi::xml_node f = Child(root, "numFmts").first_child(); f; f = f.next_sibling()) {
      int64_t id = 0;
      if (!Is(f, "numFmt") || !ParseInt64(f.attribute("numFmtId").value(), &id)) continue;
      custom.emplace_back(id, internal::FormatCodeKind(f.attribute("formatCode").value()));
    }
    for (pugi::xml_node xf = Child(root, "cellXfs").first_child(); xf; xf = xf.next_sibling()) {
      if (!Is(xf, "xf")) continue;
      int64_t id = 0;
      NumberFormatKind kind = NumberFormatKind::kNumber;
      if (ParseInt64(xf.attribute("numFmtId").value(), &id)) {
        // A custom code may redefine a built-in id; it wins.
        bool is_custom = false;
        for (const auto& [cid, ckind] : custom) {
          if (cid == id) {
            kind = ckind;
            is_custom = true;
          }
        }
        if (!is_custom && id >= 0 && id < 164)
          kind = internal::BuiltinFormatKind(static_cast<int>(id));
      }
      xf_kinds.push_back(kind);
    }
    return Status::Ok();
  }

  Status LoadSharedStrings(const std::string& part) {
    const zip_int64_t index = Locate(part);
    if (index < 0) return Status::Ok();  // a cell that uses one reports the missing string
    ASSIGN_OR_RETURN(zip_file_t * f, OpenPart(part, index, options.max_part_bytes));
    int64_t total = 0;
    internal::XmlElementStream items(
        [&](char* buf, size_t n) { return ReadPart(f, buf, n, &total, options.max_part_bytes); },
        "sst", "si", options.max_row_bytes);
    pugi::xml_document doc;
    Status st;
    for (;;) {
      std::string_view si;
      Result<bool> more = items.Next(&si);
      if (!more.ok()) {
        st = Fail(part, more.status());
        break;
      }
      if (!*more) break;
      const pugi::xml_parse_result r = doc.load_buffer(
          si.data(), si.size(), pugi::parse_default | pugi::parse_ws_pcdata, pugi::encoding_utf8);
      if (!r) {
        st = Invalid(part, "shared string " + std::to_string(shared.size()) + ": malformed XML (" +
                               r.description() + ")");
        break;
      }
      std::string text;
      AppendStringItem(doc.document_element(), &text);
      if (!ValidUtf8(text)) {
        st =
            Invalid(part, "shared string " + std::to_string(shared.size()) + " is not valid UTF-8");
        break;
      }
      shared.push_back(std::move(text));
    }
    zip_fclose(f);
    return st;
  }

  // Sets *out to the value of cell <c> in column `col` of row `row`.
  Status CellValue(const pugi::xml_node& c, int col, int64_t row, std::string* out) {
    out->clear();
    const std::string_view type = c.attribute("t").value();
    const pugi::xml_node v = Child(c, "v");
    scratch.clear();
    if (v) AppendText(v, &scratch);
    if (type == "s") {
      if (!v) return Status::Ok();
      int64_t i = 0;
      if (!ParseInt64(scratch, &i) || i < 0 || i >= static_cast<int64_t>(shared.size())) {
        return Invalid(CellWhere(col, row), "shared string " + scratch +
                                                " does not exist (the workbook has " +
                                                std::to_string(shared.size()) + ")");
      }
      *out = shared[static_cast<size_t>(i)];
      return Status::Ok();
    }
    if (type == "inlineStr") {
      const pugi::xml_node is = Child(c, "is");
      if (is) {
        AppendStringItem(is, out);
      } else {
        internal::DecodeXstring(scratch, out);
      }
    } else if (type == "str") {  // a formula's text result; <v> is an ST_Xstring too
      internal::DecodeXstring(scratch, out);
    } else if (type == "e") {
      *out = scratch;
    } else if (type == "b") {
      if (scratch == "1" || scratch == "true") {
        *out = "TRUE";
      } else if (scratch == "0" || scratch == "false") {
        *out = "FALSE";
      } else if (!scratch.empty()) {
        return Invalid(CellWhere(col, row), "boolean cell holds \"" + scratch + "\"");
      }
    } else if (type == "d") {
      const std::optional<Date> d = Date::ParseIso(std::string_view(scratch).substr(0, 10));
      *out = d ? d->Iso() : scratch;
    } else if (type.empty() || type == "n") {
      if (scratch.empty()) return Status::Ok();
      int64_t style = 0;
      NumberFormatKind kind = NumberFormatKind::kNumber;
      if (ParseInt64(c.attribute("s").value(), &style) && style >= 0 &&
          style < static_cast<int64_t>(xf_kinds.size())) {
        kind = xf_kinds[static_cast<size_t>(style)];
      }
      if (kind == NumberFormatKind::kDate) {
        const std::optional<double> serial = internal::ParseNumberText(scratch);
        if (serial) {
          if (std::optional<std::string> iso = internal::ExcelSerialToIso(*serial, date1904)) {
            *out = std::move(*iso);
            return Status::Ok();
          }
        }
      }
      std::optional<std::string> number = internal::FormatNumberText(scratch);
      if (!number) {
        return Invalid(CellWhere(col, row),
                       "number cell holds \"" + scratch.substr(0, 40) + "\", not a number");
      }
      *out = std::move(*number);
      return Status::Ok();
    } else {
      return Invalid(CellWhere(col, row), "unknown cell type t=\"" + std::string(type) + "\"");
    }
    if (!ValidUtf8(*out)) return Invalid(CellWhere(col, row), "text is not valid UTF-8");
    return Status::Ok();
  }

  Result<bool> NextRecord(CsvRecord* out) {
    for (;;) {
      std::string_view fragment;
      Result<bool> more = rows->Next(&fragment);
      if (!more.ok()) {
        return Fail(SheetWhere() + " (" + sheet_part + ")", more.status());
      }
      if (!*more) return false;
      const pugi::xml_parse_result r =
          row_doc.load_buffer(fragment.data(), fragment.size(),
                              pugi::parse_default | pugi::parse_ws_pcdata, pugi::encoding_utf8);
      if (!r) {
        return Invalid(SheetWhere(), "malformed XML in the row after row " +
                                         std::to_string(last_row) + " (" + r.description() + ")");
      }
      const pugi::xml_node row_node = row_doc.document_element();
      int64_t row = last_row + 1;
      if (const pugi::xml_attribute ra = row_node.attribute("r")) {
        if (!ParseInt64(ra.value(), &row) || row < 1 || row > internal::kMaxSheetRows) {
          return Invalid(SheetWhere(), "invalid row number r=\"" + std::string(ra.value()) +
                                           "\" after row " + std::to_string(last_row));
        }
      }
      if (row <= last_row) {
        return Invalid(SheetWhere() + ", row " + std::to_string(row),
                       "rows out of order (row " + std::to_string(row) + " comes after row " +
                           std::to_string(last_row) + ")");
      }
      if (row > internal::kMaxSheetRows) {
        return Invalid(SheetWhere(),
                       "more than " + std::to_string(internal::kMaxSheetRows) + " rows");
      }
      last_row = row;

      size_t used = 0;
      int last_col = -1;
      for (pugi::xml_node c = row_node.first_child(); c; c = c.next_sibling()) {
        if (!Is(c, "c")) continue;
        int col = last_col + 1;
        if (const pugi::xml_attribute ref = c.attribute("r")) {
          int64_t ref_row = 0;
          if (!internal::ParseCellRef(ref.value(), &col, &ref_row)) {
            return Invalid(SheetWhere() + ", row " + std::to_string(row),
                           "invalid cell reference \"" + std::string(ref.value()) + "\"");
          }
        }
        if (col <= last_col) {
          return Invalid(CellWhere(col, row), "cells out of order (after column " +
                                                  internal::ColumnName(last_col) + ")");
        }
        if (col >= internal::kMaxSheetColumns) {
          return Invalid(SheetWhere() + ", row " + std::to_string(row),
                         "more than " + std::to_string(internal::kMaxSheetColumns) + " columns");
        }
        last_col = col;
        const auto need = static_cast<size_t>(col) + 1;
        if (out->fields.size() < need) out->fields.resize(need);
        while (used < static_cast<size_t>(col)) out->fields[used++].clear();
        RETURN_IF_ERROR(CellValue(c, col, row, &out->fields[used]));
        ++used;
      }
      out->fields.resize(used);
      internal::TrimTrailingEmpty(&out->fields);
      if (out->fields.empty()) continue;  // a row without values
      out->record = record++;
      out->line = row;
      return true;
    }
  }
};

XlsxReader::XlsxReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxReader::~XlsxReader() = default;

Result<std::unique_ptr<XlsxReader>> XlsxReader::Open(const std::string& path,
                                                     const XlsxReaderOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->options = options;
  int err = 0;
  impl->zip = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (impl->zip == nullptr) {
    const int sys = errno;
    // The same words as CsvReader's.
    if (err == ZIP_ER_NOENT) return NotFound(path + ": cannot open: " + std::strerror(ENOENT));
    if (err == ZIP_ER_OPEN || err == ZIP_ER_READ || err == ZIP_ER_SEEK) {
      return IoError(path + ": cannot open: " +
                     (sys != 0 ? std::string(std::strerror(sys)) : ZipErrorText(err)));
    }
    return InvalidArgument(path +
                           ": not a valid xlsx file: the zip archive is damaged or "
                           "truncated (" +
                           ZipErrorText(err) + ")");
  }
  RETURN_IF_ERROR(impl->OpenWorkbook());
  return std::unique_ptr<XlsxReader>(new XlsxReader(std::move(impl)));
}

Result<std::unique_ptr<XlsxReader>> XlsxReader::FromBuffer(std::string bytes, std::string name,
                                                           const XlsxReaderOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::move(name);
  impl->options = options;
  impl->buffer = std::move(bytes);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(impl->buffer.data(), impl->buffer.size(), 0, &error);
  if (src != nullptr) {
    impl->zip = zip_open_from_source(src, ZIP_RDONLY, &error);
    if (impl->zip == nullptr) zip_source_free(src);
  }
  if (impl->zip == nullptr) {
    Status s = InvalidArgument(
        impl->name + ": not a valid xlsx file: the zip archive is damaged or truncated (" +
        ZipErrorText(&error) + ")");
    zip_error_fini(&error);
    return s;
  }
  zip_error_fini(&error);
  RETURN_IF_ERROR(impl->OpenWorkbook());
  return std::unique_ptr<XlsxReader>(new XlsxReader(std::move(impl)));
}

Result<bool> XlsxReader::Next(CsvRecord* out) {
  if (!impl_->error.ok()) return impl_->error;
  Result<bool> r = impl_->NextRecord(out);
  if (!r.ok()) impl_->error = r.status();
  return r;
}

const std::string& XlsxReader::name() const { return impl_->name; }
const std::string& XlsxReader::sheet_name() const { return impl_->sheet_name; }
bool XlsxReader::date1904() const { return impl_->date1904; }

}  // namespace popreg::io
