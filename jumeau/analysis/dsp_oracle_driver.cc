// A small command-line driver over analysis/dsp and analysis/eeg_features for
// dsp_oracle_test.py, which compares its output with scipy.signal and MNE on
// the same inputs. Reads whitespace-separated numbers from a file and writes
// one number per line ("%.17g"). Test tool only; not part of the library.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "jumeau/analysis/dsp.h"
#include "jumeau/analysis/eeg_features.h"

namespace {

using namespace jumeau;            // NOLINT
using namespace jumeau::analysis;  // NOLINT

std::vector<double> ReadNumbers(const std::string& path) {
  std::ifstream in(path);
  std::vector<double> out;
  double v;
  while (in >> v) out.push_back(v);
  return out;
}

bool WriteNumbers(const std::string& path, const std::vector<double>& v) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  for (double x : v) std::fprintf(f, "%.17g\n", x);
  return std::fclose(f) == 0;
}

Result<SampleRate> Rate(const std::string& text) {
  return SampleRate::FromDecimal(text);
}

FilterType Type(const std::string& s) {
  if (s == "high") return FilterType::kHighPass;
  if (s == "band") return FilterType::kBandPass;
  return FilterType::kLowPass;
}

int Usage() {
  std::cerr
      << "usage: dsp_oracle_driver\n"
         "  filtfilt low|high|band ORDER LOW HIGH FS IN OUT\n"
         "  sos low|high|band ORDER LOW HIGH FS OUT   (6 numbers per row)\n"
         "  firwin low|high|band TAPS LOW HIGH FS OUT\n"
         "  resample UP DOWN IN OUT\n"
         "  welch FS NPERSEG NOVERLAP NFFT hann|hamming IN OUT\n"
         "  lombscargle T_IN Y_IN FREQ_IN OUT\n"
         "  eeg FS IN OUT   (abs x5, rel x5, total, alpha peak, edge, "
         "ln50, ln60, ln_hz)\n";
  return 2;
}

int Fail(const Status& status) {
  std::cerr << status.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.empty()) return Usage();
  const std::string& cmd = a[0];
  if ((cmd == "filtfilt" && a.size() == 8) || (cmd == "sos" && a.size() == 7)) {
    auto rate = Rate(a[5]);
    if (!rate.ok()) return Fail(rate.status());
    auto sos = DesignButterworth(Type(a[1]), std::atoi(a[2].c_str()),
                                 std::atof(a[3].c_str()),
                                 std::atof(a[4].c_str()), *rate);
    if (!sos.ok()) return Fail(sos.status());
    if (cmd == "sos") {
      std::vector<double> rows;
      for (const Biquad& s : *sos) {
        rows.insert(rows.end(), {s.b0, s.b1, s.b2, 1.0, s.a1, s.a2});
      }
      return WriteNumbers(a[6], rows) ? 0 : 1;
    }
    auto y = SosFiltFilt(*sos, ReadNumbers(a[6]));
    if (!y.ok()) return Fail(y.status());
    return WriteNumbers(a[7], *y) ? 0 : 1;
  }
  if (cmd == "firwin" && a.size() == 7) {
    auto rate = Rate(a[5]);
    if (!rate.ok()) return Fail(rate.status());
    auto h = DesignFir(Type(a[1]), std::atoi(a[2].c_str()),
                       std::atof(a[3].c_str()), std::atof(a[4].c_str()), *rate);
    if (!h.ok()) return Fail(h.status());
    return WriteNumbers(a[6], *h) ? 0 : 1;
  }
  if (cmd == "resample" && a.size() == 5) {
    auto y = ResamplePoly(ReadNumbers(a[3]), std::atoll(a[1].c_str()),
                          std::atoll(a[2].c_str()));
    if (!y.ok()) return Fail(y.status());
    return WriteNumbers(a[4], *y) ? 0 : 1;
  }
  if (cmd == "welch" && a.size() == 8) {
    auto rate = Rate(a[1]);
    if (!rate.ok()) return Fail(rate.status());
    WelchOptions o;
    o.segment_length = std::atoll(a[2].c_str());
    o.overlap = std::atoll(a[3].c_str());
    o.fft_length = std::atoll(a[4].c_str());
    o.window =
        a[5] == "hamming" ? SpectralWindow::kHamming : SpectralWindow::kHann;
    auto s = Welch(ReadNumbers(a[6]), *rate, o);
    if (!s.ok()) return Fail(s.status());
    return WriteNumbers(a[7], s->psd) ? 0 : 1;
  }
  if (cmd == "lombscargle" && a.size() == 5) {
    auto p =
        LombScargle(ReadNumbers(a[1]), ReadNumbers(a[2]), ReadNumbers(a[3]));
    if (!p.ok()) return Fail(p.status());
    return WriteNumbers(a[4], *p) ? 0 : 1;
  }
  if (cmd == "eeg" && a.size() == 4) {
    auto rate = Rate(a[1]);
    if (!rate.ok()) return Fail(rate.status());
    auto f = ComputeEegFeatures(ReadNumbers(a[2]), *rate);
    if (!f.ok()) return Fail(f.status());
    std::vector<double> out(f->absolute.begin(), f->absolute.end());
    out.insert(out.end(), f->relative.begin(), f->relative.end());
    out.insert(out.end(),
               {f->total_power, f->alpha_peak_hz, f->spectral_edge_hz,
                f->line_noise_50_db, f->line_noise_60_db, f->line_noise_hz});
    return WriteNumbers(a[3], out) ? 0 : 1;
  }
  return Usage();
}
