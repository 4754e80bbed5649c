// Regazzoni et al. 2022 closed-loop 0D circulation: declarations, the
// right-hand side, beat summaries and waveforms. Equations and parameter
// table with units: cardio.h.
#include "jumeau/models/cardio.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "fmt/format.h"

namespace jumeau::models {
namespace {

constexpr double kPi = std::numbers::pi;
// Sharpness of the valves' smooth switch, per mm[Hg] (reference impl.).
constexpr double kValveSharpness = kPi / 2 * 200;

// Parameter layout: heart rate; 4 chambers x 6; 4 valves x 2; 2 beds x 6.
constexpr int kHeartRateParam = 0;
constexpr int kChamberBase = 1;  // + 6 * chamber
constexpr int kValveBase = 25;   // + 2 * valve
constexpr int kBedBase = 33;     // + 6 * bed (0 systemic, 1 pulmonary)
constexpr int kParameterCount = 45;
enum ChamberField { kEActive = 0, kEPassive, kOnset, kTContraction, kTRelaxation, kV0 };
enum BedField { kRAr = 0, kCAr, kRVen, kCVen, kLAr, kLVen };
constexpr const char* kChambers[4] = {"la", "lv", "ra", "rv"};
constexpr const char* kValves[4] = {"mv", "av", "tv", "pv"};
constexpr const char* kBeds[2] = {"sys", "pul"};

// Terms of the valve series (degree 14): with |c u| <= 1/2 and |u| <= 1/16
// the truncation error is below 1e-16 relative.
constexpr int kValveSeriesTerms = 15;

// Parameters in the form the right-hand side uses, with everything that
// does not depend on (t, y) precomputed once per simulation.
struct Coefficients {
  double period;      // s
  double inv_period;  // 1/s
  struct Chamber {
    double e_active, e_passive, onset, t_contraction, t_relaxation, v0;
    int timing;  // index into `timing`: chambers sharing tC, TC, TR share it
  } chamber[4];
  // The distinct activation timings (the atria share one, the ventricles
  // another with the defaults), so each activation is computed once.
  struct Timing {
    double onset, t_contraction, t_relaxation, pi_over_tc, pi_over_tr;
  } timing[4];
  int timing_count;
  // The four valves (MV, AV, TV, PV) as lanes, so that their flows are
  // computed together (vectorised where the CPU allows).
  struct Valves {
    double log_r_min[4], log_ratio[4];  // ln Rmin, ln(Rmax / Rmin)
    double inv_r_min[4], inv_r_max[4];  // 1 / Rmin, 1 / Rmax
    // Taylor coefficients in u of g(u) = exp(ln(Rmax/Rmin) atan(u) / pi),
    // term-major, used for |u| = |1/x| <= 1/x_far (see ValveFlows).
    double g[kValveSeriesTerms][4];
    double x_far[4];  // |x| from which ValveFlows uses the series (>= 16)
  } valves;
  struct Bed {
    double r_ar, inv_c_ar, r_ven, inv_c_ven, inv_l_ar, inv_l_ven;
  } bed[2];
};

Coefficients MakeCoefficients(std::span<const double> p) {
  Coefficients c;
  c.period = 60.0 / p[kHeartRateParam];
  c.inv_period = 1.0 / c.period;
  c.timing_count = 0;
  for (int i = 0; i < 4; ++i) {
    const double* q = &p[kChamberBase + 6 * i];
    int timing = 0;
    while (timing < c.timing_count &&
           !(c.timing[timing].onset == q[kOnset] &&
             c.timing[timing].t_contraction == q[kTContraction] &&
             c.timing[timing].t_relaxation == q[kTRelaxation])) {
      ++timing;
    }
    if (timing == c.timing_count) {
      c.timing[timing] = {q[kOnset], q[kTContraction], q[kTRelaxation],
                          kPi / q[kTContraction], kPi / q[kTRelaxation]};
      ++c.timing_count;
    }
    c.chamber[i] = {q[kEActive],      q[kEPassive],     q[kOnset],
                    q[kTContraction], q[kTRelaxation], q[kV0],
                    timing};
  }
  for (int i = 0; i < 4; ++i) {
    const double r_min = p[kValveBase + 2 * i];
    const double r_max = p[kValveBase + 2 * i + 1];
    auto& v = c.valves;
    v.log_r_min[i] = std::log(r_min);
    v.log_ratio[i] = std::log(r_max / r_min);
    v.inv_r_min[i] = std::exp(-v.log_r_min[i]);
    v.inv_r_max[i] = std::exp(-(v.log_r_min[i] + v.log_ratio[i]));
    // g = exp(c atan(u)) solves (1 + u^2) g' = c g, so its coefficients obey
    // (n + 1) g_{n+1} = c g_n - (n - 1) g_{n-1}, g_0 = 1, g_1 = c.
    const double cc = v.log_ratio[i] / kPi;
    v.g[0][i] = 1.0;
    v.g[1][i] = cc;
    for (int n = 1; n + 1 < kValveSeriesTerms; ++n) {
      v.g[n + 1][i] = (cc * v.g[n][i] - (n - 1) * v.g[n - 1][i]) / (n + 1);
    }
    // The series needs |u| <= 1/16 and |c u| <= 1/2.
    v.x_far[i] = std::max(16.0, 2.0 * std::abs(cc));
  }
  for (int i = 0; i < 2; ++i) {
    const double* q = &p[kBedBase + 6 * i];
    c.bed[i] = {q[kRAr], 1 / q[kCAr], q[kRVen], 1 / q[kCVen], 1 / q[kLAr],
                1 / q[kLVen]};
  }
  return c;
}

// cos(theta) for 0 <= theta <= pi, as -sin(theta - pi/2) by its Taylor
// series to degree 19 (truncation below 3e-16 on [-pi/2, pi/2]): the
// activation's cosine without libm's argument reduction (the golden tests
// against SciPy's libm solution cover it).
inline double CosZeroToPi(double theta) {
  // sin x = x (1 - x2/(2.3) (1 - x2/(4.5) (1 - ... (1 - x2/(18.19)))))
  constexpr double kInv[10] = {0,           1.0 / 6,     1.0 / 20,
                               1.0 / 42,    1.0 / 72,    1.0 / 110,
                               1.0 / 156,   1.0 / 210,   1.0 / 272,
                               1.0 / 342};  // 1 / (2k (2k + 1))
  const double x = theta - kPi / 2, x2 = x * x;
  double r = 1.0;
  for (int k = 9; k >= 1; --k) r = 1.0 - x2 * kInv[k] * r;
  return -x * r;
}

// Cosine activation in [0, 1] at time t for one timing: the phase
// m = (t - tC) mod T_HB, then the formula of cardio.h. The phase is
// computed with floor instead of fmod (equal up to one rounding of t).
inline double Activation(const Coefficients::Timing& tm, double period,
                         double inv_period, double t) {
  double m = t - tm.onset;
  m -= period * std::floor(m * inv_period);
  if (m < 0) m += period;
  if (m >= period) m -= period;
  if (m < tm.t_contraction) return 0.5 * (1 - CosZeroToPi(tm.pi_over_tc * m));
  m -= tm.t_contraction;
  if (m < tm.t_relaxation) return 0.5 * (1 + CosZeroToPi(tm.pi_over_tr * m));
  return 0.0;
}

// The four valves' flows q from their pressure drops dp = p_up - p_down:
// Q = dp / R with R = Rmin (Rmax/Rmin)^H, H = 1/2 + atan(x)/pi,
// x = sharpness (p_down - p_up) (cardio.h). Far from the switch
// (|x| >= x_far, a valve clearly open or closed) the same formula is
// evaluated through atan(x) = +-pi/2 - atan(1/x):
// 1/R = (1/Rmin if x < 0, else 1/Rmax) exp(ln(Rmax/Rmin) atan(u) / pi) with
// u = 1/x, a power series in u (Valves::g), for the four lanes at once;
// a lane near its switch is then redone with libm. The two agree to a few
// ulp (cardio_test checks it).
inline void ValveFlows(const Coefficients::Valves& v, const double (&dp)[4],
                       double (&q)[4]) {
  double x[4], u[4];
  for (int i = 0; i < 4; ++i) {
    x[i] = -kValveSharpness * dp[i];
    // A lane at x = 0 gives u = inf here; it is near its switch and redone.
    u[i] = 1.0 / x[i];
  }
  for (int i = 0; i < 4; ++i) {
    // Estrin's scheme for the degree-14 polynomial.
    const auto& g = v.g;
    const double w = u[i], w2 = w * w, w4 = w2 * w2, w8 = w4 * w4;
    const double p01 = g[0][i] + g[1][i] * w, p23 = g[2][i] + g[3][i] * w,
                 p45 = g[4][i] + g[5][i] * w, p67 = g[6][i] + g[7][i] * w,
                 p89 = g[8][i] + g[9][i] * w, p1011 = g[10][i] + g[11][i] * w,
                 p1213 = g[12][i] + g[13][i] * w;
    const double q0 = p01 + p23 * w2, q1 = p45 + p67 * w2,
                 q2 = p89 + p1011 * w2, q3 = p1213 + g[14][i] * w2;
    const double series = (q0 + q1 * w4) + (q2 + q3 * w4) * w8;
    q[i] = dp[i] * (x[i] < 0 ? v.inv_r_min[i] : v.inv_r_max[i]) * series;
  }
  for (int i = 0; i < 4; ++i) {
    if (!(std::abs(x[i]) >= v.x_far[i])) {
      const double h = 0.5 + std::atan(x[i]) / kPi;
      q[i] = dp[i] * std::exp(-(v.log_r_min[i] + v.log_ratio[i] * h));
    }
  }
}

// Chamber pressures and valve flows at (t, y).
struct Algebraic {
  double p[4];  // LA, LV, RA, RV
  double q[4];  // MV, AV, TV, PV
};

inline Algebraic Evaluate(const Coefficients& c, double t, const double* y) {
  double phi[4];
  for (int k = 0; k < c.timing_count; ++k) {
    phi[k] = Activation(c.timing[k], c.period, c.inv_period, t);
  }
  Algebraic a;
  for (int i = 0; i < 4; ++i) {
    const auto& ch = c.chamber[i];
    const double e = ch.e_passive + ch.e_active * phi[ch.timing];
    a.p[i] = e * (y[kVLa + i] - ch.v0);
  }
  const double dp[4] = {a.p[0] - a.p[1], a.p[1] - y[kPArSys], a.p[2] - a.p[3],
                         a.p[3] - y[kPArPul]};
  ValveFlows(c.valves, dp, a.q);
  return a;
}

inline void CardioRhs(const Coefficients& c, double t, const double* y,
                      double* dy) {
  const Algebraic a = Evaluate(c, t, y);
  const auto& s = c.bed[0];
  const auto& u = c.bed[1];
  dy[kVLa] = y[kQVenPul] - a.q[0];
  dy[kVLv] = a.q[0] - a.q[1];
  dy[kVRa] = y[kQVenSys] - a.q[2];
  dy[kVRv] = a.q[2] - a.q[3];
  dy[kPArSys] = (a.q[1] - y[kQArSys]) * s.inv_c_ar;
  dy[kPVenSys] = (y[kQArSys] - y[kQVenSys]) * s.inv_c_ven;
  dy[kPArPul] = (a.q[3] - y[kQArPul]) * u.inv_c_ar;
  dy[kPVenPul] = (y[kQArPul] - y[kQVenPul]) * u.inv_c_ven;
  dy[kQArSys] = -(s.r_ar * y[kQArSys] + y[kPVenSys] - y[kPArSys]) * s.inv_l_ar;
  dy[kQVenSys] = -(s.r_ven * y[kQVenSys] + a.p[2] - y[kPVenSys]) * s.inv_l_ven;
  dy[kQArPul] = -(u.r_ar * y[kQArPul] + y[kPVenPul] - y[kPArPul]) * u.inv_l_ar;
  dy[kQVenPul] = -(u.r_ven * y[kQVenPul] + a.p[0] - y[kPVenPul]) * u.inv_l_ven;
}

constexpr double kDefaultInitialState[kCardioStateCount] = {
    65.0, 120.0, 65.0, 145.0, 80.0, 30.0, 35.0, 24.0, 0.0, 0.0, 0.0, 0.0};

// Aortic pressure samples per beat for the diastolic decay time.
constexpr int kDecaySamples = 256;
// Where the decay window starts: diastolic + this fraction of the pulse
// pressure (jumeau/analysis/abp.h AbpOptions::decay_start_fraction).
constexpr double kDecayStartFraction = 0.5;

// The diastolic decay time (cardio.h CardioBeat::diastolic_decay_time_s) of
// one periodic beat sampled at `n` points `dt` apart: the same steps as
// analysis::DiastolicDecayTime (models/ may not depend on analysis/), on the
// beat rotated to start at its minimum. NaN when not defined.
double DecayTime(const double* samples, int n, double dt) {
  int low = 0, peak = 0;
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(samples[i])) return NAN;
    if (samples[i] < samples[low]) low = i;
    if (samples[i] > samples[peak]) peak = i;
  }
  auto at = [&](int i) { return samples[(low + i) % n]; };  // foot to foot
  const double pulse = samples[peak] - samples[low];
  if (!(pulse > 0)) return NAN;
  const double threshold = samples[low] + kDecayStartFraction * pulse;
  int start = (peak - low + n) % n + 1;
  while (start < n && at(start) > threshold) ++start;
  const int count = n - start;
  if (count < 5 || (count - 1) * dt < 0.1) return NAN;
  const double mean_i = 0.5 * (count - 1);
  double mean_log = 0;
  for (int i = start; i < n; ++i) {
    if (!(at(i) > 0)) return NAN;
    mean_log += std::log(at(i));
  }
  mean_log /= count;
  double sxy = 0, sxx = 0;
  for (int i = start; i < n; ++i) {
    const double x = (i - start) - mean_i;
    sxy += x * (std::log(at(i)) - mean_log);
    sxx += x * x;
  }
  const double slope = sxy / sxx / dt;
  return slope < 0 ? -1.0 / slope : NAN;
}

