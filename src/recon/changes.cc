#include "recon/changes.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <span>

#include "io/schema.h"
#include "io/table.h"
#include "recon/item_parts.h"
#include "recon/policy.h"
#include "store/register_edit.h"
#include "store/sql.h"

namespace popreg::recon {
namespace {

using store::sql::Session;

// One data row of the file, by column name.
struct Row {
  int64_t number = 0;  // 1-based among data rows
  std::map<std::string, std::string, std::less<>> cells;
  std::set<std::string, std::less<>> changed;

  const std::string& operator[](std::string_view column) const {
    static const std::string kEmpty;
    auto it = cells.find(column);
    return it == cells.end() ? kEmpty : it->second;
  }
  // The value the register must hold before this change: the before value of a changed column,
  // else the value after (unchanged).
  const std::string& Before(std::string_view column) const {
    return changed.contains(column) ? (*this)["before_" + std::string(column)] : (*this)[column];
  }
};

Result<std::vector<Row>> ReadRows(const std::string& path, const std::string& name) {
  ASSIGN_OR_RETURN(std::unique_ptr<io::TableReader> reader, io::TableReader::Open(path));
  io::CsvRecord rec;
  ASSIGN_OR_RETURN(bool any, reader->Next(&rec));
  if (!any) return InvalidArgument(name + ": the file is empty (no header)");
  std::vector<std::string> header;
  for (const std::string& cell : rec.fields) header.push_back(io::NormalizeHeaderCell(cell));
  std::vector<std::string> missing;
  for (const std::string& column : ChangeFileColumns()) {
    if (std::find(header.begin(), header.end(), column) == header.end()) missing.push_back(column);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    return InvalidArgument(name + ": not a changes file (popreg export --kind changes): missing " +
                           "column" + (missing.size() > 1 ? "s " : " ") + list);
  }
  std::vector<Row> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&rec));
    if (!more) break;
    Row r;
    r.number = static_cast<int64_t>(rows.size()) + 1;
    for (size_t c = 0; c < header.size() && c < rec.fields.size(); ++c) {
      r.cells[header[c]] = rec.fields[c];
    }
    const std::string& list = r["changed_columns"];
    for (size_t start = 0; start < list.size();) {
      size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      if (comma > start) r.changed.insert(list.substr(start, comma - start));
      start = comma + 1;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

// Applies the rows inside one write transaction; the first that does not fit stops it.
class Applier {
 public:
  Applier(Session& s, std::string name, std::string user)
      : s_(s), name_(std::move(name)), user_(std::move(user)) {}

  Status Apply(const Row& r, ChangesImportResult* result) {
    const std::string& change = r["change"];
    const std::string& entity = r["entity"];
    static const std::set<std::string, std::less<>> kChanges = {"created", "changed", "closed",
                                                                "merged", "removed"};
    if (!kChanges.contains(change)) {
      return Bad(r, "change",
                 "'" + change + "' is not created, changed, closed, merged or removed");
    }
    store::ChangeNote note;
    note.who = user_;
    note.why = "changes from " + name_ + " row " + std::to_string(r.number);
    note.evidence = std::string(r["item_id"].empty() ? "" : "item " + r["item_id"] + ", ") +
                    r["changed_at"] + " by " + r["who"] + ": " + r["why"];
    if (entity == "person") {
      ++result->persons;
      return Person(r, change, note);
    }
    if (entity == "household") {
      ++result->households;
      return Household(r, change, note);
    }
    return Bad(r, "entity", "'" + entity + "' is not person or household");
  }

 private:
  Status Bad(const Row& r, std::string_view column, const std::string& why) const {
    return FailedPrecondition(name_ + " row " + std::to_string(r.number) +
                              (column.empty() ? "" : ", column " + std::string(column)) + ": " +
                              why);
  }

  // The register's values must be the row's before values.
  template <typename Entity, typename Field>
  Status Expect(const Row& r, Entity& now, std::span<const std::string_view> columns,
                Field field) const {
    for (std::string_view column : columns) {
      if (column == "card_no" || column == "person_no") continue;  // the key
      const std::string& want = r.Before(column);
      const std::string& have = field(now, column);
      if (have != want) {
        return Bad(r, column,
                   "the register has '" + have + "', the file expected '" + want +
                       "' (the register changed since, or the file is not meant for it)");
      }
    }
    return Status::Ok();
  }

  Status Person(const Row& r, const std::string& change, const store::ChangeNote& note) {
    const std::string key = r["card_no"] + "/" + r["person_no"];
    if (r["card_no"].empty() || r["person_no"].empty()) {
      return Bad(r, r["card_no"].empty() ? "card_no" : "person_no", "empty");
    }
    ASSIGN_OR_RETURN(const std::optional<store::Person> now, store::GetPerson(s_, key));
    if (change == "created") {
      if (now) return Bad(r, "", "person " + key + " is in the register already");
    } else {
      if (!now) return Bad(r, "", "person " + key + " is not in the register");
      store::Person have = *now;
      RETURN_IF_ERROR(Expect(r, have, kPersonChangeColumns, PersonField));
    }
    if (change == "merged" || change == "removed") {
      if (change == "merged" && r["merged_into"].empty()) {
        return Bad(r, "merged_into", "empty: a merged person names the person it went into");
      }
      RETURN_IF_ERROR(store::RemovePerson(s_, key, note));
      if (change == "merged") RETURN_IF_ERROR(store::AddForward(s_, key, r["merged_into"], 0));
      return Status::Ok();
    }
    store::Person after;
    for (std::string_view column : kPersonChangeColumns) PersonField(after, column) = r[column];
    if (after.status.empty()) after.status = "alive";
    ASSIGN_OR_RETURN(std::optional<store::Household> card, store::GetHousehold(s_, after.card_no));
    if (!card) return Bad(r, "card_no", "card " + after.card_no + " is not in the register");
    return store::PutPerson(s_, after, note, &now);
  }

  Status Household(const Row& r, const std::string& change, const store::ChangeNote& note) {
    const std::string& card = r["card_no"];
    if (card.empty()) return Bad(r, "card_no", "empty");
    ASSIGN_OR_RETURN(std::optional<store::Household> now, store::GetHousehold(s_, card));
    if (change == "created") {
      if (now) return Bad(r, "", "card " + card + " is in the register already");
    } else {
      if (!now) return Bad(r, "", "card " + card + " is not in the register");
      RETURN_IF_ERROR(Expect(r, *now, kHouseholdChangeColumns, HouseholdField));
    }
    if (change == "removed" || change == "merged") {
      ASSIGN_OR_RETURN(std::vector<store::Person> left, store::PersonsOfCard(s_, card));
      if (!left.empty()) {
        return Bad(r, "",
                   "card " + card + " still has " + std::to_string(left.size()) +
                       " persons in the register");
      }
      return store::RemoveHousehold(s_, card, note);
    }
    store::Household after;
    for (std::string_view column : kHouseholdChangeColumns) {
      HouseholdField(after, column) = r[column];
    }
    return store::PutHousehold(s_, after, note);
  }

  Session& s_;
  const std::string name_;
  const std::string user_;
};

}  // namespace

std::vector<std::string> ChangeFileColumns() {
  std::vector<std::string> out(std::begin(kChangeHeadColumns), std::end(kChangeHeadColumns));
  for (const io::ColumnSpec& c : io::Columns(io::Kind::kRegister)) out.emplace_back(c.name);
  for (const io::ColumnSpec& c : io::Columns(io::Kind::kRegister)) {
    out.push_back("before_" + std::string(c.name));
  }
  return out;
}

Result<ChangesImportResult> ImportChanges(store::Store& store, const std::string& path,
                                          const std::string& user) {
  ASSIGN_OR_RETURN(store::User who, Authorize(store, user, Action::kImport));
  const std::string name = std::filesystem::path(path).filename().string();
  ASSIGN_OR_RETURN(std::vector<Row> rows, ReadRows(path, name));
  ChangesImportResult result;
  RETURN_IF_ERROR(store.Write("importing the changes of " + name, [&](Session& s) -> Status {
    result = {};
    Applier applier(s, name, who.login);
    for (const Row& r : rows) {
      RETURN_IF_ERROR(applier.Apply(r, &result));
      ++result.rows;
    }
    return Status::Ok();
  }));
  return result;
}

}  // namespace popreg::recon
