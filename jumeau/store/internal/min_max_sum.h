// MinMaxSum: the smallest and largest of a run of samples and their sum,
// eight samples a step with AVX2 where the CPU has it. Shared by the pyramid
// builder and the store's window read. Internal to store/.
#ifndef JUMEAU_STORE_INTERNAL_MIN_MAX_SUM_H_
#define JUMEAU_STORE_INTERNAL_MIN_MAX_SUM_H_

#include <cstddef>
#include <cstdint>

namespace jumeau::store::internal {

// Folds samples[0, n) into *lo and *hi (already set, e.g. to samples[0]) and
// adds their sum to *sum. REQUIRES: samples holds n values (any n >= 0).
void MinMaxSum(const int32_t* samples, size_t n, int32_t* lo, int32_t* hi,
               int64_t* sum);

// The same, one sample a step (the reference for tests).
void MinMaxSumScalar(const int32_t* samples, size_t n, int32_t* lo, int32_t* hi,
                     int64_t* sum);

}  // namespace jumeau::store::internal

#endif  // JUMEAU_STORE_INTERNAL_MIN_MAX_SUM_H_
