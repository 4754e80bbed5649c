// Writing the generators' text files (FHIR bundles, VCF, CSV, README), shared
// by example_write.cc and cohort.cc. Internal to jumeau/synth.
#ifndef JUMEAU_SYNTH_INTERNAL_TEXT_FILE_H_
#define JUMEAU_SYNTH_INTERNAL_TEXT_FILE_H_

#include <filesystem>
#include <fstream>
#include <string>

#include "jumeau/core/status.h"

namespace jumeau::synth::internal {

// Replaces the file at `path` with `text`. kIoError naming the path.
inline Status WriteTextFile(const std::filesystem::path& path,
                            const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return IoError(path.string() + ": cannot open for writing");
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) return IoError(path.string() + ": write failed");
  return Status::Ok();
}

// Creates `dir` and its parents if missing. kIoError naming it.
inline Status MakeDirectory(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir)) {
    return IoError(dir.string() + ": cannot create directory" +
                   (error ? ": " + error.message() : ""));
  }
  return Status::Ok();
}

}  // namespace jumeau::synth::internal

#endif  // JUMEAU_SYNTH_INTERNAL_TEXT_FILE_H_
