// ECGSYN generator: RR tachogram by inverse FFT, RK4 integration of the
// McSharry et al. (2003) limit-cycle model, block streaming. See ecgsyn.h.
#include "jumeau/synth/ecgsyn.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <utility>

#include "jumeau/synth/internal/fft.h"
#include "jumeau/core/random.h"

namespace jumeau::synth {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kTwoPi = 2.0 * std::numbers::pi;

// The tachogram is generated at this rate (Hz); it only needs to resolve
// spectra below 0.5 Hz.
constexpr double kTachogramRateHz = 4.0;
// Smallest tachogram FFT (1024 s at 4 Hz), so that the 0.01 Hz wide spectral
// peaks are resolved even for short records.
constexpr size_t kMinTachogramLength = 4096;
// Extra tachogram beyond the duration, for the beats straddling the end.
constexpr double kTachogramMarginS = 30.0;
// RR values are clamped to [kRrClampLow, kRrClampHigh] x mean RR.
constexpr double kRrClampLow = 0.5;
constexpr double kRrClampHigh = 1.5;
// Phase at t = 0: in the T-P segment, before the P wave.
constexpr double kInitialPhase = -0.9 * kPi;
// Gaussian terms beyond this many widths from their centre are skipped
// (exp(-32) ~ 1e-14 of the peak).
constexpr double kCutoffWidths = 8.0;

// Nominal wave heights (mV) -> a_i: a_i = 0.3 h_i / b_i^2 with the paper's
// b_i at 60 bpm (the paper's a_i are exactly this for h = 0.25, -0.167, 1,
// -0.25, 0.4 mV).
constexpr std::array<double, kEcgWaveCount> kPaperWidths = {0.25, 0.1, 0.1, 0.1,
                                                            0.4};
constexpr std::array<double, kEcgWaveCount> kPaperA = {1.2, -5.0, 30.0, -7.5,
                                                       0.75};

std::array<double, kEcgWaveCount> AFromHeightsMv(
    const std::array<double, kEcgWaveCount>& heights_mv) {
  std::array<double, kEcgWaveCount> a{};
  for (int i = 0; i < kEcgWaveCount; ++i) {
    a[i] = 0.3 * heights_mv[i] / (kPaperWidths[i] * kPaperWidths[i]);
  }
  return a;
}

// c = x * a + y * b, elementwise.
std::array<double, kEcgWaveCount> Combine(
    double x, const std::array<double, kEcgWaveCount>& a, double y,
    const std::array<double, kEcgWaveCount>& b) {
  std::array<double, kEcgWaveCount> c{};
  for (int i = 0; i < kEcgWaveCount; ++i) c[i] = x * a[i] + y * b[i];
  return c;
}

// Wraps an angle into (-pi, pi].
double WrapAngle(double angle) {
  angle = std::remainder(angle, kTwoPi);  // [-pi, pi]
  if (angle <= -kPi) angle += kTwoPi;
  return angle;
}

bool InRange(double v, double lo, double hi) {
  return std::isfinite(v) && v >= lo && v <= hi;
}

std::string Num(double v) { return std::to_string(v); }

// State vector of the ODE: x, y, the five per-wave z components, baseline.
constexpr int kStateSize = 3 + kEcgWaveCount;
constexpr int kX = 0;
constexpr int kY = 1;
constexpr int kZ0 = 2;  // first of the five wave components
constexpr int kBaseline = kZ0 + kEcgWaveCount;
using StateVector = std::array<double, kStateSize>;

// The right-hand side, with the z equation split by wave: component i obeys
// dz_i/dt = -dtheta_i exp(-dtheta_i^2 / 2 b_i^2) - z_i, so that
// z = sum_i a_i z_i obeys the paper's equation with z0 = 0; the baseline
// component obeys dzb/dt = -(zb - z0(t)) directly in mV.
struct Dynamics {
  std::array<double, kEcgWaveCount> theta{};       // wrapped, HR-scaled
  std::array<double, kEcgWaveCount> inv_two_b2{};  // 1 / (2 b_i^2)
  std::array<double, kEcgWaveCount> cutoff2{};     // (kCutoffWidths b_i)^2
  double baseline_mv = 0.0;                        // A
  double resp_rad_per_s = 0.0;                     // 2 pi f2

