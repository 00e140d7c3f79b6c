// The store: everything popreg knows, behind one interface with two backends (SQLite now,
// PostgreSQL later). This header is backend-neutral: no SQL, no backend types.
//
// An office keeps the only copy of its register here, so every write is all-or-nothing: a method
// that fails, a process that dies, a disk that fills up leave the store exactly as before.
//
// Threads: a Store and an ImportTransaction are each used by one thread at a time. Several
// processes may open the same store; writers wait for each other (a busy timeout), readers see
// the last committed state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/text_column.h"
#include "io/schema.h"

namespace popreg::store {

namespace sql {
class Session;  // store/sql.h: internal to the store's own modules
}

using ImportId = int64_t;

// An administrative area of the spec's `areas` kind.
struct Area {
  std::string code;  // 6- or 12-digit division code
  std::string name;
  std::string level;        // "district", "township" or "community"
  std::string parent_code;  // empty for the top area; otherwise the code of another area
  bool operator==(const Area&) const = default;
};

// What is known about an import before its rows are added.
struct ImportInfo {
  io::Kind kind = io::Kind::kRegister;
  std::string file_name;  // as given by the user, for messages and listings
  std::string sha256;     // the import's identity: lower-case hex SHA-256 of the file's
                          // bytes, folded with its profile if any (store::ImportDigest)
  // The month the file covers, "YYYY-MM" (the monthly hand-over, docs/reports.md); empty =
  // unknown (imports of stores before schema 4 whose free-text period was not a month).
  std::string month;
  // The community (or other area) whose data the file holds; empty = the whole district.
  std::string community_code;
  int64_t rows_total = 0;   // data rows in the file; 0 = counted at Commit (records + rejects)
  std::string imported_by;  // user login; may be empty for the CLI
  std::string imported_at;  // ISO 8601 UTC; empty = the store's clock at BeginImport
};

// A committed import as listed by the store.
struct ImportRecord {
  ImportId id = 0;
  ImportInfo info;            // imported_at is always filled in
  int64_t rows_imported = 0;  // source records added
  int64_t rows_rejected = 0;  // distinct source rows with at least one reject
};

// One data row of an imported file. Both JSON texts are objects mapping a column name to a string.
struct SourceRecord {
  int64_t source_row = 0;       // 1-based among data rows, as in the spec
  std::string raw_json;         // the cells as read, by the file's own column names
  std::string normalized_json;  // the normalised values, by the spec's English column names
};

// A value of a row that could not be read; the row is not imported.
struct Reject {
  int64_t source_row = 0;
  std::string column;  // spec English name
  std::string value;   // as read
  std::string reason;  // a sentence for the clerk
};

// A household card of the register.
struct Household {
  std::string card_no;
  std::string community_code;
  std::string building;
  std::string unit;
  std::string room;
  std::string address;
};

// A person of the register; (card_no, person_no) is the register key. Empty = unknown.
struct Person {
  std::string card_no;
  std::string person_no;
  std::string name;
  std::string sex;         // "M", "F" or empty
  std::string birth_date;  // ISO date or empty
  std::string id_number;
  std::string relation;
  std::string ethnicity;
  std::string status = "alive";  // "alive", "deceased" or "moved_out"
  std::string death_date;
  std::string mother_id_number;
};

// One row of a register file: a person with its household's fields.
struct RegisterRow {
  int64_t source_row = 0;
  Household household;
  Person person;  // person.card_no == household.card_no
};

// The register as columns for the engine: every vector has size() entries, entry i of each is
// person i, ordered by (card_no, person_no). Household columns are repeated per person.
// A column holds its text in one array (base/text_column.h): a million persons' sixteen columns
// take a third of the memory of std::strings.
struct RegisterColumns {
  TextColumn card_no, person_no, name, sex, birth_date, id_number, relation, ethnicity, status,
      death_date, mother_id_number;
  TextColumn community_code, building, unit, room, address;
  size_t size() const { return card_no.size(); }
};

// One change of a register person or household. The history is append-only: the store refuses
// to update or delete its rows.
struct HistoryEntry {
  std::string entity;       // "person" or "household"
  std::string entity_key;   // register key "card_no/person_no", or the card_no
  std::string before_json;  // the entity before the change; empty when it was created
  std::string after_json;   // the entity after; empty when it was removed
  std::string who;          // user login
  std::string at;           // ISO 8601 UTC; empty = the store's clock
  std::string why;          // a sentence, e.g. the approved discrepancy's proposal
  std::string evidence;     // what supports it, e.g. "import 12 row 40; discrepancy 3/17"
  int64_t item_id = 0;      // the discrepancy item whose applying made the change; 0 = none
  int64_t id = 0;           // set by the store when read back
};

// One action of a user, for the audit log (append-only like the history).
struct AuditEntry {
  std::string who;
  std::string at;            // ISO 8601 UTC; empty = the store's clock
  std::string action;        // e.g. "import", "login", "review"
  std::string object;        // what it acted on, e.g. "import 12"
  std::string details_json;  // an object; empty = {}
};

// The discrepancy types of the exchange spec, in the spec's order.
inline constexpr std::string_view kDiscrepancyTypes[] = {
    "missing_in_register", "absent_from_source",    "field_mismatch",    "unrecorded_birth",
    "unrecorded_death",    "duplicate_in_register", "invalid_id_number", "incomplete_record"};

// popreg's own item type beside the spec's: a correction of a register person raised from the
// household card by community staff (recon/correct.h), reviewed and applied as the others are.
// It is no comparison's finding: a comparison neither finds nor resolves one, and the city's
// discrepancy file (the spec's types only) leaves it out.
inline constexpr std::string_view kCardCorrection = "card_correction";
// The types an item of the worklist may have: the spec's, then popreg's own.
inline constexpr std::string_view kItemTypes[] = {
    "missing_in_register", "absent_from_source", "field_mismatch",
    "unrecorded_birth",    "unrecorded_death",   "duplicate_in_register",
    "invalid_id_number",   "incomplete_record",  kCardCorrection};

// The states of a discrepancy item. A new item is "open"; community staff move it to "verified"
// (confirmed on the ground) or "disputed" (the register is right, the source wrong), a district
// reviewer to "approved" or "rejected", and an approved item becomes "applied" once its action
// changed the register (recon/review.h has the transitions). An item that a later comparison no
// longer finds becomes "resolved" (unless it was applied).
inline constexpr std::string_view kDiscrepancyStatuses[] = {
    "open", "verified", "disputed", "approved", "rejected", "applied", "resolved"};

// One discrepancy item: a line of the spec's discrepancy file plus what the office needs to
// review it. Items keep their id and status across comparisons: an item is the same item when
// its `identity` is the same (the type and the spec's "identified by" values, made by recon).
struct Discrepancy {
  int64_t id = 0;    // stable item id, assigned by the store on first sight; 0 before saving
  std::string type;  // one of kItemTypes (of kDiscrepancyTypes when a comparison found it)
  std::string community_code;
  std::string register_key;
  std::string register_key_2;
  std::string source_kind;        // a kind name of the spec, or empty
  ImportId source_import_id = 0;  // 0 = none
  int64_t source_row = 0;         // 0 = none
  std::string source_id_number;
  // "name", "sex", "birth_date", "id_number" or empty; a card correction's also "relation" or
  // "ethnicity"
  std::string field;
  std::string register_value;
  std::string source_value;
  std::string birth_key;
  std::optional<double> match_probability;  // in [0, 1]
  std::string status = "open";              // one of kDiscrepancyStatuses; set by the store on save
  std::string proposal;                     // in words: what applying it changes in the register
  std::string identity;                     // unique among the items of one comparison
  std::string evidence_json;     // array of {kind, import, row} the finding rests on; "" = []
  std::string explanation_json;  // the link's explanation (field, level, weight); "" = null
  std::string action_json;       // what applying it does, for recon (recon/actions.h); "" = none
  std::string values_json;       // values staff verified or corrected ({"field": "value"}); read
                                 // back only: the review workflow sets it, comparisons keep it
  int64_t first_comparison = 0;  // the comparison that found it first (set by the store)
  int64_t last_comparison = 0;   // the latest comparison that found it (set by the store)
  // When the store last wrote it (found by a comparison, or a status change), ISO 8601 UTC; read
  // back only (schema 5; for older items, their latest review or last comparison).
  std::string updated_at;
};

// A comparison run as recorded by the store.
struct ComparisonInfo {
  std::string as_of;      // ISO date
  std::string since;      // ISO date
  std::string area_code;  // the area compared; empty = the whole store
  std::string started_by;
  std::string started_at;         // ISO 8601 UTC; empty = the store's clock at save
  std::string finished_at;        // ISO 8601 UTC; empty = the store's clock at save
  std::vector<ImportId> sources;  // the imports it read
  std::string summary_json;       // counts by type and community, made by recon; "" = {}
};

struct ComparisonRecord {
  int64_t id = 0;
  ComparisonInfo info;
};

// What saving a comparison did to the items.
struct SaveComparisonResult {
  int64_t comparison_id = 0;
  int64_t new_items = 0;       // identities never seen before, or seen only as resolved
  int64_t carried_items = 0;   // found again; they keep their id and status
  int64_t resolved_items = 0;  // items of the compared area no longer found
};

// Which items to list. Empty strings match everything.
struct DiscrepancyFilter {
  std::string type;
  std::string community_code;  // the item's community code starts with this (an area prefix)
  std::string status;          // one status, or empty for all but "resolved"
  int64_t comparison_id = 0;   // only items found by this comparison; 0 = no restriction
};

// An import in progress: one database transaction, owned by the caller. Nothing of it is visible
// to any reader until Commit() returns OK. If Commit() is never called (the object is destroyed),
// or any method returns an error, the transaction is rolled back and the store is exactly as it
// was before BeginImport; after an error every further call returns FailedPrecondition.
class ImportTransaction {
 public:
  virtual ~ImportTransaction() = default;

