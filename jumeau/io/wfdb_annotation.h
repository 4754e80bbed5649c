// WFDB (PhysioNet) MIT-format annotation files (.atr, .qrs, .event, ...):
// reading them into core Events (code system kWfdbAnnotation, the standard
// ecgcodes mnemonics) and writing Events back. Part of io/; the byte layout
// (annotation words, SKIP/NUM/SUB/CHN/AUX pseudo-annotations, the leading
// definition table) is described in docs/formats-wfdb.md.
#ifndef JUMEAU_IO_WFDB_ANNOTATION_H_
#define JUMEAU_IO_WFDB_ANNOTATION_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::io {

// The largest annotation type code WFDB defines (ACMAX); codes 50-58 are
// invalid and 59-63 are pseudo-annotations.
inline constexpr int kWfdbMaxAnnotationCode = 49;

// The standard mnemonic of annotation type `code` ("N" for 1, "+" for 28),
// or "[code]" for codes WFDB leaves undefined (15, 17, 42-49, 50+).
std::string WfdbAnnotationMnemonic(int code);
// The standard description ("Normal beat"), or "" when undefined.
std::string WfdbAnnotationDescription(int code);
// The code of a standard mnemonic or of "[n]" (0 <= n <= 49); -1 otherwise.
int WfdbAnnotationCode(std::string_view mnemonic);

// Everything read from one annotation file.
struct WfdbAnnotationFile {
  std::vector<Event> events;
  // The file's own time resolution ("## time resolution: 500"), when it
  // declares one; event times then use it instead of the record's rate.
  std::optional<SampleRate> time_resolution;
  // Recoverable oddities (undefined codes, pseudo-annotations with nothing
  // to modify, null annotations skipped, aux text that is not UTF-8).
  std::vector<std::string> warnings;
};

// Parses the bytes of an MIT-format annotation file.
// Each annotation becomes an Event: time = start + tt / r, tt the
// annotation's tick count and r the file's declared time resolution or else
// `rate`; code {kWfdbAnnotation, mnemonic, display = description};
// subtype, number (both sign-extended from 10 bits); channel =
// channel_labels[chan] when known, else the number as text; text = the aux
// string (cut at its first NUL; bytes that are not UTF-8 are read as
// Latin-1). Leading modification labels (NOTE annotations at tick 0 with a
// '#' comment or a "code mnemonic description" definition) are consumed as
// WFDB does and change the mnemonics of later annotations; null (type 0)
// annotations are skipped.
// Returns kDataLoss "<file_name> offset N: <reason>" when the file ends
// inside a word, a SKIP interval or an aux string, or lacks the end-of-file
// word (a truncated file), or when a time leaves the representable range.
// REQUIRES: rate.valid().
Result<WfdbAnnotationFile> ParseWfdbAnnotations(
    std::string_view bytes, std::string_view file_name, const SampleRate& rate,
    Time start, const std::vector<std::string>& channel_labels = {});

// Reads the annotation file at `path` (see ParseWfdbAnnotations); `rate` is
// the record's sampling (frame) frequency and `start` its start time.
// Returns kNotFound / kIoError when the file cannot be read, else as above.
Result<std::vector<Event>> ReadWfdbAnnotations(
    const std::filesystem::path& path, const SampleRate& rate, Time start,
    const std::vector<std::string>& channel_labels = {});

// Encodes the events whose code system is kWfdbAnnotation (others are
// skipped) as an MIT annotation file: tick = nearest (time - start) * rate,
// sorted by (tick, number, channel) keeping the given order of ties; aux =
// event.text. channel: "" is 0, a label found in `channel_labels` is its
// index, else the text must be a number 0-1023.
// Returns kInvalidArgument for an unknown mnemonic or channel, kOutOfRange
// for a subtype or number outside -512..511, an aux text over 255 bytes or a
// tick beyond 64 bits.
Result<std::string> EncodeWfdbAnnotations(
    const std::vector<Event>& events, const SampleRate& rate, Time start,
    const std::vector<std::string>& channel_labels = {});

// Writes EncodeWfdbAnnotations(...) to `path` (replacing it).
// Returns the encoding errors above, or kIoError naming the path.
Status WriteWfdbAnnotations(
    const std::vector<Event>& events, const std::filesystem::path& path,
    const SampleRate& rate, Time start,
    const std::vector<std::string>& channel_labels = {});

}  // namespace jumeau::io

#endif  // JUMEAU_IO_WFDB_ANNOTATION_H_
