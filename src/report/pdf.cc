#include "report/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace popreg::report::pdf {
namespace {

constexpr double kA4Short = 595.276;  // 210 mm in points
constexpr double kA4Long = 841.890;   // 297 mm

// How many laid-out texts are kept: a caller that measures a book's cards first and draws them
// after finds every text laid out once (a book of 100 household cards has about 5,000 texts).
// A few MB at most.
constexpr size_t kLayoutCacheSize = 8192;

// Text that Pango accepts: invalid UTF-8 becomes U+FFFD rather than a warning and nothing.
std::string ValidUtf8(std::string_view text) {
  const char* end = nullptr;
  if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), &end)) {
    return std::string(text);
  }
  gchar* fixed = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  std::string out(fixed);
  g_free(fixed);
  return out;
}

// "2026-09-30" or "2026-09-30T10:00:00" as the PDF metadata wants it; "" when not such a text.
std::string MetadataDate(const std::string& date) {
  if (date.size() == 10) return date + "T00:00:00";
  if (date.size() >= 19 && date[10] == 'T') return date.substr(0, 19);
  return "";
}

struct WriteState {
  std::FILE* file = nullptr;
  int error = 0;  // errno of the first failed write
};

cairo_status_t WriteToFile(void* closure, const unsigned char* data, unsigned int length) {
  auto* st = static_cast<WriteState*>(closure);
  if (st->error != 0) return CAIRO_STATUS_WRITE_ERROR;
  if (std::fwrite(data, 1, length, st->file) != length) {
    st->error = errno != 0 ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

// Pango's font map (one per thread, kept for the next document) is released at exit, so that a
// leak checker does not take the fonts it holds for lost.
void ReleaseFontsAtExit() { pango_cairo_font_map_set_default(nullptr); }

}  // namespace

// Leaks of the libraries, not of popreg, for LeakSanitizer in the sanitizer builds (a plain
// function otherwise): cairo 1.16 loses a small array per font subset when a PDF surface
// finishes, and fontconfig part of the configuration it parses. The stacks LeakSanitizer keeps
// end at the library (fast unwinding stops there), so the match is by library; the tests
// of this module were run once with full stacks (ASAN_OPTIONS=fast_unwind_on_malloc=0) to see
// that nothing else leaks.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcairo.so\nleak:libfontconfig.so\n";
}
extern "C" const char* __lsan_default_options() { return "print_suppressions=0"; }

struct Document::Impl {
  std::string path;
  DocumentInfo info;
  double width = kA4Short, height = kA4Long;
  std::string footer;
  std::vector<cairo_surface_t*> pages;  // one recording per page, owned
  cairo_t* cr = nullptr;                // drawing into pages.back(), or into `surface`
  bool finished = false;

  // The file: a PDF surface writing to PATH.tmp, made by Open (at Finish, or at the first page
  // when the page count is known: then the pages are drawn straight into it).
  cairo_surface_t* surface = nullptr;
  WriteState out;
  int expected_pages = 0;  // SetPageCount; 0 = record the pages
  int direct_pages = 0;    // pages begun straight in the file
  Status failed;           // an error of Open in NewPage, for Finish to return

  PangoContext* context = nullptr;  // owned; its font map is Pango's per-thread default
  // Font descriptions by (size, bold).
  std::vector<std::pair<std::pair<double, bool>, PangoFontDescription*>> fonts;
  // Layouts by key (text, style, width), replaced round-robin. A layout is never changed once
  // made (a text waiting to be drawn holds a reference to it).
  struct Slot {
    std::string key;
    PangoLayout* layout = nullptr;
  };
  std::vector<Slot> slots = std::vector<Slot>(kLayoutCacheSize);
  size_t next_slot = 0;
  std::unordered_map<std::string, size_t> slot_of;

  // What the page draws, kept until the page ends (or cr() is asked for) and then drawn in
  // three layers: the fills in order, every outline (one path per line width), the texts in
  // order. Fewer, larger operations make a smaller PDF, faster (texts one after another share
  // one text object), and no fill covers a rule or a text.
  struct Fill {
    double x, y, w, h;
    std::array<double, 3> rgb;
  };
  struct Stroke {
    bool rect;  // a rectangle (x, y, w, h), else a line (x1, y1, x2, y2)
    double a, b, c, d, width;
  };
  struct PendingText {
    PangoLayout* layout;  // a reference of its own
    double x, y;
    TextStyle style;
  };
  std::vector<Fill> fills;
  std::vector<Stroke> strokes;
  std::vector<PendingText> texts;