// The maximum over [t0, t1] of the derivative of component i's cubic
// Hermite interpolant (OdeStep::Interpolate): with s = (t - t0) / h and
// d = (y1 - y0) / h, dy/dt = f0 + (6d - 4f0 - 2f1) s + (3f0 + 3f1 - 6d) s^2,
// maximised at s = 0 (f0), s = 1 (f1) or the vertex when it is a maximum
// inside the step.
double MaxSlope(const OdeStep& step, std::size_t i) {
  const double h = step.t1 - step.t0;
  const double f0 = step.f0[i], f1 = step.f1[i];
  double best = std::max(f0, f1);
  if (!(h > 0)) return best;
  const double d = (step.y1[i] - step.y0[i]) / h;
  const double a = 3 * f0 + 3 * f1 - 6 * d;
  const double b = 6 * d - 4 * f0 - 2 * f1;
  if (a < 0) {
    const double s = -b / (2 * a);
    if (s > 0 && s < 1) best = std::max(best, f0 + s * (b + a * s));
  }
  return best;
}

// Accumulates one beat's extrema and mean from accepted solver steps, and
// samples p_AR_SYS at kDecaySamples uniform times from the beat's start
// (the first step's t0) for the decay time.
struct BeatAccumulator {
  double v_max = -HUGE_VAL, v_min = HUGE_VAL;
  double p_max = -HUGE_VAL, p_min = HUGE_VAL;
  double p_integral = 0;
  double dpdt_max = -HUGE_VAL;  // max d p_AR_SYS / dt of the dense output
  double start = 0;  // time of the beat's start
  double dt = 0;     // period / kDecaySamples
  int sampled = 0;   // samples taken
  double p_samples[kDecaySamples] = {};

