// The network simulator of network.h: flat node-major state arrays, a
// sparse (CSR) weight list with per-edge delays, and one ring buffer per
// coupled quantity laid out source-major ([region][slot]), so that the
// delayed reads of consecutive steps fall in the same cache lines.
#include "jumeau/models/brain/network.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "jumeau/core/random.h"

namespace jumeau::models::brain {
namespace {

constexpr int kMaxHistorySteps = 1 << 24;

bool Finite(double v) { return std::isfinite(v); }

// Default constant history of each model (see NetworkConfig).
std::vector<double> DefaultInitialState(NeuralMassKind kind) {
  switch (kind) {
    case NeuralMassKind::kJansenRit:
      return std::vector<double>(6, 0.0);
    case NeuralMassKind::kEpileptor:
      return {-1.6232, -12.1738, 3.1072, -0.8436, 0.0, -0.1623};
    case NeuralMassKind::kEpileptor2D:
      return {-1.6232, 3.1072};
  }
  return {};
}

// One incoming edge of a target region: source, weight, delay in steps.
struct Edge {
  int64_t offset;  // source * history: the source's row in a ring buffer
  int64_t delay;
  double weight;
};

}  // namespace

int StateCount(NeuralMassKind kind) {
  return kind == NeuralMassKind::kEpileptor2D ? 2 : 6;
}

Status ValidateConnectivity(const Connectivity& c) {
  const std::size_t n = c.labels.size();
  if (n == 0) return InvalidArgumentError("connectivity has no regions");
  if (c.weights.size() != n * n)
    return InvalidArgumentError(
        fmt::format("connectivity: {} weights for {} regions (expected {})",
                    c.weights.size(), n, n * n));
  if (c.tract_lengths_mm.size() != n * n)
    return InvalidArgumentError(fmt::format(
        "connectivity: {} tract lengths for {} regions (expected {})",
        c.tract_lengths_mm.size(), n, n * n));
  if (!c.centres_mm.empty() && c.centres_mm.size() != 3 * n)
    return InvalidArgumentError(fmt::format(
        "connectivity: {} centre coordinates for {} regions (expected {})",
        c.centres_mm.size(), n, 3 * n));
  for (std::size_t k = 0; k < n * n; ++k) {
    if (!Finite(c.weights[k]) || c.weights[k] < 0)
      return InvalidArgumentError(
          fmt::format("connectivity: weights[{}][{}] = {} is not a finite "
                      "non-negative number",
                      k / n, k % n, c.weights[k]));
    if (!Finite(c.tract_lengths_mm[k]) || c.tract_lengths_mm[k] < 0)
      return InvalidArgumentError(
          fmt::format("connectivity: tract_lengths[{}][{}] = {} is not a "
                      "finite non-negative number",
                      k / n, k % n, c.tract_lengths_mm[k]));
  }
  for (double v : c.centres_mm)
    if (!Finite(v))
      return InvalidArgumentError("connectivity: a centre is not finite");
  return Status::Ok();
}

int FindRegion(const Connectivity& c, const std::string& label) {
  for (int i = 0; i < c.regions(); ++i)
    if (c.labels[i] == label) return i;
  return -1;
}

void NormalizeWeightsToMax(Connectivity* connectivity) {
  double max = 0;
  for (double w : connectivity->weights) max = std::max(max, w);
  if (max > 0)
    for (double& w : connectivity->weights) w /= max;
}

Result<NetworkTrace> SimulateNetwork(const Connectivity& conn,
                                     const NetworkConfig& cfg) {
  JUMEAU_RETURN_IF_ERROR(ValidateConnectivity(conn));
  const int n = conn.regions();
  const int ns = StateCount(cfg.model);
  const bool jr = cfg.model == NeuralMassKind::kJansenRit;
  const bool epi6 = cfg.model == NeuralMassKind::kEpileptor;

  if (!(cfg.dt_ms > 0) || !Finite(cfg.dt_ms))
    return InvalidArgumentError(
        fmt::format("dt {} ms is not positive", cfg.dt_ms));
  if (!(cfg.duration_ms > 0) || !Finite(cfg.duration_ms))
    return InvalidArgumentError(
        fmt::format("duration {} ms is not positive", cfg.duration_ms));
  if (!(cfg.monitor_period_ms > 0) || !Finite(cfg.monitor_period_ms))
    return InvalidArgumentError("monitor period is not positive");
  const double steps_per_sample_d = cfg.monitor_period_ms / cfg.dt_ms;
  const int64_t m = std::llround(steps_per_sample_d);
  if (m < 1 || std::abs(steps_per_sample_d - static_cast<double>(m)) >
                   1e-9 * steps_per_sample_d)
    return InvalidArgumentError(fmt::format(
        "monitor period {} ms is not a whole number of steps of {} ms",
        cfg.monitor_period_ms, cfg.dt_ms));
  const double total_steps_d = cfg.duration_ms / cfg.dt_ms;
  if (total_steps_d > 4e9)
    return InvalidArgumentError("duration / dt exceeds 4e9 steps");
  const int64_t samples =
      static_cast<int64_t>(std::floor(total_steps_d / m + 1e-9));
  const int64_t total_steps = samples * m;
  if (samples < 1)
    return InvalidArgumentError("duration is shorter than one monitor period");
  if (!cfg.region_mu.empty() && static_cast<int>(cfg.region_mu.size()) != n)
    return InvalidArgumentError(fmt::format(
        "region_mu has {} values for {} regions", cfg.region_mu.size(), n));
  if (!cfg.region_x0.empty() && static_cast<int>(cfg.region_x0.size()) != n)
    return InvalidArgumentError(fmt::format(
        "region_x0 has {} values for {} regions", cfg.region_x0.size(), n));
  if (!cfg.removed.empty() && static_cast<int>(cfg.removed.size()) != n)
    return InvalidArgumentError("removed has the wrong size");
  for (double v : cfg.region_mu)
    if (!Finite(v)) return InvalidArgumentError("region_mu is not finite");
  for (double v : cfg.region_x0)
    if (!Finite(v)) return InvalidArgumentError("region_x0 is not finite");
  if (!cfg.noise_nsig.empty() && static_cast<int>(cfg.noise_nsig.size()) != ns)
    return InvalidArgumentError(
        fmt::format("noise has {} values for {} state variables",
                    cfg.noise_nsig.size(), ns));
  for (double v : cfg.noise_nsig)
    if (!Finite(v) || v < 0)
      return InvalidArgumentError("noise nsig must be finite and >= 0");
  std::vector<double> init = cfg.initial_state.empty()
                                 ? DefaultInitialState(cfg.model)
                                 : cfg.initial_state;
  if (static_cast<int>(init.size()) != ns)
    return InvalidArgumentError(fmt::format(
        "initial state has {} values for {} state variables", init.size(), ns));
  for (const Stimulus& s : cfg.stimuli) {
    for (int r : s.regions)
      if (r < 0 || r >= n)
        return InvalidArgumentError(
            fmt::format("stimulus region {} is unknown", r));
    if (!Finite(s.amplitude) || !Finite(s.start_ms) || !Finite(s.duration_ms) ||
        !Finite(s.frequency_hz) || !Finite(s.pulse_width_ms))
      return InvalidArgumentError("stimulus values must be finite");
  }
  if (cfg.coupling.kind == CouplingKind::kSigmoidalJansenRit && !jr)
    return InvalidArgumentError(
        "sigmoidal Jansen-Rit coupling needs the Jansen-Rit model");

  const auto removed = [&](int i) {
    return !cfg.removed.empty() && cfg.removed[i];
  };

  // Delays and the sparse incoming edge list (CSR by target).
  const bool delays = cfg.speed_mm_per_ms > 0 && Finite(cfg.speed_mm_per_ms);
  std::vector<int> row_start(n + 1, 0);
  std::vector<Edge> edges;
  std::vector<double> row_sum(n, 0.0);
  int max_delay = 0;
  for (int i = 0; i < n; ++i) {
    row_start[i] = static_cast<int>(edges.size());
    if (removed(i)) continue;
    for (int j = 0; j < n; ++j) {
      const double w = conn.weights[static_cast<std::size_t>(i) * n + j];
      if (w == 0.0 || removed(j)) continue;
      int d = 0;
      if (delays) {
        const double steps = std::nearbyint(
            conn.tract_lengths_mm[static_cast<std::size_t>(i) * n + j] /
            cfg.speed_mm_per_ms / cfg.dt_ms);
        if (steps >= kMaxHistorySteps)
          return InvalidArgumentError(fmt::format(
              "delay from {} to {} needs {} steps of history (limit {})",
              conn.labels[j], conn.labels[i], steps, kMaxHistorySteps));
        d = static_cast<int>(steps);
      }
      max_delay = std::max(max_delay, d);
      edges.push_back({j, d, w});  // offset scaled below
      row_sum[i] += w;
    }
  }
  row_start[n] = static_cast<int>(edges.size());
  int history = 1;
  while (history < max_delay + 1) history <<= 1;
  const int mask = history - 1;
  for (Edge& e : edges) e.offset *= history;

  // Coupled quantities (channels) and which are needed.
  const Coupling& cp = cfg.coupling;
  const bool difference = cp.kind == CouplingKind::kDifference;
  const bool sigmoid = cp.kind == CouplingKind::kSigmoidalJansenRit;
  int channels = 1;
  bool need[2] = {true, false};
  if (epi6) {
    channels = 2;
    need[0] = cfg.epileptor.Kvf != 0.0 || cfg.epileptor.Ks != 0.0;
    need[1] = cfg.epileptor.Kf != 0.0;
  } else if (!jr) {
    need[0] = cfg.epileptor.Kvf != 0.0 || cfg.epileptor.Ks != 0.0;
  }
  // The state variable each channel carries (JR sigmoid: y1 - y2, below).
  const int channel_var[2] = {jr ? 1 : 0, 3};
  const JansenRitConstants& kjr = cfg.jansen_rit;
  const auto pre = [&](const double* y, int ch) -> double {
    if (sigmoid) {
      return cp.cmin +
             (cp.cmax - cp.cmin) /
                 (1.0 + std::exp(cp.r * (cp.midpoint - (y[1] - y[2]))));
    }
    return y[channel_var[ch]];
  };

  std::vector<double> ring[2];
  for (int ch = 0; ch < channels; ++ch)
    if (need[ch]) ring[ch].assign(static_cast<std::size_t>(n) * history, 0.0);

  std::vector<double> x(static_cast<std::size_t>(n) * ns);
  for (int i = 0; i < n; ++i)
    for (int s = 0; s < ns; ++s) x[i * ns + s] = init[s];
  for (int ch = 0; ch < channels; ++ch) {
    if (!need[ch]) continue;
    const double v = pre(init.data(), ch);
    std::fill(ring[ch].begin(), ring[ch].end(), v);
  }

  std::vector<double> mu(n, kjr.mu), x0(n, -2.4);
  if (!cfg.region_mu.empty()) mu = cfg.region_mu;
  if (!cfg.region_x0.empty()) x0 = cfg.region_x0;

  // Noise amplitudes sqrt(dt) sqrt(2 nsig) per state variable.
  std::vector<double> noise_amp(ns, 0.0);
  bool noisy = false;
  for (int s = 0; s < static_cast<int>(cfg.noise_nsig.size()); ++s) {
    noise_amp[s] = std::sqrt(cfg.dt_ms) * std::sqrt(2.0 * cfg.noise_nsig[s]);
    noisy = noisy || noise_amp[s] != 0.0;
  }
  Rng rng(cfg.seed);

  NetworkTrace trace;
  trace.regions = n;
  trace.samples = static_cast<int>(samples);
  trace.period_ms = cfg.monitor_period_ms;
  trace.steps = total_steps;
  trace.max_delay_steps = max_delay;
  if (jr) {
    trace.observables = {"y1-y2"};
    trace.units = {"mV"};
  } else if (epi6) {
    trace.observables = {"x2-x1", "z"};
    trace.units = {"1", "1"};
  } else {
    trace.observables = {"x1", "z"};
    trace.units = {"1", "1"};
  }
  const int nobs = static_cast<int>(trace.observables.size());
  trace.values.assign(
      nobs, std::vector<double>(static_cast<std::size_t>(samples) * n));

  std::vector<double> c[2] = {std::vector<double>(n, 0.0),
                              std::vector<double>(n, 0.0)};
  std::vector<double> u(n, 0.0);
  std::vector<double> k1(x.size()), k2(x.size()), xt(x.size()),
      eta(x.size(), 0.0);
  std::vector<double> acc(static_cast<std::size_t>(nobs) * n, 0.0);
  const double dt = cfg.dt_ms;
  const EpileptorConstants& kep = cfg.epileptor;

  const auto rhs = [&](const std::vector<double>& state,
                       std::vector<double>& out) {
    for (int i = 0; i < n; ++i) {
      if (removed(i)) continue;
      const double* y = &state[i * ns];
      double* dy = &out[i * ns];
      if (jr) {
        internal::JansenRitRhs(kjr, mu[i], y, c[0][i] + u[i], dy);
      } else if (epi6) {
        internal::EpileptorRhs(kep, x0[i], y, c[0][i], c[1][i], u[i], dy);
      } else {
        internal::Epileptor2DRhs(kep, x0[i], y, c[0][i], u[i], dy);
      }
    }
  };

  int64_t sample = 0;
  int64_t in_window = 0;
  for (int64_t step = 1; step <= total_steps; ++step) {
    // Coupling from the history: x_j(step - 1 - d_ij), and x_i(step - 1).
    const int64_t base = step - 1;
    for (int ch = 0; ch < channels; ++ch) {
      if (!need[ch]) continue;
      const double* hist = ring[ch].data();
      for (int i = 0; i < n; ++i) {
        double sum = 0.0;
        for (int e = row_start[i]; e < row_start[i + 1]; ++e) {
          const Edge& ed = edges[e];
          sum += ed.weight * hist[ed.offset + ((base - ed.delay) & mask)];
        }
        if (difference) sum -= row_sum[i] * x[i * ns + channel_var[ch]];
        c[ch][i] = cp.a * sum + (cp.kind == CouplingKind::kLinear ? cp.b : 0.0);
      }
    }
    // Stimuli at the step's start time.
    if (!cfg.stimuli.empty()) {
      std::fill(u.begin(), u.end(), 0.0);
      const double t = static_cast<double>(base) * dt;
      for (const Stimulus& s : cfg.stimuli) {
        if (t < s.start_ms || t >= s.start_ms + s.duration_ms) continue;
        if (s.frequency_hz > 0) {
          const double period = 1000.0 / s.frequency_hz;
          if (std::fmod(t - s.start_ms, period) >= s.pulse_width_ms) continue;
        }
        for (int r : s.regions) u[r] += s.amplitude;
      }
    }
    if (noisy) {
      for (int s = 0; s < ns; ++s) {
        if (noise_amp[s] == 0.0) continue;
        for (int i = 0; i < n; ++i)
          eta[i * ns + s] = noise_amp[s] * rng.Normal();
      }
    }
    rhs(x, k1);
    if (cfg.integrator == IntegratorKind::kHeun) {
      for (std::size_t k = 0; k < x.size(); ++k)
        xt[k] = x[k] + dt * k1[k] + eta[k];
      rhs(xt, k2);
      for (int i = 0; i < n; ++i) {
        if (removed(i)) continue;
        for (int s = 0; s < ns; ++s) {
          const int k = i * ns + s;
          x[k] += 0.5 * dt * (k1[k] + k2[k]) + eta[k];
        }
      }
    } else {
      for (int i = 0; i < n; ++i) {
        if (removed(i)) continue;
        for (int s = 0; s < ns; ++s) {
          const int k = i * ns + s;
          x[k] += dt * k1[k] + eta[k];
        }
      }
    }
    // History.
    const int64_t slot = step & mask;
    for (int ch = 0; ch < channels; ++ch) {
      if (!need[ch]) continue;
      double* hist = ring[ch].data();
      for (int i = 0; i < n; ++i)
        hist[static_cast<std::size_t>(i) * history + slot] =
            pre(&x[i * ns], ch);
    }
    // Monitor.
    for (int i = 0; i < n; ++i) {
      const double* y = &x[i * ns];
      if (jr) {
        acc[i] += y[1] - y[2];
      } else if (epi6) {
        acc[i] += y[3] - y[0];
        acc[n + i] += y[2];
      } else {
        acc[i] += y[0];
        acc[n + i] += y[1];
      }
    }
    if (++in_window == m) {
      for (int o = 0; o < nobs; ++o) {
        double* dst = &trace.values[o][static_cast<std::size_t>(sample) * n];
        for (int i = 0; i < n; ++i) {
          const double v = acc[o * n + i] / static_cast<double>(m);
          if (!Finite(v))
            return OutOfRangeError(fmt::format(
                "the state of region {} became non-finite by t = {} ms",
                conn.labels[i], static_cast<double>(step) * dt));
          dst[i] = removed(i) ? std::numeric_limits<double>::quiet_NaN() : v;
        }
      }
      std::fill(acc.begin(), acc.end(), 0.0);
      in_window = 0;
      ++sample;
    }
  }
  return trace;
}

std::vector<RegionSeizures> DetectSeizures(const NetworkTrace& trace,
                                           NeuralMassKind kind, double gap_ms) {
  std::vector<RegionSeizures> out(trace.regions);
  const bool two_d = kind == NeuralMassKind::kEpileptor2D;
  for (int r = 0; r < trace.regions; ++r) {
    RegionSeizures& s = out[r];
    s.region = r;
    double last = -1e300;
    for (int k = 0; k < trace.samples; ++k) {
      const double v = trace.at(0, k, r);
      const bool in = two_d ? v > 0.0 : v < 0.0;
      if (!in) continue;
      const double t = (k + 0.5) * trace.period_ms;
      if (!s.seizes) {
        s.seizes = true;
        s.onset_ms = t;
      }
      if (t - last > gap_ms) s.onsets_ms.push_back(t);
      last = t;
      s.ms_in_seizure += trace.period_ms;
    }
  }
  return out;
}

}  // namespace jumeau::models::brain
