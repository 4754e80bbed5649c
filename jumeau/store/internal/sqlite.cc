// SQLite connection and statement helpers.
#include "jumeau/store/internal/sqlite.h"

namespace jumeau::store::internal {

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return InternalError(std::string("sqlite: ") + sqlite3_errmsg(db_));
}

Status Statement::Run() {
  JUMEAU_ASSIGN_OR_RETURN(const bool row, Step());
  (void)row;
  sqlite3_reset(stmt_);
  return Status::Ok();
}

Database::~Database() { sqlite3_close_v2(db_); }

Status Database::Open(const std::string& path, bool create) {
  path_ = path;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    return (rc == SQLITE_CANTOPEN && !create)
               ? NotFoundError(path +
                               ": no store here (create it with `jumeau init`)")
               : Error("open");
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
  return Status::Ok();
}

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = path_ + ": sqlite: " + (err ? err : "error");
    sqlite3_free(err);
    return InternalError(m);
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt,
                         nullptr) != SQLITE_OK) {
    return Error("prepare");
  }
  return Statement(db_, stmt);
}

Status Database::Error(std::string_view what) {
  return InternalError(path_ + ": sqlite " + std::string(what) + ": " +
                       (db_ ? sqlite3_errmsg(db_) : "cannot open"));
}

}  // namespace jumeau::store::internal