  // The id the import will have once committed.
  virtual ImportId id() const = 0;

  // Adds source records. A source_row added twice is an error.
  virtual Status AddRecords(std::span<const SourceRecord> records) = 0;
  // Adds rejects of this import.
  virtual Status AddRejects(std::span<const Reject> rejects) = 0;
  // Adds rows of a register import, in pieces of any size so that a large file is never held
  // whole. The first call starts replacing the whole register (all households and persons) with
  // the rows added; the replacement takes effect at Commit(). The first row of a card_no gives
  // its household; later rows of the same card keep it. A register key (card_no/person_no) added
  // twice is an InvalidArgument error naming both source rows, and fails the import.
  //
  // At Commit() the store appends one history entry per person and per household created,
  // changed or removed relative to the register before (who = the import's imported_by, why =
  // "register replaced by import N (FILE)", evidence = "import N row R"); a person or household
  // whose values are all equal gets none. A first register import thus records every person as
  // created.
  virtual Status AddRegisterRows(std::span<const RegisterRow> rows) = 0;
  // Replaces all areas with these (an `areas` import).
  virtual Status ReplaceAreas(std::span<const Area> areas) = 0;
  // Sets the month the import covers ("YYYY-MM", or empty), replacing ImportInfo::month: for a
  // month known only once the rows are read (store/import.h infers it from their dates).
  virtual Status SetMonth(std::string_view month) = 0;