  ~Impl() {
    for (PendingText& t : texts) g_object_unref(t.layout);
    if (cr != nullptr) cairo_destroy(cr);
    for (cairo_surface_t* s : pages) cairo_surface_destroy(s);
    if (surface != nullptr) {  // never finished: no file
      cairo_surface_destroy(surface);
      std::fclose(out.file);
      std::error_code ec;
      std::filesystem::remove(path + ".tmp", ec);
    }
    for (Slot& s : slots) {
      if (s.layout != nullptr) g_object_unref(s.layout);
    }
    for (auto& [k, f] : fonts) pango_font_description_free(f);
    if (context != nullptr) g_object_unref(context);
  }

  PangoFontDescription* Font(double size, bool bold) {
    for (auto& [k, f] : fonts) {
      if (k.first == size && k.second == bold) return f;
    }
    PangoFontDescription* f = pango_font_description_new();
    pango_font_description_set_family(f, std::string(kFontFamily).c_str());
    pango_font_description_set_weight(f, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    // One user unit is one point, so the size is absolute (no screen resolution in between).
    pango_font_description_set_absolute_size(f, size * PANGO_SCALE);
    fonts.emplace_back(std::make_pair(size, bold), f);
    return f;
  }

  PangoLayout* Layout(std::string_view text, const TextStyle& s, double w) {
    std::string key;
    key.reserve(text.size() + 1 + 2 * sizeof(double) + 2);
    key.append(text);
    key.push_back('\0');
    key.append(reinterpret_cast<const char*>(&s.size), sizeof(double));
    key.append(reinterpret_cast<const char*>(&w), sizeof(double));
    key.push_back(s.bold ? 'b' : 'n');
    key.push_back(static_cast<char>('0' + static_cast<int>(s.align)));
    if (auto it = slot_of.find(key); it != slot_of.end()) return slots[it->second].layout;
    const size_t i = next_slot;
    next_slot = (next_slot + 1) % slots.size();
    Slot& slot = slots[i];
    if (!slot.key.empty()) slot_of.erase(slot.key);
    if (slot.layout != nullptr) g_object_unref(slot.layout);
    slot.layout = pango_layout_new(context);
    pango_layout_set_wrap(slot.layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_font_description(slot.layout, Font(s.size, s.bold));
    pango_layout_set_width(slot.layout, w > 0 ? static_cast<int>(w * PANGO_SCALE) : -1);
    pango_layout_set_alignment(slot.layout, s.align == Align::kCenter  ? PANGO_ALIGN_CENTER
                                            : s.align == Align::kRight ? PANGO_ALIGN_RIGHT
                                                                       : PANGO_ALIGN_LEFT);
    const std::string valid = ValidUtf8(text);
    pango_layout_set_text(slot.layout, valid.data(), static_cast<int>(valid.size()));
    slot.key = std::move(key);
    slot_of.emplace(slot.key, i);
    return slot.layout;
  }

  // Draws a layout with its top-left at (x, y).
  void Show(cairo_t* c, PangoLayout* layout, double x, double y, const TextStyle& s) {
    cairo_set_source_rgb(c, s.r, s.g, s.b);
    cairo_move_to(c, x, y);
    pango_cairo_show_layout(c, layout);
  }

  // Draws what the page has kept (see Fill), onto `cr`.
  void Flush() {
    if (cr == nullptr) return;
    for (size_t i = 0; i < fills.size();) {
      const std::array<double, 3> rgb = fills[i].rgb;
      cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
      for (; i < fills.size() && fills[i].rgb == rgb; ++i) {
        cairo_rectangle(cr, fills[i].x, fills[i].y, fills[i].w, fills[i].h);
      }
      cairo_fill(cr);
    }
    std::vector<double> widths;
    for (const Stroke& st : strokes) {
      if (std::find(widths.begin(), widths.end(), st.width) == widths.end()) {
        widths.push_back(st.width);
      }
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (double w : widths) {
      for (const Stroke& st : strokes) {
        if (st.width != w) continue;
        if (st.rect) {
          cairo_rectangle(cr, st.a, st.b, st.c, st.d);
        } else {
          cairo_move_to(cr, st.a, st.b);
          cairo_line_to(cr, st.c, st.d);
        }
      }
      cairo_set_line_width(cr, w);
      cairo_stroke(cr);
    }
    for (PendingText& t : texts) {
      Show(cr, t.layout, t.x, t.y, t.style);
      g_object_unref(t.layout);
    }
    fills.clear();
    strokes.clear();
    texts.clear();
  }

  // Opens PATH.tmp and the PDF surface on it, with the document's metadata.
  Status Open() {
    out.file = std::fopen((path + ".tmp").c_str(), "wb");
    if (out.file == nullptr) return IoError("writing " + path + ": " + std::strerror(errno));
    surface = cairo_pdf_surface_create_for_stream(WriteToFile, &out, width, height);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, info.title.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, info.author.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, info.subject.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "popreg");
    if (const std::string date = MetadataDate(info.date); !date.empty()) {
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
    }
    return Status::Ok();
  }

  // The footer of page `page` of `total`.
  void Footer(cairo_t* c, int page, int total) {
    const TextStyle style{8, false, Align::kLeft, 0.3, 0.3, 0.3};
    const double y = height - kFooter + 18;
    if (!footer.empty())
      Show(c, Layout(footer, style, width / 2 - kMargin - 60), kMargin, y, style);
    const std::string n = "第 " + std::to_string(page) + " 页 共 " + std::to_string(total) + " 页";
    TextStyle centred = style;
    centred.align = Align::kCenter;
    Show(c, Layout(n, centred, width - 2 * kMargin), kMargin, y, centred);
  }

  // Finishes the surface and the file: renamed to `path` when all went well (and `st` is OK),
  // else removed. Returns the first error.
  Status Close(Status st) {
    cairo_surface_finish(surface);
    const cairo_status_t cs = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    surface = nullptr;
    const bool closed = std::fclose(out.file) == 0;
    if (out.error == 0 && !closed) out.error = errno != 0 ? errno : EIO;
    const std::string tmp = path + ".tmp";
    std::error_code ec;
    if (st.ok() && (out.error != 0 || cs != CAIRO_STATUS_SUCCESS)) {
      st = IoError("writing " + path + ": " +
                   (out.error != 0 ? std::string(std::strerror(out.error))
                                   : std::string(cairo_status_to_string(cs))));
    }
    if (st.ok()) {
      std::filesystem::rename(tmp, path, ec);
      if (ec) st = IoError("writing " + path + ": " + ec.message());
    }
    if (!st.ok()) std::filesystem::remove(tmp, ec);
    return st;
  }
};

Document::Document() : impl_(std::make_unique<Impl>()) {}

Document::~Document() = default;

Result<std::unique_ptr<Document>> Document::Create(const std::string& path, Orientation o,
                                                   const DocumentInfo& info) {
  const std::filesystem::path p(path);
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return NotFound("writing " + path + ": the directory " + dir.string() + " does not exist");
  }
  std::unique_ptr<Document> doc(new Document());
  Impl& d = *doc->impl_;
  d.path = path;
  d.info = info;
  if (o == Orientation::kLandscape) std::swap(d.width, d.height);
  static const bool at_exit = std::atexit(ReleaseFontsAtExit) == 0;
  (void)at_exit;
  PangoFontMap* map = pango_cairo_font_map_get_default();
  d.context = pango_font_map_create_context(map);
  // Vector output: no hinting, glyphs where the font puts them (not rounded to pixels).
  cairo_font_options_t* fo = cairo_font_options_create();
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(d.context, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(d.context, FALSE);
  pango_context_set_language(d.context, pango_language_from_string("zh-cn"));
  // The family must be there: a fallback font would print boxes or lack glyphs.
  PangoFont* font = pango_font_map_load_font(map, d.context, d.Font(10, false));
  bool found = false;
  if (font != nullptr) {
    PangoFontDescription* got = pango_font_describe(font);
    if (got != nullptr) {
      const char* family = pango_font_description_get_family(got);
      found = family != nullptr && std::string_view(family) == kFontFamily;
      pango_font_description_free(got);
    }
    g_object_unref(font);
  }
  if (!found) {
    return NotFound("writing " + path + ": the font " + std::string(kFontFamily) +
                    " is not installed (Debian: apt-get install fonts-noto-cjk)");
  }
  return doc;
}

double Document::width() const { return impl_->width; }
double Document::height() const { return impl_->height; }
int Document::page() const {
  return impl_->surface != nullptr ? impl_->direct_pages : static_cast<int>(impl_->pages.size());
}

void Document::SetPageCount(int pages) {
  if (page() == 0 && pages > 0) impl_->expected_pages = pages;
}

void Document::NewPage() {
  Impl& d = *impl_;
  if (d.expected_pages > 0 && d.pages.empty()) {
    // Straight into the file: the page before gets its footer and ends.
    if (d.surface == nullptr) {
      if (Status st = d.Open(); !st.ok()) {
        d.failed = st;  // Finish returns it; meanwhile the pages are recorded
        d.expected_pages = 0;
      } else {
        d.cr = cairo_create(d.surface);
        cairo_set_line_join(d.cr, CAIRO_LINE_JOIN_MITER);
      }
    } else {
      d.Flush();
      d.Footer(d.cr, d.direct_pages, d.expected_pages);
      cairo_show_page(d.cr);
    }
    if (d.surface != nullptr) {
      ++d.direct_pages;
      return;
    }
  }
  d.Flush();
  if (d.cr != nullptr) cairo_destroy(d.cr);
  const cairo_rectangle_t extents{0, 0, d.width, d.height};
  cairo_surface_t* s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
  d.pages.push_back(s);
  d.cr = cairo_create(s);
  cairo_set_line_join(d.cr, CAIRO_LINE_JOIN_MITER);
}

void Document::EnsurePage() {
  if (impl_->cr == nullptr) NewPage();
}

double Document::Text(double x, double y, double w, std::string_view text, const TextStyle& style) {
  EnsurePage();
  PangoLayout* layout = impl_->Layout(text, style, w);
  int lw = 0, lh = 0;
  pango_layout_get_size(layout, &lw, &lh);
  if (w <= 0 && style.align != Align::kLeft) {
    x -= style.align == Align::kCenter ? lw / 2.0 / PANGO_SCALE : 1.0 * lw / PANGO_SCALE;
  }
  g_object_ref(layout);
  impl_->texts.push_back({layout, x, y, style});
  return 1.0 * lh / PANGO_SCALE;
}

double Document::TextHeight(double w, std::string_view text, const TextStyle& style) {
  int lh = 0;
  pango_layout_get_size(impl_->Layout(text, style, w), nullptr, &lh);
  return 1.0 * lh / PANGO_SCALE;
}

double Document::TextWidth(std::string_view text, const TextStyle& style) {
  int lw = 0;
  pango_layout_get_size(impl_->Layout(text, style, 0), &lw, nullptr);
  return 1.0 * lw / PANGO_SCALE;
}

void Document::Line(double x1, double y1, double x2, double y2, double width) {
  EnsurePage();
  impl_->strokes.push_back({false, x1, y1, x2, y2, width});
}

void Document::Rect(double x, double y, double w, double h, double stroke_width,
                    std::optional<std::array<double, 3>> fill) {
  EnsurePage();
  if (fill) impl_->fills.push_back({x, y, w, h, *fill});
  if (stroke_width > 0) impl_->strokes.push_back({true, x, y, w, h, stroke_width});
}

void Document::SetFooter(std::string left) { impl_->footer = std::move(left); }

cairo_t* Document::cr() {
  EnsurePage();
  impl_->Flush();  // what came before is under what the caller draws now
  return impl_->cr;
}

Status Document::Finish() {
  Impl& d = *impl_;
  if (d.finished) return FailedPrecondition("writing " + d.path + ": the document is finished");
  d.finished = true;
  if (d.surface != nullptr) {
    // Drawn straight into the file: end the last page.
    d.Flush();
    d.Footer(d.cr, d.direct_pages, d.expected_pages);
    cairo_show_page(d.cr);
    cairo_destroy(d.cr);
    d.cr = nullptr;
    Status st;
    if (d.direct_pages != d.expected_pages) {
      st = Internal("writing " + d.path + ": " + std::to_string(d.direct_pages) + " pages drawn, " +
                    std::to_string(d.expected_pages) + " announced");
    }
    return d.Close(st);
  }
  if (!d.failed.ok()) return d.failed;
  if (d.pages.empty()) NewPage();
  d.Flush();
  if (d.cr != nullptr) {
    cairo_destroy(d.cr);
    d.cr = nullptr;
  }
  RETURN_IF_ERROR(d.Open());
  cairo_t* c = cairo_create(d.surface);
  const int total = static_cast<int>(d.pages.size());
  for (int i = 0; i < total; ++i) {
    cairo_set_source_surface(c, d.pages[i], 0, 0);
    cairo_paint(c);
    d.Footer(c, i + 1, total);
    cairo_show_page(c);
    // The PDF surface keeps its own reference to the recording while it needs it.
    cairo_surface_destroy(d.pages[i]);
    d.pages[i] = nullptr;
  }
  d.pages.clear();
  cairo_destroy(c);
  return d.Close(Status::Ok());
}

// ---- Tables ----

namespace {

constexpr double kCellPadX = 3;
constexpr double kCellPadY = 2.5;
constexpr std::array<double, 3> kHeaderFill{0.90, 0.92, 0.95};
constexpr std::array<double, 3> kBoldFill{0.95, 0.95, 0.95};

Status CheckTable(const Table& t) {
  if (t.columns.empty()) return InvalidArgument("table '" + t.title + "': no columns");
  for (size_t i = 0; i < t.rows.size(); ++i) {
    if (t.rows[i].size() != t.columns.size()) {
      return InvalidArgument("table '" + t.title + "': row " + std::to_string(i + 1) + " has " +
                             std::to_string(t.rows[i].size()) + " cells, not " +
                             std::to_string(t.columns.size()));
    }
  }
  for (const TableGroup& g : t.groups) {
    if (g.first_column < 0 || g.columns < 1 ||
        static_cast<size_t>(g.first_column + g.columns) > t.columns.size()) {
      return InvalidArgument("table '" + t.title + "': the group '" + g.header +
                             "' lies outside the columns");
    }
  }
  return Status::Ok();
}

constexpr std::array<double, 3> kMarkFill{1.0, 0.90, 0.88};

struct TableRun {
  int pages = 0;  // the pages the table started (a table begun at start_y counts none for it)
  double y = 0;   // the y below its last row
};

// Lays out (and, when `draw`, draws) a table: from the top of a new page, or, with `start_y`,
// from there on the current page (on a new one when its header and first row do not fit).
TableRun RunTable(Document& doc, const Table& t, bool draw,
                  std::optional<double> start_y = std::nullopt) {
  const double left = kMargin;
  const double width = doc.width() - 2 * kMargin;
  double total_weight = 0;
  for (const TableColumn& c : t.columns) total_weight += std::max(c.weight, 0.0);
  if (total_weight <= 0) total_weight = 1;
  std::vector<double> x(t.columns.size() + 1, left);
  for (size_t i = 0; i < t.columns.size(); ++i) {
    x[i + 1] = x[i] + width * std::max(t.columns[i].weight, 0.0) / total_weight;
  }
  auto col_w = [&](size_t i) { return x[i + 1] - x[i]; };
  const TextStyle title_style{14, true, Align::kCenter};
  const TextStyle subtitle_style{9, false, Align::kCenter, 0.25, 0.25, 0.25};
  const TextStyle header_style{9, true, Align::kCenter};
  std::vector<int> group_of(t.columns.size(), -1);
  for (size_t g = 0; g < t.groups.size(); ++g) {
    for (int c = 0; c < t.groups[g].columns; ++c) group_of[t.groups[g].first_column + c] = g;
  }

  // The header's rows: the groups' (when any), then the columns'.
  double group_h = 0;
  for (const TableGroup& g : t.groups) {
    const double w = x[g.first_column + g.columns] - x[g.first_column] - 2 * kCellPadX;
    group_h = std::max(group_h, doc.TextHeight(w, g.header, header_style) + 2 * kCellPadY);
  }
  double column_h = 0;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    column_h = std::max(
        column_h, doc.TextHeight(col_w(i) - 2 * kCellPadX, t.columns[i].header, header_style) +
                      2 * kCellPadY);
  }
  const double header_h = group_h + column_h;

  auto cell = [&](double cx, double cy, double cw, double ch, std::string_view text,
                  const TextStyle& style, std::optional<std::array<double, 3>> fill) {
    doc.Rect(cx, cy, cw, ch, 0.5, fill);
    const double th = doc.TextHeight(cw - 2 * kCellPadX, text, style);
    doc.Text(cx + kCellPadX, cy + (ch - th) / 2, cw - 2 * kCellPadX, text, style);
  };

  int pages = 0;
  double y = 0;
  bool started = false;
  // Starts a page (or, the first time with start_y, goes on on this one): the title
  // (continued), the subtitle, the header.
  auto start_page = [&](bool new_page) {
    const bool first = !started;
    started = true;
    if (new_page) {
      ++pages;
      y = kMargin;
      if (draw) doc.NewPage();
    }
    const std::string title = first || t.title.empty() ? t.title : t.title + "（续）";
    if (!title.empty()) {
      const double h = doc.TextHeight(width, title, title_style);
      if (draw) doc.Text(left, y, width, title, title_style);
      y += h + 4;
    }
    if (!t.subtitle.empty()) {
      const double h = doc.TextHeight(width, t.subtitle, subtitle_style);
      if (draw) doc.Text(left, y, width, t.subtitle, subtitle_style);
      y += h + 4;
    }
    y += 2;
    if (draw) {
      for (const TableGroup& g : t.groups) {
        cell(x[g.first_column], y, x[g.first_column + g.columns] - x[g.first_column], group_h,
             g.header, header_style, kHeaderFill);
      }
      for (size_t i = 0; i < t.columns.size(); ++i) {
        const bool grouped = group_of[i] >= 0;
        cell(x[i], grouped ? y + group_h : y, col_w(i), grouped ? column_h : header_h,
             t.columns[i].header, header_style, kHeaderFill);
      }
    }
    y += header_h;
  };

  auto has = [](const std::vector<size_t>& rows, size_t r) {
    return std::find(rows.begin(), rows.end(), r) != rows.end();
  };
  auto row_style = [&](size_t r, size_t i) {
    TextStyle s{9, has(t.bold_rows, r), t.columns[i].align};
    if (has(t.marked_rows, r)) s.r = 0.7;
    return s;
  };
  auto row_height = [&](size_t r) {
    double h = 0;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      h = std::max(h, doc.TextHeight(col_w(i) - 2 * kCellPadX, t.rows[r][i], row_style(r, i)) +
                          2 * kCellPadY);
    }
    return h;
  };

  if (start_y) {
    y = *start_y;
    const double first_row = t.rows.empty() ? 0 : row_height(0);
    double above = header_h + 2;  // the title, subtitle and header that come before the rows
    if (!t.title.empty()) above += doc.TextHeight(width, t.title, title_style) + 4;
    if (!t.subtitle.empty()) above += doc.TextHeight(width, t.subtitle, subtitle_style) + 4;
    start_page(/*new_page=*/y + above + first_row > doc.body_bottom());
  } else {
    start_page(/*new_page=*/true);
  }
  bool page_has_rows = false;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const double row_h = row_height(r);
    if (page_has_rows && y + row_h > doc.body_bottom()) {
      start_page(/*new_page=*/true);
      page_has_rows = false;
    }
    if (draw) {
      const std::optional<std::array<double, 3>> fill =
          has(t.marked_rows, r) ? std::optional(kMarkFill)
          : has(t.bold_rows, r) ? std::optional(kBoldFill)
                                : std::nullopt;
      for (size_t i = 0; i < t.columns.size(); ++i) {
        cell(x[i], y, col_w(i), row_h, t.rows[r][i], row_style(r, i), fill);
      }
    }
    y += row_h;
    page_has_rows = true;
  }
  return {pages, y};
}

}  // namespace

