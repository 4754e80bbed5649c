// Arterial blood pressure: beat detection on a pressure waveform and the
// systolic, diastolic and mean pressure of each beat — the per-beat input the
// cardiovascular twin calibrates against. The onset detector follows Zong et
// al. 2003 ("An open-source algorithm to detect onset of arterial blood
// pressure pulses", the method of PhysioNet's wabp): a slope-sum function
// over a 128 ms window, an adaptive threshold at 60% of the recent pulse
// maxima, and the onset found where the slope sum starts to rise.
#ifndef JUMEAU_ANALYSIS_ABP_H_
#define JUMEAU_ANALYSIS_ABP_H_

#include <cstdint>
#include <span>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::analysis {

// One pressure pulse: samples [onset, next_onset) of the input.
struct PressureBeat {
  int64_t onset = 0;     // sample index of the pulse's foot
  int64_t systole = 0;   // sample index of its maximum
  int64_t end = 0;       // next onset (exclusive), or the end of data
  double systolic = 0;   // maximum pressure, input unit (mm[Hg])
  double diastolic = 0;  // minimum pressure over [onset, end)
  double mean = 0;       // average over [onset, end)
};

struct AbpOptions {
  // Shortest plausible beat-to-beat interval (refractory period), seconds.
  // Default 0.25 s (240 /min).
  double refractory_s = 0.25;
  // A pulse whose systolic minus diastolic pressure is below this (mm[Hg])
  // is noise, not a beat. Default 5.
  double min_pulse_pressure = 5.0;
  // Longest beat (s): a longer stretch without onset ends the last beat
  // there. Default 2.5 s (24 /min).
  double max_beat_s = 2.5;
};

// Detects pulses in `pressure` (physical values, e.g. mm[Hg]; NaN marks
// invalid samples, which never start or belong to a beat) sampled at
// `rate`. Returns the beats in time order; the last one ends at the next
// onset only, so a pulse cut by the end of the data is left out.
// kInvalidArgument for a rate below 50 Hz or above 2000 Hz.
Result<std::vector<PressureBeat>> DetectPressureBeats(
    std::span<const double> pressure, SampleRate rate,
    const AbpOptions& options = {});

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_ABP_H_
