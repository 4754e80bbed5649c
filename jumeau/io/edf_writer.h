// Placeholder: filled in by the edf_writer work.
// TEMPORARY (wip-synth): declarations only, exactly the agreed signature, so
// that jumeau/synth compiles before the EDF writer lands. Take the real
// header on merge.
#ifndef JUMEAU_IO_EDF_WRITER_H_
#define JUMEAU_IO_EDF_WRITER_H_

#include <filesystem>

#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"

namespace jumeau::io {

struct EdfWriteOptions {
  bool bdf = false;
};

Status WriteEdf(const Recording& recording, const std::filesystem::path& path,
                const EdfWriteOptions& options = {});

}  // namespace jumeau::io

#endif  // JUMEAU_IO_EDF_WRITER_H_
