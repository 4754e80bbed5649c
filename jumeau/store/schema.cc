// Schema version 5 and the migration ladder (1 -> 2 -> 3 -> 4 -> 5).
#include "jumeau/store/schema.h"

#include <sodium.h>

#include <string>

namespace jumeau::store {
namespace {

// Chunk and pyramid rows are keyed by one integer so that a lookup is a single
// B-tree descent: chunks.key = stream_id << 24 | chunk_index;
// pyramid.key = stream_id << 28 | level << 24 | block_index.
constexpr char kSchema[] = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;
-- birth: the birth date generalised to the store's precision ("1958",
-- "1958-05", "1958-05-02"); sex: "male", "female", "other", "unknown", "".
CREATE TABLE patients(
  id INTEGER PRIMARY KEY,
  pseudonym TEXT NOT NULL UNIQUE,
  created_ns INTEGER NOT NULL,
  birth TEXT NOT NULL DEFAULT '',
  sex TEXT NOT NULL DEFAULT ''
);
-- Keyed hashes (BLAKE2b, key in meta.pseudonym_key) of source identities,
-- linking sources to patients without storing identifiers in clear.
CREATE TABLE patient_links(
  identity_hash BLOB PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id)
) WITHOUT ROWID;
CREATE INDEX patient_links_by_patient ON patient_links(patient_id);
CREATE TABLE sources(
  id INTEGER PRIMARY KEY,
  content_hash TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  reader TEXT NOT NULL,
  reader_version TEXT NOT NULL,
  byte_size INTEGER NOT NULL,
  ingested_ns INTEGER NOT NULL,
  warnings TEXT NOT NULL DEFAULT ''
);
CREATE TABLE streams(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'signal',
  label TEXT NOT NULL,
  unit TEXT NOT NULL,
  source_unit TEXT NOT NULL,
  transducer TEXT NOT NULL,
  prefilter TEXT NOT NULL,
  rate_num INTEGER NOT NULL,
  rate_den INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  sample_count INTEGER NOT NULL,
  scale REAL NOT NULL,
  offset REAL NOT NULL,
  digital_min INTEGER NOT NULL,
  digital_max INTEGER NOT NULL,
  physical_min REAL NOT NULL,
  physical_max REAL NOT NULL,
  bits INTEGER NOT NULL,
  chunk_samples INTEGER NOT NULL,
  UNIQUE(patient_id, name)
);
CREATE TABLE chunks(
  key INTEGER PRIMARY KEY,
  sample_count INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE pyramid(
  key INTEGER PRIMARY KEY,
  bucket_count INTEGER NOT NULL,
  data BLOB NOT NULL
);
-- Each distinct (system, code, display) once; events refer to it by id.
CREATE TABLE codes(
  id INTEGER PRIMARY KEY,
  system TEXT NOT NULL,
  code TEXT NOT NULL,
  display TEXT NOT NULL,
  UNIQUE(system, code, display)
);
CREATE INDEX codes_by_code ON codes(code);
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  time_ns INTEGER NOT NULL,
  end_ns INTEGER,
  code_id INTEGER NOT NULL REFERENCES codes(id),
  origin TEXT NOT NULL DEFAULT '',
  value REAL,
  unit TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  subtype INTEGER NOT NULL DEFAULT 0,
  number INTEGER NOT NULL DEFAULT 0,
  time_precision INTEGER NOT NULL DEFAULT 3,
  status TEXT NOT NULL DEFAULT '',
  source_value REAL,
  source_unit TEXT NOT NULL DEFAULT '',
  reference_low REAL,
  reference_high REAL,
  value_code_id INTEGER REFERENCES codes(id),
  source_ref TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_by_time ON events(patient_id, time_ns);
CREATE INDEX events_by_code ON events(patient_id, code_id, time_ns);
)sql";

