// AuditWriter: appends the server's audit entries to the store from one
// background thread, in batches. Requests only queue an entry (a mutex and a
// vector push), so auditing never puts a write transaction on the path of a
// window query; all audit writes go through one connection, so they are
// serialised without contending with each other. Layer: server/.
#ifndef JUMEAU_SERVER_AUDIT_WRITER_H_
#define JUMEAU_SERVER_AUDIT_WRITER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/store/store.h"

namespace jumeau::server {

// An AuditWriter is a queue of audit entries and the thread that stores them.
// Safe for concurrent use from many threads.
class AuditWriter {
 public:
  // Takes ownership of `store`, a connection used only by the writer's
  // thread. Entries are written at most `period` after they are queued, or
  // as soon as `batch` are waiting.
  explicit AuditWriter(std::unique_ptr<store::Store> store,
                       Duration period = Duration::Milliseconds(100),
                       size_t batch = 512);
  // Writes what is queued, then stops the thread.
  ~AuditWriter();
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Queues `entry` (its id is set by the store when written).
  void Record(store::AuditEntry entry);
  // Returns once every entry queued before the call is stored; the first
  // store error met since the last Flush (entries of a failed batch are
  // dropped, and counted in dropped()), else ok.
  Status Flush();
  int64_t written() const;
  int64_t dropped() const;

 private:
  void Run();

  std::unique_ptr<store::Store> store_;  // used only by thread_
  const Duration period_;
  const size_t batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;     // entries queued, flush asked, or stop
  std::condition_variable batch_done_;  // a batch was written
  std::vector<store::AuditEntry> queue_;  // Guarded by mutex_
  int64_t queued_total_ = 0;              // Guarded by mutex_
  int64_t done_total_ = 0;                // Guarded by mutex_ (written+dropped)
  int64_t written_ = 0;                   // Guarded by mutex_
  int64_t dropped_ = 0;                   // Guarded by mutex_
  bool flush_asked_ = false;              // Guarded by mutex_
  bool stop_ = false;                     // Guarded by mutex_
  Status error_;                          // Guarded by mutex_
  std::thread thread_;
};

}  // namespace jumeau::server

#endif  // JUMEAU_SERVER_AUDIT_WRITER_H_
