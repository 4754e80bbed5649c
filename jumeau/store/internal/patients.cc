// Patients: keyed hashing of identities, pseudonyms, demographics, merging.
#include "jumeau/store/internal/patients.h"

#include <sodium.h>

#include <cstdio>

namespace jumeau::store::internal {
namespace {

std::string Base32(const unsigned char* bytes, size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

std::string KeyedHash(std::string_view text, const std::string& key) {
  unsigned char h[32];
  crypto_generichash(
      h, sizeof h, reinterpret_cast<const unsigned char*>(text.data()),
      text.size(), reinterpret_cast<const unsigned char*>(key.data()),
      key.size());
  return std::string(reinterpret_cast<char*>(h), sizeof h);
}

// "1958", "1958-05" or "1958-05-02": `date` cut to the coarser of the
// source's and the store's precision.
std::string GeneralisedDate(const CivilTime& date, DatePrecision source,
                            DatePrecision store) {
  const DatePrecision p = std::min(source, store);
  char buffer[32];
  if (p == DatePrecision::kYear) {
    std::snprintf(buffer, sizeof buffer, "%04d", date.year);
  } else if (p == DatePrecision::kMonth) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", date.year, date.month);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year,
                  date.month, date.day);
  }
  return buffer;
}

}  // namespace

Result<std::string> Patients::SecretKey() {
  if (!key_.empty()) return key_;
  if (sodium_init() < 0) return InternalError("libsodium failed to initialise");
  JUMEAU_ASSIGN_OR_RETURN(
      auto q,
      db_->Prepare("SELECT value FROM meta WHERE key = 'pseudonym_key'"));
  JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
  if (!row || q.Blob(0).size() != 32)
    return DataLossError(db_->path() + ": pseudonym key missing");
  key_ = std::string(q.Blob(0));
  return key_;
}

Result<std::string> Patients::KeyHash(std::string_view key) {
  JUMEAU_ASSIGN_OR_RETURN(const std::string secret, SecretKey());
  return KeyedHash(key, secret);
}

Result<std::string> Patients::DerivedPseudonym(std::string_view key) {
  JUMEAU_ASSIGN_OR_RETURN(const std::string secret, SecretKey());
  const std::string h = KeyedHash("pseudonym:" + std::string(key), secret);
  return "p-" + Base32(reinterpret_cast<const unsigned char*>(h.data()), 8)
                    .substr(0, 10);
}

Result<Statement*> Patients::Cached(std::optional<Statement>* slot,
                                    std::string_view sql) {
  if (!*slot) {
    JUMEAU_ASSIGN_OR_RETURN(*slot, db_->Prepare(sql));
  } else {
    (*slot)->Reset();
  }
  return &**slot;
}

Result<std::optional<PatientId>> Patients::Linked(const std::string& hash) {
  JUMEAU_ASSIGN_OR_RETURN(
      Statement * q,
      Cached(&linked_,
             "SELECT patient_id FROM patient_links WHERE identity_hash = ?"));
  q->BindBlob(1, hash);
  JUMEAU_ASSIGN_OR_RETURN(const bool row, q->Step());
  std::optional<PatientId> out;
  if (row) out = q->Int(0);
  q->Reset();  // ends the read; `hash` was bound without a copy
  return out;
}

Status Patients::SetLink(const std::string& hash, PatientId patient) {
  JUMEAU_ASSIGN_OR_RETURN(
      Statement * q,
      Cached(&set_link_,
             "INSERT OR REPLACE INTO patient_links(identity_hash, "
             "patient_id) VALUES(?, ?)"));
  const Status status = q->BindBlob(1, hash).Bind(2, patient).Run();
  q->Reset();
  return status;
}

Result<std::optional<PatientId>> Patients::Find(std::string_view pseudonym) {
  JUMEAU_ASSIGN_OR_RETURN(
      Statement * q,
      Cached(&find_, "SELECT id FROM patients WHERE pseudonym = ?"));
  q->Bind(1, pseudonym);
  JUMEAU_ASSIGN_OR_RETURN(const bool row, q->Step());
  std::optional<PatientId> out;
  if (row) out = q->Int(0);
  q->Reset();
  return out;
}

Result<PatientId> Patients::FindOrCreate(const std::string& pseudonym,
                                         bool* created) {
  JUMEAU_ASSIGN_OR_RETURN(const auto found, Find(pseudonym));
  if (created != nullptr) *created = !found.has_value();
  if (found) return *found;
  JUMEAU_ASSIGN_OR_RETURN(
      Statement * ins,
      Cached(&insert_,
             "INSERT INTO patients(pseudonym, created_ns) VALUES(?, ?)"));
  const Status status =
      ins->Bind(1, pseudonym).Bind(2, clock_->Now().ns_since_epoch).Run();
  ins->Reset();
  JUMEAU_RETURN_IF_ERROR(status);
  return db_->LastInsertId();
}

