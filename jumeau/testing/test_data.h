// Test-only helpers: where the shared public test data lives, and a scratch
// directory per test. Linked into every jumeau_test binary.
#ifndef JUMEAU_TESTING_TEST_DATA_H_
#define JUMEAU_TESTING_TEST_DATA_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace jumeau::testing {

// The shared data root: $JUMEAU_TEST_DATA, else ../shared/data from the source
// root (set by CMake as JUMEAU_TEST_DATA_DEFAULT).
std::filesystem::path TestDataRoot();

// True when CI=true in the environment: missing data is then a failure.
bool UnderCi();

// A scratch directory unique to the running test: emptied at the test's
// first call, shared by its later calls. Not thread-safe.
std::filesystem::path ScratchDir();

// The source root ($JUMEAU_SOURCE_DIR) and build root ($JUMEAU_BINARY_DIR).
std::filesystem::path SourceDir();
std::filesystem::path BinaryDir();

}  // namespace jumeau::testing

// Sets `var` to TestDataRoot()/relative, or skips the test (fails under CI)
// with a message naming the missing folder.
#define JUMEAU_REQUIRE_TEST_DATA(var, relative)                               \
  std::filesystem::path var = ::jumeau::testing::TestDataRoot() / (relative); \
  do {                                                                        \
    if (!std::filesystem::exists(var)) {                                      \
      if (::jumeau::testing::UnderCi()) {                                     \
        FAIL() << "test data missing under CI: " << var.string();             \
      } else {                                                                \
        GTEST_SKIP() << "test data missing (set JUMEAU_TEST_DATA): "          \
                     << var.string();                                         \
      }                                                                       \
    }                                                                         \
  } while (0)

#endif  // JUMEAU_TESTING_TEST_DATA_H_
