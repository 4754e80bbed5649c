// Signal processing for analysis/: Butterworth IIR design as second-order
// sections with zero-phase filtering, windowed-sinc FIR design, polyphase
// rational resampling, Welch power spectral density and the Lomb-Scargle
// periodogram. Pure functions on spans of doubles; no files, no store. Each
// routine follows the scipy.signal function it names, so results can be
// checked against scipy (jumeau/analysis/dsp_oracle_test.py does).
#ifndef JUMEAU_ANALYSIS_DSP_H_
#define JUMEAU_ANALYSIS_DSP_H_

#include <cstdint>
#include <span>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::analysis {

// Converts integer-coded samples to physical values: samples[i] * scale +
// offset (the Signal convention of jumeau/core/signal.h).
std::vector<double> ToPhysical(std::span<const int32_t> samples, double scale,
                               double offset);

// ---------------------------------------------------------------- IIR ----

// One second-order section, a0 normalised to 1:
//   H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2).
// A first-order section has b2 == a2 == 0 exactly. Same layout as a row of
// scipy's `sos` array [b0 b1 b2 1 a1 a2].
struct Biquad {
  double b0 = 1.0, b1 = 0.0, b2 = 0.0;
  double a1 = 0.0, a2 = 0.0;
};

enum class FilterType { kLowPass, kHighPass, kBandPass };

// Designs a digital Butterworth filter as scipy.signal.butter(order, cutoff,
// btype, output='sos', fs=rate) does: analog prototype, pre-warped cutoffs,
// bilinear transform. The overall gain sits in the first section; poles are
// grouped in conjugate pairs (scipy's pairing may differ, the transfer
// function is the same).
// Inputs: `order` N (band-pass: N is the prototype order, giving 2N poles and
//   N sections, as in scipy); `low_hz` the cutoff of a low- or high-pass and
//   the lower edge of a band-pass; `high_hz` the upper band-pass edge (ignored
//   otherwise); `rate` the sample rate.
// Returns the sections on success; kInvalidArgument when order is outside
// 1..32, a cutoff is not finite, not in (0, rate/2), or high_hz <= low_hz for
// a band-pass.
Result<std::vector<Biquad>> DesignButterworth(FilterType type, int order,
                                              double low_hz, double high_hz,
                                              SampleRate rate);

// Filters `x` causally through `sections` from a zero state (scipy sosfilt,
// transposed direct form II). Returns a vector of x.size().
std::vector<double> SosFilter(std::span<const Biquad> sections,
                              std::span<const double> x);

// The padding length SosFiltFilt uses by default, as scipy.signal.sosfiltfilt:
// 3 * (2 * sections + 1 - min(#sections with b2 == 0, #sections with a2 == 0)).
int64_t DefaultFiltFiltPadding(std::span<const Biquad> sections);

// Zero-phase filtering exactly as scipy.signal.sosfiltfilt(sos, x,
// padtype='odd', padlen=DefaultFiltFiltPadding(sos)) (pass `padding` >= 0 to
// override padlen): the signal is extended at each end by `padding` samples
// of odd reflection about its end sample (2*x[0] - x[padding..1], and
// likewise at the end); the forward pass starts from the section steady state
// (sosfilt_zi) scaled by the first extended sample, the backward pass from
// the steady state scaled by the last forward output; the padding is then
// removed. The magnitude response is |H|^2, the phase zero.
// Returns a vector of x.size() on success; kInvalidArgument when x.size() <=
// the padding (scipy raises there too) or `sections` is empty.
Result<std::vector<double>> SosFiltFilt(std::span<const Biquad> sections,
                                        std::span<const double> x,
                                        int64_t padding = -1);

// ---------------------------------------------------------------- FIR ----

enum class FirWindow {
  kHamming,  // 0.54 - 0.46 cos(2 pi n / (N - 1)), symmetric (firwin default)
  kHann,     // 0.5 - 0.5 cos(2 pi n / (N - 1)), symmetric
  kKaiser,   // I0(beta sqrt(1 - (2n/(N-1) - 1)^2)) / I0(beta), symmetric
};

// Options of DesignFir().
struct FirOptions {
  FirWindow window = FirWindow::kHamming;  // default: firwin's 'hamming'
  double kaiser_beta = 5.0;                // used by kKaiser only
};

// Designs a linear-phase FIR filter by the window method, as
// scipy.signal.firwin(taps, cutoff, window, pass_zero, scale=True, fs=rate):
// ideal sinc response times the window, scaled to unit gain at DC (low-pass),
// Nyquist (high-pass) or the band centre (band-pass).
// Inputs: `taps` the filter length; cutoffs as in DesignButterworth.
// Returns the `taps` coefficients; kInvalidArgument when taps < 1 or > 1<<20,
// a high-pass has an even number of taps (its gain at Nyquist would be 0),
// or a cutoff is not in (0, rate/2) (band-pass: low < high).
Result<std::vector<double>> DesignFir(FilterType type, int taps, double low_hz,
                                      double high_hz, SampleRate rate,
                                      const FirOptions& options = {});

// How ApplyFir aligns its output.
enum class FirAlignment {
  // y[n] = sum_k h[k] x[n - k], zero before the start: scipy lfilter(h, 1, x).
  // Output delayed by (taps - 1) / 2 samples.
  kCausal,
  // The same convolution shifted back by (taps - 1) / 2 (rounded down) so a
  // symmetric filter has no delay: numpy.convolve(x, h, 'same') for odd taps.
  kCentered,
};

