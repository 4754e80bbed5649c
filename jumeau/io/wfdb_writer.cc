// WriteWfdb(): header text and frame-interleaved signal bytes for a
// Recording, using the encoders of wfdb_signal.h.
#include "jumeau/io/wfdb_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

#include "jumeau/io/internal/wfdb_files.h"
#include "jumeau/io/wfdb_signal.h"

namespace jumeau::io {
namespace {

// Shortest "%g" text that parses back to exactly `v`.
std::string ShortestDouble(double v) {
  char buf[40];
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    double back = 0;
    std::from_chars(buf, buf + std::strlen(buf), back);
    if (back == v) break;
  }
  return buf;
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string Two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

}  // namespace

Status WriteWfdb(const Recording& recording, const std::filesystem::path& dir,
                 std::string_view record_name,
                 const WfdbWriteOptions& options) {
  if (record_name.empty() ||
      !std::all_of(record_name.begin(), record_name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '_' || c == '-';
      })) {
    return InvalidArgumentError("WFDB record name '" +
                                std::string(record_name) +
                                "' must be letters, digits, '_' or '-'");
  }
  const WfdbFormatInfo* info = FindWfdbFormat(options.format);
  if (info == nullptr || info->difference) {
    return InvalidArgumentError("cannot write WFDB format " +
                                std::to_string(options.format));
  }
  const std::string name(record_name);
  const std::string dat_name = name + ".dat";
  const auto& sigs = recording.signals;
  const size_t n = sigs.size();

  // Frame frequency: gcd of numerators over lcm of denominators.
  int64_t fnum = 0, fden = 1;
  for (const Signal& s : sigs) {
    if (!s.rate.valid()) {
      return InvalidArgumentError("signal '" + s.label +
                                  "' has no sampling rate");
    }
    fnum = std::gcd(fnum, s.rate.numerator());
    const __int128 l = static_cast<__int128>(fden) /
                       std::gcd(fden, s.rate.denominator()) *
                       s.rate.denominator();
    if (l > INT64_MAX / 1000000000) {
      return OutOfRangeError(
          "the signal rates have no common frame frequency WFDB can write");
    }
    fden = static_cast<int64_t>(l);
  }
  std::vector<int64_t> spf(n, 1);
  int64_t frames = 0;
  std::string freq_text;
  if (n > 0) {
    const SampleRate frame(fnum, fden);
    freq_text = frame.ToString();
    if (freq_text.find('/') != std::string::npos) {
      return OutOfRangeError("frame frequency " + freq_text +
                             " Hz has no exact decimal form");
    }
    for (size_t i = 0; i < n; ++i) {
      // spf = (p/q) / (P/Q) = p*Q / (q*P).
      const __int128 a =
          static_cast<__int128>(sigs[i].rate.numerator()) * frame.denominator();
      const __int128 b =
          static_cast<__int128>(sigs[i].rate.denominator()) * frame.numerator();
      if (a % b != 0 || a / b > (1 << 20)) {
        return OutOfRangeError(
            "signal '" + sigs[i].label + "' rate " + sigs[i].rate.ToString() +
            " is not a small multiple of the frame frequency " + freq_text);
      }
      spf[i] = static_cast<int64_t>(a / b);
    }
    frames = static_cast<int64_t>(sigs[0].samples.size()) / spf[0];
    for (size_t i = 0; i < n; ++i) {
      if (static_cast<int64_t>(sigs[i].samples.size()) != frames * spf[i]) {
        return InvalidArgumentError(
            "signal '" + sigs[i].label + "' has " +
            std::to_string(sigs[i].samples.size()) +
            " samples; WFDB needs every signal to span the same " +
            std::to_string(frames) + " frames");
      }
      if (sigs[i].start != sigs[0].start) {
        return InvalidArgumentError(
            "signal '" + sigs[i].label +
            "' starts at a different time than signal 0");
      }
    }
  }

