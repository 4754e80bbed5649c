// Placeholder: filled in by the wfdb work.
// TEMPORARY (wip-synth): declarations only, exactly the agreed signatures, so
// that jumeau/synth compiles before the WFDB work lands. Take the real header
// on merge.
#ifndef JUMEAU_IO_WFDB_H_
#define JUMEAU_IO_WFDB_H_

#include <filesystem>
#include <string>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io {

// `path`: the .hea path or the record path.
Result<Recording> ReadWfdb(const std::filesystem::path& path);
Result<std::vector<Event>> ReadWfdbAnnotations(
    const std::filesystem::path& path, const SampleRate& rate, Time start,
    const std::vector<std::string>& channel_labels = {});

}  // namespace jumeau::io

#endif  // JUMEAU_IO_WFDB_H_
