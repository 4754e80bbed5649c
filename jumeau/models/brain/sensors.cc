// The 10-20 distance-based EEG forward model of sensors.h.
#include "jumeau/models/brain/sensors.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace jumeau::models::brain {

const std::vector<Electrode1020>& Standard1020() {
  // Midline at azimuth 0 (front) / 180 (back); the lateral ring at 18 deg
  // elevation every 36 deg (10% / 20% steps of the 10-20 system); C3/C4 at
  // 54 deg elevation over the ears; F3/F4/P3/P4 where the 20% chains cross.
  static const std::vector<Electrode1020> kElectrodes = {
      {"Fp1", 18, 18},  {"Fp2", -18, 18}, {"F7", 54, 18},   {"F3", 40, 42},
      {"Fz", 0, 54},    {"F4", -40, 42},  {"F8", -54, 18},  {"T3", 90, 18},
      {"C3", 90, 54},   {"Cz", 0, 90},    {"C4", -90, 54},  {"T4", -90, 18},
      {"T5", 126, 18},  {"P3", 140, 42},  {"Pz", 180, 54},  {"P4", -140, 42},
      {"T6", -126, 18}, {"O1", 162, 18},  {"O2", -162, 18},
  };
  return kElectrodes;
}

Result<SensorProjection> DistanceProjection1020(const Connectivity& conn,
                                                double scalp_margin_mm) {
  const int n = conn.regions();
  if (conn.centres_mm.size() != static_cast<std::size_t>(3 * n) || n == 0)
    return InvalidArgumentError(
        "the connectivity has no region centres (needed for the 10-20 "
        "distance approximation; give a gain matrix instead)");
  double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300};
  for (int r = 0; r < n; ++r)
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], conn.centres_mm[3 * r + a]);
      hi[a] = std::max(hi[a], conn.centres_mm[3 * r + a]);
    }
  double centre[3];
  for (int a = 0; a < 3; ++a) centre[a] = 0.5 * (lo[a] + hi[a]);
  double radius = 0;
  for (int r = 0; r < n; ++r) {
    double d2 = 0;
    for (int a = 0; a < 3; ++a) {
      const double d = conn.centres_mm[3 * r + a] - centre[a];
      d2 += d * d;
    }
    radius = std::max(radius, std::sqrt(d2));
  }
  radius += scalp_margin_mm;
  SensorProjection p;
  p.regions = n;
  const double deg = std::numbers::pi / 180.0;
  for (const Electrode1020& e : Standard1020()) {
    p.labels.push_back(e.label);
    const double az = e.azimuth_deg * deg, el = e.elevation_deg * deg;
    const double dir[3] = {std::cos(el) * std::cos(az),
                           std::cos(el) * std::sin(az), std::sin(el)};
    for (int a = 0; a < 3; ++a)
      p.positions_mm.push_back(centre[a] + radius * dir[a]);
  }
  const int ns = p.sensors();
  p.gain.assign(static_cast<std::size_t>(ns) * n, 0.0);
  for (int s = 0; s < ns; ++s) {
    double total = 0;
    for (int r = 0; r < n; ++r) {
      double d2 = 0;
      for (int a = 0; a < 3; ++a) {
        const double d = p.positions_mm[3 * s + a] - conn.centres_mm[3 * r + a];
        d2 += d * d;
      }
      const double g = 1.0 / std::max(d2, 1.0);
      p.gain[static_cast<std::size_t>(s) * n + r] = g;
      total += g;
    }
    for (int r = 0; r < n; ++r)
      p.gain[static_cast<std::size_t>(s) * n + r] /= total;
  }
  return p;
}

std::vector<double> ProjectToSensors(const SensorProjection& p,
                                     const NetworkTrace& trace,
                                     int observable) {
  const int ns = p.sensors(), n = trace.regions, t = trace.samples;
  std::vector<double> out(static_cast<std::size_t>(ns) * t, 0.0);
  const std::vector<double>& v = trace.values[observable];
  for (int k = 0; k < t; ++k) {
    const double* row = &v[static_cast<std::size_t>(k) * n];
    for (int s = 0; s < ns; ++s) {
      const double* g = &p.gain[static_cast<std::size_t>(s) * n];
      double sum = 0;
      for (int r = 0; r < n; ++r)
        if (std::isfinite(row[r])) sum += g[r] * row[r];
      out[static_cast<std::size_t>(s) * t + k] = sum;
    }
  }
  return out;
}

}  // namespace jumeau::models::brain
