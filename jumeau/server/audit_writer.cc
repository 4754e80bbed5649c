// AuditWriter: a producer/consumer queue drained by one thread in batches.
#include "jumeau/server/audit_writer.h"

#include <chrono>

namespace jumeau::server {

AuditWriter::AuditWriter(std::unique_ptr<store::Store> store, Duration period,
                         size_t batch)
    : store_(std::move(store)),
      period_(period),
      batch_(batch < 1 ? 1 : batch),
      thread_([this] { Run(); }) {}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AuditWriter::Record(store::AuditEntry entry) {
  bool full;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(entry));
    ++queued_total_;
    full = queue_.size() >= batch_;
  }
  if (full) wake_.notify_all();
}

Status AuditWriter::Flush() {
  std::unique_lock lock(mutex_);
  const int64_t target = queued_total_;
  flush_asked_ = true;
  wake_.notify_all();
  batch_done_.wait(lock, [&] { return done_total_ >= target; });
  Status s = error_;
  error_ = Status::Ok();
  return s;
}

int64_t AuditWriter::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

int64_t AuditWriter::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void AuditWriter::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, std::chrono::nanoseconds(period_.ns), [this] {
      return stop_ || flush_asked_ || queue_.size() >= batch_;
    });
    flush_asked_ = false;
    if (!queue_.empty()) {
      std::vector<store::AuditEntry> batch;
      batch.swap(queue_);
      lock.unlock();
      Status s = store_->AppendAudit(batch);
      lock.lock();
      if (s.ok()) {
        written_ += static_cast<int64_t>(batch.size());
      } else {
        dropped_ += static_cast<int64_t>(batch.size());
        if (error_.ok()) error_ = s;
      }
      done_total_ += static_cast<int64_t>(batch.size());
      batch_done_.notify_all();
      continue;  // more may have come while writing
    }
    batch_done_.notify_all();
    if (stop_) return;
  }
}

}  // namespace jumeau::server
