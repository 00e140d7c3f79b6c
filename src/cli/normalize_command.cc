// `popreg normalize`: one value per line on standard input, one tab-separated line per value on
// standard output: input, normalized, valid (1 or 0), detail (key=value pairs joined by ';').
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/env.h"
#include "cli/commands.h"
#include "io/schema.h"
#include "io/table.h"
#include "norm/address.h"
#include "norm/date_parse.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/pinyin.h"
#include "norm/sex.h"

namespace popreg::cli {
namespace {

struct NormalizeArgs {
  std::string kind;
  std::string as_of;
  std::string areas;
};

struct Line {
  std::string normalized;
  bool valid = false;
  std::string detail;
};

void AddDetail(std::string* detail, std::string_view key, std::string_view value) {
  if (!detail->empty()) detail->push_back(';');
  detail->append(key);
  detail->push_back('=');
  detail->append(value);
}

Line IdLine(const std::string& in, const Date& as_of) {
  const norm::IdInfo id = norm::ParseIdNumber(in, as_of);
  Line l{id.normalized, id.valid(), ""};
  if (id.valid()) {
    AddDetail(&l.detail, "birth", id.birth.Iso());
    AddDetail(&l.detail, "sex", std::string(1, id.sex));
    AddDetail(&l.detail, "region", id.region);
    if (id.legacy15) AddDetail(&l.detail, "legacy15", "1");
    return l;
  }
  AddDetail(&l.detail, "error", norm::IdErrorName(id.error));
  if (!id.missing()) {
    std::string joined;
    for (const std::string& c : norm::IdCandidates(in, as_of)) {
      if (!joined.empty()) joined.push_back(',');
      joined += c;
    }
    if (!joined.empty()) AddDetail(&l.detail, "candidates", joined);
  }
  return l;
}

// Appends `in` with every tab made a space: the first column of an output line.
void AppendInput(std::string_view in, std::string* out) {
  const size_t start = out->size();
  out->append(in);
  for (size_t i = start; i < out->size(); ++i) {
    if ((*out)[i] == '\t') (*out)[i] = ' ';
  }
}

// Appends the output line of one name to *out. `keys` is scratch space reused from name to name,
// so that the loop allocates little.
void AppendNameLine(std::string_view in, norm::NameKeys* keys, std::string* out) {
  norm::AnalyzeName(in, keys);
  AppendInput(in, out);
  out->push_back('\t');
  out->append(keys->canonical);
  if (keys->canonical.empty()) {
    out->append("\t0\terror=empty\n");
    return;
  }
  out->append("\t1\tpinyin=");
  for (size_t i = 0; i < keys->pinyin.size(); ++i) {
    if (i > 0) out->push_back(' ');
    out->append(keys->pinyin[i]);
  }
  out->append(";initials=");
  out->append(keys->initials);
  if (keys->surname_length > 0) {
    out->append(";surname=");
    out->append(std::to_string(keys->surname_length));
  }
  if (keys->partial) out->append(";partial=1");
  out->push_back('\n');
}

Line DateLine(const std::string& in) {
  if (norm::IsBlank(in)) return {"", false, "error=empty"};
  const auto d = norm::ParseDate(in);
  if (!d) return {"", false, "error=unreadable"};
  return {d->Iso(), true, ""};
}

Line SexLine(const std::string& in) {
  if (norm::IsBlank(in)) return {"", false, "error=empty"};
  const char s = norm::ParseSex(in);
  if (s == 0) return {"", false, "error=unreadable"};
  return {std::string(1, s), true, ""};
}

Line AddressLine(const std::string& in, const norm::AreaIndex* areas) {
  const norm::AddressParts p = norm::ParseAddress(in);
  Line l{p.Key(), !p.empty(), ""};
  if (!p.building.empty()) AddDetail(&l.detail, "building", p.building);
  if (!p.unit.empty()) AddDetail(&l.detail, "unit", p.unit);
  if (!p.room.empty()) AddDetail(&l.detail, "room", p.room);
  if (areas != nullptr) {
    const std::string code = areas->Resolve(in);
    if (!code.empty()) AddDetail(&l.detail, "community", code);
  }
  if (p.empty()) AddDetail(&l.detail, "error", "no_dwelling");
  return l;
}

// Reads an areas file of the exchange spec into an index of names.
Result<norm::AreaIndex> LoadAreas(const std::string& path) {
  ASSIGN_OR_RETURN(auto reader, io::TableReader::Open(path));
  io::CsvRecord rec;
  ASSIGN_OR_RETURN(bool any, reader->Next(&rec));
  if (!any) return InvalidArgument(path + ": the file is empty");
  ASSIGN_OR_RETURN(io::HeaderMap header, io::MapHeader(io::Kind::kAreas, rec.fields, path));
  const int code = header.Find("code");
  const int name = header.Find("name");
  norm::AreaIndex index;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    if (code < static_cast<int>(rec.fields.size()) && name < static_cast<int>(rec.fields.size())) {
      index.Add(rec.fields[code], rec.fields[name]);
    }
  }
  return index;
}

// Input and output move in blocks of this size: one read or write per block rather than one
// per line (per-line stream I/O cost more than normalising a name).
constexpr size_t kBlock = size_t{1} << 20;

// Lines of a stream, read in blocks of kBlock bytes. A line is what std::getline gave: the bytes
// up to a '\n' (without it), and at the end whatever follows the last '\n' when it is not
// empty; a '\r' before the '\n' (a Windows line end) is dropped.
class LineReader {
 public:
  explicit LineReader(FILE* in) : in_(in), buffer_(kBlock) {}