  void Derivative(double t, const StateVector& s, double omega,
                  StateVector* d) const {
    const double x = s[kX];
    const double y = s[kY];
    const double alpha = 1.0 - std::sqrt(x * x + y * y);
    (*d)[kX] = alpha * x - omega * y;
    (*d)[kY] = alpha * y + omega * x;
    const double phase = std::atan2(y, x);
    for (int i = 0; i < kEcgWaveCount; ++i) {
      double dtheta = phase - theta[i];
      if (dtheta >= kPi) {
        dtheta -= kTwoPi;
      } else if (dtheta < -kPi) {
        dtheta += kTwoPi;
      }
      const double d2 = dtheta * dtheta;
      const double force =
          d2 > cutoff2[i] ? 0.0 : dtheta * std::exp(-d2 * inv_two_b2[i]);
      (*d)[kZ0 + i] = -force - s[kZ0 + i];
    }
    const double z0 =
        baseline_mv == 0.0 ? 0.0 : baseline_mv * std::sin(resp_rad_per_s * t);
    (*d)[kBaseline] = -(s[kBaseline] - z0);
  }

  // One classical Runge-Kutta step of size h from time t.
  void Rk4Step(double t, double h, double omega, StateVector* s) const {
    StateVector k1, k2, k3, k4, tmp;
    Derivative(t, *s, omega, &k1);
    for (int j = 0; j < kStateSize; ++j) tmp[j] = (*s)[j] + 0.5 * h * k1[j];
    Derivative(t + 0.5 * h, tmp, omega, &k2);
    for (int j = 0; j < kStateSize; ++j) tmp[j] = (*s)[j] + 0.5 * h * k2[j];
    Derivative(t + 0.5 * h, tmp, omega, &k3);
    for (int j = 0; j < kStateSize; ++j) tmp[j] = (*s)[j] + h * k3[j];
    Derivative(t + h, tmp, omega, &k4);
    for (int j = 0; j < kStateSize; ++j) {
      (*s)[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
    }
  }
};

StateVector InitialState(const Dynamics& dynamics) {
  StateVector s{};
  s[kX] = std::cos(kInitialPhase);
  s[kY] = std::sin(kInitialPhase);
  // Start the baseline on its periodic steady state,
  // zb(t) = A / (1 + w^2) (sin wt - w cos wt), so there is no transient.
  const double w = dynamics.resp_rad_per_s;
  s[kBaseline] = -dynamics.baseline_mv * w / (1.0 + w * w);
  return s;
}

// The RR tachogram (seconds) at kTachogramRateHz by the paper's inverse-FFT
// method, scaled to mean `rr_mean_s` and std `rr_std_s` over its first
// `used` samples.
std::vector<double> MakeTachogram(const EcgSynOptions& o, size_t used,
                                  double rr_mean_s, double rr_std_s,
                                  Rng* rng) {
  const size_t n =
      std::max(kMinTachogramLength, internal::NextPowerOfTwo(used));
  std::vector<std::complex<double>> spectrum(n);
  auto gaussian = [](double f, double centre, double width) {
    const double d = f - centre;
    return std::exp(-0.5 * d * d / (width * width)) /
           std::sqrt(2.0 * kPi * width * width);
  };
  // s1^2 = LF/HF, s2^2 = 1.
  for (size_t k = 1; k < n / 2; ++k) {
    const double f =
        static_cast<double>(k) * kTachogramRateHz / static_cast<double>(n);
    const double power = o.lf_hf_ratio * gaussian(f, o.lf_hz, o.lf_width_hz) +
                         gaussian(f, o.hf_hz, o.hf_width_hz);
    const double phase = kTwoPi * rng->Uniform();
    spectrum[k] = std::polar(std::sqrt(power), phase);
    spectrum[n - k] = std::conj(spectrum[k]);
  }
  // DC and Nyquist bins carry no power (zero phase in the paper).
  internal::Fft(&spectrum, /*inverse=*/true);

  std::vector<double> rr(used);
  double sum = 0.0;
  for (size_t i = 0; i < used; ++i) {
    rr[i] = spectrum[i].real();
    sum += rr[i];
  }
  const double mean = sum / static_cast<double>(used);
  double sum2 = 0.0;
  for (double v : rr) sum2 += (v - mean) * (v - mean);
  const double std_dev = std::sqrt(sum2 / static_cast<double>(used));
  const double ratio = std_dev > 0.0 ? rr_std_s / std_dev : 0.0;
  for (double& v : rr) {
    v = std::clamp(rr_mean_s + (v - mean) * ratio, kRrClampLow * rr_mean_s,
                   kRrClampHigh * rr_mean_s);
  }
  return rr;
}

}  // namespace

Result<EcgLead> StandardEcgLead(std::string_view name) {
  const std::array<double, kEcgWaveCount> lead_i =
      AFromHeightsMv({0.10, -0.08, 0.60, -0.12, 0.20});
  const std::array<double, kEcgWaveCount>& lead_ii = kPaperA;
  std::array<double, kEcgWaveCount> a{};
  if (name == "I") {
    a = lead_i;
  } else if (name == "II") {
    a = lead_ii;
  } else if (name == "III") {  // Einthoven: III = II - I
    a = Combine(1.0, lead_ii, -1.0, lead_i);
  } else if (name == "aVR") {  // Goldberger: aVR = -(I + II) / 2
    a = Combine(-0.5, lead_i, -0.5, lead_ii);
  } else if (name == "aVL") {  // aVL = I - II / 2
    a = Combine(1.0, lead_i, -0.5, lead_ii);
  } else if (name == "aVF") {  // aVF = II - I / 2
    a = Combine(1.0, lead_ii, -0.5, lead_i);
  } else if (name == "V1") {
    a = AFromHeightsMv({0.06, 0.0, 0.25, -0.95, 0.10});
  } else if (name == "V2") {
    a = AFromHeightsMv({0.08, 0.0, 0.45, -1.30, 0.45});
  } else if (name == "V3") {
    a = AFromHeightsMv({0.08, -0.02, 0.80, -0.80, 0.45});
  } else if (name == "V4") {
    a = AFromHeightsMv({0.10, -0.05, 1.30, -0.45, 0.40});
  } else if (name == "V5") {
    a = AFromHeightsMv({0.10, -0.08, 1.20, -0.25, 0.35});
  } else if (name == "V6") {
    a = AFromHeightsMv({0.10, -0.08, 0.90, -0.10, 0.30});
  } else {
    return InvalidArgumentError("unknown ECG lead '" + std::string(name) +
                                "' (expected I, II, III, aVR, aVL, aVF, "
                                "V1-V6)");
  }
  return EcgLead{std::string(name), a};
}

std::vector<EcgLead> StandardTwelveLeads() {
  std::vector<EcgLead> leads;
  for (const char* name : {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2",
                           "V3", "V4", "V5", "V6"}) {
    leads.push_back(*StandardEcgLead(name));
  }
  return leads;
}

std::vector<EcgLead> DefaultEcgLeads() {
  EcgLead mlii = *StandardEcgLead("II");
  mlii.label = "MLII";
  return {mlii, *StandardEcgLead("V2")};
}

Status ValidateEcgSynOptions(const EcgSynOptions& o) {
  auto bad = [](const std::string& field, const std::string& value,
                const std::string& range) {
    return InvalidArgumentError("ECGSYN option " + field + " = " + value +
                                " is outside " + range);
  };
  if (!InRange(o.heart_rate_mean_bpm, 30.0, 200.0)) {
    return bad("heart_rate_mean_bpm", Num(o.heart_rate_mean_bpm), "[30, 200]");
  }
  if (!InRange(o.heart_rate_std_bpm, 0.0, o.heart_rate_mean_bpm / 10.0)) {
    return bad("heart_rate_std_bpm", Num(o.heart_rate_std_bpm),
               "[0, heart_rate_mean_bpm / 10]");
  }
  if (!InRange(o.lf_hf_ratio, 1e-6, 100.0)) {
    return bad("lf_hf_ratio", Num(o.lf_hf_ratio), "(0, 100]");
  }
  if (!InRange(o.lf_hz, 0.01, 0.5) || !InRange(o.hf_hz, 0.01, 0.5)) {
    return bad("lf_hz/hf_hz", Num(o.lf_hz) + "/" + Num(o.hf_hz), "[0.01, 0.5]");
  }
  if (!InRange(o.lf_width_hz, 1e-4, 0.2) ||
      !InRange(o.hf_width_hz, 1e-4, 0.2)) {
    return bad("lf_width_hz/hf_width_hz",
               Num(o.lf_width_hz) + "/" + Num(o.hf_width_hz), "[1e-4, 0.2]");
  }
  if (o.sample_rate_hz < 50 || o.sample_rate_hz > 10000) {
    return bad("sample_rate_hz", std::to_string(o.sample_rate_hz),
               "[50, 10000]");
  }
  if (o.internal_rate_factor < 1 || o.internal_rate_factor > 64) {
    return bad("internal_rate_factor", std::to_string(o.internal_rate_factor),
               "[1, 64]");
  }
  if (o.duration <= Duration{} || o.duration > Duration::Days(7)) {
    return bad("duration", FormatOffset(o.duration), "(0, 7 days]");
  }
  if (SampleRate(o.sample_rate_hz, 1).SamplesIn(o.duration) < 1) {
    return bad("duration", FormatOffset(o.duration), "at least one sample");
  }
  if (!InRange(o.noise_std_mv, 0.0, 10.0)) {
    return bad("noise_std_mv", Num(o.noise_std_mv), "[0, 10]");
  }
  if (!InRange(o.baseline_wander_mv, 0.0, 10.0)) {
    return bad("baseline_wander_mv", Num(o.baseline_wander_mv), "[0, 10]");
  }
  if (!InRange(o.paper_peak_mv, 1e-6, 10.0)) {
    return bad("paper_peak_mv", Num(o.paper_peak_mv), "(0, 10]");
  }
  for (int i = 0; i < kEcgWaveCount; ++i) {
    if (!InRange(o.timing.theta_rad[i], -kPi, kPi)) {
      return bad("timing.theta_rad[" + std::to_string(i) + "]",
                 Num(o.timing.theta_rad[i]), "[-pi, pi]");
    }
    if (!InRange(o.timing.width_rad[i], 1e-3, kPi)) {
      return bad("timing.width_rad[" + std::to_string(i) + "]",
                 Num(o.timing.width_rad[i]), "(0, pi]");
    }
  }
  if (o.leads.empty() || o.leads.size() > 64) {
    return bad("leads", std::to_string(o.leads.size()) + " leads", "[1, 64]");
  }
  for (size_t l = 0; l < o.leads.size(); ++l) {
    bool any = false;
    for (double a : o.leads[l].a) {
      if (!InRange(a, -1e6, 1e6)) {
        return bad("leads[" + std::to_string(l) + "].a", Num(a),
                   "finite values in [-1e6, 1e6]");
      }
      any = any || a != 0.0;
    }
    if (!any) {
      return bad("leads[" + std::to_string(l) + "].a", "all zero",
                 "at least one non-zero amplitude");
    }
  }
  return Status::Ok();
}

struct EcgSynGenerator::State {
  EcgSynOptions options;
  int64_t total_samples = 0;
  int64_t produced = 0;
  int factor = 1;
  double internal_rate_hz = 0.0;
  double step_s = 0.0;
  Dynamics dynamics;
  double gain_mv = 0.0;
  // Per lead: gain_mv * a_i.
  std::vector<std::array<double, kEcgWaveCount>> lead_weights;
  // RR (s) at kTachogramRateHz.
  std::vector<double> tachogram;
  // Integration state.
  StateVector state{};
  int64_t step = 0;  // internal steps taken; t = step * step_s
  double omega = 0.0;
  double phase = 0.0;  // atan2(y, x) of `state`
  Rng noise_rng{0};
  std::vector<int64_t> pending_peaks;

