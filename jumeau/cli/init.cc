// `jumeau init STORE [--birth-date-precision year|month|day]`: create an
// empty embedded store.
#include <cstdio>

#include "jumeau/cli/cli.h"
#include "jumeau/store/schema.h"
#include "jumeau/store/sqlite_store.h"

namespace jumeau::cli {

void AddInitVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "init", "Create an empty store (one SQLite file in WAL mode)");
  struct Args {
    std::string path;
    std::string birth = "year";
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->path, "Store file to create")->required();
  cmd->add_option("--birth-date-precision", args->birth,
                  "How much of birth dates to keep: year (default), month or "
                  "day");
  cmd->callback([=] {
    *action = [=]() -> Status {
      store::StoreOptions options;
      JUMEAU_ASSIGN_OR_RETURN(options.birth_date_precision,
                              ParseDatePrecision(args->birth));
      JUMEAU_ASSIGN_OR_RETURN(auto store,
                              store::CreateSqliteStore(args->path, options));
      std::printf("created store %s (schema version %d)\n", args->path.c_str(),
                  store::kSchemaVersion);
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
