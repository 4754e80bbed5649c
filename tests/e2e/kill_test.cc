// Crash safety: `jumeau ingest` killed with SIGKILL at many points of a large
// ingest. After each kill the store opens, passes SQLite's integrity check, and
// holds the killed source entirely or not at all, next to an earlier source
// that is untouched.
#include <edflib.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "jumeau/store/sqlite_store.h"
#include "jumeau/testing/test_data.h"
#include "tests/e2e/cli_runner.h"

extern char** environ;

namespace jumeau {
namespace {

// Writes an EDF+ file with EDFlib (an independent writer): `channels` signals
// at 512 Hz for `seconds` seconds.
void WriteEdfWithEdflib(const std::filesystem::path& path, int channels,
                        int seconds) {
  const int handle =
      edfopen_file_writeonly(path.c_str(), EDFLIB_FILETYPE_EDFPLUS, channels);
  ASSERT_GE(handle, 0);
  for (int s = 0; s < channels; ++s) {
    ASSERT_EQ(edf_set_samplefrequency(handle, s, 512), 0);
    ASSERT_EQ(edf_set_physical_maximum(handle, s, 3276.7), 0);
    ASSERT_EQ(edf_set_physical_minimum(handle, s, -3276.8), 0);
    ASSERT_EQ(edf_set_digital_maximum(handle, s, 32767), 0);
    ASSERT_EQ(edf_set_digital_minimum(handle, s, -32768), 0);
    ASSERT_EQ(edf_set_label(handle, s, ("EEG" + std::to_string(s)).c_str()), 0);
    ASSERT_EQ(edf_set_physical_dimension(handle, s, "uV"), 0);
  }
  std::vector<short> buf(512);
  uint32_t x = 12345;
  for (int sec = 0; sec < seconds; ++sec) {
    for (int s = 0; s < channels; ++s) {
      for (int i = 0; i < 512; ++i) {
        x = x * 1664525u + 1013904223u;
        buf[i] = static_cast<short>(
            800 * std::sin((sec * 512 + i) * 0.05 * (s + 1)) + (x >> 24) - 128);
      }
      ASSERT_EQ(edfwrite_digital_short_samples(handle, buf.data()), 0);
    }
  }
  edfwrite_annotation_latin1(handle, 10000, -1, "marker");
  ASSERT_EQ(edfclose_file(handle), 0);
}

pid_t Spawn(const std::vector<std::string>& args) {
  const std::string binary = testing::JumeauBinary().string();
  std::vector<char*> argv = {const_cast<char*>(binary.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

TEST(KillTest, SigkillDuringIngestLeavesAllOrNothing) {
  const auto dir = testing::ScratchDir();
  const auto big = dir / "big.edf";
  const auto small = dir / "small.edf";
  WriteEdfWithEdflib(big, 64, 600);  // 64 ch × 512 Hz × 10 min ≈ 39 MB
  WriteEdfWithEdflib(small, 4, 20);
  const int64_t expected_samples = 64LL * 512 * 600;

  const auto base = dir / "base.jumeau";
  ASSERT_EQ(testing::RunJumeau({"init", base.string()}).exit_code, 0);
  ASSERT_EQ(testing::RunJumeau(
                {"ingest", base.string(), small.string(), "--patient", "early"})
                .exit_code,
            0);

  // How long a full ingest takes here, to spread the kills over it.
  const auto full = dir / "full.jumeau";
  std::filesystem::copy_file(base, full);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(testing::RunJumeau(
                {"ingest", full.string(), big.string(), "--patient", "big"})
                .exit_code,
            0);
  const auto full_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - t0)
                           .count();

  int complete = 0, absent = 0;
  constexpr int kKills = 16;
  for (int k = 0; k < kKills; ++k) {
    SCOPED_TRACE("kill " + std::to_string(k));
    const auto path = dir / ("kill" + std::to_string(k) + ".jumeau");
    std::filesystem::copy_file(base, path);
    const pid_t pid =
        Spawn({"ingest", path.string(), big.string(), "--patient", "big"});
    ASSERT_GT(pid, 0);
    // From just after start to a little past the typical end.
    std::this_thread::sleep_for(
        std::chrono::microseconds(full_us * (k + 1) / (kKills - 2)));
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);

    auto store = store::OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_TRUE((*store)->CheckIntegrity().ok());
    const auto early = (*store)->FindPatient("early");
    ASSERT_TRUE(early.ok()) << "the earlier source must survive";
    EXPECT_EQ((*store)->Streams(early->id)->size(), 4u);
    const auto big_patient = (*store)->FindPatient("big");
    if (!big_patient.ok()) {
      ++absent;
      continue;
    }
    ++complete;
    const auto streams = *(*store)->Streams(big_patient->id);
    ASSERT_EQ(streams.size(), 64u);
    int64_t total = 0;
    for (const auto& s : streams) total += s.sample_count;
    EXPECT_EQ(total, expected_samples);
    EXPECT_EQ((*store)->Events(big_patient->id, store::EventQuery{})->size(),
              1u);
    const auto last = *(*store)->ReadSamples(
        streams.back().id, streams.back().sample_count - 10, 10);
    EXPECT_EQ(last.size(), 10u);
  }
  std::printf("kills: %d left the source absent, %d complete\n", absent,
              complete);
  EXPECT_GT(absent, 0) << "no kill landed during the ingest";
}

}  // namespace
}  // namespace jumeau
