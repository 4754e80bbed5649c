// Placeholder: filled in by the wfdb_writer work.
// TEMPORARY (wip-synth): declarations only, exactly the agreed signatures, so
// that jumeau/synth compiles before the WFDB writer lands. Take the real
// header on merge.
#ifndef JUMEAU_IO_WFDB_WRITER_H_
#define JUMEAU_IO_WFDB_WRITER_H_

#include <filesystem>
#include <string_view>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io {

struct WfdbWriteOptions {
  int format = 212;
};

Status WriteWfdb(const Recording& recording, const std::filesystem::path& dir,
                 std::string_view record_name,
                 const WfdbWriteOptions& options = {});
Status WriteWfdbAnnotations(const std::vector<Event>& events,
                            const std::filesystem::path& path,
                            const SampleRate& rate, Time start);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_WFDB_WRITER_H_
