// `popreg normalize`: one value per line on standard input, one tab-separated line per value on
// standard output: input, normalized, valid (1 or 0), detail (key=value pairs joined by ';').
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
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

Line NameLine(const std::string& in) {
  const norm::NameKeys k = norm::AnalyzeName(in);
  Line l{k.canonical, !k.canonical.empty(), ""};
  if (k.canonical.empty()) {
    AddDetail(&l.detail, "error", "empty");
    return l;
  }
  AddDetail(&l.detail, "pinyin", norm::PinyinKey(k));
  AddDetail(&l.detail, "initials", k.initials);
  if (k.surname_length > 0) {
    AddDetail(&l.detail, "surname", std::to_string(k.surname_length));
  }
  if (k.partial) AddDetail(&l.detail, "partial", "1");
  return l;
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
  std::string in;
  std::string out;
  while (std::getline(std::cin, in)) {
    if (!in.empty() && in.back() == '\r') in.pop_back();
    Line l;
    if (a.kind == "id_number") {
      l = IdLine(in, as_of);
    } else if (a.kind == "name") {
      l = NameLine(in);
    } else if (a.kind == "date") {
      l = DateLine(in);
    } else if (a.kind == "sex") {
      l = SexLine(in);
    } else {
      l = AddressLine(in, areas.get());
    }
    out.clear();
    for (char c : in) out.push_back(c == '\t' ? ' ' : c);
    out += '\t' + l.normalized + '\t' + (l.valid ? "1" : "0") + '\t' + l.detail + '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
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