  // Makes the import durable and visible (rows_imported and rows_rejected are counted from what
  // was added). On error nothing is visible. Calling it twice is a FailedPrecondition error.
  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // The location the store was opened with (a path or a URL without its password), for messages.
  virtual const std::string& location() const = 0;

  // Another connection to the same store, opened as this one was (no migration: this one made
  // the schema current). A Store is one connection, used by one thread at a time; the other
  // lets a second thread read beside it (recon's LoadInputs reads the departments' files while
  // this one reads the register).
  virtual Result<std::unique_ptr<Store>> OpenAnother() = 0;

  // The schema version (the number of the last migration applied).
  virtual Result<int> SchemaVersion() = 0;
  // Checks the storage's own consistency and the foreign keys; DataLoss when anything is wrong.
  virtual Status IntegrityCheck() = 0;

  // Replaces all areas in one transaction. A parent_code that names no area is an error and
  // changes nothing.
  virtual Status ReplaceAreas(std::span<const Area> areas) = 0;
  // All areas ordered by code.
  virtual Result<std::vector<Area>> ListAreas() = 0;

  // Starts an import (see ImportTransaction). An import of the same kind and sha256 already
  // committed is an AlreadyExists error; use FindImportBySha256 first to report a no-op.
  // The import holds the store's write lock until it commits or is destroyed: meanwhile reads
  // (of this Store or any other process) see the state before it, and other writes, including
  // this Store's own, wait for it and fail with Conflict after the backend's busy timeout.
  virtual Result<std::unique_ptr<ImportTransaction>> BeginImport(const ImportInfo& info) = 0;
  // The committed import of this kind with this sha256, or nullopt.
  virtual Result<std::optional<ImportRecord>> FindImportBySha256(io::Kind kind,
                                                                 const std::string& sha256) = 0;
  // All committed imports, oldest first.
  virtual Result<std::vector<ImportRecord>> ListImports() = 0;

