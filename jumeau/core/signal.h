// Signal and Recording: the in-memory form every biosignal reader returns.
// A Signal keeps the source's integer samples exactly, plus the affine map to
// physical values and the UCUM unit (EDFlib's model). A Recording is several
// signals sharing a source, with its annotations as events.
#ifndef JUMEAU_CORE_SIGNAL_H_
#define JUMEAU_CORE_SIGNAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "jumeau/core/event.h"
#include "jumeau/core/time.h"

namespace jumeau {

// One uniformly sampled channel. Sample i is at start + rate.OffsetOfSample(i)
// and its physical value is samples[i] * scale + offset, in `unit`.
struct Signal {
  std::string label;        // "MLII", "Fp1.", "ABP"
  std::string unit;         // UCUM: "mV", "uV", "mm[Hg]"; "1" when unitless
  std::string source_unit;  // the unit text as written in the source ("mmHg")
  std::string transducer;   // EDF transducer type; empty when unknown
  std::string prefilter;    // EDF prefiltering; empty when unknown
  SampleRate rate;
  Time start;
  // physical = digital * scale + offset. For WFDB: scale = 1/gain,
  // offset = -baseline/gain. For EDF: from physical and digital min/max.
  double scale = 1.0;
  double offset = 0.0;
  // The source's declared ranges (EDF header; WFDB: the ADC range).
  int32_t digital_min = 0;
  int32_t digital_max = 0;
  double physical_min = 0.0;
  double physical_max = 0.0;
  int bits = 16;  // resolution of the stored integers (12, 16, 24…)
  std::vector<int32_t> samples;

  double Physical(size_t i) const { return samples[i] * scale + offset; }
  Time TimeOfSample(int64_t i) const { return start + rate.OffsetOfSample(i); }
};

// Everything one source file (or WFDB record) holds.
struct Recording {
  std::string format;  // "EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "WFDB"
  Time start;          // start of the first sample
  // Identifying text from the source (EDF patient/recording fields, WFDB
  // record name). Only ever hashed by the store, never stored in clear.
  std::string source_patient_id;
  std::string source_recording_id;
  std::vector<Signal> signals;
  std::vector<Event> events;
  // Recoverable oddities met while reading ("checksum absent", "signal 3:
  // physical max equals min"); fatal problems are a Status instead.
  std::vector<std::string> warnings;
};

}  // namespace jumeau

#endif  // JUMEAU_CORE_SIGNAL_H_
