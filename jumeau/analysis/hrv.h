// Heart-rate variability from RR (NN) intervals, by the Task Force 1996
// definitions (Circulation 93:1043): time domain (SDNN, RMSSD, NN50, pNN50,
// SDANN, SDNN index), frequency domain (LF, HF, LF/HF) and the Poincare plot
// (SD1, SD2), for a whole series or per 5-minute window. Pure: intervals in,
// numbers out; beat detection lives in analysis/qrs.
#ifndef JUMEAU_ANALYSIS_HRV_H_
#define JUMEAU_ANALYSIS_HRV_H_

#include <cstdint>
#include <span>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::analysis {

// One RR (normal-to-normal) interval: the instant of the beat that ends it
// and its length in milliseconds.
struct RrInterval {
  Time end;
  double ms = 0.0;
};

// The intervals between successive beats: interval i ends at beats[i + 1]
// and lasts beats[i + 1] - beats[i]. Returns beats.size() - 1 intervals
// (none for fewer than two beats). REQUIRES: beats sorted ascending.
std::vector<RrInterval> RrIntervalsFromBeats(std::span<const Time> beats);

// Options of ComputeHrv() and ComputeHrvWindows(); defaults in brackets.
struct HrvOptions {
  // Two intervals are successive (enter RMSSD, NN50, SD1) when the later one
  // starts (end - ms) within this of the earlier one's end. [10 ms] Gaps
  // left by removed ectopic beats or noise therefore break the chain.
  Duration adjacency_tolerance = Duration::Milliseconds(10);
  // Frequency domain: the RR series (value at each interval's end) is
  // linearly interpolated at this rate [4 Hz] between the first and last
  // interval end, then Welch: Hann window of `welch_segment` samples [256 =
  // 64 s], 50% overlap, mean removed per segment, FFT of `welch_fft_length`
  // samples [1024: bins of 4/1024 Hz], one-sided density in ms^2/Hz. Band
  // power = sum of bins with low <= f < high times the bin width.
  double resample_hz = 4.0;
  int64_t welch_segment = 256;
  int64_t welch_fft_length = 1024;
  double lf_low_hz = 0.04;  // LF band [0.04, 0.15) Hz
  double lf_high_hz = 0.15;
  double hf_low_hz = 0.15;  // HF band [0.15, 0.40) Hz
  double hf_high_hz = 0.40;
  // SDANN / SDNN index: the series is cut into segments of this length [5
  // min] from the start of its first interval; intervals belong to the
  // segment their end falls in; a segment counts when its intervals add up to
  // at least `min_segment_coverage` of its length [0.5].
  Duration segment = Duration::Minutes(5);
  double min_segment_coverage = 0.5;
};

// HRV of a series of NN intervals. A value that cannot be computed from the
// data (too few intervals, too short for the spectrum, a single segment) is
// NaN.
struct HrvMetrics {
  int64_t count = 0;        // NN intervals used
  double mean_nn_ms = 0.0;  // mean NN interval
  // Sample standard deviation of all NN intervals (divisor N - 1).
  double sdnn_ms = 0.0;
  // Root mean square of successive differences (over the D pairs of
  // successive intervals; divisor D).
  double rmssd_ms = 0.0;
  // Pairs of successive intervals differing by more than 50 ms (strictly).
  int64_t nn50 = 0;
  // 100 * nn50 / D, in percent (D = pairs of successive intervals, N - 1
  // when nothing is missing; Kubios and most tools; the Task Force text
  // divides by "all NN intervals", which differs by one).
  double pnn50_percent = 0.0;
  // Sample SD of the means of the 5-minute segments (NaN below 2 segments).
  double sdann_ms = 0.0;
  // Mean of the SDNN of the 5-minute segments (NaN when none counts).
  double sdnn_index_ms = 0.0;
  // Spectral power in the LF and HF bands, ms^2 (NaN when the interpolated
  // series has fewer than welch_segment samples, e.g. under 64 s at 4 Hz).
  double lf_ms2 = 0.0;
  double hf_ms2 = 0.0;
  double lf_hf = 0.0;  // lf_ms2 / hf_ms2
  // Poincare plot of successive pairs (x = RR[i], y = RR[i+1]):
  // SD1 = sample SD of (y - x)/sqrt(2), SD2 = sample SD of (y + x)/sqrt(2)
  // (Brennan et al. 2001; divisor D - 1). NaN below 2 pairs.
  double sd1_ms = 0.0;
  double sd2_ms = 0.0;
};

// HRV of `rr` as one series (SDANN and SDNN index over its 5-minute
// segments). Returns the metrics; kInvalidArgument when rr is empty, an
// interval is not finite or <= 0 ms, or the ends are not ascending.
Result<HrvMetrics> ComputeHrv(std::span<const RrInterval> rr,
                              const HrvOptions& options = {});

// HRV of one window of a longer series.
struct HrvWindow {
  Time start;  // the window is [start, end)
  Time end;
  HrvMetrics metrics;  // sdann_ms and sdnn_index_ms: NaN unless the window
                       // spans two or more segments
};

// HRV per window: windows [start + k*window, start + (k+1)*window) for k >= 0
// while the window ends at or before `end`; each holds the intervals whose
// end falls in it. Windows with fewer than 2 intervals are omitted.
// Returns the windows in time order; kInvalidArgument as ComputeHrv, or when
// window <= 0 or end <= start.
Result<std::vector<HrvWindow>> ComputeHrvWindows(
    std::span<const RrInterval> rr, Time start, Time end,
    Duration window = Duration::Minutes(5), const HrvOptions& options = {});

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_HRV_H_
