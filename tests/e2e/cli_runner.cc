// Runs the jumeau binary with posix_spawn, output captured through files.
#include "tests/e2e/cli_runner.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "jumeau/testing/test_data.h"

extern char** environ;

namespace jumeau::testing {

std::filesystem::path JumeauBinary() {
  return BinaryDir() / "jumeau" / "cli" / "jumeau";
}

CliResult RunJumeau(const std::vector<std::string>& args) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("jumeau-cli-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter++));
  std::filesystem::create_directories(dir);
  const std::string out_path = (dir / "out").string(),
                    err_path = (dir / "err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string binary = JumeauBinary().string();
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  CliResult result;
  pid_t pid;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(),
                  environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

nlohmann::json JsonOf(const CliResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.exit_code == 0 ? nlohmann::json::parse(result.out)
                               : nlohmann::json();
}

}  // namespace jumeau::testing