// Tables of version 2 that version 1 did not have: created by a new store
// and by the migration alike.
constexpr char kTablesSinceV2[] = R"sql(
-- The patients each source is about (a Bulk Data export: many).
CREATE TABLE source_patients(
  source_id INTEGER NOT NULL REFERENCES sources(id),
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  PRIMARY KEY(source_id, patient_id)
) WITHOUT ROWID;
CREATE INDEX source_patients_by_patient ON source_patients(patient_id);
-- Genotypes: a source's variants in blocks that never span a chromosome
-- (data: jumeau/store/genotype_codec.h), and per patient the calls of each
-- block.
CREATE TABLE variant_sets(
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  genome_build TEXT NOT NULL,
  has_dosages INTEGER NOT NULL,
  variant_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE variant_blocks(
  set_id INTEGER NOT NULL REFERENCES variant_sets(id),
  block INTEGER NOT NULL,
  chrom TEXT NOT NULL,
  first_position INTEGER NOT NULL,
  last_position INTEGER NOT NULL,
  variant_count INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY(set_id, block)
) WITHOUT ROWID;
CREATE TABLE genotype_blocks(
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  set_id INTEGER NOT NULL REFERENCES variant_sets(id),
  block INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY(patient_id, set_id, block)
) WITHOUT ROWID;
)sql";

// Tables of version 3 that version 2 did not have: created by a new store
// and by the migration alike.
constexpr char kTablesSinceV3[] = R"sql(
-- Twin snapshots: a calibrated model of one patient (jumeau/derive/twin.h).
-- data_from_ns/data_to_ns: the window of the observations used; data: JSON
-- (parameters with their posterior, covariance, observations with their
-- residuals, summary outputs), written and read by the twin layer.
CREATE TABLE twin_snapshots(
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  model TEXT NOT NULL,
  model_version TEXT NOT NULL,
  created_ns INTEGER NOT NULL,
  data_from_ns INTEGER NOT NULL,
  data_to_ns INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX twin_snapshots_by_patient ON twin_snapshots(patient_id, created_ns);
)sql";

// Tables of version 4 that version 3 did not have: created by a new store
// and by the migration alike.
constexpr char kTablesSinceV4[] = R"sql(
-- Bearer tokens of the HTTP API (jumeau/server/). token_hash: the keyed
-- BLAKE2b-256 (key in meta.pseudonym_key) of "api-token:" and the secret;
-- the secret itself is shown once and never stored. role: "clinician" or
-- "researcher". revoked_ns: NULL while the token is valid.
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  role TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  created_ns INTEGER NOT NULL,
  revoked_ns INTEGER
);
-- Every access to data through the API: who (token_id, 0 when no valid
-- token was given, and its role), which patient (pseudonym, '' for none),
-- what (action: the route, target: the path and query), when, and the HTTP
-- status answered. Append-only.
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  time_ns INTEGER NOT NULL,
  token_id INTEGER NOT NULL,
  role TEXT NOT NULL,
  patient TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  status INTEGER NOT NULL
);
CREATE INDEX audit_log_by_patient ON audit_log(patient, time_ns);
)sql";

// Tables of version 5 that version 4 did not have: created by a new store
// and by the migration alike.
constexpr char kTablesSinceV5[] = R"sql(
-- Structural connectomes (a TVB connectivity zip or folder ingested as a
-- source of the patient). labels: JSON array of n strings; weights,
-- tract_lengths (n*n, row-major, mm), centres (n*3, mm), areas (n, mm^2,
-- or empty), orientations (n*3 or empty): little-endian float64 BLOBs;
-- cortical: n bytes 0/1, or empty.
CREATE TABLE connectomes(
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  region_count INTEGER NOT NULL,
  labels TEXT NOT NULL,
  weights BLOB NOT NULL,
  tract_lengths BLOB NOT NULL,
  centres BLOB NOT NULL,
  cortical BLOB NOT NULL,
  areas BLOB NOT NULL,
  orientations BLOB NOT NULL,
  created_ns INTEGER NOT NULL
);
CREATE INDEX connectomes_by_patient ON connectomes(patient_id, created_ns);
)sql";

// Version 1 -> 2 (after kTablesSinceV2): sources may concern several
// patients (source_patients, filled from sources.patient_id), patients carry
// a generalised birth date and sex, events carry clinical detail. SQLite
// cannot drop a NOT NULL column with a foreign key, so `sources` is rebuilt.
// REQUIRES: foreign keys off.
constexpr char kMigrateV1ToV2[] = R"sql(
INSERT INTO source_patients(source_id, patient_id) SELECT id, patient_id FROM sources;
CREATE TABLE sources_v2(
  id INTEGER PRIMARY KEY,
  content_hash TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  reader TEXT NOT NULL,
  reader_version TEXT NOT NULL,
  byte_size INTEGER NOT NULL,
  ingested_ns INTEGER NOT NULL,
  warnings TEXT NOT NULL DEFAULT ''
);
INSERT INTO sources_v2 SELECT id, content_hash, format, reader, reader_version, byte_size,
  ingested_ns, warnings FROM sources;
