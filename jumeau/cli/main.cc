// `jumeau`: one binary with verbs. Every verb after `example` takes the store
// as its first argument; `--json` gives machine-readable output. Errors are
// one line on stderr naming the file and offset or line, with a non-zero exit.
#include <cstdio>

#include "jumeau/cli/cli.h"

int main(int argc, char** argv) {
  using jumeau::cli::Action;
  CLI::App app{"jumeau: a patient's digital twin from multi-scale health data"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "jumeau 0.1.0");
  Action action;
  jumeau::cli::AddExampleVerb(app, &action);
  jumeau::cli::AddInitVerb(app, &action);
  jumeau::cli::AddIngestVerb(app, &action);
  jumeau::cli::AddPatientsVerb(app, &action);
  jumeau::cli::AddStreamsVerb(app, &action);
  jumeau::cli::AddSignalVerb(app, &action);
  jumeau::cli::AddEventsVerb(app, &action);
  jumeau::cli::AddExportVerb(app, &action);
  jumeau::cli::AddLinkVerb(app, &action);
  jumeau::cli::AddGenotypeVerb(app, &action);
  jumeau::cli::AddScoreVerb(app, &action);
  jumeau::cli::AddTimelineVerb(app, &action);
  jumeau::cli::AddAnalyzeVerb(app, &action);
  jumeau::cli::AddScoreBeatsVerb(app, &action);
  jumeau::cli::AddTwinVerb(app, &action);
  jumeau::cli::AddServeVerb(app, &action);
  jumeau::cli::AddTokenVerb(app, &action);
  jumeau::cli::AddAuditVerb(app, &action);
  jumeau::cli::AddCohortVerb(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!action) return 2;
  const jumeau::Status status = action();
  if (!status.ok()) {
    std::fprintf(stderr, "jumeau: error: %s\n", status.message().c_str());
    return jumeau::cli::ExitCodeFor(status);
  }
  return 0;
}
