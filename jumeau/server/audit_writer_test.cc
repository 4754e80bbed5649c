// The audit writer stores every entry, from many threads, by Flush().
#include "jumeau/server/audit_writer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"

namespace jumeau::server {
namespace {

TEST(AuditWriterTest, StoresEveryEntryFromManyThreads) {
  const auto path = testing::ScratchDir() / "audit.jumeau";
  std::filesystem::remove(path);
  ASSERT_TRUE(store::CreateSqliteStore(path).ok());
  {
    AuditWriter writer(std::move(store::OpenSqliteStore(path)).value(),
                       Duration::Milliseconds(5), 64);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < 250; ++i) {
          store::AuditEntry e;
          e.time = Time{t * 1000 + i};
          e.token_id = t + 1;
          e.action = "GET /api/v1/patients";
          e.status = 200;
          writer.Record(e);
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_TRUE(writer.Flush().ok());
    EXPECT_EQ(writer.written(), 1000);
    EXPECT_EQ(writer.dropped(), 0);
    // Entries queued after a flush are written by the destructor.
    store::AuditEntry last;
    last.time = Time{999999};
    writer.Record(last);
  }
  auto store = store::OpenSqliteStore(path);
  store::AuditQuery q;
  q.limit = 5000;
  EXPECT_EQ((*store)->AuditLog(q)->size(), 1001u);
  q.token_id = 3;
  EXPECT_EQ((*store)->AuditLog(q)->size(), 250u);
}

}  // namespace
}  // namespace jumeau::server
