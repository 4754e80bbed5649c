// htslib plumbing shared by the VCF and PGS readers (io/ internal; not part
// of the public API): silencing htslib's logging, and opening a local file or
// bytes in memory as an htslib stream without htslib interpreting the name
// as a URL.
#ifndef JUMEAU_IO_INTERNAL_HTS_IO_H_
#define JUMEAU_IO_INTERNAL_HTS_IO_H_

#include <htslib/hfile.h>

#include <filesystem>
#include <string_view>

#include "jumeau/core/status.h"

namespace jumeau::io::internal {

// While at least one HtsLogSilencer exists, htslib's log level is
// HTS_LOG_OFF (process-wide; reference counted, thread-safe); the previous
// level comes back when the last one is destroyed. Readers replace htslib's
// stderr messages by Status messages of their own.
class HtsLogSilencer {
 public:
  HtsLogSilencer();
  ~HtsLogSilencer();
  HtsLogSilencer(const HtsLogSilencer&) = delete;
  HtsLogSilencer& operator=(const HtsLogSilencer&) = delete;
};

// Opens the regular file at `path` for reading as an hFILE (the caller owns
// it: hclose). Returns kNotFound when it does not exist, kIoError when it
// cannot be opened or is not a regular file.
Result<hFILE*> OpenHFile(const std::filesystem::path& path);

// An hFILE reading a copy of `bytes` (the caller owns it: hclose). Returns
// kInternal when memory runs out.
Result<hFILE*> OpenHFileFromMemory(std::string_view bytes);

}  // namespace jumeau::io::internal

#endif  // JUMEAU_IO_INTERNAL_HTS_IO_H_