  // Signal lines.
  std::string signal_lines;
  for (size_t i = 0; i < n; ++i) {
    const Signal& s = sigs[i];
    if (!(s.scale != 0.0 && std::isfinite(s.scale) &&
          std::isfinite(s.offset))) {
      return InvalidArgumentError("signal '" + s.label +
                                  "' has scale 0 or a non-finite scale/offset");
    }
    const double gain = 1.0 / s.scale;
    double baseline = -s.offset / s.scale;
    const double rounded = std::nearbyint(baseline);
    if (std::fabs(baseline - rounded) >
        1e-6 * std::max(1.0, std::fabs(baseline))) {
      if (!options.round_baseline) {
        return OutOfRangeError(
            "signal '" + s.label + "' baseline " + ShortestDouble(baseline) +
            " (= -offset/scale) is not a whole number of ADC units");
      }
    }
    if (std::fabs(rounded) > 9e15) {
      return OutOfRangeError("signal '" + s.label +
                             "' baseline is out of range");
    }
    const auto base = static_cast<int64_t>(rounded);
    std::string units = s.source_unit.empty() ? s.unit : s.source_unit;
    if (units.empty() || HasControl(units) ||
        units.find_first_of(" \t") != std::string::npos) {
      return InvalidArgumentError("signal '" + s.label + "' unit '" + units +
                                  "' cannot be written in a WFDB header");
    }
    if (HasControl(s.label)) {
      return InvalidArgumentError("signal label '" + s.label +
                                  "' has control characters");
    }
    const int res = (s.bits >= 1 && s.bits <= 32) ? s.bits : 12;
    const int64_t span =
        static_cast<int64_t>(s.digital_max) - s.digital_min + 1;
    const int64_t zero = span == (int64_t{1} << res)
                             ? s.digital_min + (int64_t{1} << (res - 1))
                             : 0;
    uint32_t sum = 0;
    for (int32_t v : s.samples) sum += static_cast<uint32_t>(v);
    const int64_t initial = s.samples.empty() ? zero : s.samples[0];
    signal_lines += dat_name + " " + std::to_string(options.format);
    if (spf[i] > 1) signal_lines += "x" + std::to_string(spf[i]);
    signal_lines += " " + ShortestDouble(gain) + "(" + std::to_string(base) +
                    ")/" + units + " " + std::to_string(res) + " " +
                    std::to_string(zero) + " " + std::to_string(initial) + " " +
                    std::to_string(WfdbChecksum16(sum)) + " 0";
    std::string label = s.label.empty() ? "sig " + std::to_string(i) : s.label;
    signal_lines += " " + label + "\n";
  }

  // Signal file: frames interleaved, encoded in chunks of whole units.
  if (n > 0) {
    int64_t frame_samples = 0;
    for (int64_t v : spf) frame_samples += v;
    const int64_t chunk =
        std::max<int64_t>(6, (int64_t{1} << 16) / frame_samples / 6 * 6);
    std::string bytes;
    std::vector<int32_t> flat;
    for (int64_t f0 = 0; f0 < frames; f0 += chunk) {
      const int64_t f1 = std::min(frames, f0 + chunk);
      flat.resize(static_cast<size_t>((f1 - f0) * frame_samples));
      int32_t* o = flat.data();
      for (int64_t f = f0; f < f1; ++f) {
        for (size_t i = 0; i < n; ++i) {
          const int32_t* src = sigs[i].samples.data() + f * spf[i];
          o = std::copy(src, src + spf[i], o);
        }
      }
      Status st = EncodeWfdbSamples(*info, flat.data(),
                                    static_cast<int64_t>(flat.size()), &bytes);
      if (!st.ok()) {
        // Name the signal and sample of the first offender.
        for (size_t i = 0; i < n; ++i) {
          for (size_t k = 0; k < sigs[i].samples.size(); ++k) {
            const int32_t v = sigs[i].samples[k];
            if (v < info->min_value || v > info->max_value) {
              return OutOfRangeError(
                  "signal '" + sigs[i].label + "' sample " + std::to_string(k) +
                  " value " + std::to_string(v) + " does not fit WFDB format " +
                  std::to_string(options.format) + " (" +
                  std::to_string(info->min_value) + " to " +
                  std::to_string(info->max_value) + ")");
            }
          }
        }
        return st;
      }
    }
    JUMEAU_RETURN_IF_ERROR(internal::WriteWholeFile(dir / dat_name, bytes));
  }

  // Record line.
  std::string text = name + " " + std::to_string(n);
  if (n > 0) {
    const CivilTime c = ToCivil(recording.start);
    text += " " + freq_text + " " + std::to_string(frames);
    if (c.year >= 1678 && c.year <= 2261) {
      text += " " + Two(c.hour) + ":" + Two(c.minute) + ":" + Two(c.second);
      if (c.nanosecond != 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%09lld",
                      static_cast<long long>(c.nanosecond));
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        text += f;
      }
      text +=
          " " + Two(c.day) + "/" + Two(c.month) + "/" + std::to_string(c.year);
    }
  }
  text += "\n" + signal_lines;
  for (const std::string& line : options.info) {
    if (HasControl(line))
      return InvalidArgumentError("info string has control characters");
    text += "# " + line + "\n";
  }
  return internal::WriteWholeFile(dir / (name + ".hea"), text);
}

}  // namespace jumeau::io
