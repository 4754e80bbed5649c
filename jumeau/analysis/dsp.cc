// Signal processing for analysis/: Butterworth SOS design and zero-phase
// filtering, FIR design, polyphase resampling, Welch PSD (kissfft, BSD-3, the
// header-only double-precision template of Debian's libkissfft-dev) and the
// Lomb-Scargle periodogram. Conventions follow scipy.signal; see dsp.h.
#include "jumeau/analysis/dsp.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <complex>
#include <kissfft.hh>
#include <numeric>
#include <optional>
#include <string>
#include <utility>

#include "fmt/format.h"

namespace jumeau::analysis {
namespace {

using Complex = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

Status CheckCutoffs(FilterType type, double low_hz, double high_hz,
                    SampleRate rate, const char* what) {
  if (!rate.valid()) {
    return InvalidArgumentError(fmt::format("{}: invalid sample rate", what));
  }
  const double nyquist = rate.hz() / 2.0;
  auto in_range = [&](double f) {
    return std::isfinite(f) && f > 0.0 && f < nyquist;
  };
  if (!in_range(low_hz)) {
    return InvalidArgumentError(fmt::format(
        "{}: cutoff {} Hz is not in (0, {}) Hz", what, low_hz, nyquist));
  }
  if (type == FilterType::kBandPass) {
    if (!in_range(high_hz)) {
      return InvalidArgumentError(
          fmt::format("{}: upper cutoff {} Hz is not in (0, {}) Hz", what,
                      high_hz, nyquist));
    }
    if (high_hz <= low_hz) {
      return InvalidArgumentError(
          fmt::format("{}: band {}..{} Hz is empty", what, low_hz, high_hz));
    }
  }
  return Status::Ok();
}

// The second-order polynomial with roots r1, r2: [1, -(r1+r2), r1 r2].
void RootsToQuadratic(Complex r1, Complex r2, double* c1, double* c2) {
  *c1 = -(r1 + r2).real();
  *c2 = (r1 * r2).real();
}

// Splits `roots` (closed under conjugation) into pairs: each complex root with
// its conjugate, then the real roots two by two; a last odd real root is
// returned alone (second of the pair empty).
std::vector<std::pair<Complex, std::optional<Complex>>> PairRoots(
    std::vector<Complex> roots) {
  std::vector<std::pair<Complex, std::optional<Complex>>> pairs;
  std::vector<Complex> reals;
  const double eps = 1e-10;
  std::sort(roots.begin(), roots.end(),
            [](Complex a, Complex b) { return std::abs(a) < std::abs(b); });
  std::vector<bool> used(roots.size(), false);
  for (size_t i = 0; i < roots.size(); ++i) {
    if (used[i]) continue;
    if (std::abs(roots[i].imag()) <= eps * std::max(1.0, std::abs(roots[i]))) {
      reals.push_back(Complex(roots[i].real(), 0.0));
      used[i] = true;
      continue;
    }
    // Find the conjugate.
    size_t best = roots.size();
    double best_distance = 0.0;
    for (size_t j = i + 1; j < roots.size(); ++j) {
      if (used[j]) continue;
      const double d = std::abs(roots[j] - std::conj(roots[i]));
      if (best == roots.size() || d < best_distance) {
        best = j;
        best_distance = d;
      }
    }
    used[i] = true;
    if (best < roots.size()) {
      used[best] = true;
      pairs.push_back({roots[i], std::conj(roots[i])});
    } else {
      reals.push_back(Complex(roots[i].real(), 0.0));
    }
  }
  std::sort(reals.begin(), reals.end(),
            [](Complex a, Complex b) { return a.real() < b.real(); });
  for (size_t i = 0; i + 1 < reals.size(); i += 2) {
    pairs.push_back({reals[i], reals[i + 1]});
  }
  if (reals.size() % 2 == 1) pairs.push_back({reals.back(), std::nullopt});
  return pairs;
}

// Modified Bessel function of the first kind, order 0 (power series).
double BesselI0(double x) {
  double sum = 1.0;
  double term = 1.0;
  const double q = x * x / 4.0;
  for (int k = 1; k < 500; ++k) {
    term *= q / (static_cast<double>(k) * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

std::vector<double> SymmetricWindow(FirWindow window, int n, double beta) {
  std::vector<double> w(n, 1.0);
  if (n == 1) return w;
  const double m = n - 1;
  for (int i = 0; i < n; ++i) {
    switch (window) {
      case FirWindow::kHamming:
        w[i] = 0.54 - 0.46 * std::cos(2.0 * kPi * i / m);
        break;
      case FirWindow::kHann:
        w[i] = 0.5 - 0.5 * std::cos(2.0 * kPi * i / m);
        break;
      case FirWindow::kKaiser: {
        const double r = 2.0 * i / m - 1.0;
        w[i] = BesselI0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) /
               BesselI0(beta);
        break;
      }
    }
  }
  return w;
}

double Sinc(double x) {
  if (x == 0.0) return 1.0;
  return std::sin(kPi * x) / (kPi * x);
}

// firwin on cutoffs normalised to Nyquist (0 < c < 1). `bands` are [left,
// right] pairs in that unit, in increasing order.
std::vector<double> FirWin(int taps,
                           std::span<const std::pair<double, double>> bands,
                           const std::vector<double>& window) {
  const double alpha = 0.5 * (taps - 1);
  std::vector<double> h(taps, 0.0);
  for (int i = 0; i < taps; ++i) {
    const double m = i - alpha;
    for (const auto& [left, right] : bands) {
      h[i] += right * Sinc(right * m);
      h[i] -= left * Sinc(left * m);
    }
    h[i] *= window[i];
  }
  const auto [left, right] = bands.front();
  double scale_frequency = 0.0;
  if (left == 0.0) {
    scale_frequency = 0.0;
  } else if (right == 1.0) {
    scale_frequency = 1.0;
  } else {
    scale_frequency = 0.5 * (left + right);
  }
  double s = 0.0;
  for (int i = 0; i < taps; ++i) {
    s += h[i] * std::cos(kPi * (i - alpha) * scale_frequency);
  }
  for (double& v : h) v /= s;
  return h;
}

std::vector<double> PeriodicWindow(SpectralWindow window, int64_t n) {
  std::vector<double> w(n);
  const double a = window == SpectralWindow::kHann ? 0.5 : 0.54;
  for (int64_t i = 0; i < n; ++i) {
    w[i] = a - (1.0 - a) * std::cos(2.0 * kPi * static_cast<double>(i) /
                                    static_cast<double>(n));
  }
  return w;
}

// |FFT(x)|^2 for bins 0..n/2 of a real input of length n (kissfft<double>;
// the half-length complex transform when n is even).
class PowerSpectrum {
 public:
  explicit PowerSpectrum(int64_t n)
      : n_(n),
        even_(n % 2 == 0),
        fft_(even_ ? static_cast<size_t>(n / 2) : static_cast<size_t>(n),
             false),
        out_(even_ ? n / 2 : n),
        in_(even_ ? 0 : n) {}

  // `x` has n_ values; adds |X[k]|^2 * weight(k) to acc[k] for k <= n/2.
  void Accumulate(const double* x, std::vector<double>* acc) {
    if (even_) {
      fft_.transform_real(x, out_.data());
      const int64_t half = n_ / 2;
      // out_[0] packs DC (real) and Nyquist (imag).
      (*acc)[0] += out_[0].real() * out_[0].real();
      (*acc)[half] += out_[0].imag() * out_[0].imag();
      for (int64_t k = 1; k < half; ++k) (*acc)[k] += std::norm(out_[k]);
    } else {
      for (int64_t i = 0; i < n_; ++i) in_[i] = Complex(x[i], 0.0);
      fft_.transform(in_.data(), out_.data());
      for (int64_t k = 0; k <= n_ / 2; ++k) (*acc)[k] += std::norm(out_[k]);
    }
  }

 private:
  int64_t n_;
  bool even_;
  kissfft<double> fft_;
  std::vector<Complex> out_;
  std::vector<Complex> in_;
};

}  // namespace

std::vector<double> ToPhysical(std::span<const int32_t> samples, double scale,
                               double offset) {
  std::vector<double> out(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    out[i] = samples[i] * scale + offset;
  }
  return out;
}

Result<std::vector<Biquad>> DesignButterworth(FilterType type, int order,
                                              double low_hz, double high_hz,
                                              SampleRate rate) {
  if (order < 1 || order > 32) {
    return InvalidArgumentError(
        fmt::format("Butterworth design: order {} is not in 1..32", order));
  }
  JUMEAU_RETURN_IF_ERROR(
      CheckCutoffs(type, low_hz, high_hz, rate, "Butterworth design"));
  const double fs = rate.hz();
  // Analog prototype (scipy buttap): poles -exp(i pi m / 2N), m = -N+1..N-1
  // step 2; no zeros; gain 1.
  std::vector<Complex> poles;
  for (int m = -order + 1; m < order; m += 2) {
    poles.push_back(-std::exp(Complex(0.0, kPi * m / (2.0 * order))));
  }
  std::vector<Complex> zeros;
  double gain = 1.0;
  // Pre-warp with the internal fs = 2 of scipy's iirfilter.
  auto warp = [&](double f_hz) {
    const double wn = 2.0 * f_hz / fs;  // fraction of Nyquist
    return 4.0 * std::tan(kPi * wn / 2.0);
  };
  const int degree = order;  // poles minus zeros of the prototype
  if (type == FilterType::kLowPass) {
    const double wo = warp(low_hz);
    for (Complex& p : poles) p *= wo;
    gain *= std::pow(wo, degree);
  } else if (type == FilterType::kHighPass) {
    const double wo = warp(low_hz);
    Complex prod_p = 1.0;
    for (Complex& p : poles) {
      prod_p *= -p;
      p = wo / p;
    }
    gain *= (1.0 / prod_p).real();
    zeros.assign(degree, Complex(0.0, 0.0));
  } else {
    const double w1 = warp(low_hz);
    const double w2 = warp(high_hz);
    const double bw = w2 - w1;
    const double wo = std::sqrt(w1 * w2);
    std::vector<Complex> bp;
    for (Complex p : poles) {
      const Complex p_lp = p * (bw / 2.0);
      const Complex root = std::sqrt(p_lp * p_lp - wo * wo);
      bp.push_back(p_lp + root);
      bp.push_back(p_lp - root);
    }
    poles = bp;
    zeros.assign(degree, Complex(0.0, 0.0));
    gain *= std::pow(bw, degree);
  }
  // Bilinear transform with fs = 2 (fs2 = 4).
  const double fs2 = 4.0;
  Complex num = 1.0, den = 1.0;
  for (Complex& z : zeros) {
    num *= fs2 - z;
    z = (fs2 + z) / (fs2 - z);
  }
  for (Complex& p : poles) {
    den *= fs2 - p;
    p = (fs2 + p) / (fs2 - p);
  }
  gain *= (num / den).real();
  // Digital zeros: the mapped analog zeros (at +1 for s = 0) and -1 for each
  // analog zero at infinity.
  int zeros_at_plus_one = static_cast<int>(zeros.size());
  int zeros_at_minus_one = static_cast<int>(poles.size()) - zeros_at_plus_one;

  std::vector<Biquad> sections;
  for (const auto& [p1, p2] : PairRoots(poles)) {
    Biquad s;
    if (p2.has_value()) {
      RootsToQuadratic(p1, *p2, &s.a1, &s.a2);
      // Two zeros: prefer one +1 and one -1 (band-pass), else two alike.
      Complex z1, z2;
      if (zeros_at_plus_one > 0 && zeros_at_minus_one > 0) {
        z1 = 1.0;
        z2 = -1.0;
        --zeros_at_plus_one;
        --zeros_at_minus_one;
      } else if (zeros_at_plus_one >= 2) {
        z1 = z2 = 1.0;
        zeros_at_plus_one -= 2;
      } else {
        z1 = z2 = -1.0;
        zeros_at_minus_one -= 2;
      }
      RootsToQuadratic(z1, z2, &s.b1, &s.b2);
    } else {
      s.a1 = -p1.real();
      s.a2 = 0.0;
      if (zeros_at_plus_one > 0) {
        s.b1 = -1.0;
        --zeros_at_plus_one;
      } else {
        s.b1 = 1.0;
        --zeros_at_minus_one;
      }
      s.b2 = 0.0;
    }
    s.b0 = 1.0;
    sections.push_back(s);
  }
  // scipy's ordering puts the first-order section (if any) first; keep the
  // poles farthest from the unit circle first as well.
  std::stable_sort(sections.begin(), sections.end(),
                   [](const Biquad& a, const Biquad& b) {
                     return (a.a2 == 0.0) > (b.a2 == 0.0);
                   });
  sections[0].b0 *= gain;
  sections[0].b1 *= gain;
  sections[0].b2 *= gain;
  return sections;
}

std::vector<double> SosFilter(std::span<const Biquad> sections,
                              std::span<const double> x) {
  std::vector<double> y(x.begin(), x.end());
  for (const Biquad& s : sections) {
    double z0 = 0.0, z1 = 0.0;
    for (double& v : y) {
      const double in = v;
      const double out = s.b0 * in + z0;
      z0 = s.b1 * in - s.a1 * out + z1;
      z1 = s.b2 * in - s.a2 * out;
      v = out;
    }
  }
  return y;
}

int64_t DefaultFiltFiltPadding(std::span<const Biquad> sections) {
  int64_t b2_zero = 0, a2_zero = 0;
  for (const Biquad& s : sections) {
    b2_zero += s.b2 == 0.0;
    a2_zero += s.a2 == 0.0;
  }
  const int64_t n = static_cast<int64_t>(sections.size());
  return 3 * (2 * n + 1 - std::min(b2_zero, a2_zero));
}

namespace {

// Runs the cascade over y in place, forwards or backwards, starting from
// state zi * x0 per section (scipy sosfilt with zi), where zi is the steady
// state of sosfilt_zi. The section loop is innermost (as scipy's) so the
// recursions of successive sections overlap in the pipeline.
void SosFilterFromSteadyState(std::span<const Biquad> sections,
                              const std::vector<std::array<double, 2>>& zi,
                              double x0, bool backwards,
                              std::vector<double>* y) {
  const size_t m = sections.size();
  std::vector<double> z0(m), z1(m);
  for (size_t k = 0; k < m; ++k) {
    z0[k] = zi[k][0] * x0;
    z1[k] = zi[k][1] * x0;
  }
  const int64_t n = static_cast<int64_t>(y->size());
  double* data = y->data();
  for (int64_t t = 0; t < n; ++t) {
    double& v = data[backwards ? n - 1 - t : t];
    double in = v;
    for (size_t k = 0; k < m; ++k) {
      const Biquad& s = sections[k];
      const double out = s.b0 * in + z0[k];
      z0[k] = s.b1 * in - s.a1 * out + z1[k];
      z1[k] = s.b2 * in - s.a2 * out;
      in = out;
    }
    v = in;
  }
}

// scipy.signal.sosfilt_zi: per section, lfilter_zi(b, a) times the DC gain of
// the sections before it.
std::vector<std::array<double, 2>> SosSteadyState(
    std::span<const Biquad> sections) {
  std::vector<std::array<double, 2>> zi(sections.size());
  double scale = 1.0;
  for (size_t k = 0; k < sections.size(); ++k) {
    const Biquad& s = sections[k];
    // (I - A^T) zi = B with A the companion matrix [[-a1, -a2], [1, 0]]:
    // [[1 + a1, -1], [a2, 1]] zi = [b1 - a1 b0, b2 - a2 b0].
    const double r0 = s.b1 - s.a1 * s.b0;
    const double r1 = s.b2 - s.a2 * s.b0;
    const double det = (1.0 + s.a1) + s.a2;
    const double z0 = (r0 + r1) / det;
    const double z1 = r1 - s.a2 * z0;
    zi[k] = {scale * z0, scale * z1};
    scale *= (s.b0 + s.b1 + s.b2) / (1.0 + s.a1 + s.a2);
  }
  return zi;
}

}  // namespace

Result<std::vector<double>> SosFiltFilt(std::span<const Biquad> sections,
                                        std::span<const double> x,
                                        int64_t padding) {
  if (sections.empty()) {
    return InvalidArgumentError("filtfilt: no filter sections");
  }
  const int64_t pad = padding < 0 ? DefaultFiltFiltPadding(sections) : padding;
  const int64_t n = static_cast<int64_t>(x.size());
  if (n <= pad) {
    return InvalidArgumentError(fmt::format(
        "filtfilt: signal of {} samples is not longer than the padding of {} "
        "samples",
        n, pad));
  }
  // Odd extension (scipy odd_ext).
  std::vector<double> ext(n + 2 * pad);
  for (int64_t i = 0; i < pad; ++i) {
    ext[i] = 2.0 * x[0] - x[pad - i];
    ext[pad + n + i] = 2.0 * x[n - 1] - x[n - 2 - i];
  }
  std::copy(x.begin(), x.end(), ext.begin() + pad);
  const auto zi = SosSteadyState(sections);
  SosFilterFromSteadyState(sections, zi, ext.front(), false, &ext);
  SosFilterFromSteadyState(sections, zi, ext.back(), true, &ext);
  return std::vector<double>(ext.begin() + pad, ext.begin() + pad + n);
}

Result<std::vector<double>> DesignFir(FilterType type, int taps, double low_hz,
                                      double high_hz, SampleRate rate,
                                      const FirOptions& options) {
  if (taps < 1 || taps > (1 << 20)) {
    return InvalidArgumentError(
        fmt::format("FIR design: {} taps is not in 1..{}", taps, 1 << 20));
  }
  JUMEAU_RETURN_IF_ERROR(
      CheckCutoffs(type, low_hz, high_hz, rate, "FIR design"));
  if (type == FilterType::kHighPass && taps % 2 == 0) {
    return InvalidArgumentError(fmt::format(
        "FIR design: a high-pass needs an odd number of taps, got {}", taps));
  }
  const double nyquist = rate.hz() / 2.0;
  std::vector<std::pair<double, double>> bands;
  switch (type) {
    case FilterType::kLowPass:
      bands.push_back({0.0, low_hz / nyquist});
      break;
    case FilterType::kHighPass:
      bands.push_back({low_hz / nyquist, 1.0});
      break;
    case FilterType::kBandPass:
      bands.push_back({low_hz / nyquist, high_hz / nyquist});
      break;
  }
  return FirWin(taps, bands,
                SymmetricWindow(options.window, taps, options.kaiser_beta));
}

std::vector<double> ApplyFir(std::span<const double> taps,
                             std::span<const double> x,
                             FirAlignment alignment) {
  assert(!taps.empty());
  const int64_t n = static_cast<int64_t>(x.size());
  const int64_t m = static_cast<int64_t>(taps.size());
  const int64_t shift = alignment == FirAlignment::kCentered ? (m - 1) / 2 : 0;
  std::vector<double> y(n, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t t = i + shift;  // index into the full convolution
    const int64_t k_lo = std::max<int64_t>(0, t - (n - 1));
    const int64_t k_hi = std::min<int64_t>(m - 1, t);
    double acc = 0.0;
    for (int64_t k = k_lo; k <= k_hi; ++k) acc += taps[k] * x[t - k];
    y[i] = acc;
  }
  return y;
}

Result<std::vector<double>> ResamplePoly(std::span<const double> x, int64_t up,
                                         int64_t down) {
  if (up < 1 || down < 1) {
    return InvalidArgumentError(fmt::format(
        "resample: factors up {} and down {} must be >= 1", up, down));
  }
  const int64_t g = std::gcd(up, down);
  up /= g;
  down /= g;
  if (up > 4096 || down > 4096) {
    return InvalidArgumentError(
        fmt::format("resample: reduced factors {}/{} exceed 4096", up, down));
  }
  if (up == 1 && down == 1) return std::vector<double>(x.begin(), x.end());
  const int64_t n_in = static_cast<int64_t>(x.size());
  if (n_in == 0) return std::vector<double>();
  const int64_t n_out = (n_in * up) / down + ((n_in * up) % down != 0);
  const int64_t max_rate = std::max(up, down);
  const int64_t half_len = 10 * max_rate;
  const int taps = static_cast<int>(2 * half_len + 1);
  std::vector<std::pair<double, double>> band = {
      {0.0, 1.0 / static_cast<double>(max_rate)}};
  std::vector<double> h =
      FirWin(taps, band, SymmetricWindow(FirWindow::kKaiser, taps, 5.0));
  for (double& v : h) v *= static_cast<double>(up);
  // scipy pads the filter in front by n_pre_pad = down - half_len % down
  // zeros and drops the first (half_len + n_pre_pad) / down outputs of
  // upfirdn, so output o is sum_i h[c - i*up] x[i] with c = half_len +
  // o*down: input 0 stays at time 0. Taps beyond the input count as zero.
  // Polyphase form: phase r = c % up uses h[r], h[r + up], ... against
  // x[c/up], x[c/up - 1], ...
  std::vector<std::vector<double>> phases(up);
  for (int64_t j = 0; j < taps; ++j) phases[j % up].push_back(h[j]);
  std::vector<double> y(n_out);
  for (int64_t o = 0; o < n_out; ++o) {
    const int64_t c = half_len + o * down;
    const int64_t i_hi = c / up;
    const std::vector<double>& phase = phases[c % up];
    const int64_t j_min = std::max<int64_t>(0, i_hi - (n_in - 1));
    const int64_t j_max =
        std::min<int64_t>(static_cast<int64_t>(phase.size()) - 1, i_hi);
    double acc = 0.0;
    for (int64_t j = j_min; j <= j_max; ++j) acc += phase[j] * x[i_hi - j];
    y[o] = acc;
  }
  return y;
}

Result<std::vector<double>> Resample(std::span<const double> x, SampleRate from,
                                     SampleRate to) {
  if (!from.valid() || !to.valid()) {
    return InvalidArgumentError("resample: invalid sample rate");
  }
  // to/from = (to.num * from.den) / (to.den * from.num).
  const __int128 up =
      static_cast<__int128>(to.numerator()) * from.denominator();
  const __int128 down =
      static_cast<__int128>(to.denominator()) * from.numerator();
  __int128 a = up, b = down;
  while (b != 0) {
    const __int128 r = a % b;
    a = b;
    b = r;
  }
  const __int128 u = up / a, d = down / a;
  if (u > 4096 || d > 4096) {
    return InvalidArgumentError(fmt::format(
        "resample: {} Hz -> {} Hz needs a ratio with terms above 4096",
        from.ToString(), to.ToString()));
  }
  return ResamplePoly(x, static_cast<int64_t>(u), static_cast<int64_t>(d));
}

Result<Spectrum> Welch(std::span<const double> x, SampleRate rate,
                       const WelchOptions& options) {
  if (!rate.valid()) return InvalidArgumentError("welch: invalid sample rate");
  const int64_t nper = options.segment_length;
  if (nper < 2) {
    return InvalidArgumentError(
        fmt::format("welch: segment length {} is below 2", nper));
  }
  const int64_t noverlap = options.overlap < 0 ? nper / 2 : options.overlap;
  if (noverlap >= nper) {
    return InvalidArgumentError(
        fmt::format("welch: overlap {} is not below the segment length {}",
                    noverlap, nper));
  }
  const int64_t nfft = options.fft_length < 0 ? nper : options.fft_length;
  if (nfft < nper || nfft > (int64_t{1} << 24)) {
    return InvalidArgumentError(
        fmt::format("welch: FFT length {} is not in [segment length {}, 2^24]",
                    nfft, nper));
  }
  const int64_t n = static_cast<int64_t>(x.size());
  if (n < nper) {
    return InvalidArgumentError(fmt::format(
        "welch: {} samples are fewer than one segment of {}", n, nper));
  }
  const double fs = rate.hz();
  const std::vector<double> window = PeriodicWindow(options.window, nper);
  double window_power = 0.0;
  for (double w : window) window_power += w * w;
  const int64_t step = nper - noverlap;
  const int64_t segments = (n - noverlap) / step;
  Spectrum out;
  out.frequency_step_hz = fs / static_cast<double>(nfft);
  out.psd.assign(nfft / 2 + 1, 0.0);
  out.segments = segments;
  PowerSpectrum power(nfft);
  std::vector<double> buffer(nfft, 0.0);
  for (int64_t s = 0; s < segments; ++s) {
    const double* seg = x.data() + s * step;
    double mean = 0.0;
    if (options.detrend == Detrend::kConstant) {
      for (int64_t i = 0; i < nper; ++i) mean += seg[i];
      mean /= static_cast<double>(nper);
    }
    for (int64_t i = 0; i < nper; ++i) buffer[i] = (seg[i] - mean) * window[i];
    power.Accumulate(buffer.data(), &out.psd);
  }
  const double scale =
      1.0 / (fs * window_power * static_cast<double>(segments));
  const size_t last = out.psd.size() - 1;
  for (size_t k = 0; k < out.psd.size(); ++k) {
    double v = out.psd[k] * scale;
    const bool unpaired = k == 0 || (nfft % 2 == 0 && k == last);
    if (!unpaired) v *= 2.0;
    out.psd[k] = v;
  }
  return out;
}

double BandPower(const Spectrum& spectrum, double low_hz, double high_hz) {
  double sum = 0.0;
  for (size_t k = 0; k < spectrum.psd.size(); ++k) {
    const double f = spectrum.FrequencyHz(k);
    if (f >= low_hz && f < high_hz) sum += spectrum.psd[k];
  }
  return sum * spectrum.frequency_step_hz;
}

Result<std::vector<double>> LombScargle(std::span<const double> times_s,
                                        std::span<const double> y,
                                        std::span<const double> frequencies_hz,
                                        bool center) {
  if (times_s.size() != y.size()) {
    return InvalidArgumentError(fmt::format(
        "Lomb-Scargle: {} times but {} values", times_s.size(), y.size()));
  }
  if (times_s.empty()) {
    return InvalidArgumentError("Lomb-Scargle: empty series");
  }
  for (double t : times_s) {
    if (!std::isfinite(t)) {
      return InvalidArgumentError("Lomb-Scargle: a time is not finite");
    }
  }
  for (double f : frequencies_hz) {
    if (!std::isfinite(f) || f <= 0.0) {
      return InvalidArgumentError(
          fmt::format("Lomb-Scargle: frequency {} Hz is not > 0", f));
    }
  }
  double mean = 0.0;
  if (center) {
    for (double v : y) mean += v;
    mean /= static_cast<double>(y.size());
  }
  std::vector<double> out(frequencies_hz.size());
  for (size_t i = 0; i < frequencies_hz.size(); ++i) {
    const double w = 2.0 * kPi * frequencies_hz[i];
    double xc = 0, xs = 0, cc = 0, ss = 0, cs = 0;
    for (size_t j = 0; j < times_s.size(); ++j) {
      const double c = std::cos(w * times_s[j]);
      const double s = std::sin(w * times_s[j]);
      const double v = y[j] - mean;
      xc += v * c;
      xs += v * s;
      cc += c * c;
      ss += s * s;
      cs += c * s;
    }
    const double tau = std::atan2(2.0 * cs, cc - ss) / (2.0 * w);
    const double c_tau = std::cos(w * tau);
    const double s_tau = std::sin(w * tau);
    const double c_tau2 = c_tau * c_tau;
    const double s_tau2 = s_tau * s_tau;
    const double cs_tau = 2.0 * c_tau * s_tau;
    const double num1 = c_tau * xc + s_tau * xs;
    const double num2 = c_tau * xs - s_tau * xc;
    const double den1 = c_tau2 * cc + cs_tau * cs + s_tau2 * ss;
    const double den2 = c_tau2 * ss - cs_tau * cs + s_tau2 * cc;
    double p = 0.0;
    if (den1 > 0.0) p += num1 * num1 / den1;
    if (den2 > 0.0) p += num2 * num2 / den2;
    out[i] = 0.5 * p;
  }
  return out;
}

}  // namespace jumeau::analysis