  explicit BeatAccumulator(double period) : dt(period / kDecaySamples) {}

  void Add(const OdeStep& step) {
    if (sampled == 0) start = step.t0;
    while (sampled < kDecaySamples) {
      const double t = start + sampled * dt;
      if (t > step.t1) break;
      p_samples[sampled++] = step.Interpolate(kPArSys, std::max(t, step.t0));
    }
    const auto [vlo, vhi] = step.Range(kVLv);
    const auto [plo, phi] = step.Range(kPArSys);
    v_min = std::min(v_min, vlo);
    v_max = std::max(v_max, vhi);
    p_min = std::min(p_min, plo);
    p_max = std::max(p_max, phi);
    p_integral += step.Integral(kPArSys);
    dpdt_max = std::max(dpdt_max, MaxSlope(step, kPArSys));
  }
  CardioBeat Finish(double heart_rate, double period) const {
    CardioBeat b;
    b.heart_rate_per_min = heart_rate;
    b.lv_end_diastolic_volume_ml = v_max;
    b.lv_end_systolic_volume_ml = v_min;
    b.stroke_volume_ml = v_max - v_min;
    b.ejection_fraction_percent = 100.0 * b.stroke_volume_ml / v_max;
    b.cardiac_output_l_per_min = b.stroke_volume_ml * heart_rate / 1000.0;
    b.systolic_pressure_mmhg = p_max;
    b.diastolic_pressure_mmhg = p_min;
    b.mean_arterial_pressure_mmhg = p_integral / period;
    b.diastolic_decay_time_s = sampled == kDecaySamples
                                   ? DecayTime(p_samples, kDecaySamples, dt)
                                   : NAN;
    b.arterial_dpdt_max_mmhg_per_s = dpdt_max;
    return b;
  }
};

