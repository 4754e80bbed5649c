// Structural connectome reader in The Virtual Brain's format: a folder or a
// zip holding weights.txt and tract_lengths.txt (n x n, whitespace
// separated), centres.txt ("label x y z" per region, mm), and optionally
// cortical.txt (n flags 0/1), areas.txt (n values, mm^2),
// average_orientations.txt (n x 3). Part of io/: bytes in, plain arrays out;
// never touches the store. Format and edge cases: docs/brain.md.
#ifndef JUMEAU_IO_CONNECTOME_H_
#define JUMEAU_IO_CONNECTOME_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/status.h"

namespace jumeau::io {

// A structural connectome of n regions. Matrices are n x n row-major, with
// TVB's orientation: weights[i*n + j] is the weight region i receives from
// region j.
struct Connectome {
  std::vector<std::string> labels;       // n, from centres.txt
  std::vector<double> weights;           // n*n, >= 0 (arbitrary units)
  std::vector<double> tract_lengths_mm;  // n*n, >= 0
  std::vector<double> centres_mm;        // n*3
  std::vector<uint8_t> cortical;         // n flags, or empty when absent
  std::vector<double> areas_mm2;         // n, or empty when absent
  std::vector<double> orientations;      // n*3, or empty when absent
  std::vector<std::string> warnings;     // recoverable oddities
  int regions() const { return static_cast<int>(labels.size()); }
};

// The largest connectome accepted (regions).
inline constexpr int kMaxConnectomeRegions = 4096;

// Reads a connectome from a folder or a .zip file (files may sit in one
// subfolder of the zip; names are matched on their base name).
// Returns the connectome; NotFound when the path does not exist; IoError
// when it cannot be read; DataLoss naming the file and line when a file is
// malformed ("weights.txt line 3: expected 76 values, found 75"), a required
// file is missing, a value is negative or not finite, or the files disagree
// on the region count; Unimplemented for compressed members (.txt.bz2).
Result<Connectome> ReadConnectome(const std::filesystem::path& path);

// Parses a zip held in memory. `name` is used in messages. Errors as
// ReadConnectome (DataLoss for a malformed zip).
Result<Connectome> ReadConnectomeZip(std::span<const uint8_t> bytes,
                                     std::string_view name);

// Parses the member files given as base name -> content (e.g. "weights.txt"
// -> its text). Errors as ReadConnectome.
Result<Connectome> ParseConnectomeFiles(
    const std::map<std::string, std::string>& files);

// A region-to-EEG-sensor gain matrix (e.g. exported from TVB's
// ProjectionMatrix): one line per sensor, "label g_1 ... g_n" with n the
// connectome's region count, whitespace separated.
struct SensorGain {
  std::vector<std::string> labels;  // sensors
  std::vector<double> gain;         // sensors x regions, row-major
  int regions = 0;
};

// Reads a gain file for `regions` regions. Returns the gain; NotFound /
// IoError for the file; DataLoss naming the file and line for a row with
// the wrong number of values, a non-number or a non-finite value, or no
// rows.
Result<SensorGain> ReadSensorGain(const std::filesystem::path& path,
                                  int regions);
// The same from text in memory (`name` is used in messages).
Result<SensorGain> ParseSensorGain(std::string_view text, std::string_view name,
                                   int regions);

// A content hash of the connectome's numeric content and labels (FNV-1a
// 64-bit over a canonical encoding, as 16 hex digits), recorded in twin
// snapshots so a result can be traced to the structure it used.
std::string ConnectomeHash(const Connectome& connectome);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_CONNECTOME_H_
