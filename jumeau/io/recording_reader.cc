// ReadAll(): materialise a streaming reader into one Recording.
#include "jumeau/io/recording_reader.h"

namespace jumeau::io {

Result<Recording> ReadAll(RecordingReader& reader) {
  Recording out = reader.header();
  const size_t n = out.signals.size();
  // For each header signal, the index in out.signals of its current segment.
  std::vector<size_t> current(n);
  std::vector<Time> expected_next(n);
  for (size_t s = 0; s < n; ++s) {
    current[s] = s;
    expected_next[s] = out.signals[s].start;
  }
  SampleBlock block;
  while (true) {
    JUMEAU_ASSIGN_OR_RETURN(const bool more, reader.Next(&block));
    if (!more) break;
    for (size_t s = 0; s < n && s < block.samples.size(); ++s) {
      const auto& chunk = block.samples[s];
      if (chunk.empty()) continue;
      Signal* sig = &out.signals[current[s]];
      if (!sig->samples.empty() && block.start.size() > s &&
          block.start[s] != expected_next[s]) {
        Signal segment = out.signals[s];
        segment.samples.clear();
        segment.start = block.start[s];
        out.signals.push_back(std::move(segment));
        current[s] = out.signals.size() - 1;
        sig = &out.signals[current[s]];
      } else if (sig->samples.empty() && block.start.size() > s) {
        sig->start = block.start[s];
      }
      sig->samples.insert(sig->samples.end(), chunk.begin(), chunk.end());
      expected_next[s] =
          sig->TimeOfSample(static_cast<int64_t>(sig->samples.size()));
    }
    out.events.insert(out.events.end(), block.events.begin(),
                      block.events.end());
  }
  // Warnings met while streaming (bad TALs, gaps) join those of the header.
  out.warnings = reader.header().warnings;
  return out;
}

}  // namespace jumeau::io
