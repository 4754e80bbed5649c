// Variates over mt19937_64. See random.h.
#include "jumeau/assimilation/internal/random.h"

#include <cmath>
#include <numbers>

namespace jumeau::assimilation::internal {

double Rng::Uniform() {
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double Rng::Normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = 1.0 - Uniform();  // (0, 1]: log is finite
  const double u2 = Uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

}  // namespace jumeau::assimilation::internal