Status DrawTable(Document& doc, const Table& table) {
  RETURN_IF_ERROR(CheckTable(table));
  RunTable(doc, table, /*draw=*/true);
  return Status::Ok();
}

Result<double> DrawTableAt(Document& doc, const Table& table, double y) {
  RETURN_IF_ERROR(CheckTable(table));
  return RunTable(doc, table, /*draw=*/true, y).y;
}

Result<int> TablePages(Document& doc, const Table& table) {
  RETURN_IF_ERROR(CheckTable(table));
  return RunTable(doc, table, /*draw=*/false).pages;
}

// ---- Charts ----

namespace {

constexpr std::array<std::array<double, 3>, 8> kPalette{{{0.12, 0.47, 0.71},
                                                         {1.00, 0.50, 0.05},
                                                         {0.17, 0.63, 0.17},
                                                         {0.84, 0.15, 0.16},
                                                         {0.58, 0.40, 0.74},
                                                         {0.55, 0.34, 0.29},
                                                         {0.89, 0.47, 0.76},
                                                         {0.50, 0.50, 0.50}}};
constexpr std::array<double, 3> kBarColour{0.27, 0.51, 0.71};
constexpr std::array<double, 3> kWarningColour{0.86, 0.33, 0.10};
constexpr int kTicks = 5;

// A number for an axis or a label: no decimals for whole numbers, else up to two.
std::string FormatNumber(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s(buf);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  }
  return buf;
}

// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `v` (> 0): an axis top
// whose five ticks are round numbers.
double NiceCeil(double v) {
  const double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= v * (1 - 1e-12)) return m * p;
  }
  return 10 * p;
}

// The plot box of a chart: axes, grid lines and tick labels from 0 to max; returns nothing, the
// caller has the box.
void Axes(Document& doc, double px0, double py0, double px1, double py1, double max) {
  cairo_t* c = doc.cr();
  const TextStyle tick{7, false, Align::kRight, 0.3, 0.3, 0.3};
  for (int i = 0; i <= kTicks; ++i) {
    const double v = max * i / kTicks;
    const double y = py1 - (py1 - py0) * i / kTicks;
    cairo_save(c);
    cairo_set_source_rgb(c, 0.85, 0.85, 0.85);
    cairo_set_line_width(c, 0.4);
    cairo_move_to(c, px0, y);
    cairo_line_to(c, px1, y);
    cairo_stroke(c);
    cairo_restore(c);
    const double th = doc.TextHeight(0, FormatNumber(v), tick);
    doc.Text(px0 - 3, y - th / 2, 0, FormatNumber(v), tick);
  }
  doc.Line(px0, py0, px0, py1, 0.8);
  doc.Line(px0, py1, px1, py1, 0.8);
}

