// HtsLogSilencer and the hFILE openers declared in hts_io.h.
#include "jumeau/io/internal/hts_io.h"

#include <fcntl.h>
#include <htslib/hts_log.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace jumeau::io::internal {
namespace {

std::mutex g_log_mutex;
int g_log_users = 0;                          // Guarded by g_log_mutex.
htsLogLevel g_saved_level = HTS_LOG_WARNING;  // Guarded by g_log_mutex.

}  // namespace

HtsLogSilencer::HtsLogSilencer() {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  if (g_log_users++ == 0) {
    g_saved_level = hts_get_log_level();
    hts_set_log_level(HTS_LOG_OFF);
  }
}

HtsLogSilencer::~HtsLogSilencer() {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  if (--g_log_users == 0) hts_set_log_level(g_saved_level);
}

Result<hFILE*> OpenHFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFoundError(path.string() + ": no such file");
    return IoError(path.string() + ": cannot open: " + std::strerror(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return IoError(path.string() + ": not a regular file");
  }
  hFILE* hf = hdopen(fd, "r");
  if (hf == nullptr) {
    const int err = errno;
    ::close(fd);
    return IoError(path.string() + ": cannot open: " + std::strerror(err));
  }
  return hf;
}

Result<hFILE*> OpenHFileFromMemory(std::string_view bytes) {
  // hopen("mem:") takes ownership of a malloc'd buffer.
  char* buffer = static_cast<char*>(std::malloc(bytes.size() + 1));
  if (buffer == nullptr) return InternalError("out of memory");
  if (!bytes.empty()) std::memcpy(buffer, bytes.data(), bytes.size());
  hFILE* hf = hopen("mem:", "r:", buffer, bytes.size());
  if (hf == nullptr) {
    std::free(buffer);
    return InternalError("cannot read from memory");
  }
  return hf;
}

}  // namespace jumeau::io::internal
