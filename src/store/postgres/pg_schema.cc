#include "store/postgres/pg_schema.h"

#include <span>
#include <string_view>

#include "store/common_schema.h"

namespace popreg::store::pg {
namespace {

// Migration 1: the initial schema, table for table the SQLite backend's. Differences:
// - ids are BIGINT keys that the store assigns (the largest plus one, under the store's write
//   lock), so that an import rolled back leaves no gap, as in SQLite;
// - keys and the columns the store sorts by are COLLATE "C" (byte order, as SQLite's BINARY),
//   whatever the database's locale;
// - the append-only tables refuse UPDATE, DELETE and TRUNCATE through triggers that raise
//   P0001 ("... is append-only").
constexpr std::string_view kSchema1 = R"sql(
CREATE FUNCTION popreg_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;

CREATE TABLE users (
  id BIGINT PRIMARY KEY,
  login TEXT COLLATE "C" NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'clerk', 'viewer')),
  password_hash TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE areas (
  code TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('district', 'township', 'community')),
  parent_code TEXT COLLATE "C" REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE imports (
  id BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  period TEXT NOT NULL DEFAULT '',
  rows_total BIGINT NOT NULL,
  rows_imported BIGINT NOT NULL DEFAULT 0,
  rows_rejected BIGINT NOT NULL DEFAULT 0,
  imported_by TEXT NOT NULL DEFAULT '',
  imported_at TEXT NOT NULL,
  UNIQUE (kind, sha256)
);

CREATE TABLE source_records (
  import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  source_row BIGINT NOT NULL,
  raw TEXT NOT NULL,
  normalized TEXT NOT NULL,
  PRIMARY KEY (import_id, source_row)
);

CREATE TABLE import_rejects (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  source_row BIGINT NOT NULL,
  column_name TEXT NOT NULL,
  value TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX import_rejects_import ON import_rejects (import_id, source_row);

CREATE TABLE households (
  card_no TEXT COLLATE "C" PRIMARY KEY,
  community_code TEXT COLLATE "C" NOT NULL,
  building TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '',
  room TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  import_id BIGINT REFERENCES imports (id)
);

CREATE TABLE persons (
  card_no TEXT COLLATE "C" NOT NULL REFERENCES households (card_no),
  person_no TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  sex TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL DEFAULT '',
  id_number TEXT COLLATE "C" NOT NULL DEFAULT '',
  relation TEXT NOT NULL DEFAULT '',
  ethnicity TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'alive' CHECK (status IN ('alive', 'deceased', 'moved_out')),
  death_date TEXT NOT NULL DEFAULT '',
  mother_id_number TEXT NOT NULL DEFAULT '',
  import_id BIGINT REFERENCES imports (id),
  PRIMARY KEY (card_no, person_no)
);
CREATE INDEX persons_id_number ON persons (id_number);

-- Append-only: every change of a register person or household.
CREATE TABLE history (
  id BIGINT PRIMARY KEY,
  entity TEXT NOT NULL CHECK (entity IN ('person', 'household')),
  entity_key TEXT COLLATE "C" NOT NULL,
  before_json TEXT,
  after_json TEXT,
  who TEXT NOT NULL,
  at TEXT NOT NULL,
  why TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_entity ON history (entity, entity_key, id);
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
  FOR EACH ROW EXECUTE FUNCTION popreg_append_only('history is append-only');
CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history
  FOR EACH STATEMENT EXECUTE FUNCTION popreg_append_only('history is append-only');

-- Append-only: what users did.
CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL DEFAULT '',
  details_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION popreg_append_only('audit_log is append-only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION popreg_append_only('audit_log is append-only');

-- Schema 1's comparisons, replaced by migration 2 (kept so that version 1 is the same schema on
-- both backends).
CREATE TABLE comparisons (
  id BIGINT PRIMARY KEY,
  as_of TEXT NOT NULL,
  since TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  started_by TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed')),
  settings_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE comparison_sources (
  comparison_id BIGINT NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
  import_id BIGINT NOT NULL REFERENCES imports (id),
  PRIMARY KEY (comparison_id, import_id)
);
CREATE TABLE discrepancies (
  comparison_id BIGINT NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
  id BIGINT NOT NULL,
  type TEXT NOT NULL,
  community_code TEXT,
  register_key TEXT,
  register_key_2 TEXT,
  source_kind TEXT,
  source_import_id BIGINT REFERENCES imports (id),
  source_row BIGINT,
  source_id_number TEXT,
  field TEXT,
  register_value TEXT,
  source_value TEXT,
  birth_key TEXT,
  match_probability DOUBLE PRECISION,
  status TEXT NOT NULL DEFAULT 'open',
  proposal TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (comparison_id, id)
);
CREATE TABLE reviews (
  id BIGINT PRIMARY KEY,
  comparison_id BIGINT NOT NULL,
  discrepancy_id BIGINT NOT NULL,
  decision TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  FOREIGN KEY (comparison_id, discrepancy_id) REFERENCES discrepancies (comparison_id, id)
);
)sql";

// Migration 2: discrepancy items that live across comparisons (as the SQLite backend's
// migration 2): an item has a stable id, its `identity` is unique among the items that are not
// "resolved", `comparison_items` says which comparison found which items, and `reviews` holds
// every status change, append-only. Empty strings of the Store interface are NULL here.
constexpr std::string_view kSchema2 = R"sql(
DROP TABLE reviews;
DROP TABLE discrepancies;
DROP TABLE comparison_sources;
DROP TABLE comparisons;

CREATE TABLE comparisons (
  id BIGINT PRIMARY KEY,
  as_of TEXT NOT NULL,
  since TEXT NOT NULL,
  area_code TEXT COLLATE "C" NOT NULL DEFAULT '',
  started_by TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  summary_json TEXT
);

CREATE TABLE comparison_sources (
  comparison_id BIGINT NOT NULL REFERENCES comparisons (id),
  import_id BIGINT NOT NULL REFERENCES imports (id),
  PRIMARY KEY (comparison_id, import_id)
);

CREATE TABLE discrepancies (
  id BIGINT PRIMARY KEY,
  identity TEXT COLLATE "C" NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('missing_in_register', 'absent_from_source',
    'field_mismatch', 'unrecorded_birth', 'unrecorded_death', 'duplicate_in_register',
    'invalid_id_number', 'incomplete_record')),
  community_code TEXT COLLATE "C",
  register_key TEXT COLLATE "C",
  register_key_2 TEXT,
  source_kind TEXT,
  source_import_id BIGINT REFERENCES imports (id),
  source_row BIGINT,
  source_id_number TEXT,
  field TEXT CHECK (field IS NULL OR field IN ('name', 'sex', 'birth_date', 'id_number')),
  register_value TEXT,
  source_value TEXT,
  birth_key TEXT,
  match_probability DOUBLE PRECISION CHECK (match_probability IS NULL OR
    (match_probability >= 0 AND match_probability <= 1)),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'verified', 'approved',
    'rejected', 'applied', 'resolved')),
  proposal TEXT NOT NULL DEFAULT '',
  evidence_json TEXT,
  explanation_json TEXT,
  first_comparison BIGINT NOT NULL REFERENCES comparisons (id),
  last_comparison BIGINT NOT NULL REFERENCES comparisons (id)
);
CREATE UNIQUE INDEX discrepancies_identity ON discrepancies (identity)
  WHERE status <> 'resolved';
