// Placeholder: filled in by the edf work.
// TEMPORARY (wip-synth): declarations only, exactly the agreed signature, so
// that jumeau/synth compiles before the EDF work lands. Take the real header
// on merge.
#ifndef JUMEAU_IO_EDF_H_
#define JUMEAU_IO_EDF_H_

#include <filesystem>

#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"

namespace jumeau::io {

Result<Recording> ReadEdf(const std::filesystem::path& path);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_EDF_H_