double AxisWidth(Document& doc, double max) {
  const TextStyle tick{7, false, Align::kRight};
  double w = 0;
  for (int i = 0; i <= kTicks; ++i)
    w = std::max(w, doc.TextWidth(FormatNumber(max * i / kTicks), tick));
  return w + 6;
}

}  // namespace

void BarChart(Document& doc, double x, double y, double w, double h, const std::string& title,
              const std::vector<std::string>& labels, const std::vector<double>& values, double max,
              const std::vector<size_t>& highlight) {
  if (max <= 0) {
    for (double v : values) max = std::max(max, v);
    max = max > 0 ? NiceCeil(max) : 1;
  }
  const TextStyle title_style{11, true, Align::kCenter};
  double top = y;
  if (!title.empty()) top += doc.Text(x, y, w, title, title_style) + 4;
  const size_t n = std::max(values.size(), labels.size());
  const double px0 = x + AxisWidth(doc, max);
  const double px1 = x + w - 4;
  const double slot = n == 0 ? 0 : (px1 - px0) / n;
  const TextStyle label_style{7, false, Align::kCenter};
  // The figures over the bars shrink until the widest fits its band, and are left out when that
  // would take them under 4.5 pt (the axis still reads): wrapped, "100" would show as "10".
  TextStyle value_style{7, false, Align::kCenter, 0.2, 0.2, 0.2};
  double widest = 0;
  for (double v : values) widest = std::max(widest, doc.TextWidth(FormatNumber(v), value_style));
  if (widest > slot - 1 && widest > 0) value_style.size = 7 * (slot - 1) / widest;
  const bool show_values = value_style.size >= 4.5;
  double label_h = 0;
  for (const std::string& l : labels) {
    label_h = std::max(label_h, doc.TextHeight(slot - 2, l, label_style));
  }
  label_h = std::min(label_h, h / 4);
  const double value_h = doc.TextHeight(0, "0", value_style);
  const double py0 = top + value_h + 2;
  const double py1 = y + h - label_h - 4;
  if (py1 <= py0 || n == 0) return;
  Axes(doc, px0, py0, px1, py1, max);
  cairo_t* c = doc.cr();
  for (size_t i = 0; i < n; ++i) {
    const double v = i < values.size() ? std::clamp(values[i], 0.0, max) : 0;
    const double bh = (py1 - py0) * v / max;
    const double bx = px0 + slot * i + slot * 0.2;
    const bool warn = std::find(highlight.begin(), highlight.end(), i) != highlight.end();
    const auto& colour = warn ? kWarningColour : kBarColour;
    cairo_save(c);
    cairo_set_source_rgb(c, colour[0], colour[1], colour[2]);
    cairo_rectangle(c, bx, py1 - bh, slot * 0.6, bh);
    cairo_fill(c);
    cairo_restore(c);
    if (show_values && i < values.size()) {
      doc.Text(px0 + slot * i, py1 - bh - value_h - 1, slot, FormatNumber(values[i]), value_style);
    }
    if (i < labels.size()) {
      // A label longer than its band is cut: drawn (cr() draws what is kept) inside the clip.
      doc.cr();
      cairo_save(c);
      cairo_rectangle(c, px0 + slot * i, py1 + 2, slot, label_h + 1);
      cairo_clip(c);
      doc.Text(px0 + slot * i + 1, py1 + 3, slot - 2, labels[i], label_style);
      doc.cr();
      cairo_restore(c);
    }
  }
}

