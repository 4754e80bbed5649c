// Arterial blood pressure: beat detection on a pressure waveform and the
// systolic, diastolic and mean pressure of each beat — the per-beat input the
// cardiovascular twin calibrates against. The onset detector follows Zong et
// al. 2003 ("An open-source algorithm to detect onset of arterial blood
// pressure pulses", the method of PhysioNet's wabp): a slope-sum function
// over a 128 ms window, an adaptive threshold at 60% of the recent pulse
// maxima, and the onset found where the slope sum starts to rise. Each beat
// also gets its diastolic decay time constant (DiastolicDecayTime), the same
// definition as the cardio model's output (jumeau/models/cardio.h).
#ifndef JUMEAU_ANALYSIS_ABP_H_
#define JUMEAU_ANALYSIS_ABP_H_

#include <cmath>
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
  // Diastolic decay time constant (s), DiastolicDecayTime over [onset, end);
  // NaN when it is not defined for this beat.
  double decay_time_s = NAN;
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
  // Diastolic decay window: it starts where the pressure, after the systolic
  // maximum, first falls to diastolic + this fraction of the pulse pressure.
  // Default 1/2, the value the cardio model's output uses (models/cardio.h);
  // change it only for exploration, since the twin compares the two.
  // Measured on v131l and 03700181 (tests/cardio/abp_test.cc): per-beat
  // interquartile range / median 0.29 and 0.31 at 1/2, against 0.25 and 0.55
  // at 1/3 and 0.42 and 0.90 at 1/4 (a later start leaves a shorter,
  // flatter window whose slope is noisier).
  double decay_start_fraction = 0.5;
};

// The diastolic decay time constant of one beat, a Windkessel-style runoff
// time: over the decay window (see AbpOptions::decay_start_fraction; it ends
// at the end of the beat, i.e. the next pulse's foot), the least-squares
// slope b of ln p(t) against t, and tau = -1/b.
// Inputs: `beat` the physical pressures (mm[Hg]) of one beat from its foot
// to the next foot (exclusive), sampled every `sample_interval_s` seconds.
// Returns tau in seconds; NaN when the window has fewer than 5 samples or
// lasts less than 0.1 s, holds a non-finite or non-positive pressure, the
// pulse pressure is not positive, or ln p does not decrease (b >= 0).
// The fitted exponential decays to 0 mm[Hg], not to venous pressure: for a
// two-element Windkessel draining into a venous pressure p_v, tau is about
// R C mean(p) / (mean(p) - p_v) over the window, not R C itself; the model
// and the analysis share this definition, so they compare like with like.
// REQUIRES: sample_interval_s > 0.
double DiastolicDecayTime(std::span<const double> beat,
                          double sample_interval_s,
                          const AbpOptions& options = {});

// Detects pulses in `pressure` (physical values, e.g. mm[Hg]; NaN marks
// invalid samples, which never start or belong to a beat) sampled at
// `rate`, with each beat's DiastolicDecayTime. Returns the beats in time order;
// the last one ends at the next onset only, so a pulse cut by the end of the
// data is left out. kInvalidArgument for a rate below 50 Hz or above 2000 Hz.
Result<std::vector<PressureBeat>> DetectPressureBeats(
    std::span<const double> pressure, SampleRate rate,
    const AbpOptions& options = {});

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_ABP_H_
