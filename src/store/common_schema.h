// The parts of the store's migrations that both dialects accept, said once (the rest of each
// migration is the backend's: store/sqlite/sqlite_store.cc, store/postgres/pg_schema.cc). A
// backend runs a migration's own statements, then its common step on a session of the same
// transaction, then its closing statements. Internal to store/.
#pragma once

#include "base/status.h"
#include "store/sql.h"

namespace popreg::store {

// Migration 5's common step (docs/store.md, schema 5). Expects the backend to have added
// users.must_change_password, discrepancies.updated_at and the generated sort keys
// discrepancies.community_key (coalesce(community_code, '')) and probability_key
// (coalesce(match_probability, -1)) (their types and kinds differ), and to have
// switched off the audit log's refusal of updates (turned on again by its closing statements).
// Adds the audit log's prev_hash and hash and fills the chain in id order; adds the sign-in
// bookkeeping of users; dates every item's last change (updated_at: its latest review after the
// comparison that last found it, else that comparison's end); and adds the indexes the paged
// worklist and audit log walk.
Status CommonMigration5(sql::Session& s);

}  // namespace popreg::store
