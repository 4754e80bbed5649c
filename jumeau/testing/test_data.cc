// Test data location and scratch directories.
#include "jumeau/testing/test_data.h"

#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace jumeau::testing {

std::filesystem::path TestDataRoot() {
  if (const char* env = std::getenv("JUMEAU_TEST_DATA"); env && *env)
    return env;
  if (const char* env = std::getenv("JUMEAU_TEST_DATA_DEFAULT"); env && *env)
    return env;
  return SourceDir() / ".." / "shared" / "data";
}

bool UnderCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

std::filesystem::path SourceDir() {
  if (const char* env = std::getenv("JUMEAU_SOURCE_DIR"); env && *env)
    return env;
  return std::filesystem::current_path();
}

std::filesystem::path BinaryDir() {
  if (const char* env = std::getenv("JUMEAU_BINARY_DIR"); env && *env)
    return env;
  return std::filesystem::current_path();
}

std::filesystem::path ScratchDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "jumeau_test";
  if (info != nullptr) {
    name = std::string(info->test_suite_name()) + "." + info->name();
  }
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("jumeau-" + std::to_string(::getpid()) + "-" + name);
  // Emptied on the first call of each test only; later calls share it.
  static std::string last_test;
  if (last_test != name) {
    last_test = name;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace jumeau::testing
