// The one PDF module: A4 documents drawn with Cairo, their text laid out by Pango in Noto Sans
// CJK SC (embedded in each file as a subset), with a footer of page numbers on every page, and
// the tables and charts the reports print (household-card books, statistical tables, bulletins).
// Only this module and report/*.cc include Cairo or Pango; callers see points and strings.
//
// Coordinates are PDF points (1/72 inch) from the top-left corner of the page, y downwards.
//
// How "共 m 页" is known before the end: each page is recorded (a Cairo recording surface)
// and the pages are replayed into the PDF at Finish, with their footers. A document's memory is
// therefore bounded by its own size (its pages' drawing commands), never by what came before it.
// A caller that lays out first and knows the number of pages says so (SetPageCount), and its
// pages go straight into the file.
//
// Threads: a Document is used by one thread at a time; different documents may be drawn on
// different threads.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

typedef struct _cairo cairo_t;  // NOLINT(modernize-use-using): Cairo's own declaration

namespace popreg::report::pdf {

struct DocumentInfo {
  std::string title, author /* issuing office */, subject;
  // The creation date written into the file's metadata (ISO date "2026-09-30" or time
  // "2026-09-30T10:00:00"); empty = now. A fixed date makes the same input give the same file.
  std::string date;
};

enum class Orientation { kPortrait, kLandscape };  // A4
enum class Align { kLeft, kCenter, kRight };

struct TextStyle {
  double size = 10;  // points
  bool bold = false;
  Align align = Align::kLeft;
  double r = 0, g = 0, b = 0;  // colour, each in [0, 1]
};

// The family every text is set in.
inline constexpr std::string_view kFontFamily = "Noto Sans CJK SC";

// The margins of the body (left, right and top), and the band at the bottom that the footer
// takes: tables and cards stay inside [kMargin, width - kMargin] x [kMargin, height - kFooter].
inline constexpr double kMargin = 40;
inline constexpr double kFooter = 48;

class Document {
 public:
  // A document that Finish() writes to `path`. Nothing is written before Finish(). Fails
  // (naming the path) when the directory of `path` does not exist or the fonts cannot be found.
  static Result<std::unique_ptr<Document>> Create(const std::string& path, Orientation o,
                                                  const DocumentInfo& info);
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  double width() const;  // page size in points
  double height() const;
  // The lowest y the body may use (above the footer band).
  double body_bottom() const { return height() - kFooter; }

  // Optional, before the first page: the number of pages the document will have, when the
  // caller has laid it out first. The pages are then drawn straight into the file (no page is
  // recorded and replayed: faster, and only the page being drawn is held); Finish fails
  // (Internal, no file) when another number of pages was drawn. Ignored after the first page
  // or for pages <= 0.
  void SetPageCount(int pages);

  // Starts the next page; the first call starts page 1. Drawing before the first call starts
  // page 1 as well.
  void NewPage();
  // The current page, 1-based (0 before the first page).
  int page() const;

  // Draws `text` (UTF-8, wrapped at word or character boundaries to width w; w <= 0 means no
  // wrapping, and then alignment is relative to x) with its top-left at (x, y); returns the
  // height used. Line breaks in `text` start new lines.
  double Text(double x, double y, double w, std::string_view text, const TextStyle& style);
  // The height Text would use, without drawing.
  double TextHeight(double w, std::string_view text, const TextStyle& style);
  // The width of `text` set on one line.
  double TextWidth(std::string_view text, const TextStyle& style);

  // What a page draws is kept until the page ends and then drawn in three layers: fills, then
  // lines and outlines, then texts (each layer in the order drawn). So a text is never under a
  // fill of the same page, and a table's cells make a few PDF operations instead of thousands.
  // cr() draws what was kept before it returns.
  void Line(double x1, double y1, double x2, double y2, double width = 0.5);
  // A rectangle, filled with `fill` (RGB in [0, 1]) when given, then stroked when
  // stroke_width > 0.
  void Rect(double x, double y, double w, double h, double stroke_width = 0.5,
            std::optional<std::array<double, 3>> fill = std::nullopt);

  // A footer on every page: `left` text at the bottom left, and "第 n 页 共 m 页" centred. Set
  // before the first NewPage (it applies to every page of the document in any case).
  void SetFooter(std::string left);

  // The current page's context (starting page 1 when there is none), for charts drawn
  // directly: what was drawn through the Document before is drawn first, so what the caller
  // draws now lies above it (and texts drawn through the Document after it lie above that).
  // Leave its state as found (cairo_save/cairo_restore).
  cairo_t* cr();

  // Writes the file: each page with its footer, the fonts embedded. It is written beside the
  // target (PATH.tmp) and renamed, so a failed run leaves no half file; errors name the path.
  // A document without pages gets one empty page. Call once; the document is spent afterwards.
  Status Finish();

 private:
  Document();
  void EnsurePage();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct TableColumn {
  std::string header;
  double weight = 1;  // the column's share of the body width
  Align align = Align::kLeft;
};
struct TableGroup {  // a merged header over columns
  std::string header;
  int first_column = 0;
  int columns = 1;
};
struct Table {
  std::string title, subtitle;
  std::vector<TableGroup> groups;
  std::vector<TableColumn> columns;
  std::vector<std::vector<std::string>> rows;  // each with columns.size() cells
  std::vector<size_t> bold_rows;               // indices into rows, e.g. totals
  std::vector<size_t> marked_rows;  // indices into rows drawn in red on pale red (a warning)
};

// Draws `table` from the top of a new page, continuing on as many pages as it needs with the
// title (followed by "（续）") and headers repeated. Cells wrap within their column. A row is
// never split across pages. InvalidArgument when there are no columns, a row has the wrong
// number of cells, or a group lies outside the columns.
Status DrawTable(Document& doc, const Table& table);
// Draws `table` on the current page from `y` on (on a new page when its title, header and first
// row do not fit below y), continuing on further pages like DrawTable; returns the y below its
// last row. InvalidArgument as DrawTable.
Result<double> DrawTableAt(Document& doc, const Table& table, double y);
// The number of pages DrawTable would use for `table` in `doc`, without drawing (for a
// catalogue that must know where what follows it starts).
Result<int> TablePages(Document& doc, const Table& table);

// Charts into the box (x, y, w, h) of the current page: vertical bars with value labels
// (values in [0, max]; max <= 0 = the largest value rounded up to a round number), bars of
// `highlight` indices in a warning colour; and a line chart of one or more series over x labels,
// with axis ticks and a legend.
void BarChart(Document& doc, double x, double y, double w, double h, const std::string& title,
              const std::vector<std::string>& labels, const std::vector<double>& values, double max,
              const std::vector<size_t>& highlight);
void LineChart(Document& doc, double x, double y, double w, double h, const std::string& title,
               const std::vector<std::string>& x_labels,
               const std::vector<std::pair<std::string, std::vector<double>>>& series, double max);

}  // namespace popreg::report::pdf
