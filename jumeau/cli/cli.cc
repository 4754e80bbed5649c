// Exit codes, store opening, time arguments and the progress bar.
#include "jumeau/cli/cli.h"

#include <unistd.h>

#include <cstdio>

#include "jumeau/store/sqlite_store.h"

namespace jumeau::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 2;
    case StatusCode::kNotFound:
      return 3;
    case StatusCode::kDataLoss:
      return 4;
    case StatusCode::kAlreadyExists:
      return 5;
    default:
      return 1;
  }
}

Result<std::unique_ptr<store::Store>> OpenStore(const std::string& path) {
  return store::OpenSqliteStore(path);
}

Result<Time> ParseTimeArgument(std::string_view text, Time origin) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    JUMEAU_ASSIGN_OR_RETURN(const Duration d, ParseOffset(text));
    return origin + d;
  }
  return ParseIso8601(text);
}

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_ns_(Clock::Real().Now().ns_since_epoch) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fprintf(stderr, "\n");
}

void ProgressBar::Update(uint64_t done, uint64_t total) {
  if (!enabled_ || total < (8u << 20)) return;  // small sources finish at once
  const int permille = static_cast<int>(done * 1000 / (total ? total : 1));
  if (permille == last_permille_) return;
  last_permille_ = permille;
  const double secs = (Clock::Real().Now().ns_since_epoch - start_ns_) * 1e-9;
  const double mbps = secs > 0 ? done / 1e6 / secs : 0;
  constexpr int kWidth = 30;
  const int filled = permille * kWidth / 1000;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, ' ');
  std::fprintf(stderr, "\r%s [%s] %3d%% %7.1f MB/s", label_.c_str(),
               bar.c_str(), permille / 10, mbps);
  drawn_ = true;
  if (done >= total) {  // finished: end the line so later output starts clean
    std::fprintf(stderr, "\n");
    drawn_ = false;
    enabled_ = false;
  }
  std::fflush(stderr);
}

std::string FormatValue(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

}  // namespace jumeau::cli
