// Deterministic random numbers for the synthetic generators (jumeau/synth)
// and the ensemble filters (jumeau/assimilation).
// std::mt19937_64 is fully specified by the C++ standard, but the standard
// distributions are not, so uniform and normal variates are derived here from
// the raw 64-bit outputs (53-bit uniforms, Box-Muller normals).
#ifndef JUMEAU_CORE_RANDOM_H_
#define JUMEAU_CORE_RANDOM_H_

#include <cstdint>
#include <random>

namespace jumeau {

// Returns a well-mixed 64-bit seed for sub-stream `stream` of `seed`
// (SplitMix64 finaliser over seed and stream), so that one user seed feeds
// independent generators (tachogram phases, measurement noise, ...).
uint64_t DeriveSeed(uint64_t seed, uint64_t stream);

// A Rng is a seeded stream of variates whose values are identical on every
// platform for the same seed, up to the platform's log/cos/sin (used by
// Normal()). Not thread-safe: one Rng per thread.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // The next raw 64-bit output of mt19937_64.
  uint64_t NextBits() { return engine_(); }
  // Uniform in [0, 1), 53 random bits.
  double Uniform();
  // Standard normal (mean 0, variance 1) by the Box-Muller transform; the
  // second variate of each pair is kept for the next call.
  double Normal();
  // Exponential with the given mean (> 0).
  double Exponential(double mean);

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace jumeau

#endif  // JUMEAU_CORE_RANDOM_H_