CREATE INDEX discrepancies_last ON discrepancies (last_comparison);
CREATE INDEX discrepancies_community ON discrepancies (community_code);
CREATE INDEX discrepancies_register_key ON discrepancies (register_key);

CREATE TABLE comparison_items (
  comparison_id BIGINT NOT NULL REFERENCES comparisons (id),
  discrepancy_id BIGINT NOT NULL REFERENCES discrepancies (id),
  PRIMARY KEY (comparison_id, discrepancy_id)
);
CREATE INDEX comparison_items_item ON comparison_items (discrepancy_id);

CREATE TABLE reviews (
  id BIGINT PRIMARY KEY,
  discrepancy_id BIGINT NOT NULL REFERENCES discrepancies (id),
  who TEXT NOT NULL,
  at TEXT NOT NULL,
  status_before TEXT NOT NULL,
  status_after TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reviews_item ON reviews (discrepancy_id, id);
CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews
  FOR EACH ROW EXECUTE FUNCTION popreg_append_only('reviews are append-only');
CREATE TRIGGER reviews_no_truncate BEFORE TRUNCATE ON reviews
  FOR EACH STATEMENT EXECUTE FUNCTION popreg_append_only('reviews are append-only');
)sql";

// Migration 3: the review workflow, as the SQLite backend's migration 3 (roles and areas of
// users, "disputed" items with their action and verified values, the values of each review, the
// item of each history row, forward pointers of merged persons). PostgreSQL changes the CHECKs
// in place.
constexpr std::string_view kSchema3 = R"sql(
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'reviewer',
  'community', 'clerk', 'viewer', 'auditor'));
ALTER TABLE users ADD COLUMN all_areas BOOLEAN NOT NULL DEFAULT false;
UPDATE users SET all_areas = true;

