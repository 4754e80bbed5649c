// A thin RAII layer over the SQLite C API for the store: a connection and
// prepared statements, with errors turned into Status. Internal to store/.
#ifndef JUMEAU_STORE_INTERNAL_SQLITE_H_
#define JUMEAU_STORE_INTERNAL_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "jumeau/core/status.h"

namespace jumeau::store::internal {

// A prepared statement. Bind with 1-based indices; Step() until it returns
// false. Not thread-safe.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) {
    o.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& o) noexcept {
    std::swap(db_, o.db_);
    std::swap(stmt_, o.stmt_);
    return *this;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, int v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) {
    return Bind(i, std::string_view(v));
  }
  Statement& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_STATIC);
    return *this;
  }
  Statement& BindNull(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }

  // Returns true when a row is available, false when done, or kInternal.
  Result<bool> Step();
  // Step() expecting no row.
  Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           sqlite3_column_bytes(stmt_, col))
             : std::string();
  }
  // Valid until the next Step/Reset.
  std::string_view Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string_view(static_cast<const char*>(p),
                                sqlite3_column_bytes(stmt_, col))
             : std::string_view();
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// An open SQLite connection. Not thread-safe.
class Database {
 public:
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Opens `path`; `create` allows creating the file.
  Status Open(const std::string& path, bool create);
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  sqlite3* handle() { return db_; }
  int64_t LastInsertId() { return sqlite3_last_insert_rowid(db_); }
  const std::string& path() const { return path_; }

  // kInternal naming the store file and SQLite's message.
  Status Error(std::string_view what);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_SQLITE_H_
