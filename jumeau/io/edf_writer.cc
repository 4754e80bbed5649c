// EDF+C / BDF+C writer behind WriteEdf(): header formatting (ASCII, numbers in
// at most 8 characters), data record duration choice, TAL encoding of events
// and the 16/24-bit sample encoder. Layout: docs/formats-edf.md.
#include "jumeau/io/edf_writer.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <system_error>
#include <utility>
#include <vector>

#include "jumeau/core/units.h"

namespace jumeau::io {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;
// Largest data record we write (EDFlib reads at most 10 MiB per EDF record).
constexpr int64_t kMaxWriteRecordBytes = int64_t{10} << 20;
// About this many bytes of records are encoded before each fwrite().
constexpr int64_t kWriteChunkBytes = int64_t{1} << 20;
constexpr int64_t kMaxEightDigits = 99999999;
// Limits our reader enforces (edf.cc): TAL onsets and durations within 2e9 s,
// all data records within 50 years.
constexpr int64_t kMaxTalNs = int64_t{2000000000} * kNanosPerSecond;
constexpr int64_t kMaxSpanNs = int64_t{50} * 366 * 86400 * kNanosPerSecond;

bool PrintableAscii(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

// Writes `text` left-justified into the `width` bytes at `out`.
// REQUIRES: text.size() <= width.
void Put(std::string* header, size_t offset, size_t width,
         std::string_view text) {
  std::memcpy(header->data() + offset, text.data(),
              std::min(width, text.size()));
}

// Seconds as a plain decimal with up to 9 decimals, trailing zeros trimmed:
// 1500000000 → "1.5"; with `sign`, a leading '+' or '-' (TAL onsets).
std::string FormatSeconds(int64_t ns, bool sign) {
  const bool negative = ns < 0;
  const uint64_t magnitude = negative ? static_cast<uint64_t>(-(ns + 1)) + 1
                                      : static_cast<uint64_t>(ns);
  std::string out;
  if (sign) out += negative ? '-' : '+';
  out += std::to_string(magnitude / kNanosPerSecond);
  uint64_t frac = magnitude % kNanosPerSecond;
  if (frac != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%09llu",
                  static_cast<unsigned long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

// Number of samples of `rate` in `duration_ns`, or -1 when not an integer.
int64_t SamplesPerRecord(const SampleRate& rate, int64_t duration_ns) {
  const __int128 num = static_cast<__int128>(rate.numerator()) * duration_ns;
  const __int128 den =
      static_cast<__int128>(rate.denominator()) * kNanosPerSecond;
  if (num % den != 0) return -1;
  const __int128 q = num / den;
  return q > kMaxEightDigits ? -1 : static_cast<int64_t>(q);
}

// One event ready to write.
struct PendingAnnotation {
  Time time;
  std::string tal;  // complete TAL including the final 0x14 (no 0x00)
};

// What the header needs to know about one data signal.
struct SignalPlan {
  std::vector<const Signal*> segments;  // sorted by start; one for EDF+C
  int64_t samples_per_record = 0;
  int64_t digital_min = 0;
  int64_t digital_max = 0;
  std::string physical_min;
  std::string physical_max;
  std::string unit;
  int32_t pad = 0;  // value written past the end of the signal
};

// Picks the 8-character physical dimension that maps back to signal.unit.
Result<std::string> ChooseUnit(const Signal& s, size_t index) {
  std::vector<std::string> candidates = {s.source_unit, s.unit};
  if (s.unit == "1") candidates.push_back("");
  if (s.unit.size() >= 2 && s.unit.front() == '{' && s.unit.back() == '}') {
    candidates.push_back(s.unit.substr(1, s.unit.size() - 2));
  }
  for (const std::string& c : candidates) {
    if (c.size() <= 8 && PrintableAscii(c) && ToUcum(c) == s.unit) return c;
  }
  return OutOfRangeError("signal " + std::to_string(index) + " ('" + s.label +
                         "'): unit '" + s.unit +
                         "' cannot be written as 8 ASCII characters");
}

// The duration field text, or "" when `ns` is not a plain decimal of at most
// 8 characters.
std::string DurationField(int64_t ns) {
  const std::string text = FormatSeconds(ns, /*sign=*/false);
  return text.size() <= 8 ? text : std::string();
}

// Picks the data record duration in ns. `channels`: each EDF signal's
// segments (all with the same count, sorted by start).
Result<int64_t> ChooseRecordDuration(
    const std::vector<std::vector<const Signal*>>& channels,
    const EdfWriteOptions& options, int bytes_per_sample) {
  // Bytes of data per record, or -1 when a signal has no integer samples.
  const auto fits_all = [&](int64_t d) {
    int64_t bytes = 0;
    for (const auto& c : channels) {
      const int64_t spr = SamplesPerRecord(c.front()->rate, d);
      if (spr <= 0) return int64_t{-1};
      bytes += spr * bytes_per_sample;
    }
    return bytes;
  };
  // True when every segment of every signal fills whole records, the same
  // number for all signals: nothing is padded.
  const auto exact = [&](int64_t d) {
    for (size_t k = 0; k < channels.front().size(); ++k) {
      int64_t records = -1;
      for (const auto& c : channels) {
        const int64_t spr = SamplesPerRecord(c.front()->rate, d);
        const auto n = static_cast<int64_t>(c[k]->samples.size());
        if (n % spr != 0 || (records >= 0 && n / spr != records)) return false;
        records = n / spr;
      }
    }
    return true;
  };
  if (options.record_duration) {
    const int64_t d = options.record_duration->ns;
    if (d <= 0 || DurationField(d).empty()) {
      return InvalidArgumentError(
          "record duration " + FormatSeconds(d, false) +
          " s is not a positive decimal of at most 8 characters");
    }
    if (fits_all(d) < 0) {
      return InvalidArgumentError(
          "record duration " + FormatSeconds(d, false) +
          " s does not hold an integer number of samples of every "
          "signal (at most 99999999)");
    }
    return d;
  }
  // Candidates: the least common multiple of the rates' denominators, in
  // seconds, divided by 1, 2, 3...: the first that fits 10 MiB is the
  // fallback; a shorter one is preferred when it avoids padding, as long as
  // records keep at least 128 bytes of samples (or the fallback's size).
  int64_t seconds = 1;
  for (const auto& c : channels) {
    seconds = std::lcm(seconds, c.front()->rate.denominator());
    if (seconds > kMaxEightDigits) {
      return OutOfRangeError(
          "no data record duration of at most 99999999 s holds an integer "
          "number of samples of every signal");
    }
  }
  const int64_t base = seconds * kNanosPerSecond;
  int64_t fallback = -1;
  int64_t fallback_bytes = 0;
  for (int64_t divisor = 1; divisor <= 100000; ++divisor) {
    if (base % divisor != 0) continue;
    const int64_t d = base / divisor;
    if (DurationField(d).empty()) continue;
    const int64_t bytes = fits_all(d);
    if (bytes < 0 || bytes > kMaxWriteRecordBytes) continue;
    if (fallback < 0) {
      fallback = d;
      fallback_bytes = bytes;
    }
    if (bytes < std::min<int64_t>(128, fallback_bytes)) break;
    if (exact(d)) return d;
  }
  if (fallback > 0) return fallback;
  return OutOfRangeError("no data record duration keeps records under " +
                         std::to_string(kMaxWriteRecordBytes) + " bytes");
}

// `segments`: the Signals written as one EDF signal (several for EDF+D),
// sorted by start; the first one's metadata is used.
Result<SignalPlan> PlanSignal(const std::vector<const Signal*>& segments,
                              size_t index, int64_t duration_ns, bool bdf) {
  const Signal& s = *segments.front();
  const std::string who =
      "signal " + std::to_string(index) + " ('" + s.label + "')";
  SignalPlan plan;
  plan.segments = segments;
  if (s.label.size() > 16 || !PrintableAscii(s.label)) {
    return OutOfRangeError(
        who + ": label is not at most 16 printable ASCII characters");
  }
  if (s.label == "EDF Annotations" || s.label == "BDF Annotations") {
    return InvalidArgumentError(
        who + ": label is reserved for the annotation signal");
  }
  if (s.transducer.size() > 80 || !PrintableAscii(s.transducer) ||
      s.prefilter.size() > 80 || !PrintableAscii(s.prefilter)) {
    return OutOfRangeError(
        who +
        ": transducer or prefilter is not at most 80 printable ASCII "
        "characters");
  }
  JUMEAU_ASSIGN_OR_RETURN(plan.unit, ChooseUnit(s, index));
  if (!std::isfinite(s.scale) || s.scale == 0 || !std::isfinite(s.offset)) {
    return InvalidArgumentError(who + ": scale must be finite and non-zero");
  }
  plan.samples_per_record = SamplesPerRecord(s.rate, duration_ns);
  const int64_t format_min = bdf ? -8388608 : -32768;
  const int64_t format_max = bdf ? 8388607 : 32767;
  int64_t lo = s.digital_min, hi = s.digital_max;
  const bool declared = lo < hi && lo >= format_min && hi <= format_max;
  if (!declared) {
    lo = format_min;
    hi = format_max;
  }
  // Widen to the samples so that no reader clamps them (EDFlib does).
  for (const Signal* segment : segments) {
    for (size_t i = 0; i < segment->samples.size(); ++i) {
      const int64_t v = segment->samples[i];
      if (v < format_min || v > format_max) {
        return OutOfRangeError(who + ": sample " + std::to_string(i) + " = " +
                               std::to_string(v) + " does not fit " +
                               (bdf ? "24" : "16") + " bits");
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  plan.digital_min = lo;
  plan.digital_max = hi;
  plan.pad = static_cast<int32_t>(std::clamp<int64_t>(0, lo, hi));
  double pmin = static_cast<double>(lo) * s.scale + s.offset;
  double pmax = static_cast<double>(hi) * s.scale + s.offset;
  // Keep the source's own text-exact values when the range is unchanged.
  const double tolerance = 1e-9 * std::max(std::fabs(pmin), std::fabs(pmax));
  if (declared && lo == s.digital_min && hi == s.digital_max &&
      std::fabs(s.physical_min - pmin) <= tolerance &&
      std::fabs(s.physical_max - pmax) <= tolerance &&
      s.physical_min != s.physical_max) {
    pmin = s.physical_min;
    pmax = s.physical_max;
  }
  if (!std::isfinite(pmin) || !std::isfinite(pmax)) {
    return InvalidArgumentError(who + ": physical range is not finite");
  }
  plan.physical_min = FormatEdfNumber(pmin);
  plan.physical_max = FormatEdfNumber(pmax);
  if (plan.physical_min == plan.physical_max) {
    return OutOfRangeError(who + ": physical range " + plan.physical_min +
                           " cannot be told apart in 8 characters");
  }
  return plan;
}

void Encode(const int32_t* in, size_t n, bool bdf, unsigned char* out) {
  if (bdf) {
    for (size_t i = 0; i < n; ++i) {
      const auto u = static_cast<uint32_t>(in[i]);
      out[3 * i] = static_cast<unsigned char>(u);
      out[3 * i + 1] = static_cast<unsigned char>(u >> 8);
      out[3 * i + 2] = static_cast<unsigned char>(u >> 16);
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      const auto u = static_cast<uint32_t>(in[i]);
      out[2 * i] = static_cast<unsigned char>(u);
      out[2 * i + 1] = static_cast<unsigned char>(u >> 8);
    }
  }
}

void Fill(int32_t value, size_t n, bool bdf, unsigned char* out) {
  for (size_t i = 0; i < n; ++i)
    Encode(&value, 1, bdf, out + (bdf ? 3 : 2) * i);
}

}  // namespace

std::string FormatEdfNumber(double value) {
  char buf[64];
  const auto shortest = std::to_chars(buf, buf + sizeof buf, value);
  if (shortest.ec == std::errc() && shortest.ptr - buf <= 8) {
    return std::string(buf, shortest.ptr);
  }
  std::string best;
  double best_error = std::numeric_limits<double>::infinity();
  const auto consider = [&](std::string text) {
    if (text.size() > 8) return;
    double parsed = 0;
    const auto r =
        std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (r.ec != std::errc()) return;
    const double error = std::fabs(parsed - value);
    if (error < best_error) {
      best_error = error;
      best = std::move(text);
    }
  };
  for (int decimals = 7; decimals >= 0; --decimals) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string text(buf);
    if (text.find('.') != std::string::npos) {
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
    }
    consider(text);
  }
  for (int digits = 8; digits >= 1; --digits) {
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, value);
    // Compact the exponent: "1.5e+06" → "1.5e6", "2e-07" → "2e-7".
    std::string text(buf);
    const size_t e = text.find('e');
    std::string mantissa = text.substr(0, e);
    if (mantissa.find('.') != std::string::npos) {
      while (mantissa.back() == '0') mantissa.pop_back();
      if (mantissa.back() == '.') mantissa.pop_back();
    }
    const int exponent = std::atoi(text.c_str() + e + 1);
    consider(mantissa + "e" + std::to_string(exponent));
  }
  return best;
}

// True when `b` may be written as a later segment of the same EDF signal
// as `a` (EDF+D): same label, rate and digital-to-physical map.
bool SameChannel(const Signal& a, const Signal& b) {
  return a.label == b.label && a.rate == b.rate && a.scale == b.scale &&
         a.offset == b.offset && a.unit == b.unit &&
         a.digital_min == b.digital_min && a.digital_max == b.digital_max &&
         a.transducer == b.transducer && a.prefilter == b.prefilter;
}

Status WriteEdf(const Recording& recording, const std::filesystem::path& path,
                const EdfWriteOptions& options) {
  const bool bdf = options.bdf;
  const int bps = bdf ? 3 : 2;
  if (options.patient.size() > 80 || !PrintableAscii(options.patient)) {
    return InvalidArgumentError(
        "EDF patient field must be at most 80 printable ASCII characters");
  }
  // Channels: signals grouped by label, in first-appearance order; a label
  // seen again is a later segment (what ReadAll makes of an EDF+D file).
  std::vector<std::vector<const Signal*>> channels;
  for (size_t i = 0; i < recording.signals.size(); ++i) {
    const Signal& s = recording.signals[i];
    if (!s.rate.valid()) {
      return InvalidArgumentError("signal " + std::to_string(i) + " ('" +
                                  s.label + "') has no valid sampling rate");
    }
    auto it = std::find_if(
        channels.begin(), channels.end(),
        [&](const auto& c) { return c.front()->label == s.label; });
    if (it == channels.end()) {
      channels.push_back({&s});
    } else if (!SameChannel(*it->front(), s)) {
      return InvalidArgumentError(
          "signal " + std::to_string(i) + " ('" + s.label +
          "') repeats an earlier label with a different rate, unit or "
          "scale");
    } else {
      it->push_back(&s);
    }
  }
  for (auto& c : channels) {
    std::stable_sort(c.begin(), c.end(), [](const Signal* a, const Signal* b) {
      return a->start < b->start;
    });
  }
  // Segment starts: every channel must have the same ones (EDF+D records
  // hold all signals).
  std::vector<Time> starts = {recording.start};
  if (!channels.empty()) {
    starts.clear();
    for (const Signal* s : channels.front()) starts.push_back(s->start);
    for (const auto& c : channels) {
      bool same = c.size() == starts.size();
      for (size_t k = 0; same && k < c.size(); ++k)
        same = c[k]->start == starts[k];
      if (!same) {
        return InvalidArgumentError("signal '" + c.front()->label +
                                    "' starts at " +
                                    FormatIso8601(c.front()->start) +
                                    " but EDF needs every signal to start (and "
                                    "resume after each gap) together with '" +
                                    channels.front().front()->label + "' at " +
                                    FormatIso8601(starts.front()));
      }
    }
    for (size_t k = 1; k < starts.size(); ++k) {
      if (starts[k] == starts[k - 1]) {
        return InvalidArgumentError(
            "signal '" + channels.front().front()->label +
            "' has two segments starting at " + FormatIso8601(starts[k]));
      }
    }
  }
  const bool discontinuous = starts.size() > 1;
  const Time start = starts.front();
  // Header date and time: whole seconds; the fraction goes into the TALs.
  CivilTime civil = ToCivil(start);
  civil.nanosecond = 0;
  const Time header_time = FromCivil(civil);
  if (civil.year < 1985 || civil.year > 2084) {
    return OutOfRangeError("start " + FormatIso8601(start) +
                           " is outside the EDF date range 1985..2084");
  }
  static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR",
                                            "MAY", "JUN", "JUL", "AUG",
                                            "SEP", "OCT", "NOV", "DEC"};
  char text[96];
  std::snprintf(text, sizeof text, "Startdate %02d-%s-%04d ", civil.day,
                kMonths[civil.month - 1], civil.year);
  const std::string recording_field = text + options.recording_additional;
  if (recording_field.size() > 80 ||
      !PrintableAscii(options.recording_additional) ||
      options.recording_additional.empty()) {
    return InvalidArgumentError(
        "EDF recording field must be at most 80 printable ASCII characters: '" +
        recording_field + "'");
  }

  // Data record duration and per-signal plans.
  int64_t duration_ns = 0;
  if (!channels.empty()) {
    JUMEAU_ASSIGN_OR_RETURN(duration_ns,
                            ChooseRecordDuration(channels, options, bps));
  }
  std::vector<SignalPlan> plans;
  int64_t data_record_bytes = 0;
  for (size_t i = 0; i < channels.size(); ++i) {
    JUMEAU_ASSIGN_OR_RETURN(SignalPlan plan,
                            PlanSignal(channels[i], i, duration_ns, bdf));
    data_record_bytes += plan.samples_per_record * bps;
    plans.push_back(std::move(plan));
  }
  if (plans.size() + 1 > 9999) {
    return OutOfRangeError(
        "EDF holds at most 9998 signals plus the annotation signal");
  }
  // Records per segment: enough for the longest signal (shorter ones are
  // padded), at least one. Segments must not overlap.
  std::vector<int64_t> segment_records(starts.size(), 1);
  std::vector<int64_t> segment_first(starts.size(), 0);
  int64_t num_records = 0;
  for (size_t k = 0; k < starts.size(); ++k) {
    for (const SignalPlan& p : plans) {
      const int64_t n = static_cast<int64_t>(p.segments[k]->samples.size());
      segment_records[k] =
          std::max(segment_records[k],
                   (n + p.samples_per_record - 1) / p.samples_per_record);
    }
    if (k > 0 &&
        static_cast<__int128>(starts[k - 1].ns_since_epoch) +
                static_cast<__int128>(segment_records[k - 1]) * duration_ns >
            starts[k].ns_since_epoch) {
      return InvalidArgumentError(
          "segment starting at " + FormatIso8601(starts[k]) +
          " overlaps the data records of the previous one");
    }
    segment_first[k] = num_records;
    num_records += segment_records[k];
  }
  if (static_cast<__int128>(starts.back().ns_since_epoch -
                            start.ns_since_epoch) +
          static_cast<__int128>(segment_records.back()) * duration_ns >
      kMaxSpanNs) {
    return OutOfRangeError("recording spans " + std::to_string(num_records) +
                           " records of " + FormatSeconds(duration_ns, false) +
                           " s, more than 50 years");
  }
  if (num_records > kMaxEightDigits) {
    return OutOfRangeError("recording needs " + std::to_string(num_records) +
                           " data records; EDF allows 99999999");
  }
  // Record r belongs to segment record_segment(r), at local index r - first.
  const auto segment_of = [&](int64_t r) {
    return static_cast<size_t>(
        std::upper_bound(segment_first.begin(), segment_first.end(), r) -
        segment_first.begin() - 1);
  };
  const auto record_start = [&](int64_t r) {
    const size_t k = segment_of(r);
    return starts[k] + Duration{(r - segment_first[k]) * duration_ns};
  };

  // Annotations: sorted by time, each placed in the record covering its
  // onset or, when that record is full, the next one with room.
  std::vector<PendingAnnotation> annotations;
  annotations.reserve(recording.events.size());
  for (const Event& e : recording.events) {
    const __int128 onset = static_cast<__int128>(e.time.ns_since_epoch) -
                           header_time.ns_since_epoch;
    const __int128 length = e.end
                                ? static_cast<__int128>(e.end->ns_since_epoch) -
                                      e.time.ns_since_epoch
                                : 0;
    if (onset > kMaxTalNs || onset < -kMaxTalNs || length > kMaxTalNs) {
      return OutOfRangeError(
          "event '" + (e.text.empty() ? e.code.code : e.text) + "' at " +
          FormatIso8601(e.time) +
          " is more than 2e9 s from the start or lasts longer");
    }
    std::string body = e.text.empty() ? e.code.code : e.text;
    for (char& c : body) {
      if (c == '\0' || c == '\x14' || c == '\x15') c = ' ';
    }
    std::string tal = FormatSeconds((e.time - header_time).ns, /*sign=*/true);
    if (e.end && *e.end >= e.time) {
      tal += '\x15';
      tal += FormatSeconds((*e.end - e.time).ns, /*sign=*/false);
    }
    tal += '\x14';
    tal += body;
    tal += '\x14';
    annotations.push_back({e.time, std::move(tal)});
  }
  std::stable_sort(annotations.begin(), annotations.end(),
                   [](const PendingAnnotation& a, const PendingAnnotation& b) {
                     return a.time < b.time;
                   });
  const auto time_keeping = [&](int64_t record) {
    std::string tal =
        FormatSeconds((record_start(record) - header_time).ns, /*sign=*/true);
    tal += "\x14\x14";
    tal.push_back('\0');
    return tal;
  };
  size_t time_keeping_bytes = 0;
  for (size_t k = 0; k < starts.size(); ++k) {
    time_keeping_bytes = std::max(
        time_keeping_bytes,
        time_keeping(segment_first[k] + segment_records[k] - 1).size());
  }
  size_t total = 0, largest = 0;
  for (const PendingAnnotation& a : annotations) {
    total += a.tal.size() + 1;
    largest = std::max(largest, a.tal.size() + 1);
  }
  const auto natural_record = [&](const PendingAnnotation& a) -> int64_t {
    if (duration_ns <= 0) return 0;
    const size_t k = static_cast<size_t>(
        std::upper_bound(starts.begin(), starts.end(), a.time) -
        starts.begin());
    if (k == 0) return 0;
    const int64_t offset = (a.time - starts[k - 1]).ns;
    return segment_first[k - 1] +
           std::min(segment_records[k - 1] - 1, offset / duration_ns);
  };
  // Per-record room for event TALs: what the busiest record needs when each
  // event sits in the record covering its onset, capped at 4x the average
  // (at least 256 bytes) so one burst does not enlarge every record; events
  // that do not fit move to the next records. Doubled until everything fits.
  size_t busiest = 0;
  {
    int64_t record = -1;
    size_t used = 0;
    for (const PendingAnnotation& a : annotations) {
      const int64_t r = natural_record(a);
      used = r == record ? used + a.tal.size() + 1 : a.tal.size() + 1;
      record = r;
      busiest = std::max(busiest, used);
    }
  }
  const size_t average =
      (total + num_records - 1) / static_cast<size_t>(num_records);
  size_t room =
      std::min(busiest, std::max({largest, 4 * average, size_t{256}}));
  std::vector<int64_t> record_of(annotations.size());
  while (true) {
    int64_t record = 0;
    size_t used = 0;
    bool fits = true;
    for (size_t k = 0; k < annotations.size(); ++k) {
      const int64_t natural = natural_record(annotations[k]);
      if (natural > record) {
        record = natural;
        used = 0;
      }
      const size_t need = annotations[k].tal.size() + 1;
      while (used + need > room) {
        ++record;
        used = 0;
      }
      if (record >= num_records) {
        fits = false;
        break;
      }
      record_of[k] = record;
      used += need;
    }
    if (fits) break;
    room *= 2;
  }
  // Bytes of the annotation signal per record: time-keeping, events, and at
  // least one 0 byte at the end.
  const int64_t annotation_bytes_needed =
      static_cast<int64_t>(time_keeping_bytes + room + 1);
  const int64_t annotation_spr = (annotation_bytes_needed + bps - 1) / bps;
  const int64_t annotation_bytes = annotation_spr * bps;
  const int64_t record_bytes = data_record_bytes + annotation_bytes;
  if (annotation_spr > kMaxEightDigits || record_bytes > int64_t{64} << 20) {
    return OutOfRangeError("annotations need " +
                           std::to_string(annotation_bytes) +
                           " bytes per data record; too many to write");
  }

  // Header.
  const size_t ns = plans.size() + 1;
  std::string header(256 * (ns + 1), ' ');
  if (bdf) {
    header[0] = '\xFF';
    Put(&header, 1, 7, "BIOSEMI");
  } else {
    Put(&header, 0, 8, "0");
  }
  Put(&header, 8, 80, options.patient);
  Put(&header, 88, 80, recording_field);
  std::snprintf(text, sizeof text, "%02d.%02d.%02d", civil.day, civil.month,
                civil.year % 100);
  Put(&header, 168, 8, text);
  std::snprintf(text, sizeof text, "%02d.%02d.%02d", civil.hour, civil.minute,
                civil.second);
  Put(&header, 176, 8, text);
  Put(&header, 184, 8, std::to_string(header.size()));
  Put(&header, 192, 44,
      bdf ? (discontinuous ? "BDF+D" : "BDF+C")
          : (discontinuous ? "EDF+D" : "EDF+C"));
  Put(&header, 236, 8, std::to_string(num_records));
  Put(&header, 244, 8, FormatSeconds(duration_ns, false));
  Put(&header, 252, 4, std::to_string(ns));
  const auto put_signal = [&](size_t start_per_signal, size_t width, size_t i,
                              std::string_view value) {
    Put(&header, 256 + start_per_signal * ns + width * i, width, value);
  };
  for (size_t i = 0; i < ns; ++i) {
    const bool annotation = i == plans.size();
    if (annotation) {
      put_signal(0, 16, i, bdf ? "BDF Annotations" : "EDF Annotations");
      put_signal(104, 8, i, "-1");
      put_signal(112, 8, i, "1");
      put_signal(120, 8, i, bdf ? "-8388608" : "-32768");
      put_signal(128, 8, i, bdf ? "8388607" : "32767");
      put_signal(216, 8, i, std::to_string(annotation_spr));
      continue;
    }
    const SignalPlan& p = plans[i];
    const Signal& signal = *p.segments.front();
    put_signal(0, 16, i, signal.label);
    put_signal(16, 80, i, signal.transducer);
    put_signal(96, 8, i, p.unit);
    put_signal(104, 8, i, p.physical_min);
    put_signal(112, 8, i, p.physical_max);
    put_signal(120, 8, i, std::to_string(p.digital_min));
    put_signal(128, 8, i, std::to_string(p.digital_max));
    put_signal(136, 80, i, signal.prefilter);
    put_signal(216, 8, i, std::to_string(p.samples_per_record));
  }

  // Data records, encoded about kWriteChunkBytes at a time.
  std::filesystem::path partial = path;
  partial += ".partial";
  std::FILE* file = std::fopen(partial.c_str(), "wb");
  if (file == nullptr) {
    return IoError(partial.string() +
                   ": cannot create: " + std::strerror(errno));
  }
  const auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    std::fclose(file);
    std::error_code ec;
    std::filesystem::remove(partial, ec);
    return IoError(partial.string() + ": " + what + ": " + reason);
  };
  if (std::fwrite(header.data(), 1, header.size(), file) != header.size()) {
    return fail("write failed");
  }
  const int64_t chunk_records =
      std::max<int64_t>(1, kWriteChunkBytes / record_bytes);
  std::vector<unsigned char> chunk(
      static_cast<size_t>(chunk_records * record_bytes));
  size_t next_annotation = 0;
  for (int64_t first = 0; first < num_records; first += chunk_records) {
    const int64_t count = std::min(chunk_records, num_records - first);
    unsigned char* out = chunk.data();
    for (int64_t r = first; r < first + count; ++r) {
      const size_t segment = segment_of(r);
      const int64_t local = r - segment_first[segment];
      for (const SignalPlan& p : plans) {
        const std::vector<int32_t>& samples = p.segments[segment]->samples;
        const size_t spr = static_cast<size_t>(p.samples_per_record);
        const size_t begin = static_cast<size_t>(local) * spr;
        const size_t have =
            begin >= samples.size() ? 0 : std::min(spr, samples.size() - begin);
        if (have > 0) Encode(samples.data() + begin, have, bdf, out);
        if (have < spr) Fill(p.pad, spr - have, bdf, out + have * bps);
        out += spr * bps;
      }
      std::memset(out, 0, static_cast<size_t>(annotation_bytes));
      std::string tals = time_keeping(r);
      while (next_annotation < annotations.size() &&
             record_of[next_annotation] == r) {
        tals += annotations[next_annotation].tal;
        tals.push_back('\0');
        ++next_annotation;
      }
      std::memcpy(out, tals.data(), tals.size());
      out += annotation_bytes;
    }
    const size_t bytes = static_cast<size_t>(out - chunk.data());
    if (std::fwrite(chunk.data(), 1, bytes, file) != bytes)
      return fail("write failed");
  }
  if (std::fflush(file) != 0) return fail("write failed");
  if (std::fclose(file) != 0) {
    std::error_code ec;
    std::filesystem::remove(partial, ec);
    return IoError(partial.string() +
                   ": close failed: " + std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    return IoError(path.string() + ": cannot rename from " + partial.string() +
                   ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace jumeau::io
