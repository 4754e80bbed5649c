// `jumeau init STORE`: create an empty embedded store.
#include <cstdio>

#include "jumeau/cli/cli.h"
#include "jumeau/store/schema.h"
#include "jumeau/store/sqlite_store.h"

namespace jumeau::cli {

void AddInitVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "init", "Create an empty store (one SQLite file in WAL mode)");
  auto path = std::make_shared<std::string>();
  cmd->add_option("STORE", *path, "Store file to create")->required();
  cmd->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, store::CreateSqliteStore(*path));
      std::printf("created store %s (schema version %d)\n", path->c_str(),
                  store::kSchemaVersion);
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