CREATE TABLE user_areas (
  user_id BIGINT NOT NULL REFERENCES users (id),
  area_code TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (user_id, area_code)
);

ALTER TABLE discrepancies DROP CONSTRAINT discrepancies_status_check;
ALTER TABLE discrepancies ADD CONSTRAINT discrepancies_status_check CHECK (status IN ('open',
  'verified', 'disputed', 'approved', 'rejected', 'applied', 'resolved'));
ALTER TABLE discrepancies ADD COLUMN action_json TEXT;
ALTER TABLE discrepancies ADD COLUMN values_json TEXT;
CREATE INDEX discrepancies_status ON discrepancies (status, type);

ALTER TABLE reviews ADD COLUMN values_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE history ADD COLUMN item_id BIGINT;
CREATE INDEX history_item ON history (item_id);
CREATE INDEX history_at ON history (at);

-- What applying looks up: the cards of a dwelling or community, a child by its birth date.
CREATE INDEX households_dwelling ON households (community_code, building, unit, room);
CREATE INDEX persons_birth_date ON persons (birth_date);

CREATE TABLE person_forwards (
  old_key TEXT COLLATE "C" PRIMARY KEY,
  new_key TEXT COLLATE "C" NOT NULL,
  item_id BIGINT,
  at TEXT NOT NULL
);
)sql";

// Migration 4: campaigns and the month and community of imports, as the SQLite backend's.
constexpr std::string_view kSchema4 = R"sql(
ALTER TABLE imports ADD COLUMN month TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN community_code TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE imports SET month = period WHERE period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$';

CREATE TABLE campaigns (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  start_date TEXT NOT NULL,
  startup_end TEXT NOT NULL,
  reporting_deadline TEXT NOT NULL,
  entry_deadline TEXT NOT NULL,
  end_date TEXT NOT NULL,
  handover_day INTEGER NOT NULL DEFAULT 3 CHECK (handover_day BETWEEN 1 AND 28),
  created_by TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
)sql";

// Migration 5: the audit log's hash chain, password changes and lockout, the items' last change
// and the paged worklist's indexes, as the SQLite backend's. This backend's part: a boolean is
// BOOLEAN; the worklist's sort keys of nullable columns are STORED generated columns; the
// columns the worklist sorts by compare bytes (COLLATE "C", as SQLite's BINARY), so
// that both backends page in the same order; the audit log's trigger is off while
// CommonMigration5 fills the chain (in this transaction only: DDL is transactional here).
constexpr std::string_view kSchema5 = R"sql(
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE discrepancies ADD COLUMN updated_at TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE discrepancies ADD COLUMN community_key TEXT COLLATE "C"
  GENERATED ALWAYS AS (coalesce(community_code, '')) STORED;
ALTER TABLE discrepancies ADD COLUMN probability_key DOUBLE PRECISION
  GENERATED ALWAYS AS (coalesce(match_probability, -1)) STORED;
ALTER TABLE discrepancies ALTER COLUMN type TYPE TEXT COLLATE "C";
ALTER TABLE discrepancies ALTER COLUMN status TYPE TEXT COLLATE "C";
)sql";
constexpr std::string_view kSchema5After = R"sql(
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
)sql";

// Migration 6: card corrections (store.h kCardCorrection), items of popreg's own type raised
// from the household card, which may correct a person's relation or ethnicity as well: two
// CHECK constraints widen.
constexpr std::string_view kSchema6 = R"sql(
ALTER TABLE discrepancies DROP CONSTRAINT discrepancies_type_check;
ALTER TABLE discrepancies ADD CONSTRAINT discrepancies_type_check CHECK (type IN (
  'missing_in_register', 'absent_from_source', 'field_mismatch', 'unrecorded_birth',
  'unrecorded_death', 'duplicate_in_register', 'invalid_id_number', 'incomplete_record',
  'card_correction'));
ALTER TABLE discrepancies DROP CONSTRAINT discrepancies_field_check;
ALTER TABLE discrepancies ADD CONSTRAINT discrepancies_field_check CHECK (field IS NULL OR
  field IN ('name', 'sex', 'birth_date', 'id_number', 'relation', 'ethnicity'));
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kSchema1},
    {2, "discrepancy items across comparisons", kSchema2},
    {3, "review workflow: roles, areas, disputes, actions, merges", kSchema3},
    {4, "campaigns; the month and community of imports", kSchema4},
    {5, "audit hash chain, password changes and lockout, paged worklist", kSchema5,
     CommonMigration5, kSchema5After},
    {6, "card corrections", kSchema6},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace popreg::store::pg
