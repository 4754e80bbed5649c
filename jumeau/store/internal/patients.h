// Patients of the SQLite store: pseudonyms, the keyed hashes that link source
// identities to them, generalised demographics, and merging two patients.
// Used by the store's transactions (identities met at ingest) and by
// Store::Link. Identities are never written or logged in clear.
#ifndef JUMEAU_STORE_INTERNAL_PATIENTS_H_
#define JUMEAU_STORE_INTERNAL_PATIENTS_H_

#include <optional>
#include <string>
#include <string_view>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/store/internal/sqlite.h"
#include "jumeau/store/store.h"

namespace jumeau::store::internal {

// The patient table's operations, on one connection. Prepares each of its
// statements once and keeps them (a transaction resolves thousands of
// patients). Not thread-safe.
class Patients {
 public:
  // REQUIRES: `db` (a store at the current schema) and `clock` outlive this.
  Patients(Database* db, const Clock* clock) : db_(db), clock_(clock) {}

  // The keyed BLAKE2b-256 hash of an identity key (the store's secret key in
  // meta.pseudonym_key). kDataLoss when the store has no key.
  Result<std::string> KeyHash(std::string_view key);
  // The pseudonym derived from a key: "p-" and 10 base-32 characters of a
  // second keyed hash, revealing nothing of the link hash.
  Result<std::string> DerivedPseudonym(std::string_view key);

  // The patient a key hash is linked to, if any.
  Result<std::optional<PatientId>> Linked(const std::string& hash);
  // Links `hash` to `patient`, replacing any earlier link.
  Status SetLink(const std::string& hash, PatientId patient);

  // The patient named `pseudonym`, created when absent; *created says which.
  Result<PatientId> FindOrCreate(const std::string& pseudonym,
                                 bool* created = nullptr);
  Result<std::optional<PatientId>> Find(std::string_view pseudonym);
  Result<std::string> Pseudonym(PatientId patient);

  // Fills the patient's unknown birth date and sex from `identity`, the
  // birth date generalised to the store's precision (meta
  // birth_date_precision, "year" by default).
  Status SetDemographics(PatientId patient, const PatientIdentity& identity);

  // Moves every record and link of `from` to `into` (streams renamed "X (2)"
  // where names clash; demographics kept where `into` lacks them) and
  // deletes `from`. REQUIRES: inside a transaction; from != into.
  Status Merge(PatientId from, PatientId into);

 private:
  Result<std::string> SecretKey();
  // The statement in `slot`, prepared from `sql` on first use, reset and
  // with its bindings cleared.
  Result<Statement*> Cached(std::optional<Statement>* slot,
                            std::string_view sql);

  Database* db_;
  const Clock* clock_;
  std::string key_;
  std::optional<DatePrecision> birth_precision_;
  std::optional<Statement> linked_;
  std::optional<Statement> set_link_;
  std::optional<Statement> find_;
  std::optional<Statement> insert_;
  std::optional<Statement> pseudonym_;
  std::optional<Statement> set_birth_;
  std::optional<Statement> set_sex_;
};

// The store setting for birth dates ("birth_date_precision" in meta).
inline constexpr char kBirthDatePrecisionKey[] = "birth_date_precision";

// The lowest-numbered free stream name of `patient` for `label`: "MLII",
// then "MLII (2)", "MLII (3)"...
Result<std::string> UniqueStreamName(Database& db, PatientId patient,
                                     const std::string& label);

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_PATIENTS_H_