Status CheckInitialState(std::span<const double> y) {
  if (y.size() != kCardioStateCount) {
    return InvalidArgumentError(fmt::format(
        "regazzoni2022_cardio: initial state has {} values, expected {}",
        y.size(), static_cast<int>(kCardioStateCount)));
  }
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      return InvalidArgumentError(fmt::format(
          "regazzoni2022_cardio: initial state component {} is not finite", i));
    }
  }
  return Status::Ok();
}

}  // namespace

std::vector<double> CardioBeat::AsOutputs() const {
  std::vector<double> v(kCardioOutputCount);
  v[kSystolicPressure] = systolic_pressure_mmhg;
  v[kDiastolicPressure] = diastolic_pressure_mmhg;
  v[kMeanArterialPressure] = mean_arterial_pressure_mmhg;
  v[kHeartRate] = heart_rate_per_min;
  v[kLvEjectionFraction] = ejection_fraction_percent;
  v[kCardiacOutput] = cardiac_output_l_per_min;
  v[kStrokeVolume] = stroke_volume_ml;
  v[kLvEndDiastolicVolume] = lv_end_diastolic_volume_ml;
  v[kLvEndSystolicVolume] = lv_end_systolic_volume_ml;
  v[kDiastolicDecayTime] = diastolic_decay_time_s;
  v[kArterialDpdtMax] = arterial_dpdt_max_mmhg_per_s;
  return v;
}

