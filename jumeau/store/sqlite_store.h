// SqliteStore: the embedded Store — one SQLite file in WAL mode, nothing to
// start. Signals are kept as codec-compressed chunks of kChunkSamples samples
// plus pyramid blocks; every source is ingested in one transaction.
#ifndef JUMEAU_STORE_SQLITE_STORE_H_
#define JUMEAU_STORE_SQLITE_STORE_H_

#include <filesystem>
#include <memory>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/store/codec.h"
#include "jumeau/store/decoded_cache.h"
#include "jumeau/store/store.h"

namespace jumeau::store {

// Samples per stored chunk: the codec's recommended chunk (a window query
// decodes whole chunks, so this bounds the cost of the finest zoom).
inline constexpr int64_t kChunkSamples = static_cast<int64_t>(kSamplesPerChunk);

// Settings fixed when a store is created.
struct StoreOptions {
  // How much of a birth date the store keeps: the year (the default, a
  // quasi-identifier generalised), the month or the day.
  // Valid: kYear, kMonth, kDay.
  DatePrecision birth_date_precision = DatePrecision::kYear;
};

// Creates a new store at `path` (one SQLite file, WAL mode, schema at its
// current version). Returns kAlreadyExists when the file exists, kIoError or
// kInternal when it cannot be created, kInvalidArgument for invalid options.
// `clock` stamps ingests; it must outlive the store.
Result<std::unique_ptr<Store>> CreateSqliteStore(
    const std::filesystem::path& path, const StoreOptions& options = {},
    const Clock& clock = Clock::Real());

// Opens an existing store, migrating its schema forward if needed. Returns
// kNotFound when there is no file, kFailedPrecondition when it is not a
// Jumeau store or was written by a newer version. With a `decoded_cache`,
// the store's reads of samples and windows take decoded chunks and pyramid
// blocks from it and put the ones they decode into it (the cache may be
// shared by any number of stores, on any files; see DecodedCache).
Result<std::unique_ptr<Store>> OpenSqliteStore(
    const std::filesystem::path& path, const Clock& clock = Clock::Real(),
    std::shared_ptr<DecodedCache> decoded_cache = nullptr);

}  // namespace jumeau::store

#endif  // JUMEAU_STORE_SQLITE_STORE_H_
