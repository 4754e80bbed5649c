// CPU feature switch of the store's codec (cpu_features.h).
#include "jumeau/store/internal/cpu_features.h"

#include <atomic>

namespace jumeau::store::internal {
namespace {

std::atomic<bool> avx2_disabled{false};

bool CpuHasAvx2() {
#if defined(__x86_64__)
  static const bool has = __builtin_cpu_supports("avx2") != 0;
  return has;
#else
  return false;
#endif
}

}  // namespace

bool UseAvx2() {
  return CpuHasAvx2() && !avx2_disabled.load(std::memory_order_relaxed);
}

void DisableAvx2ForTesting(bool off) {
  avx2_disabled.store(off, std::memory_order_relaxed);
}

}  // namespace jumeau::store::internal
