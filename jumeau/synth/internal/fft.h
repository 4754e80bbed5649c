// A small in-place radix-2 complex FFT for the synthetic signal generators in
// jumeau/synth (spectral shaping of noise: the ECGSYN RR tachogram, EEG 1/f
// background and alpha). Internal to jumeau/synth; not a general DSP API.
#ifndef JUMEAU_SYNTH_INTERNAL_FFT_H_
#define JUMEAU_SYNTH_INTERNAL_FFT_H_

#include <complex>
#include <cstddef>
#include <vector>

namespace jumeau::synth::internal {

// True when n is a power of two (n >= 1).
bool IsPowerOfTwo(size_t n);

// The smallest power of two >= n (1 for n == 0).
// REQUIRES: n <= 2^62.
size_t NextPowerOfTwo(size_t n);

// Transforms `data` in place.
// Forward:  X[k] = sum_n x[n] exp(-2 pi i k n / N).
// Inverse:  x[n] = sum_k X[k] exp(+2 pi i k n / N)  (unnormalised: divide by
//           N yourself for the true inverse).
// Deterministic: the same input gives bit-identical output (twiddles are
// computed directly with cos/sin, not by recurrence).
// REQUIRES: IsPowerOfTwo(data->size()).
void Fft(std::vector<std::complex<double>>* data, bool inverse);

}  // namespace jumeau::synth::internal

#endif  // JUMEAU_SYNTH_INTERNAL_FFT_H_