DROP TABLE sources;
ALTER TABLE sources_v2 RENAME TO sources;
CREATE INDEX patient_links_by_patient ON patient_links(patient_id);
ALTER TABLE patients ADD COLUMN birth TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN sex TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN time_precision INTEGER NOT NULL DEFAULT 3;
ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN source_value REAL;
ALTER TABLE events ADD COLUMN source_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN reference_low REAL;
ALTER TABLE events ADD COLUMN reference_high REAL;
ALTER TABLE events ADD COLUMN value_code_id INTEGER REFERENCES codes(id);
ALTER TABLE events ADD COLUMN source_ref TEXT NOT NULL DEFAULT '';
)sql";

}  // namespace

Result<int> ReadSchemaVersion(internal::Database& db) {
  auto stmt = db.Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!stmt.ok()) {
    return FailedPreconditionError(db.path() +
                                   ": not a Jumeau store (no meta table)");
  }
  JUMEAU_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  if (!row)
    return FailedPreconditionError(db.path() +
                                   ": not a Jumeau store (no schema version)");
  return static_cast<int>(stmt->Int(0));
}

Status CreateSchema(internal::Database& db) {
  if (sodium_init() < 0) return InternalError("libsodium failed to initialise");
  JUMEAU_RETURN_IF_ERROR(db.Exec(kSchema));
  JUMEAU_RETURN_IF_ERROR(db.Exec(kTablesSinceV2));
  JUMEAU_RETURN_IF_ERROR(db.Exec(kTablesSinceV3));
  JUMEAU_RETURN_IF_ERROR(db.Exec(kTablesSinceV4));
  JUMEAU_RETURN_IF_ERROR(db.Exec(kTablesSinceV5));
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  JUMEAU_ASSIGN_OR_RETURN(
      auto put, db.Prepare("INSERT INTO meta(key, value) VALUES(?, ?)"));
  JUMEAU_RETURN_IF_ERROR(
      put.Bind(1, "schema_version").Bind(2, kSchemaVersion).Run());
  put.Reset();
  JUMEAU_RETURN_IF_ERROR(
      put.Bind(1, "pseudonym_key")
          .BindBlob(2,
                    std::string_view(reinterpret_cast<char*>(key), sizeof key))
          .Run());
  sodium_memzero(key, sizeof key);
  return Status::Ok();
}

Status MigrateSchema(internal::Database& db) {
  JUMEAU_ASSIGN_OR_RETURN(const int version, ReadSchemaVersion(db));
  if (version > kSchemaVersion) {
    return FailedPreconditionError(
        db.path() + ": store schema version " + std::to_string(version) +
        " is newer than this jumeau (" + std::to_string(kSchemaVersion) +
        "); upgrade jumeau");
  }
  if (version < 1) {
    return FailedPreconditionError(db.path() + ": invalid schema version " +
                                   std::to_string(version));
  }
  if (version < 2) {
    JUMEAU_RETURN_IF_ERROR(db.Exec(kTablesSinceV2));
    JUMEAU_RETURN_IF_ERROR(db.Exec(kMigrateV1ToV2));
  }
  if (version < 3) JUMEAU_RETURN_IF_ERROR(db.Exec(kTablesSinceV3));
  if (version < 4) JUMEAU_RETURN_IF_ERROR(db.Exec(kTablesSinceV4));
  if (version < 5) JUMEAU_RETURN_IF_ERROR(db.Exec(kTablesSinceV5));
  if (version < kSchemaVersion) {
    JUMEAU_ASSIGN_OR_RETURN(
        auto put,
        db.Prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'"));
    JUMEAU_RETURN_IF_ERROR(put.Bind(1, kSchemaVersion).Run());
  }
  return Status::Ok();
}

}  // namespace jumeau::store
