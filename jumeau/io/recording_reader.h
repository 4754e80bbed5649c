// RecordingReader: the streaming form of every biosignal reader (EDF/BDF,
// WFDB). Ingest pulls blocks of samples so that memory stays bounded whatever
// the file size; ReadAll() materialises a whole Recording for small files.
#ifndef JUMEAU_IO_RECORDING_READER_H_
#define JUMEAU_IO_RECORDING_READER_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"

namespace jumeau::io {

// One stretch of a recording, as delivered by RecordingReader::Next().
struct SampleBlock {
  // samples[s] are the next digital samples of header().signals[s], in order.
  // Blocks may hold different counts per signal (different rates).
  std::vector<std::vector<int32_t>> samples;
  // Instant of the first sample of each signal in this block. Equal to the
  // end of the previous block unless the source is discontinuous (EDF+D).
  std::vector<Time> start;
  // Annotations met in this block (EDF+ TALs), in file order.
  std::vector<Event> events;
};

// A RecordingReader reads one source sequentially. Not thread-safe: use one
// reader per thread.
class RecordingReader {
 public:
  virtual ~RecordingReader() = default;

  // The recording with its signals' metadata filled and their `samples`
  // empty. `events` holds annotations known up front (WFDB annotation files);
  // EDF+ annotations arrive through Next().
  virtual const Recording& header() const = 0;

  // Replaces `*block` with the next stretch of samples (a bounded amount,
  // about a few seconds to a minute of data; after PreferSignalBlocks(), up
  // to `samples` of one signal). Returns true when a block was
  // produced, false at end of data, or the error (kDataLoss naming the file
  // and byte offset) when the source is malformed or truncated.
  virtual Result<bool> Next(SampleBlock* block) = 0;

  // A hint from a consumer that keeps each signal in chunks of `samples`
  // samples (the store's ingest): the reader may then hand out blocks that
  // hold about that many samples of one signal and none of the others, so
  // that a chunk is encoded while its samples are in the cache. Call before
  // the first Next(). Readers may ignore it (the default does).
  virtual void PreferSignalBlocks(int64_t samples) { (void)samples; }

  // Bytes of the source consumed so far and in all, for progress bars.
  virtual uint64_t bytes_read() const = 0;
  virtual uint64_t bytes_total() const = 0;

  // Files this source consists of (header, signal and annotation files), for
  // content hashing.
  virtual std::vector<std::filesystem::path> files() const = 0;

  // Asks the reader to compute the SHA-256 of each of files() from the bytes
  // it reads, so that they need not be read a second time for the content
  // hash (io/content_hash.h). Returns false when this reader cannot (the
  // caller then hashes the files itself). Call before the first Next().
  virtual bool StartFileDigests() { return false; }
  // The hex SHA-256 of each of files(), in order; bytes the reader skipped
  // are read now. Errors name the file and offset.
  // REQUIRES: StartFileDigests() returned true, and Next() returned false.
  virtual Result<std::vector<std::string>> FinishFileDigests() {
    return UnimplementedError("this reader does not hash as it reads");
  }
};

// Drains `reader` into a Recording: header() plus every sample and event.
// Signals of an EDF+D file with gaps are split into one Signal per
// contiguous segment (same label, later start).
Result<Recording> ReadAll(RecordingReader& reader);

}  // namespace jumeau::io

#endif  // JUMEAU_IO_RECORDING_READER_H_