  // RR (s) at time t by linear interpolation of the tachogram.
  double RrAt(double t) const {
    const double pos = std::max(0.0, t * kTachogramRateHz);
    const size_t last = tachogram.size() - 1;
    const size_t i = std::min(static_cast<size_t>(pos), last);
    if (i >= last) return tachogram[last];
    const double frac = pos - static_cast<double>(i);
    return tachogram[i] + frac * (tachogram[i + 1] - tachogram[i]);
  }

  double TimeOfStep(int64_t s) const {
    return static_cast<double>(s) / internal_rate_hz;
  }

  // Takes one internal step; records an R peak when theta crosses theta_R
  // (= 0) upwards and then switches omega to the next beat's RR.
  void Advance() {
    const double t = TimeOfStep(step);
    dynamics.Rk4Step(t, step_s, omega, &state);
    ++step;
    const double new_phase = std::atan2(state[kY], state[kX]);
    const double r_angle = dynamics.theta[kEcgWaveR];
    const double before = WrapAngle(phase - r_angle);
    const double after = WrapAngle(new_phase - r_angle);
    if (before < 0.0 && after >= 0.0 && after - before < kPi) {
      const double t_cross = t + step_s * (-before) / (after - before);
      pending_peaks.push_back(
          std::llround(t_cross * static_cast<double>(options.sample_rate_hz)));
      omega = kTwoPi / RrAt(t_cross);
    }
    phase = new_phase;
  }
};

EcgSynGenerator::EcgSynGenerator(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
EcgSynGenerator::EcgSynGenerator(EcgSynGenerator&&) noexcept = default;
EcgSynGenerator& EcgSynGenerator::operator=(EcgSynGenerator&&) noexcept =
    default;
EcgSynGenerator::~EcgSynGenerator() = default;

Result<EcgSynGenerator> EcgSynGenerator::Create(const EcgSynOptions& options) {
  JUMEAU_RETURN_IF_ERROR(ValidateEcgSynOptions(options));
  auto s = std::make_unique<State>();
  s->options = options;
  const EcgSynOptions& o = s->options;
  s->total_samples = SampleRate(o.sample_rate_hz, 1).SamplesIn(o.duration);
  s->factor = o.internal_rate_factor;
  s->internal_rate_hz =
      static_cast<double>(o.sample_rate_hz) * static_cast<double>(s->factor);
  s->step_s = 1.0 / s->internal_rate_hz;

  // Wave positions and widths at the mean heart rate.
  const double hr_factor =
      o.scale_with_heart_rate ? std::sqrt(o.heart_rate_mean_bpm / 60.0) : 1.0;
  const double sqrt_factor = std::sqrt(hr_factor);
  const std::array<double, kEcgWaveCount> theta_factor = {
      sqrt_factor, hr_factor, 1.0, hr_factor, sqrt_factor};
  for (int i = 0; i < kEcgWaveCount; ++i) {
    const double b = o.timing.width_rad[i] * hr_factor;
    s->dynamics.theta[i] = WrapAngle(o.timing.theta_rad[i] * theta_factor[i]);
    s->dynamics.inv_two_b2[i] = 1.0 / (2.0 * b * b);
    s->dynamics.cutoff2[i] = kCutoffWidths * kCutoffWidths * b * b;
  }
  s->dynamics.resp_rad_per_s = kTwoPi * o.hf_hz;

  // Calibration: the noise-free paper beat at the constant mean rate, over
  // the second beat (the first absorbs the start), without baseline.
  {
    Dynamics calib = s->dynamics;
    calib.baseline_mv = 0.0;
    StateVector cs = InitialState(calib);
    const double rr_mean_s = 60.0 / o.heart_rate_mean_bpm;
    const double omega = kTwoPi / rr_mean_s;
    const int64_t beat_steps =
        static_cast<int64_t>(std::ceil(rr_mean_s * s->internal_rate_hz));
    double peak = 0.0;
    for (int64_t k = 0; k < 3 * beat_steps; ++k) {
      calib.Rk4Step(s->TimeOfStep(k), s->step_s, omega, &cs);
      if (k >= beat_steps) {
        double z = 0.0;
        for (int i = 0; i < kEcgWaveCount; ++i) z += kPaperA[i] * cs[kZ0 + i];
        peak = std::max(peak, std::abs(z));
      }
    }
    if (!(peak > 0.0) || !std::isfinite(peak)) {
      return InvalidArgumentError(
          "ECGSYN options: the paper beat has no deflection with this "
          "timing; cannot calibrate the mV gain");
    }
    s->gain_mv = o.paper_peak_mv / peak;
  }
  for (const EcgLead& lead : o.leads) {
    std::array<double, kEcgWaveCount> w{};
    for (int i = 0; i < kEcgWaveCount; ++i) w[i] = s->gain_mv * lead.a[i];
    s->lead_weights.push_back(w);
  }

  // Tachogram over the duration plus a margin.
  const double rr_mean_s = 60.0 / o.heart_rate_mean_bpm;
  const double rr_std_s = 60.0 * o.heart_rate_std_bpm /
                          (o.heart_rate_mean_bpm * o.heart_rate_mean_bpm);
  const size_t used = static_cast<size_t>(
      std::ceil((o.duration.seconds() + kTachogramMarginS) * kTachogramRateHz));
  Rng phase_rng(DeriveSeed(o.seed, 1));
  s->tachogram = MakeTachogram(o, used, rr_mean_s, rr_std_s, &phase_rng);

  s->dynamics.baseline_mv = o.baseline_wander_mv;
  s->state = InitialState(s->dynamics);
  s->phase = std::atan2(s->state[kY], s->state[kX]);
  s->omega = kTwoPi / s->RrAt(0.0);
  s->noise_rng = Rng(DeriveSeed(o.seed, 2));
  return EcgSynGenerator(std::move(s));
}

int64_t EcgSynGenerator::Next(int64_t max_samples, EcgBlock* block) {
  State& s = *state_;
  const int64_t n =
      std::max<int64_t>(0, std::min(max_samples, s.total_samples - s.produced));
  const size_t lead_count = s.lead_weights.size();
  block->first_sample = s.produced;
  block->leads_mv.resize(lead_count);
  for (auto& lead : block->leads_mv) lead.assign(static_cast<size_t>(n), 0.0);
  block->r_peaks.clear();
  const double noise = s.options.noise_std_mv;

  for (int64_t i = 0; i < n; ++i) {
    for (size_t l = 0; l < lead_count; ++l) {
      const std::array<double, kEcgWaveCount>& w = s.lead_weights[l];
      double v = s.state[kBaseline];
      for (int j = 0; j < kEcgWaveCount; ++j) v += w[j] * s.state[kZ0 + j];
      if (noise > 0.0) v += noise * s.noise_rng.Normal();
      block->leads_mv[l][static_cast<size_t>(i)] = v;
    }
    for (int k = 0; k < s.factor; ++k) s.Advance();
  }
  s.produced += n;

  // Peaks found while stepping past the last sample may round to the next
  // one: keep those for the next block.
  auto split =
      std::partition(s.pending_peaks.begin(), s.pending_peaks.end(),
                     [&](int64_t index) { return index < s.produced; });
  block->r_peaks.assign(s.pending_peaks.begin(), split);
  s.pending_peaks.erase(s.pending_peaks.begin(), split);
  std::sort(block->r_peaks.begin(), block->r_peaks.end());
  return n;
}

int64_t EcgSynGenerator::total_samples() const { return state_->total_samples; }
int64_t EcgSynGenerator::samples_produced() const { return state_->produced; }
const EcgSynOptions& EcgSynGenerator::options() const {
  return state_->options;
}
double EcgSynGenerator::gain_mv() const { return state_->gain_mv; }

Result<EcgSynOutput> GenerateEcgSyn(const EcgSynOptions& options) {
  JUMEAU_ASSIGN_OR_RETURN(EcgSynGenerator generator,
                          EcgSynGenerator::Create(options));
  EcgSynOutput out;
  out.sample_rate_hz = options.sample_rate_hz;
  for (const EcgLead& lead : options.leads) out.labels.push_back(lead.label);
  out.leads_mv.resize(options.leads.size());
  for (auto& lead : out.leads_mv) {
    lead.reserve(static_cast<size_t>(generator.total_samples()));
  }
  EcgBlock block;
  constexpr int64_t kBlockSamples = 1 << 16;
  while (generator.Next(kBlockSamples, &block) > 0) {
    for (size_t l = 0; l < block.leads_mv.size(); ++l) {
      out.leads_mv[l].insert(out.leads_mv[l].end(), block.leads_mv[l].begin(),
                             block.leads_mv[l].end());
    }
    out.r_peaks.insert(out.r_peaks.end(), block.r_peaks.begin(),
                       block.r_peaks.end());
  }
  return out;
}

}  // namespace jumeau::synth