void LineChart(Document& doc, double x, double y, double w, double h, const std::string& title,
               const std::vector<std::string>& x_labels,
               const std::vector<std::pair<std::string, std::vector<double>>>& series, double max) {
  if (max <= 0) {
    for (const auto& [name, values] : series) {
      for (double v : values) max = std::max(max, v);
    }
    max = max > 0 ? NiceCeil(max) : 1;
  }
  const TextStyle title_style{11, true, Align::kCenter};
  double top = y;
  if (!title.empty()) top += doc.Text(x, y, w, title, title_style) + 4;
  cairo_t* c = doc.cr();
  // The legend: a swatch and the name of each series, flowing over as many lines as needed.
  const TextStyle legend_style{8, false, Align::kLeft};
  const double legend_line = doc.TextHeight(0, "图", legend_style);
  double lx = x;
  for (size_t s = 0; s < series.size(); ++s) {
    const double need = 18 + doc.TextWidth(series[s].first, legend_style) + 10;
    if (lx > x && lx + need > x + w) {
      lx = x;
      top += legend_line;
    }
    const auto& colour = kPalette[s % kPalette.size()];
    cairo_save(c);
    cairo_set_source_rgb(c, colour[0], colour[1], colour[2]);
    cairo_set_line_width(c, 2);
    cairo_move_to(c, lx, top + legend_line / 2);
    cairo_line_to(c, lx + 14, top + legend_line / 2);
    cairo_stroke(c);
    cairo_restore(c);
    doc.Text(lx + 18, top, 0, series[s].first, legend_style);
    lx += need;
  }
  if (!series.empty()) top += legend_line + 4;

  size_t n = x_labels.size();
  for (const auto& [name, values] : series) n = std::max(n, values.size());
  const TextStyle label_style{7, false, Align::kCenter};
  const double label_h = doc.TextHeight(0, "0", label_style);
  const double px0 = x + AxisWidth(doc, max);
  const double px1 = x + w - 8;
  const double py0 = top + 4;
  const double py1 = y + h - label_h - 4;
  if (py1 <= py0 || n == 0) return;
  Axes(doc, px0, py0, px1, py1, max);
  auto px = [&](size_t i) { return n == 1 ? (px0 + px1) / 2 : px0 + (px1 - px0) * i / (n - 1); };
  auto py = [&](double v) { return py1 - (py1 - py0) * std::clamp(v, 0.0, max) / max; };
  // Every k-th x label, so that labels do not run into each other.
  double widest = 0;
  for (const std::string& l : x_labels) widest = std::max(widest, doc.TextWidth(l, label_style));
  const double step = n > 1 ? (px1 - px0) / (n - 1) : px1 - px0;
  const size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil((widest + 4) / step)));
  for (size_t i = 0; i < x_labels.size(); i += every) {
    doc.Line(px(i), py1, px(i), py1 + 2, 0.6);
    doc.Text(px(i), py1 + 3, 0, x_labels[i], label_style);
  }
  for (size_t s = 0; s < series.size(); ++s) {
    const auto& colour = kPalette[s % kPalette.size()];
    const std::vector<double>& values = series[s].second;
    cairo_save(c);
    cairo_set_source_rgb(c, colour[0], colour[1], colour[2]);
    cairo_set_line_width(c, 1.5);
    bool open = false;
    for (size_t i = 0; i < values.size(); ++i) {
      if (std::isnan(values[i])) {
        open = false;
        continue;
      }
      if (open) {
        cairo_line_to(c, px(i), py(values[i]));
      } else {
        cairo_move_to(c, px(i), py(values[i]));
        open = true;
      }
    }
    cairo_stroke(c);
    for (size_t i = 0; i < values.size(); ++i) {
      if (std::isnan(values[i])) continue;
      cairo_arc(c, px(i), py(values[i]), 1.8, 0, 2 * M_PI);
      cairo_fill(c);
    }
    cairo_restore(c);
  }
}

}  // namespace popreg::report::pdf
