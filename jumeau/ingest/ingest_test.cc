// Tests of how IngestSource hashes a recording: read once and hashed as it
// streams when no stored source can be identical, hashed first otherwise;
// either way the content hash is the file's SHA-256 and identical content
// is stored once, also in a store whose sources were hashed the old way.
#include "jumeau/ingest/ingest.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>

#include "jumeau/io/content_hash.h"
#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::ingest {
namespace {

class IngestHashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    JUMEAU_REQUIRE_TEST_DATA(edf, "edf/S001R03.edf");  // names nobody
    edf_ = edf;
    dir_ = testing::ScratchDir();
    auto store = store::CreateSqliteStore((dir_ / "hash.jumeau").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  Result<IngestReport> Ingest(const std::filesystem::path& file,
                              const std::string& patient) {
    IngestOptions options;
    options.patient = patient;
    return IngestSource(*store_, SourcePath{SourceKind::kEdf, file}, options);
  }

  int64_t SourceCount() {
    int64_t n = 0;
    for (const auto& p : *store_->Patients()) n += p.source_count;
    return n;
  }

  std::filesystem::path edf_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(IngestHashTest, ReadOnceWithPatientThenRecognisedWhateverItsName) {
  const std::string sha = "sha256:" + *io::HashFile(edf_);
  const Result<IngestReport> first = Ingest(edf_, "p1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->already_present);
  EXPECT_EQ(first->content_hash, sha);
  EXPECT_EQ(first->bytes, std::filesystem::file_size(edf_));

  // The same bytes under another name (hashed first: a source of its size
  // is stored) are the same source.
  const auto renamed = dir_ / "renamed.edf";
  std::filesystem::copy_file(edf_, renamed,
                             std::filesystem::copy_options::overwrite_existing);
  const Result<IngestReport> again = Ingest(renamed, "p2");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_present);
  EXPECT_EQ(again->content_hash, sha);
  EXPECT_EQ(SourceCount(), 1);
  EXPECT_EQ(store_->Patients()->size(), 1u);
}

TEST_F(IngestHashTest, AnAnonymousSourceIsItsOwnPatientKeyedByItsHash) {
  // Without --patient the source's hash is its patient's key: hashed first.
  const Result<IngestReport> first = Ingest(edf_, "");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->content_hash, "sha256:" + *io::HashFile(edf_));
  const std::string patient = first->patient;
  ASSERT_FALSE(patient.empty());
  // Its key designates that patient: linking the key to another merges it.
  const Result<store::LinkResult> link =
      store_->Link("source:" + first->content_hash, "other");
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->merged_from, patient);
}

TEST_F(IngestHashTest, ReadOnceLinksTheHashKeyToTheNamedPatient) {
  const Result<IngestReport> first = Ingest(edf_, "named");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // The key, learnt at the end of the read, designates the named patient.
  const Result<store::LinkResult> link =
      store_->Link("source:" + first->content_hash, "other");
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->merged_from, "named");
}

TEST_F(IngestHashTest, ASourceHashedTheOldWayIsRecognised) {
  // What stores written before SHA-256 hold: BLAKE2b-256 over base name,
  // NUL, decimal size, NUL, bytes.
  std::ifstream in(edf_, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const std::string prefix =
      edf_.filename().string() + '\0' + std::to_string(bytes.size()) + '\0';
  ASSERT_GE(sodium_init(), 0);
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  crypto_generichash_update(
      &state, reinterpret_cast<const unsigned char*>(prefix.data()),
      prefix.size());
  crypto_generichash_update(
      &state, reinterpret_cast<const unsigned char*>(bytes.data()),
      bytes.size());
  unsigned char digest[32];
  crypto_generichash_final(&state, digest, sizeof digest);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);

  store::SourceDescription d;
  d.content_hash = hex;
  d.format = "EDF+C";
  d.reader = "jumeau.io.edf";
  d.reader_version = "old";
  d.byte_size = static_cast<int64_t>(bytes.size());
  d.patient_pseudonym = "old";
  {
    auto txn = store_->BeginSource(d);
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    ASSERT_TRUE((*txn)->Patient(store::PatientIdentity{}).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  const Result<IngestReport> again = Ingest(edf_, "new");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already_present);
  EXPECT_EQ(again->content_hash, hex);
  EXPECT_EQ(SourceCount(), 1);
}

TEST_F(IngestHashTest, ASourceBegunWithoutAHashCannotCommitWithoutOne) {
  store::SourceDescription d;
  d.format = "test";
  d.patient_pseudonym = "p";
  auto txn = store_->BeginSource(d);
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  ASSERT_TRUE((*txn)->Patient(store::PatientIdentity{}).ok());
  const Status commit = (*txn)->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace jumeau::ingest
