// Test helper: runs the `jumeau` binary built by this tree and captures its
// exit code, stdout and stderr.
#ifndef JUMEAU_TESTS_E2E_CLI_RUNNER_H_
#define JUMEAU_TESTS_E2E_CLI_RUNNER_H_

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace jumeau::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Path of the built `jumeau` binary ($JUMEAU_BINARY_DIR/jumeau/cli/jumeau).
std::filesystem::path JumeauBinary();

// Runs `jumeau args...` to completion.
CliResult RunJumeau(const std::vector<std::string>& args);

// The JSON a successful run printed; a failed run is a test failure (its
// stderr in the message) and gives null.
nlohmann::json JsonOf(const CliResult& result);

}  // namespace jumeau::testing

#endif  // JUMEAU_TESTS_E2E_CLI_RUNNER_H_
