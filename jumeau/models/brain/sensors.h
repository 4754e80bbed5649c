// The forward model from brain regions to EEG sensors (jumeau/models/brain/,
// pure): a gain matrix G (sensors x regions) so that sensor s reads
// sum_r G[s][r] * source_r. Either given (TVB's projection matrix, read by a
// front end), or the documented distance-based approximation here: the 19
// electrodes of the 10-20 system on a sphere around the region centres, and
// G[s][r] proportional to 1 / |p_s - c_r|^2, each row normalised to sum 1.
#ifndef JUMEAU_MODELS_BRAIN_SENSORS_H_
#define JUMEAU_MODELS_BRAIN_SENSORS_H_

#include <string>
#include <vector>

#include "jumeau/core/status.h"
#include "jumeau/models/brain/network.h"

namespace jumeau::models::brain {

// A region-to-sensor projection.
struct SensorProjection {
  std::vector<std::string> labels;  // sensors
  std::vector<double>
      positions_mm;  // sensors x 3, in the connectome's frame (may be empty)
  int regions = 0;
  std::vector<double> gain;  // sensors x regions, row-major
  int sensors() const { return static_cast<int>(labels.size()); }
};

// The 19 electrodes of the international 10-20 system (Fp1 ... O2), with
// their idealised spherical coordinates (azimuth from the nasion towards the
// left ear, elevation above the nasion-inion-preauricular plane), degrees.
struct Electrode1020 {
  const char* label;
  double azimuth_deg;
  double elevation_deg;
};
const std::vector<Electrode1020>& Standard1020();

// The distance-based approximation: electrodes placed on a sphere centred at
// the middle of the region centres' bounding box, radius = the largest
// centre distance from it plus `scalp_margin_mm` [10 mm], axes x anterior,
// y left, z superior (TVB's default connectivity); gain 1 / d^2, rows
// normalised to sum 1 (removed or centreless regions get 0).
// Returns InvalidArgument when the connectivity has no centres.
Result<SensorProjection> DistanceProjection1020(
    const Connectivity& connectivity, double scalp_margin_mm = 10.0);

// Projects one observable of a trace to the sensors.
// Inputs: trace (samples x regions), observable index. Outputs: sensors x
// samples, row-major (one sensor's time series contiguous). NaN sources
// (removed regions) contribute 0.
// REQUIRES: projection.regions == trace.regions.
std::vector<double> ProjectToSensors(const SensorProjection& projection,
                                     const NetworkTrace& trace,
                                     int observable = 0);

}  // namespace jumeau::models::brain

#endif  // JUMEAU_MODELS_BRAIN_SENSORS_H_
