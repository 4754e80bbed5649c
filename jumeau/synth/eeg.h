// Synthetic resting-state EEG for the example patient and tests: 10-20
// channels with a spatially correlated 1/f background, a posterior alpha
// rhythm that appears with eyes closed and is blocked with eyes open (the
// Berger effect), and eye blinks at the frontopolar channels with eyes open.
// Part of jumeau/synth; pure: no file I/O.
//
// Model, per channel c at time t (uV):
//   v_c(t) = sum_k M_ck n_k(t) + w_c g(t) alpha_c(t) + e_c blink(t)
// - n_k: independent Gaussian processes, one per channel, with power
//   spectrum ~ 1/f^beta / (1 + (f/background_high_hz)^4) above
//   background_low_hz (Gaussian coefficients in the frequency domain, inverse
//   FFT), scaled to background_rms_uv: "pink" with the roll-off of a
//   second-order amplifier low-pass;
// - M: spatial mixing, M_ck ~ exp(-d_ck^2 / (2 L^2)) over the chord distance
//   d between electrodes on the unit sphere, rows normalised to unit length
//   (neighbouring channels correlate, each keeps its variance);
// - alpha_c: narrowband Gaussian noise (spectrum a Gaussian at alpha_hz,
//   standard deviation alpha_spread_hz), which waxes and wanes by itself;
//   0.8 x a common source + 0.6 x a hemisphere source (midline: the mean of
//   both hemisphere sources), scaled to alpha_rms_uv;
// - w_c = exp(-(d_c^2 - d_O1^2) / (2 x 0.8^2)), capped at 1: distance from
//   Oz, so O1/O2 are 1, Pz ~0.7, Cz ~0.2, Fp ~0.05;
// - g(t) = 1 with eyes closed, alpha_eyes_open_factor with eyes open, with
//   raised-cosine transitions of alpha_transition after each change;
// - blink(t): Gaussian bumps (sd 80 ms) of blink_amplitude_uv at random
//   times (Poisson, blinks_per_minute) in eyes-open segments; e_c falls off
//   with the distance from Fpz (Fp1/Fp2 1, F3/F4 ~0.25, posterior ~0).
// Electrode positions: the 10-20 system's polar angle and azimuth (EEGLAB
// Standard-10-20-Cap19 convention).
#ifndef JUMEAU_SYNTH_EEG_H_
#define JUMEAU_SYNTH_EEG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/core/time.h"

namespace jumeau::synth {

// The 19 channels of the 10-20 system in the usual montage order:
// Fp1 Fp2 F7 F3 Fz F4 F8 T7 C3 Cz C4 T8 P7 P3 Pz P4 P8 O1 O2.
std::vector<std::string> Standard1020Channels();

// True when `name` is a channel EEG options accept: the 19 above, Fpz, Oz,
// and the old names T3 T4 T5 T6 (= T7 T8 P7 P8).
bool IsKnownEegChannel(const std::string& name);

// Options of GenerateEeg.
struct EegOptions {
  // Channel names, in output order. Default: Standard1020Channels().
  // Valid: 1 to 64 names, each IsKnownEegChannel, no duplicates.
  std::vector<std::string> channels = Standard1020Channels();
  // Sampling rate (Hz). Default 256. Valid: [64, 4096].
  int sample_rate_hz = 256;
  // Length. Default 10 minutes. Valid: (0, 24 hours], at most 2^24 samples
  // per channel and 2^27 in all (the whole output is held in memory); the
  // sample count is floor(duration * sample_rate_hz).
  Duration duration = Duration::Minutes(10);
  // Length of each eyes-open / eyes-closed segment; segments alternate and
  // the last one is cut at the end. Default 30 s. Valid: [1 s, duration].
  Duration segment_duration = Duration::Seconds(30);
  // Whether the first segment has the eyes closed. Default false.
  bool start_eyes_closed = false;
  // RMS of the 1/f background per channel (uV). Default 15. Valid: [0, 1000].
  double background_rms_uv = 15.0;
  // Spectral exponent beta of the background (power ~ 1/f^beta). Default 1
  // ("pink"). Valid: [0, 3].
  double background_exponent = 1.0;
  // Below this frequency the background has no power (Hz). Default 0.5.
  // Valid: (0, 10].
  double background_low_hz = 0.5;
  // Above this frequency the background falls by a further f^-4 (Hz).
  // Default 40. Valid: [background_low_hz, 1000].
  double background_high_hz = 40.0;
  // Length L of the spatial correlation (unit-sphere chord). Default 0.5.
  // Valid: [0, 2]; 0 gives independent channels.
  double spatial_length = 0.5;
  // Alpha peak frequency and spectral standard deviation (Hz). Defaults 10
  // and 0.5. Valid: alpha_hz in [6, 14], spread in (0, 2].
  double alpha_hz = 10.0;
  double alpha_spread_hz = 0.5;
  // RMS of the alpha rhythm at O1/O2 with eyes closed (uV). Default 25.
  // Valid: [0, 1000].
  double alpha_rms_uv = 25.0;
  // Alpha amplitude factor with eyes open. Default 0.2. Valid: [0, 1].
  double alpha_eyes_open_factor = 0.2;
  // Duration of the alpha amplitude change after each open/close. Default
  // 1 s. Valid: [0, segment_duration].
  Duration alpha_transition = Duration::Seconds(1);
  // Mean blink rate with eyes open (per minute) and blink height at Fp1/Fp2
  // (uV). Defaults 12 and 150. Valid: [0, 60] and [0, 1000].
  double blinks_per_minute = 12.0;
  double blink_amplitude_uv = 150.0;
  // Seed of every random choice. Default 1. The output is a pure function of
  // the options.
  uint64_t seed = 1;
};

// Returns ok when `options` is within the documented ranges, else
// kInvalidArgument naming the field and its value.
Status ValidateEegOptions(const EegOptions& options);

// One eyes-open or eyes-closed stretch, relative to the first sample.
struct EegSegment {
  Duration onset;
  Duration duration;
  bool eyes_closed = false;
  std::string text;  // "eyes open" / "eyes closed"
};

// The output of GenerateEeg.
struct EegOutput {
  int sample_rate_hz = 0;
  std::vector<std::string> channels;            // as in the options
  std::vector<std::vector<double>> samples_uv;  // [channel][sample], uV
  std::vector<EegSegment> segments;             // in time order, contiguous
  std::vector<Duration> blinks;                 // blink centres
};

// Generates the EEG described above. Memory: a few doubles per sample and
// channel (all of it is held; ~10 MB per 10 minutes of 19 channels at 256 Hz).
// Returns kInvalidArgument (see ValidateEegOptions) on bad options.
Result<EegOutput> GenerateEeg(const EegOptions& options);

}  // namespace jumeau::synth

#endif  // JUMEAU_SYNTH_EEG_H_