std::string CardioBeat::BriefReport() const {
  return fmt::format(
      "LV EDV {:.1f} mL, ESV {:.1f} mL, SV {:.1f} mL, EF {:.1f}%, aortic "
      "pressure {:.1f}/{:.1f} mmHg (mean {:.1f}), CO {:.2f} L/min at {:.0f} "
      "beats/min",
      lv_end_diastolic_volume_ml, lv_end_systolic_volume_ml, stroke_volume_ml,
      ejection_fraction_percent, systolic_pressure_mmhg,
      diastolic_pressure_mmhg, mean_arterial_pressure_mmhg,
      cardiac_output_l_per_min, heart_rate_per_min);
}

const Trace* CardioWaveforms::Find(std::string_view name) const {
  for (const Trace& t : traces) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Regazzoni2022Cardio::Regazzoni2022Cardio() {
  auto positive = [&](std::string name, std::string unit, double value,
                      double log_sd, std::string description) {
    parameters_.push_back({std::move(name), std::move(unit), value,
                           Prior::LogNormal(value, log_sd), value * 1e-3,
                           value * 1e3, std::move(description)});
  };
  parameters_.push_back({"heart_rate", "/min", 75.0, Prior::LogNormal(75.0, 0.2),
                         20.0, 250.0, "heart rate (T_HB = 60 / heart_rate s)"});
  struct ChamberDefaults {
    double ea, eb, onset, tc, tr, v0;
    const char* label;
  };
  const ChamberDefaults chambers[4] = {
      {0.07, 0.09, 0.80, 0.17, 0.17, 4.0, "left atrium"},
      {2.75, 0.08, 0.00, 0.34, 0.17, 5.0, "left ventricle"},
      {0.06, 0.07, 0.80, 0.17, 0.17, 4.0, "right atrium"},
      {0.55, 0.05, 0.00, 0.34, 0.17, 10.0, "right ventricle"}};
  for (int i = 0; i < 4; ++i) {
    const ChamberDefaults& d = chambers[i];
    const std::string c = kChambers[i];
    positive("e_active_" + c, "mm[Hg]/mL", d.ea, 0.3,
             std::string(d.label) + " active elastance amplitude EA");
    positive("e_passive_" + c, "mm[Hg]/mL", d.eb, 0.3,
             std::string(d.label) + " passive elastance EB");
    parameters_.push_back({"t_onset_" + c, "s", d.onset,
                           Prior::Normal(d.onset, 0.05), 0.0, 2.0,
                           std::string(d.label) + " contraction onset tC"});
    parameters_.push_back({"t_contraction_" + c, "s", d.tc,
                           Prior::LogNormal(d.tc, 0.2), 0.01, 1.0,
                           std::string(d.label) + " contraction duration TC"});
    parameters_.push_back({"t_relaxation_" + c, "s", d.tr,
                           Prior::LogNormal(d.tr, 0.2), 0.01, 1.0,
                           std::string(d.label) + " relaxation duration TR"});
    positive("v0_" + c, "mL", d.v0, 0.3,
             std::string(d.label) + " unstressed volume V0");
  }
  for (int i = 0; i < 4; ++i) {
    const std::string v = kValves[i];
    positive("r_min_" + v, "mm[Hg].s/mL", 0.0075, 0.5,
             "valve " + v + " resistance when open");
    positive("r_max_" + v, "mm[Hg].s/mL", 75006.2, 0.5,
             "valve " + v + " resistance when closed");
  }
  struct BedDefaults {
    double r_ar, c_ar, r_ven, c_ven, l_ar, l_ven;
    const char* label;
  };
  const BedDefaults beds[2] = {{0.8, 1.2, 0.26, 60.0, 5e-3, 5e-4, "systemic"},
                               {0.1625, 10.0, 0.1625, 16.0, 5e-4, 5e-4,
                                "pulmonary"}};
  for (int i = 0; i < 2; ++i) {
    const BedDefaults& d = beds[i];
    const std::string b = kBeds[i];
    const std::string label = d.label;
    positive("r_ar_" + b, "mm[Hg].s/mL", d.r_ar, 0.3, label + " arterial resistance");
    positive("c_ar_" + b, "mL/mm[Hg]", d.c_ar, 0.3, label + " arterial compliance");
    positive("r_ven_" + b, "mm[Hg].s/mL", d.r_ven, 0.3, label + " venous resistance");
    positive("c_ven_" + b, "mL/mm[Hg]", d.c_ven, 0.3, label + " venous compliance");
    positive("l_ar_" + b, "mm[Hg].s2/mL", d.l_ar, 0.3, label + " arterial inertance");
    positive("l_ven_" + b, "mm[Hg].s2/mL", d.l_ven, 0.3, label + " venous inertance");
  }
  states_ = {
      {"v_la", "mL", "left atrial volume"},
      {"v_lv", "mL", "left ventricular volume"},
      {"v_ra", "mL", "right atrial volume"},
      {"v_rv", "mL", "right ventricular volume"},
      {"p_ar_sys", "mm[Hg]", "systemic arterial (aortic) pressure"},
      {"p_ven_sys", "mm[Hg]", "systemic venous pressure"},
      {"p_ar_pul", "mm[Hg]", "pulmonary arterial pressure"},
      {"p_ven_pul", "mm[Hg]", "pulmonary venous pressure"},
      {"q_ar_sys", "mL/s", "systemic arterial flow"},
      {"q_ven_sys", "mL/s", "systemic venous flow"},
      {"q_ar_pul", "mL/s", "pulmonary arterial flow"},
      {"q_ven_pul", "mL/s", "pulmonary venous flow"},
  };
  const std::string loinc = code_system::kLoinc;
  const std::string own = kModelOutputCodeSystem;
  outputs_ = {
      {"systolic_pressure", {loinc, "8480-6", "Systolic blood pressure"}, "mm[Hg]"},
      {"diastolic_pressure", {loinc, "8462-4", "Diastolic blood pressure"}, "mm[Hg]"},
      {"mean_arterial_pressure", {loinc, "8478-0", "Mean blood pressure"}, "mm[Hg]"},
      {"heart_rate", {loinc, "8867-4", "Heart rate"}, "/min"},
      {"lv_ejection_fraction", {loinc, "10230-1", "Left ventricular Ejection fraction"}, "%"},
      {"cardiac_output", {loinc, "8741-1", "Left ventricular Cardiac output"}, "L/min"},
      {"stroke_volume", {loinc, "20562-5", "Left ventricular Stroke volume"}, "mL"},
      {"lv_end_diastolic_volume", {own, "lv_end_diastolic_volume", "LV end-diastolic volume"}, "mL"},
      {"lv_end_systolic_volume", {own, "lv_end_systolic_volume", "LV end-systolic volume"}, "mL"},
      {"diastolic_decay_time", {own, "diastolic_decay_time", "Arterial diastolic pressure decay time constant"}, "s"},
      {"arterial_dpdt_max", {own, "arterial_dpdt_max", "Arterial pressure maximum rate of rise (dP/dt max)"}, "mm[Hg]/s"},
  };
}

void Regazzoni2022Cardio::InitialState(std::span<const double> /*params*/,
                                       std::span<double> y) const {
  std::copy(std::begin(kDefaultInitialState), std::end(kDefaultInitialState),
            y.begin());
}

void Regazzoni2022Cardio::Rhs(double t, std::span<const double> y,
                              std::span<const double> params,
                              std::span<double> dydt) const {
  const Coefficients c = MakeCoefficients(params);
  CardioRhs(c, t, y.data(), dydt.data());
}

Result<std::vector<double>> Regazzoni2022Cardio::Observe(
    std::span<const double> params) const {
  JUMEAU_ASSIGN_OR_RETURN(CardioSimulation sim, SimulateToSteadyState(params));
  return sim.beat.AsOutputs();
}

namespace {

Status CheckCardioParameters(const Model& model, std::span<const double> p) {
  JUMEAU_RETURN_IF_ERROR(ValidateParameters(model, p));
  const double period = 60.0 / p[kHeartRateParam];
  for (int i = 0; i < 4; ++i) {
    const double tc = p[kChamberBase + 6 * i + kTContraction];
    const double tr = p[kChamberBase + 6 * i + kTRelaxation];
    if (tc + tr > period) {
      return InvalidArgumentError(fmt::format(
          "regazzoni2022_cardio: {} contraction + relaxation ({} s) exceeds "
          "the beat period {} s at {} beats/min",
          kChambers[i], tc + tr, period, p[kHeartRateParam]));
    }
  }
  if (static_cast<int>(p.size()) != kParameterCount) {
    return InvalidArgumentError("regazzoni2022_cardio: wrong parameter count");
  }
  return Status::Ok();
}

// Integrates one beat [t0, t1] of the model with coefficients `c`, adding
// every accepted step to `acc`: the hot loop of every simulation, with the
// right-hand side and the accumulator inlined into the solver. Compiled for
// x86-64-v3 (AVX2, FMA) and for baseline x86-64; the loader picks the one
// the CPU runs, so results may differ between CPUs in the last bits
// (vectorised sums), never between runs on one machine.
[[gnu::target_clones("arch=x86-64-v3", "default"), gnu::flatten]] Status
IntegrateBeat(
    const Coefficients& c, DormandPrince54& solver, double t0, double t1,
    std::span<double> y, BeatAccumulator& acc) {
  return solver.IntegrateInline(
      [&c](double t, const double* yy, double* dy) { CardioRhs(c, t, yy, dy); },
      t0, t1, y, [&acc](const OdeStep& step) { acc.Add(step); });
}

}  // namespace

Result<std::vector<CardioBeat>> Regazzoni2022Cardio::SimulateBeats(
    std::span<const double> params, std::span<const double> initial_state,
    int beats, const CardioOptions& options) const {
  JUMEAU_RETURN_IF_ERROR(CheckCardioParameters(*this, params));
  JUMEAU_RETURN_IF_ERROR(CheckInitialState(initial_state));
  const Coefficients c = MakeCoefficients(params);
  std::vector<double> y(initial_state.begin(), initial_state.end());
  DormandPrince54 solver(kCardioStateCount, options.ode);
  std::vector<CardioBeat> out;
  out.reserve(std::max(beats, 0));
  for (int k = 0; k < beats; ++k) {
    BeatAccumulator acc(c.period);
    JUMEAU_RETURN_IF_ERROR(
        IntegrateBeat(c, solver, k * c.period, (k + 1) * c.period, y, acc));
    out.push_back(acc.Finish(params[kHeartRateParam], c.period));
  }
  return out;
}

Result<CardioSimulation> Regazzoni2022Cardio::SimulateToSteadyState(
    std::span<const double> params, const CardioOptions& options,
    std::span<const double> initial_state) const {
  JUMEAU_RETURN_IF_ERROR(CheckCardioParameters(*this, params));
  std::vector<double> y(std::begin(kDefaultInitialState),
                        std::end(kDefaultInitialState));
  if (!initial_state.empty()) {
    JUMEAU_RETURN_IF_ERROR(CheckInitialState(initial_state));
    y.assign(initial_state.begin(), initial_state.end());
  }
  const Coefficients c = MakeCoefficients(params);
  DormandPrince54 solver(kCardioStateCount, options.ode);
  PeriodicSteadyStateOptions pss;
  pss.period = c.period;
  pss.relative_tolerance = options.steady_state_tolerance;
  pss.max_periods = options.max_beats;
  // The decay-time fit runs once, on the converged beat: each beat's
  // accumulator is kept until the next one ends.
  BeatAccumulator acc(c.period), last_acc(c.period);
  auto status_or = FindPeriodicSteadyStateWith(
      [&](double start, double end, std::span<double> yy) {
        return IntegrateBeat(c, solver, start, end, yy, acc);
      },
      0.0, y, pss,
      [&](int) {
        last_acc = acc;
        acc = BeatAccumulator(c.period);
      });
  if (!status_or.ok()) {
    return status_or.status().WithPrefix("regazzoni2022_cardio");
  }
  CardioSimulation sim;
  sim.beat = last_acc.Finish(params[kHeartRateParam], c.period);
  sim.beats = status_or->periods;
  sim.relative_change = status_or->relative_change;
  sim.beat_start = y;
  sim.ode = solver.summary();
  return sim;
}

Result<CardioWaveforms> Regazzoni2022Cardio::SimulateWaveforms(
    std::span<const double> params, std::span<const double> times_s,
    const CardioOptions& options, std::span<const double> initial_state) const {
  for (std::size_t j = 0; j < times_s.size(); ++j) {
    if (!(times_s[j] >= 0) || !std::isfinite(times_s[j]) ||
        (j > 0 && times_s[j] < times_s[j - 1])) {
      return InvalidArgumentError(fmt::format(
          "regazzoni2022_cardio: waveform time {} s (index {}) is negative, "
          "not finite or out of order",
          times_s[j], j));
    }
  }
  JUMEAU_ASSIGN_OR_RETURN(
      CardioSimulation sim,
      SimulateToSteadyState(params, options, initial_state));
  const Coefficients c = MakeCoefficients(params);
  const OdeRhs rhs = [&c](double t, std::span<const double> yy,
                          std::span<double> dy) {
    CardioRhs(c, t, yy.data(), dy.data());
  };
  // The steady beat starts at an integer multiple of the period, so the
  // activation phase at waveform time 0 is that of t = 0.
  const double t0 = sim.beats * c.period;
  std::vector<double> abs_times(times_s.begin(), times_s.end());
  for (double& t : abs_times) t += t0;
  JUMEAU_ASSIGN_OR_RETURN(
      std::vector<double> states,
      SolveAtTimes(rhs, t0, sim.beat_start, abs_times, options.ode));
  CardioWaveforms w;
  w.time_s.assign(times_s.begin(), times_s.end());
  const std::size_t n = kCardioStateCount;
  const std::size_t m = times_s.size();
  for (std::size_t i = 0; i < n; ++i) {
    Trace tr{states_[i].name, states_[i].unit, std::vector<double>(m)};
    for (std::size_t j = 0; j < m; ++j) tr.values[j] = states[j * n + i];
    w.traces.push_back(std::move(tr));
  }
  const char* p_names[4] = {"p_la", "p_lv", "p_ra", "p_rv"};
  const char* q_names[4] = {"q_mv", "q_av", "q_tv", "q_pv"};
  std::vector<Trace> extra;
  for (int i = 0; i < 4; ++i) {
    extra.push_back({p_names[i], "mm[Hg]", std::vector<double>(m)});
  }
  for (int i = 0; i < 4; ++i) {
    extra.push_back({q_names[i], "mL/s", std::vector<double>(m)});
  }
  for (std::size_t j = 0; j < m; ++j) {
    const Algebraic a = Evaluate(c, abs_times[j], &states[j * n]);
    for (int i = 0; i < 4; ++i) {
      extra[i].values[j] = a.p[i];
      extra[4 + i].values[j] = a.q[i];
    }
  }
  for (Trace& t : extra) w.traces.push_back(std::move(t));
  return w;
}

}  // namespace jumeau::models
