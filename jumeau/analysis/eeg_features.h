// EEG spectral features of one channel: Welch PSD, absolute and relative
// power in the classical bands, alpha peak frequency, spectral edge
// frequency, line-noise detection; for a whole span, per sliding window, or
// per [start, end) segment of a Signal (e.g. the T0/T1/T2 runs of an EDF+).
// Pure: samples in, numbers out. Built on analysis/dsp Welch().
#ifndef JUMEAU_ANALYSIS_EEG_FEATURES_H_
#define JUMEAU_ANALYSIS_EEG_FEATURES_H_

#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "jumeau/analysis/dsp.h"
#include "jumeau/core/signal.h"
#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::analysis {

// A frequency band [low_hz, high_hz): a PSD bin at f belongs to it when
// low_hz <= f < high_hz.
struct EegBand {
  std::string_view name;
  double low_hz;
  double high_hz;
};

// delta [1, 4), theta [4, 8), alpha [8, 13), beta [13, 30), gamma [30, 45) Hz.
inline constexpr std::array<EegBand, 5> kEegBands = {{
    {"delta", 1.0, 4.0},
    {"theta", 4.0, 8.0},
    {"alpha", 8.0, 13.0},
    {"beta", 13.0, 30.0},
    {"gamma", 30.0, 45.0},
}};

// Options of the EEG feature functions; defaults in brackets.
struct EegFeatureOptions {
  // Welch: Hann window of round(segment_seconds * rate) samples [2 s: 0.5 Hz
  // bins], `overlap_fraction` of it overlapping [0.5], FFT of the segment
  // length, mean removed per segment, density in unit^2/Hz (scipy.signal.welch
  // and MNE psd_array_welch conventions; see Welch() in dsp.h). A span
  // shorter than one segment uses a single segment of its full length.
  double segment_seconds = 2.0;
  double overlap_fraction = 0.5;
  SpectralWindow window = SpectralWindow::kHann;
  // Band power = sum of PSD bins in the band times the bin width (rectangle
  // rule on half-open bands, so the five bands tile [1, 45) exactly).
  // Relative power divides by the power in [total_low_hz, total_high_hz)
  // [1, 45 Hz], the union of the bands, so relative powers add up to 1.
  double total_low_hz = 1.0;
  double total_high_hz = 45.0;
  // Alpha peak: the PSD maximum in [alpha_low_hz, alpha_high_hz] [8, 13],
  // refined by a parabola through the peak bin and its neighbours; NaN when
  // the maximum is not a local maximum (it sits on the range edge with the
  // outside neighbour higher).
  double alpha_low_hz = 8.0;
  double alpha_high_hz = 13.0;
  // Spectral edge: the lowest bin frequency at which the cumulative power
  // from total_low_hz reaches this fraction of the total [0.95].
  double edge_fraction = 0.95;
  // Line noise at 50 and 60 Hz: peak = the largest PSD bin within +-1 Hz of
  // the mains frequency, reference = the median of the bins 2..5 Hz away on
  // both sides; ratio in dB = 10 log10(peak / reference). Detected when the
  // larger ratio reaches `line_noise_threshold_db` [10 dB]. A frequency
  // whose reference bins pass Nyquist is not tested (ratio NaN).
  double line_noise_threshold_db = 10.0;
};

// Spectral features of one channel over one span of samples.
struct EegSpectralFeatures {
  std::array<double, kEegBands.size()> absolute{};  // unit^2, per kEegBands
  std::array<double, kEegBands.size()> relative{};  // fraction of total_power
  double total_power = 0.0;                         // unit^2 in [1, 45) Hz
  double alpha_peak_hz = 0.0;                       // NaN when no peak
  double spectral_edge_hz = 0.0;                    // NaN when total is 0
  double line_noise_50_db = 0.0;                    // NaN when not tested
  double line_noise_60_db = 0.0;
  double line_noise_hz = 0.0;  // 50 or 60 when detected, else 0
};

// Features of an already computed spectrum. Never fails; NaN where the
// spectrum does not cover a quantity.
EegSpectralFeatures FeaturesFromSpectrum(const Spectrum& spectrum,
                                         const EegFeatureOptions& options = {});

// The Welch spectrum with the EEG options (segment length clamped to the
// span). Returns kInvalidArgument when x has fewer than 2 samples or the
// options are out of range (segment_seconds <= 0, overlap_fraction outside
// [0, 1)).
Result<Spectrum> EegSpectrum(std::span<const double> x, SampleRate rate,
                             const EegFeatureOptions& options = {});

// Features of the physical samples `x` at `rate`. Errors as EegSpectrum.
Result<EegSpectralFeatures> ComputeEegFeatures(
    std::span<const double> x, SampleRate rate,
    const EegFeatureOptions& options = {});

// Features of one window or segment of a signal.
struct EegWindowFeatures {
  Time start;  // [start, end)
  Time end;
  int64_t first_sample = 0;  // index of the first sample in the signal
  int64_t samples = 0;
  EegSpectralFeatures features;
};

// Features of `signal` (physical values samples * scale + offset) per
// window: window k covers [signal.start + k*step, ... + window), as the
// samples whose time falls in it; only windows that lie entirely within the
// signal are computed. Returns them in time order; kInvalidArgument when
// window or step <= 0, the rate is invalid, or errors as EegSpectrum.
Result<std::vector<EegWindowFeatures>> ComputeEegFeaturesPerWindow(
    const Signal& signal, Duration window, Duration step,
    const EegFeatureOptions& options = {});

// Features of the samples of `signal` whose time lies in [start, end), e.g.
// an annotated run. Returns kInvalidArgument when the range holds fewer than
// 2 samples (clipped to the signal) or errors as EegSpectrum.
Result<EegWindowFeatures> ComputeEegFeaturesForSegment(
    const Signal& signal, Time start, Time end,
    const EegFeatureOptions& options = {});

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_EEG_FEATURES_H_
