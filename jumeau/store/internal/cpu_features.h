// Which vector paths the store's codec takes: the CPU's features, read once,
// with a switch for tests, which run every code path on one machine and
// compare them. Internal to store/.
#ifndef JUMEAU_STORE_INTERNAL_CPU_FEATURES_H_
#define JUMEAU_STORE_INTERNAL_CPU_FEATURES_H_

namespace jumeau::store::internal {

// True when the AVX2 paths run: the CPU has AVX2 and tests did not turn them
// off. Cheap (one relaxed atomic load).
bool UseAvx2();

// Tests only: with `off`, every AVX2 path falls back to its SSE2 or scalar
// twin (which must give the same results). Not for concurrent use with
// encoding on other threads.
void DisableAvx2ForTesting(bool off);

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_CPU_FEATURES_H_