// Filters `x` with FIR `taps`. Returns a vector of x.size() (zero-padded
// beyond both ends). REQUIRES: !taps.empty().
std::vector<double> ApplyFir(std::span<const double> taps,
                             std::span<const double> x,
                             FirAlignment alignment = FirAlignment::kCausal);

// ---------------------------------------------------------- resampling ----

// Resamples `x` by the rational factor up/down as scipy.signal.resample_poly(
// x, up, down) with its defaults (window ('kaiser', 5.0), zero padding at the
// ends): a polyphase anti-aliasing FIR low-pass of 20*max(up,down)+1 taps,
// cutoff 1/max(up,down) of Nyquist, gain up. Output length ceil(n*up/down).
// Returns the resampled signal; kInvalidArgument unless 1 <= up, down and
// both reduced by their gcd are <= 4096.
Result<std::vector<double>> ResamplePoly(std::span<const double> x, int64_t up,
                                         int64_t down);

// Resamples `x` from rate `from` to rate `to` (e.g. 360 -> 250 Hz: up 25,
// down 36) with ResamplePoly. Sample 0 keeps its time. Errors as
// ResamplePoly, plus kInvalidArgument for an invalid rate.
Result<std::vector<double>> Resample(std::span<const double> x, SampleRate from,
                                     SampleRate to);

// --------------------------------------------------------------- Welch ----

enum class SpectralWindow {
  kHann,     // periodic: 0.5 - 0.5 cos(2 pi n / N) (scipy.signal.welch default)
  kHamming,  // periodic: 0.54 - 0.46 cos(2 pi n / N) (MNE psd_array_welch
             // default)
};

enum class Detrend {
  kNone,
  kConstant,  // subtract each segment's mean (scipy welch default)
};

// Options of Welch(). Defaults are scipy.signal.welch's.
struct WelchOptions {
  int64_t segment_length = 256;  // nperseg, samples
  int64_t overlap = -1;          // noverlap; -1: segment_length / 2
  int64_t fft_length = -1;       // nfft >= segment_length; -1: segment_length
  SpectralWindow window = SpectralWindow::kHann;
  Detrend detrend = Detrend::kConstant;
};

// A one-sided power spectral density.
struct Spectrum {
  double frequency_step_hz = 0.0;  // bin k is at k * frequency_step_hz
  std::vector<double> psd;         // unit^2/Hz; fft_length/2 + 1 bins
  int64_t segments = 0;            // periodograms averaged

  double FrequencyHz(size_t k) const {
    return static_cast<double>(k) * frequency_step_hz;
  }
};

// Welch's averaged periodogram, with the conventions of scipy.signal.welch(x,
// fs, window, nperseg, noverlap, nfft, detrend, return_onesided=True,
// scaling='density', average='mean') (and so of MNE psd_array_welch, which
// calls scipy with the same settings, window 'hamming' by default):
//  - segments start every segment_length - overlap samples; a trailing
//    partial segment is dropped; segments = (n - overlap) / step;
//  - each segment is detrended, multiplied by the periodic window w, zero
//    padded to fft_length, transformed (real FFT, kissfft);
//  - periodogram P[k] = |X[k]|^2 / (fs * sum(w^2)), doubled for every bin but
//    DC and (for even fft_length) Nyquist; the mean over segments is taken.
// The result integrates (sum * frequency_step_hz) to about the signal's
// variance, in the unit of x squared per Hz.
// Returns the spectrum; kInvalidArgument when segment_length < 2, overlap is
// outside [0, segment_length), fft_length < segment_length or > 1 << 24, or
// x.size() < segment_length (scipy would shrink the segment; we refuse).
Result<Spectrum> Welch(std::span<const double> x, SampleRate rate,
                       const WelchOptions& options = {});

// Sums psd bins whose frequency f satisfies low_hz <= f < high_hz and
// multiplies by the bin width: the rectangle rule on a half-open band, so
// adjacent bands never count a bin twice. Returns 0 for an empty band.
double BandPower(const Spectrum& spectrum, double low_hz, double high_hz);

// -------------------------------------------------------- Lomb-Scargle ----

// The Lomb-Scargle periodogram of an unevenly sampled series, as
// scipy.signal.lombscargle(t, y, 2*pi*f, precenter=center): for each angular
// frequency w, with tau chosen so sum sin(2 w (t - tau)) = 0,
//   P(w) = 1/2 [ (sum y cos w(t-tau))^2 / sum cos^2 w(t-tau)
//              + (sum y sin w(t-tau))^2 / sum sin^2 w(t-tau) ].
// For a sinusoid of amplitude A sampled n times P peaks near n A^2 / 4.
// Inputs: `times_s` sample times in seconds (any order), `y` values,
// `frequencies_hz` in Hz (> 0). `center` subtracts the mean of y first.
// Returns one value per frequency, in unit^2; kInvalidArgument when the
// spans differ in size, are empty, or a time or frequency is not finite or a
// frequency <= 0.
Result<std::vector<double>> LombScargle(std::span<const double> times_s,
                                        std::span<const double> y,
                                        std::span<const double> frequencies_hz,
                                        bool center = true);

}  // namespace jumeau::analysis

#endif  // JUMEAU_ANALYSIS_DSP_H_
