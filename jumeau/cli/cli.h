// Shared pieces of the `jumeau` command's verbs: how a verb registers itself,
// how Status codes become exit codes, time arguments, output and progress.
#ifndef JUMEAU_CLI_CLI_H_
#define JUMEAU_CLI_CLI_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"
#include "jumeau/store/store.h"

namespace jumeau::cli {

// The action a verb runs once its arguments are parsed. It prints its own
// output on stdout and returns a Status; main() prints the error, if any.
using Action = std::function<Status()>;

// Each verb adds its subcommand to `app` and stores its action in `*action`
// when selected.
void AddExampleVerb(CLI::App& app, Action* action);
void AddInitVerb(CLI::App& app, Action* action);
void AddIngestVerb(CLI::App& app, Action* action);
void AddPatientsVerb(CLI::App& app, Action* action);
void AddStreamsVerb(CLI::App& app, Action* action);
void AddSignalVerb(CLI::App& app, Action* action);
void AddEventsVerb(CLI::App& app, Action* action);
void AddExportVerb(CLI::App& app, Action* action);
void AddLinkVerb(CLI::App& app, Action* action);
void AddGenotypeVerb(CLI::App& app, Action* action);
void AddScoreVerb(CLI::App& app, Action* action);
void AddTimelineVerb(CLI::App& app, Action* action);
void AddAnalyzeVerb(CLI::App& app, Action* action);
void AddScoreBeatsVerb(CLI::App& app, Action* action);
void AddTwinVerb(CLI::App& app, Action* action);
void AddServeVerb(CLI::App& app, Action* action);
void AddTokenVerb(CLI::App& app, Action* action);
void AddAuditVerb(CLI::App& app, Action* action);
void AddCohortVerb(CLI::App& app, Action* action);

// The process exit code for a failed Status: 2 invalid argument, 3 not found,
// 4 data loss (malformed input), 5 already exists, 1 otherwise. The one table.
int ExitCodeFor(const Status& status);

// Opens the store at `path` (kNotFound with a hint when absent).
Result<std::unique_ptr<store::Store>> OpenStore(const std::string& path);

// Parses a time argument: ISO 8601 UTC ("2019-03-02T08:00:00Z") or an offset
// from `origin` ("+00:05:00", "+90s", "-1.5h").
Result<Time> ParseTimeArgument(std::string_view text, Time origin);

// A measured value for people: up to 10 significant digits, no trailing
// zeros ("120", "5.55", "0.001").
std::string FormatValue(double value);

// A progress bar on stderr, drawn only when stderr is a terminal. Not
// thread-safe.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  void Update(uint64_t done, uint64_t total);

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  int last_permille_ = -1;
  int64_t start_ns_;
};

}  // namespace jumeau::cli

#endif  // JUMEAU_CLI_CLI_H_