Result<std::string> Patients::Pseudonym(PatientId patient) {
  JUMEAU_ASSIGN_OR_RETURN(
      Statement * q,
      Cached(&pseudonym_, "SELECT pseudonym FROM patients WHERE id = ?"));
  q->Bind(1, patient);
  JUMEAU_ASSIGN_OR_RETURN(const bool row, q->Step());
  if (!row) return NotFoundError("no patient " + std::to_string(patient));
  std::string out = q->Text(0);
  q->Reset();
  return out;
}

Status Patients::SetDemographics(PatientId patient,
                                 const PatientIdentity& identity) {
  if (!birth_precision_) {
    JUMEAU_ASSIGN_OR_RETURN(
        auto q, db_->Prepare("SELECT value FROM meta WHERE key = ?"));
    q.Bind(1, kBirthDatePrecisionKey);
    JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
    birth_precision_ = DatePrecision::kYear;
    if (row) {
      JUMEAU_ASSIGN_OR_RETURN(birth_precision_,
                              ParseDatePrecision(std::string(q.Blob(0))));
    }
  }
  if (identity.birth_date) {
    const std::string birth = GeneralisedDate(
        *identity.birth_date, identity.birth_date_precision, *birth_precision_);
    JUMEAU_ASSIGN_OR_RETURN(
        Statement * q,
        Cached(&set_birth_,
               "UPDATE patients SET birth = ? WHERE id = ? AND birth = ''"));
    JUMEAU_RETURN_IF_ERROR(q->Bind(1, birth).Bind(2, patient).Run());
  }
  if (!identity.sex.empty()) {
    JUMEAU_ASSIGN_OR_RETURN(
        Statement * q,
        Cached(&set_sex_,
               "UPDATE patients SET sex = ? WHERE id = ? AND sex = ''"));
    JUMEAU_RETURN_IF_ERROR(q->Bind(1, identity.sex).Bind(2, patient).Run());
  }
  return Status::Ok();
}

Status Patients::Merge(PatientId from, PatientId into) {
  // Streams first: names are unique per patient.
  std::vector<std::pair<int64_t, std::string>> streams;
  {
    JUMEAU_ASSIGN_OR_RETURN(
        auto q,
        db_->Prepare(
            "SELECT id, label FROM streams WHERE patient_id = ? ORDER BY id"));
    q.Bind(1, from);
    while (true) {
      JUMEAU_ASSIGN_OR_RETURN(const bool row, q.Step());
      if (!row) break;
      streams.emplace_back(q.Int(0), q.Text(1));
    }
  }
  for (const auto& [id, label] : streams) {
    JUMEAU_ASSIGN_OR_RETURN(const std::string name,
                            UniqueStreamName(*db_, into, label));
    JUMEAU_ASSIGN_OR_RETURN(
        auto q,
        db_->Prepare(
            "UPDATE streams SET patient_id = ?, name = ? WHERE id = ?"));
    JUMEAU_RETURN_IF_ERROR(q.Bind(1, into).Bind(2, name).Bind(3, id).Run());
  }
  for (const char* sql : {
           "UPDATE events SET patient_id = ?1 WHERE patient_id = ?2",
           "UPDATE patient_links SET patient_id = ?1 WHERE patient_id = ?2",
           "UPDATE genotype_blocks SET patient_id = ?1 WHERE patient_id = ?2",
           "UPDATE twin_snapshots SET patient_id = ?1 WHERE patient_id = ?2",
           "UPDATE connectomes SET patient_id = ?1 WHERE patient_id = ?2",
           "INSERT OR IGNORE INTO source_patients(source_id, patient_id) "
           "SELECT source_id, ?1 FROM source_patients WHERE patient_id = ?2",
           "DELETE FROM source_patients WHERE patient_id = ?2",
           "UPDATE patients SET birth = (SELECT birth FROM patients WHERE id = "
           "?2) "
           "WHERE id = ?1 AND birth = ''",
           "UPDATE patients SET sex = (SELECT sex FROM patients WHERE id = ?2) "
           "WHERE id = ?1 AND sex = ''",
           "DELETE FROM patients WHERE id = ?2",
       }) {
    JUMEAU_ASSIGN_OR_RETURN(auto q, db_->Prepare(sql));
    JUMEAU_RETURN_IF_ERROR(q.Bind(1, into).Bind(2, from).Run());
  }
  return Status::Ok();
}

Result<std::string> UniqueStreamName(Database& db, PatientId patient,
                                     const std::string& label) {
  const std::string base = label.empty() ? "signal" : label;
  JUMEAU_ASSIGN_OR_RETURN(
      auto q,
      db.Prepare("SELECT 1 FROM streams WHERE patient_id = ? AND name = ?"));
  for (int n = 1;; ++n) {
    const std::string name =
        n == 1 ? base : base + " (" + std::to_string(n) + ")";
    q.Reset();
    q.Bind(1, patient).Bind(2, name);
    JUMEAU_ASSIGN_OR_RETURN(const bool taken, q.Step());
    if (!taken) return name;
  }
}

}  // namespace jumeau::store::internal
