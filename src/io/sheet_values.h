// Internal to io/: how spreadsheet cells become the strings of a CsvRecord (numbers, Excel serial
// dates, number-format codes, cell references, the OOXML `_xHHHH_` escapes), shared by the xlsx
// and xls readers and the xlsx writer. Not for use outside src/io/ and fuzz/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popreg::io::internal {

// Excel's sheet limits (Excel 2007 and later; BIFF8 .xls has 65536 x 256).
constexpr int64_t kMaxSheetRows = 1048576;
constexpr int kMaxSheetColumns = 16384;

// Prints a finite double without loss and without scientific notation where that is readable:
// the shortest decimal that reads back as the same double (std::to_chars), in plain notation
// when 1e-6 <= |x| < 1e21 (3.5090219880312e17 gives "350902198803120000", 0.1 gives "0.1"), in
// scientific notation otherwise ("1e+21", "1e-07"). Zero (also -0) is "0". Integers print with
// no decimal point. Requires std::isfinite(x).
std::string FormatDouble(double x);

// Prints the text of a numeric cell (an xlsx <v>) as FormatDouble does, except that a plain
// integer literal (optional '-', then ASCII digits only) keeps all its digits (leading zeros
// dropped, "-0" is "0"): a tool that wrote "350902198803120021" stored the exact number, and
// rounding it to a double would invent damage. Leading and trailing ASCII whitespace is ignored.
// Returns nullopt when the text is not a finite number (empty, "abc", "1e999", "inf", hex).
std::optional<std::string> FormatNumberText(std::string_view text);
// Parses the text of a numeric cell as a finite double (whitespace trimmed); nullopt otherwise.
std::optional<double> ParseNumberText(std::string_view text);

// What a number format shows.
enum class NumberFormatKind { kNumber, kDate, kTime };

// The kind of an xlsx built-in number format id: 14-17, 22, 27-36 and 50-58 (the zh-CN date
// formats) are kDate (22 is date and time), 18-21 and 45-47 are kTime (time of day or a
// duration), everything else kNumber.
NumberFormatKind BuiltinFormatKind(int id);
// The kind of a custom format code. Quoted text ("年"), bracketed parts ([Red], [$-804], [h]),
// escaped characters (\d), the characters after _ and *, and AM/PM or A/P are skipped; of the
// rest, y, d or a month m make kDate; h or s without them make kTime; anything
// else is kNumber. "General", "0.00E+00", "@" and "#,##0 \"元\"" are kNumber; "yyyy/m/d",
// "[$-804]yyyy\"年\"m\"月\"d\"日\"" and "mmm" are kDate; "h:mm:ss" and "[h]:mm" are kTime.
NumberFormatKind FormatCodeKind(std::string_view code);

// The ISO date an Excel serial number shows, time of day dropped (floor). In the 1900 date
// system (date1904 false) serial 1 is 1900-01-01 and Excel counts the non-existent 1900-02-29 as
// serial 60, so serials below 60 are one day later than a plain count from 1899-12-31 and
// serials from 61 on are counted from 1899-12-30. Serial 0 gives "1900-01-00" and serial 60
// gives "1900-02-29", which is what Excel shows; both are invalid dates that norm/ rejects.
// In the 1904 system serial 0 is 1904-01-01. Returns nullopt for a negative serial, one after
// 9999-12-31, or a non-finite one (Excel shows "#####"); the caller then prints the number.
std::optional<std::string> ExcelSerialToIso(double serial, bool date1904);

// "A" for column 0, "Z" for 25, "AA" for 26, ... "XFD" for 16383. Requires col >= 0.
std::string ColumnName(int col);
// Parses a cell reference such as "B7" (letters A-Z or a-z, then a row number without sign or
// leading zeros; no '$'). On success sets *col to the 0-based column and *row to the 1-based row
// and returns true; returns false for anything else or beyond XFD1048576.
bool ParseCellRef(std::string_view ref, int* col, int64_t* row);

// Decodes the OOXML escapes of string items (ECMA-376 ST_Xstring): "_xHHHH_" (four hex digits,
// either case) is the UTF-16 code unit U+HHHH, so "_x000D_" is CR and "_x005F_" is '_'.
// A surrogate pair of two escapes is one character; a lone surrogate stays as the literal text.
// Appends the result to `out`.
void DecodeXstring(std::string_view text, std::string* out);
// The inverse for literal text: every "_x" that starts a "_xHHHH_" becomes "_x005F_x", so that
// DecodeXstring (and Excel) give the text back unchanged. Control characters are left to the
// xlsx writer library, which escapes them itself.
std::string EscapeXstringLiterals(std::string_view text);

// Width of UTF-8 text in Excel column units: characters of East Asian Width W or F (Chinese,
// full-width forms) count 2, others 1; of a multi-line text the widest line counts. Bytes that
// are not UTF-8 count 1 each.
int DisplayWidth(std::string_view utf8);

// Drops empty strings at the end of `fields`.
void TrimTrailingEmpty(std::vector<std::string>* fields);

}  // namespace popreg::io::internal
