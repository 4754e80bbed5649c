// Synthetic resting-state EEG: spectrally shaped Gaussian noise (inverse
// FFT), spatial mixing over 10-20 electrode positions, gated alpha, blinks.
// See eeg.h for the model.
#include "jumeau/synth/eeg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <functional>
#include <numbers>
#include <set>
#include <string_view>

#include "jumeau/synth/internal/fft.h"
#include "jumeau/core/random.h"

namespace jumeau::synth {
namespace {

constexpr double kPi = std::numbers::pi;

// 10-20 positions in the EEGLAB polar convention: azimuth from the nose in
// degrees (negative = left), radius in units of pi of polar angle from Cz
// (0.5 = the plane through nasion, inion and preauricular points).
struct Electrode {
  std::string_view name;
  double azimuth_deg;
  double radius;
};
constexpr std::array<Electrode, 25> kElectrodes = {{
    {"Fp1", -18, 0.511}, {"Fp2", 18, 0.511},  {"F7", -54, 0.511},
    {"F3", -39, 0.333},  {"Fz", 0, 0.256},    {"F4", 39, 0.333},
    {"F8", 54, 0.511},   {"T7", -90, 0.511},  {"C3", -90, 0.256},
    {"Cz", 0, 0.0},      {"C4", 90, 0.256},   {"T8", 90, 0.511},
    {"P7", -126, 0.511}, {"P3", -141, 0.333}, {"Pz", 180, 0.256},
    {"P4", 141, 0.333},  {"P8", 126, 0.511},  {"O1", -162, 0.511},
    {"O2", 162, 0.511},  {"Fpz", 0, 0.511},   {"Oz", 180, 0.511},
    {"T3", -90, 0.511},  {"T4", 90, 0.511},   {"T5", -126, 0.511},
    {"T6", 126, 0.511},
}};

struct Point {
  double x, y, z;  // x towards the nose, y towards the left ear, z up
};

const Electrode* FindElectrode(std::string_view name) {
  for (const Electrode& e : kElectrodes) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

Point PositionOf(const Electrode& e) {
  const double inclination = e.radius * kPi;
  const double azimuth = e.azimuth_deg * kPi / 180.0;
  return {std::sin(inclination) * std::cos(azimuth),
          -std::sin(inclination) * std::sin(azimuth), std::cos(inclination)};
}

Point PositionOf(std::string_view name) {
  return PositionOf(*FindElectrode(name));
}

double Distance2(const Point& a, const Point& b) {
  const double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  return dx * dx + dy * dy + dz * dz;
}

bool InRange(double v, double lo, double hi) {
  return std::isfinite(v) && v >= lo && v <= hi;
}

// n samples of a zero-mean Gaussian process with power spectrum
// proportional to power(f) (f in Hz), scaled to unit expected variance.
// Returns zeros when the spectrum is empty.
std::vector<double> ShapedNoise(size_t n, double rate_hz,
                                const std::function<double(double)>& power,
                                Rng* rng) {
  const size_t len = std::max<size_t>(2, internal::NextPowerOfTwo(n));
  std::vector<std::complex<double>> spectrum(len);
  double total = 0.0;
  for (size_t k = 1; k < len / 2; ++k) {
    const double f =
        static_cast<double>(k) * rate_hz / static_cast<double>(len);
    const double p = power(f);
    const double re = rng->Normal();
    const double im = rng->Normal();
    if (p <= 0.0) continue;
    const double amplitude = std::sqrt(p / 2.0);
    spectrum[k] = {amplitude * re, amplitude * im};
    spectrum[len - k] = std::conj(spectrum[k]);
    total += p;
  }
  std::vector<double> out(n, 0.0);
  if (total <= 0.0) return out;
  internal::Fft(&spectrum, /*inverse=*/true);
  // Var(x) = (1/len^2) sum_k E|X_k|^2 = (2/len^2) total for x = IFFT / len.
  const double scale = 1.0 / std::sqrt(2.0 * total);
  for (size_t i = 0; i < n; ++i) out[i] = spectrum[i].real() * scale;
  return out;
}

}  // namespace

std::vector<std::string> Standard1020Channels() {
  return {"Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz",
          "C4",  "T8",  "P7", "P3", "Pz", "P4", "P8", "O1", "O2"};
}

bool IsKnownEegChannel(const std::string& name) {
  return FindElectrode(name) != nullptr;
}

Status ValidateEegOptions(const EegOptions& o) {
  auto bad = [](const std::string& field, const std::string& value,
                const std::string& range) {
    return InvalidArgumentError("EEG option " + field + " = " + value +
                                " is outside " + range);
  };
  if (o.channels.empty() || o.channels.size() > 64) {
    return bad("channels", std::to_string(o.channels.size()) + " channels",
               "[1, 64]");
  }
  std::set<std::string> seen;
  for (const std::string& c : o.channels) {
    if (!IsKnownEegChannel(c)) {
      return bad("channels", "'" + c + "'", "the 10-20 names");
    }
    if (!seen.insert(c).second) {
      return bad("channels", "'" + c + "' twice", "distinct names");
    }
  }
  if (o.sample_rate_hz < 64 || o.sample_rate_hz > 4096) {
    return bad("sample_rate_hz", std::to_string(o.sample_rate_hz),
               "[64, 4096]");
  }
  if (o.duration <= Duration{} || o.duration > Duration::Hours(24)) {
    return bad("duration", FormatOffset(o.duration), "(0, 24 hours]");
  }
  const int64_t samples = SampleRate(o.sample_rate_hz, 1).SamplesIn(o.duration);
  if (samples < 1) {
    return bad("duration", FormatOffset(o.duration), "at least one sample");
  }
  if (samples > (int64_t{1} << 24) ||
      samples * static_cast<int64_t>(o.channels.size()) > (int64_t{1} << 27)) {
    return bad("duration",
               FormatOffset(o.duration) + " at " +
                   std::to_string(o.sample_rate_hz) + " Hz",
               "2^24 samples per channel and 2^27 in all");
  }
  if (o.segment_duration < Duration::Seconds(1) ||
      o.segment_duration > o.duration) {
    return bad("segment_duration", FormatOffset(o.segment_duration),
               "[1 s, duration]");
  }
  if (!InRange(o.background_rms_uv, 0.0, 1000.0)) {
    return bad("background_rms_uv", std::to_string(o.background_rms_uv),
               "[0, 1000]");
  }
  if (!InRange(o.background_exponent, 0.0, 3.0)) {
    return bad("background_exponent", std::to_string(o.background_exponent),
               "[0, 3]");
  }
  if (!InRange(o.background_low_hz, 1e-3, 10.0)) {
    return bad("background_low_hz", std::to_string(o.background_low_hz),
               "(0, 10]");
  }
  if (!InRange(o.background_high_hz, o.background_low_hz, 1000.0)) {
    return bad("background_high_hz", std::to_string(o.background_high_hz),
               "[background_low_hz, 1000]");
  }
  if (!InRange(o.spatial_length, 0.0, 2.0)) {
    return bad("spatial_length", std::to_string(o.spatial_length), "[0, 2]");
  }
  if (!InRange(o.alpha_hz, 6.0, 14.0)) {
    return bad("alpha_hz", std::to_string(o.alpha_hz), "[6, 14]");
  }
  if (!InRange(o.alpha_spread_hz, 1e-3, 2.0)) {
    return bad("alpha_spread_hz", std::to_string(o.alpha_spread_hz), "(0, 2]");
  }
  if (!InRange(o.alpha_rms_uv, 0.0, 1000.0)) {
    return bad("alpha_rms_uv", std::to_string(o.alpha_rms_uv), "[0, 1000]");
  }
  if (!InRange(o.alpha_eyes_open_factor, 0.0, 1.0)) {
    return bad("alpha_eyes_open_factor",
               std::to_string(o.alpha_eyes_open_factor), "[0, 1]");
  }
  if (o.alpha_transition < Duration{} ||
      o.alpha_transition > o.segment_duration) {
    return bad("alpha_transition", FormatOffset(o.alpha_transition),
               "[0, segment_duration]");
  }
  if (!InRange(o.blinks_per_minute, 0.0, 60.0)) {
    return bad("blinks_per_minute", std::to_string(o.blinks_per_minute),
               "[0, 60]");
  }
  if (!InRange(o.blink_amplitude_uv, 0.0, 1000.0)) {
    return bad("blink_amplitude_uv", std::to_string(o.blink_amplitude_uv),
               "[0, 1000]");
  }
  return Status::Ok();
}

Result<EegOutput> GenerateEeg(const EegOptions& o) {
  JUMEAU_RETURN_IF_ERROR(ValidateEegOptions(o));
  const SampleRate rate(o.sample_rate_hz, 1);
  const double fs = static_cast<double>(o.sample_rate_hz);
  const size_t n = static_cast<size_t>(rate.SamplesIn(o.duration));
  const size_t channel_count = o.channels.size();

  EegOutput out;
  out.sample_rate_hz = o.sample_rate_hz;
  out.channels = o.channels;

  // Segments, alternating from start_eyes_closed.
  bool closed = o.start_eyes_closed;
  for (Duration onset{}; onset < o.duration;
       onset = onset + o.segment_duration) {
    EegSegment segment;
    segment.onset = onset;
    segment.duration = std::min(o.segment_duration, o.duration - onset);
    segment.eyes_closed = closed;
    segment.text = closed ? "eyes closed" : "eyes open";
    out.segments.push_back(segment);
    closed = !closed;
  }

  std::vector<Point> positions;
  for (const std::string& c : o.channels) positions.push_back(PositionOf(c));

  // Background: one 1/f source per channel, mixed spatially.
  std::vector<std::vector<double>> sources(channel_count);
  const double beta = o.background_exponent;
  const double f_low = o.background_low_hz;
  const double f_high = o.background_high_hz;
  auto background_power = [beta, f_low, f_high](double f) {
    if (f < f_low) return 0.0;
    const double r2 = (f / f_high) * (f / f_high);
    return std::pow(f, -beta) / (1.0 + r2 * r2);
  };
  for (size_t c = 0; c < channel_count; ++c) {
    Rng rng(DeriveSeed(o.seed, 100 + c));
    sources[c] = ShapedNoise(n, fs, background_power, &rng);
  }
  out.samples_uv.assign(channel_count, std::vector<double>(n, 0.0));
  for (size_t c = 0; c < channel_count; ++c) {
    std::vector<double> weights(channel_count, 0.0);
    double norm2 = 0.0;
    for (size_t k = 0; k < channel_count; ++k) {
      if (o.spatial_length > 0.0) {
        weights[k] = std::exp(-Distance2(positions[c], positions[k]) /
                              (2.0 * o.spatial_length * o.spatial_length));
      } else {
        weights[k] = k == c ? 1.0 : 0.0;
      }
      norm2 += weights[k] * weights[k];
    }
    const double scale = o.background_rms_uv / std::sqrt(norm2);
    std::vector<double>& v = out.samples_uv[c];
    for (size_t k = 0; k < channel_count; ++k) {
      const double w = weights[k] * scale;
      if (w < 1e-6 * scale) continue;
      const std::vector<double>& s = sources[k];
      for (size_t i = 0; i < n; ++i) v[i] += w * s[i];
    }
  }
  sources.clear();

  // Alpha gate g(t), sample by sample.
  std::vector<double> gate(n, 1.0);
  {
    const int64_t transition = rate.SamplesIn(o.alpha_transition);
    double previous = -1.0;  // no transition into the first segment
    for (const EegSegment& segment : out.segments) {
      const double target =
          segment.eyes_closed ? 1.0 : o.alpha_eyes_open_factor;
      const size_t from = static_cast<size_t>(std::min<int64_t>(
          rate.SampleAtOrAfter(segment.onset), static_cast<int64_t>(n)));
      const size_t to = static_cast<size_t>(std::min<int64_t>(
          rate.SampleAtOrAfter(segment.onset + segment.duration),
          static_cast<int64_t>(n)));
      for (size_t i = from; i < to; ++i) {
        const int64_t since = static_cast<int64_t>(i - from);
        if (previous >= 0.0 && since < transition) {
          const double u =
              static_cast<double>(since) / static_cast<double>(transition);
          gate[i] =
              previous + (target - previous) * 0.5 * (1.0 - std::cos(kPi * u));
        } else {
          gate[i] = target;
        }
      }
      previous = target;
    }
  }

  // Alpha: common and hemisphere sources, posterior weights.
  if (o.alpha_rms_uv > 0.0) {
    const double f0 = o.alpha_hz, spread = o.alpha_spread_hz;
    auto alpha_power = [f0, spread](double f) {
      const double d = (f - f0) / spread;
      return d * d > 64.0 ? 0.0 : std::exp(-0.5 * d * d);
    };
    Rng common_rng(DeriveSeed(o.seed, 10));
    Rng left_rng(DeriveSeed(o.seed, 11));
    Rng right_rng(DeriveSeed(o.seed, 12));
    const std::vector<double> common =
        ShapedNoise(n, fs, alpha_power, &common_rng);
    const std::vector<double> left = ShapedNoise(n, fs, alpha_power, &left_rng);
    const std::vector<double> right =
        ShapedNoise(n, fs, alpha_power, &right_rng);
    const Point oz = PositionOf("Oz");
    const double d2_o1 = Distance2(PositionOf("O1"), oz);
    for (size_t c = 0; c < channel_count; ++c) {
      const double weight = std::min(
          1.0, std::exp(-(Distance2(positions[c], oz) - d2_o1) / (2.0 * 0.64)));
      const double y = positions[c].y;
      const double left_w =
          y > 1e-9 ? 0.6 : (y < -1e-9 ? 0.0 : 0.6 / std::sqrt(2.0));
      const double right_w =
          y < -1e-9 ? 0.6 : (y > 1e-9 ? 0.0 : 0.6 / std::sqrt(2.0));
      const double scale = o.alpha_rms_uv * weight;
      std::vector<double>& v = out.samples_uv[c];
      for (size_t i = 0; i < n; ++i) {
        v[i] += scale * gate[i] *
                (0.8 * common[i] + left_w * left[i] + right_w * right[i]);
      }
    }
  }

  // Blinks with eyes open.
  if (o.blinks_per_minute > 0.0 && o.blink_amplitude_uv > 0.0) {
    Rng rng(DeriveSeed(o.seed, 3));
    const double mean_gap_s = 60.0 / o.blinks_per_minute;
    for (const EegSegment& segment : out.segments) {
      if (segment.eyes_closed) continue;
      const double from = segment.onset.seconds() + 0.3;
      const double to = (segment.onset + segment.duration).seconds() - 0.3;
      for (double t = from + rng.Exponential(mean_gap_s); t < to;
           t += std::max(0.5, rng.Exponential(mean_gap_s))) {
        out.blinks.push_back(Duration::Nanoseconds(std::llround(t * 1e9)));
      }
    }
    const Point fpz = PositionOf("Fpz");
    const double d2_fp1 = Distance2(PositionOf("Fp1"), fpz);
    constexpr double kBlinkSd = 0.08;  // s
    const int64_t half = static_cast<int64_t>(std::ceil(5 * kBlinkSd * fs));
    for (size_t c = 0; c < channel_count; ++c) {
      const double weight =
          std::min(1.0, std::exp(-(Distance2(positions[c], fpz) - d2_fp1) /
                                 (2.0 * 0.45 * 0.45)));
      if (weight < 1e-4) continue;
      std::vector<double>& v = out.samples_uv[c];
      for (Duration blink : out.blinks) {
        const double centre = blink.seconds() * fs;
        const int64_t mid = std::llround(centre);
        for (int64_t i = std::max<int64_t>(0, mid - half);
             i <= std::min<int64_t>(static_cast<int64_t>(n) - 1, mid + half);
             ++i) {
          const double dt = (static_cast<double>(i) - centre) / fs;
          v[static_cast<size_t>(i)] +=
              o.blink_amplitude_uv * weight *
              std::exp(-0.5 * dt * dt / (kBlinkSd * kBlinkSd));
        }
      }
    }
  }
  return out;
}

}  // namespace jumeau::synth
