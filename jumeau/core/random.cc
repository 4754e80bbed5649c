// Seed derivation and variates over mt19937_64. See random.h.
#include "jumeau/core/random.h"

#include <cmath>
#include <numbers>

namespace jumeau {

uint64_t DeriveSeed(uint64_t seed, uint64_t stream) {
  // SplitMix64 (Steele, Lea & Flood 2014) applied twice so that nearby seeds
  // and streams give unrelated states.
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return mix(mix(seed) ^ (stream * 0xd1b54a32d192ed03ULL));
}

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

double Rng::Exponential(double mean) {
  return -mean * std::log(1.0 - Uniform());
}

}  // namespace jumeau
