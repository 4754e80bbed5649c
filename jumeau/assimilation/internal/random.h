// Deterministic random numbers for the filters in jumeau/assimilation.
// Same construction as jumeau/synth/internal/random.h (which this layer may
// not include): raw mt19937_64 outputs, 53-bit uniforms, Box-Muller normals,
// so a seed gives the same ensemble on every platform (up to log/cos/sin).
#ifndef JUMEAU_ASSIMILATION_INTERNAL_RANDOM_H_
#define JUMEAU_ASSIMILATION_INTERNAL_RANDOM_H_

#include <cstdint>
#include <random>

namespace jumeau::assimilation::internal {

// A Rng is a seeded stream of uniform and standard normal variates.
// Not thread-safe: one Rng per thread.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1), 53 random bits.
  double Uniform();
  // Standard normal (mean 0, variance 1) by the Box-Muller transform; the
  // second variate of each pair is kept for the next call.
  double Normal();

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace jumeau::assimilation::internal

#endif  // JUMEAU_ASSIMILATION_INTERNAL_RANDOM_H_