  // Sets *line to the next line, valid until the next call; false at the end of the input or on
  // a read error (see failed).
  bool Next(std::string_view* line) {
    for (;;) {
      const char* start = buffer_.data() + begin_;
      if (const void* nl = std::memchr(start, '\n', end_ - begin_); nl != nullptr) {
        const auto length = static_cast<size_t>(static_cast<const char*>(nl) - start);
        begin_ += length + 1;
        *line = Trim(std::string_view(start, length));
        return true;
      }
      if (eof_) {
        if (begin_ == end_) return false;
        *line = Trim(std::string_view(start, end_ - begin_));
        begin_ = end_;
        return true;
      }
      Fill();
    }
  }

  bool failed() const { return std::ferror(in_) != 0; }

 private:
  static std::string_view Trim(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  // Keeps the unread part, making room (a line longer than the buffer doubles it), and reads.
  void Fill() {
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    const size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, in_);
    end_ += n;
    if (n == 0) eof_ = true;
  }

  FILE* in_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // the unread bytes are [begin_, end_)
  size_t end_ = 0;
  bool eof_ = false;
};

// Writes *out to standard output and empties it.
Status Write(std::string* out) {
  if (std::fwrite(out->data(), 1, out->size(), stdout) != out->size()) {
    return IoError("cannot write to standard output");
  }
  out->clear();
  return Status::Ok();
}

Status RunNormalize(const NormalizeArgs& a) {
  Date as_of = Env::Default().Today();
  if (!a.as_of.empty()) {
    auto d = Date::ParseIso(a.as_of);
    if (!d) return InvalidArgument("--as-of '" + a.as_of + "' is not a date YYYY-MM-DD");
    as_of = *d;
  }
  std::unique_ptr<norm::AreaIndex> areas;
  if (!a.areas.empty()) {
    ASSIGN_OR_RETURN(norm::AreaIndex index, LoadAreas(a.areas));
    areas = std::make_unique<norm::AreaIndex>(std::move(index));
  }
  if (a.kind == "name") RETURN_IF_ERROR(norm::InitNames());
  LineReader reader(stdin);
  std::string out;
  out.reserve(kBlock + kBlock / 4);
  norm::NameKeys keys;
  std::string_view in;
  while (reader.Next(&in)) {
    if (a.kind == "name") {
      AppendNameLine(in, &keys, &out);
    } else {
      const std::string value(in);
      Line l;
      if (a.kind == "id_number") {
        l = IdLine(value, as_of);
      } else if (a.kind == "date") {
        l = DateLine(value);
      } else if (a.kind == "sex") {
        l = SexLine(value);
      } else {
        l = AddressLine(value, areas.get());
      }
      AppendInput(in, &out);
      out += '\t';
      out += l.normalized;
      out += l.valid ? "\t1\t" : "\t0\t";
      out += l.detail;
      out += '\n';
    }
    if (out.size() >= kBlock) RETURN_IF_ERROR(Write(&out));
  }
  if (reader.failed()) return IoError("cannot read standard input");
  RETURN_IF_ERROR(Write(&out));
  if (std::fflush(stdout) != 0) return IoError("cannot write to standard output");
  return Status::Ok();
}

}  // namespace

void RegisterNormalize(CLI::App& app) {
  auto args = std::make_shared<NormalizeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "normalize",
      "Normalise values read one per line from standard input; print input, normalized, valid, "
      "detail as tab-separated lines");
  cmd->add_option("--kind", args->kind, "What the values are")
      ->required()
      ->check(CLI::IsMember({"id_number", "name", "date", "sex", "address"}));
  cmd->add_option("--as-of", args->as_of,
                  "Reference date YYYY-MM-DD for ID birth dates (default: today)");
  cmd->add_option("--areas", args->areas,
                  "An areas file (CSV, xlsx or xls) to resolve communities in addresses");
  cmd->callback([args] {
    Status s = RunNormalize(*args);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace popreg::cli