  // The number of register persons (0 = the store has no register yet).
  virtual Result<int64_t> CountRegisterPersons() = 0;
  // The whole register in one pass (see RegisterColumns).
  virtual Result<RegisterColumns> LoadRegisterColumns() = 0;

  // Calls `fn` with every source record of a committed import, in source_row order, reading
  // them in pieces (a million records never sit in memory at once). With kNormalized the
  // record's raw_json is left empty and never read. An error of `fn` stops the walk and is
  // returned. A NotFound error when there is no such import.
  enum class RecordTexts { kNormalized, kRawAndNormalized };
  virtual Status ForEachSourceRecord(ImportId id, RecordTexts texts,
                                     const std::function<Status(const SourceRecord&)>& fn) = 0;

  // Records a finished comparison and its items in one transaction. Each item whose identity
  // matches an item already in the store (in any state but "resolved") keeps that item's id and
  // status and gets the new values of every other field; any other item is new, "open", with a
  // new id. Items of the compared area (community_code starting with info.area_code) that are
  // not among `items` and are neither "applied" nor "resolved" become "resolved". On return each
  // of `items` has its id, status, first_comparison and last_comparison filled in. Two items
  // with the same identity are an InvalidArgument error and nothing is saved.
  virtual Result<SaveComparisonResult> SaveComparison(const ComparisonInfo& info,
                                                      std::vector<Discrepancy>& items) = 0;
  // The newest comparison, or nullopt when there is none.
  virtual Result<std::optional<ComparisonRecord>> LatestComparison() = 0;
  // Items matching the filter, ordered by id.
  virtual Result<std::vector<Discrepancy>> ListDiscrepancies(const DiscrepancyFilter& filter) = 0;
  // Moves an item to `status` (one of kDiscrepancyStatuses), appending a review row (who, when,
  // the status before and after, the note) and an audit entry, in one transaction. NotFound for
  // an unknown id. Which moves are allowed is recon's and the server's business, not the store's.
  virtual Status SetDiscrepancyStatus(int64_t id, const std::string& status, const std::string& who,
                                      const std::string& note) = 0;

  // Appends a history entry; returns its id.
  virtual Result<int64_t> AppendHistory(const HistoryEntry& entry) = 0;
  // All history entries of one entity, oldest first.
  virtual Result<std::vector<HistoryEntry>> ListHistory(const std::string& entity,
                                                        const std::string& entity_key) = 0;
  // Appends an audit-log entry; returns its id.
  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;

  // For the store's own modules (users, reviews, register edits: store/*.h), which write their
  // SQL once for both backends (store/sql.h). Write runs `fn` in one transaction holding the
  // store's write lock and commits when `fn` returns OK; when it returns an error, or the
  // process dies, nothing of it is kept. Read runs `fn` on one consistent snapshot; `fn` must
  // not write. `what` names the work in error messages ("approving item 12").
  virtual Status Write(std::string_view what, const std::function<Status(sql::Session&)>& fn) = 0;
  virtual Status Read(std::string_view what, const std::function<Status(sql::Session&)>& fn) = 0;
};

// Opens an existing store and applies pending migrations (each in its own transaction).
// `location` is a file path (SQLite) or a `postgresql://` URL (PostgreSQL). A missing file is
// NotFound ("create it with popreg init"); a file that is not a store is DataLoss; a store from a
// newer popreg is FailedPrecondition.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location);

// Creates a new store at `location` with the current schema (for `popreg init`). An existing
// non-empty file is AlreadyExists and is left untouched.
Result<std::unique_ptr<Store>> CreateStore(const std::string& location);

}  // namespace popreg::store
