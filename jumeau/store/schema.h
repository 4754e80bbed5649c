// The store's SQLite schema and its forward migrations. Version N of the
// schema is reached from any earlier version by applying each step in order;
// a store written by a newer Jumeau is refused, never modified.
#ifndef JUMEAU_STORE_SCHEMA_H_
#define JUMEAU_STORE_SCHEMA_H_

#include "jumeau/core/status.h"
#include "jumeau/store/internal/sqlite.h"

namespace jumeau::store {

// The schema version this build writes (meta.schema_version).
inline constexpr int kSchemaVersion = 5;

// Creates the tables of a new, empty store at kSchemaVersion, with a fresh
// random pseudonym key. REQUIRES: inside a transaction on an empty database.
Status CreateSchema(internal::Database& db);

// Brings an existing store to kSchemaVersion. Returns kFailedPrecondition
// when the file is not a Jumeau store or its version is newer than this
// build's. REQUIRES: inside a transaction, foreign-key enforcement off (a
// step may rebuild a table); the caller checks foreign keys before commit.
Status MigrateSchema(internal::Database& db);

// The schema version recorded in the store.
Result<int> ReadSchemaVersion(internal::Database& db);

}  // namespace jumeau::store

#endif  // JUMEAU_STORE_SCHEMA_H_
