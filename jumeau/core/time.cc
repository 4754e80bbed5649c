// Civil-time conversion (Howard Hinnant's days_from_civil algorithm), ISO 8601
// parsing and formatting, and exact rational sample rates.
#include "jumeau/core/time.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace jumeau {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Parses an unsigned decimal with optional fraction and exponent into an exact
// rational num/10^k. Returns false on anything else.
bool ParseDecimalRational(std::string_view s, __int128* num, __int128* den) {
  if (s.empty()) return false;
  __int128 n = 0, d = 1;
  size_t i = 0;
  bool any = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    n = n * 10 + (s[i] - '0');
    any = true;
    if (n > (static_cast<__int128>(1) << 100)) return false;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      d *= 10;
      any = true;
      if (n > (static_cast<__int128>(1) << 100) ||
          d > (static_cast<__int128>(1) << 100))
        return false;
      ++i;
    }
  }
  if (!any) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    int e = 0;
    if (i >= s.size()) return false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      e = e * 10 + (s[i] - '0');
      if (e > 18) return false;
      ++i;
    }
    for (int k = 0; k < e; ++k) (neg ? d : n) *= 10;
  }
  if (i != s.size()) return false;
  *num = n;
  *den = d;
  return true;
}

__int128 Gcd128(__int128 a, __int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

}  // namespace

Time FromCivil(const CivilTime& c) {
  const int64_t days = DaysFromCivil(c.year, c.month, c.day);
  const int64_t secs = days * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
  return Time{secs * kNanosPerSecond + c.nanosecond};
}

CivilTime ToCivil(Time t) {
  const int64_t secs = FloorDiv(t.ns_since_epoch, kNanosPerSecond);
  const int64_t nanos = t.ns_since_epoch - secs * kNanosPerSecond;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  CivilTime c;
  int64_t y;
  CivilFromDays(days, &y, &c.month, &c.day);
  c.year = static_cast<int>(y);
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod / 60 % 60);
  c.second = static_cast<int>(sod % 60);
  c.nanosecond = nanos;
  return c;
}

bool ValidCivil(const CivilTime& c) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  // Time (int64 ns since 1970) spans 1677-09-21 to 2262-04-11; whole years
  // inside that span are accepted.
  if (c.year < 1678 || c.year > 2261) return false;
  if (c.month < 1 || c.month > 12 || c.day < 1) return false;
  const bool leap = (c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0;
  const int dim = kDays[c.month - 1] + (c.month == 2 && leap ? 1 : 0);
  return c.day <= dim && c.hour >= 0 && c.hour < 24 && c.minute >= 0 &&
         c.minute < 60 && c.second >= 0 && c.second < 60 && c.nanosecond >= 0 &&
         c.nanosecond < kNanosPerSecond;
}

std::string FormatIso8601(Time t) {
  const CivilTime c = ToCivil(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", c.year,
                c.month, c.day, c.hour, c.minute, c.second);
  std::string s(buf);
  if (c.nanosecond != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lld",
                  static_cast<long long>(c.nanosecond));
    std::string f(frac);
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  s += 'Z';
  return s;
}

Result<Time> ParseIso8601(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError("not an ISO 8601 UTC time: '" +
                                std::string(text) + "'");
  };
  CivilTime c;
  if (!ParseDigits(text, 0, 4, &c.year) || text.size() < 10 || text[4] != '-' ||
      !ParseDigits(text, 5, 2, &c.month) || text[7] != '-' ||
      !ParseDigits(text, 8, 2, &c.day)) {
    return bad();
  }
  size_t pos = 10;
  int64_t zone_offset_s = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return bad();
    ++pos;
    if (!ParseDigits(text, pos, 2, &c.hour) || pos + 2 >= text.size() ||
        text[pos + 2] != ':' || !ParseDigits(text, pos + 3, 2, &c.minute)) {
      return bad();
    }
    pos += 5;
    if (pos < text.size() && text[pos] == ':') {
      if (!ParseDigits(text, pos + 1, 2, &c.second)) return bad();
      pos += 3;
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        int64_t frac = 0;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 9) {
            frac = frac * 10 + (text[pos] - '0');
            ++digits;
          }
          ++pos;
        }
        if (digits == 0) return bad();
        for (int k = digits; k < 9; ++k) frac *= 10;
        c.nanosecond = frac;
      }
    }
    if (pos < text.size()) {
      if (text[pos] == 'Z' && pos + 1 == text.size()) {
        pos = text.size();
      } else if ((text[pos] == '+' || text[pos] == '-') &&
                 text.size() == pos + 6 && text[pos + 3] == ':') {
        int zh, zm;
        if (!ParseDigits(text, pos + 1, 2, &zh) ||
            !ParseDigits(text, pos + 4, 2, &zm)) {
          return bad();
        }
        zone_offset_s = (zh * 3600 + zm * 60) * (text[pos] == '-' ? -1 : 1);
        pos = text.size();
      } else {
        return bad();
      }
    }
  }
  if (!ValidCivil(c)) return bad();
  return FromCivil(c) - Duration::Seconds(zone_offset_s);
}

Result<Duration> ParseOffset(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError("not a time offset (e.g. +00:05:00, +90s): '" +
                                std::string(text) + "'");
  };
  if (text.empty()) return bad();
  bool negative = false;
  std::string_view s = text;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return bad();
  __int128 total_ns = 0;
  if (s.find(':') != std::string_view::npos) {
    // [h…:]mm:ss[.f]
    int64_t parts[3] = {0, 0, 0};
    int count = 0;
    size_t start = 0;
    std::string_view seconds_text;
    while (true) {
      const size_t colon = s.find(':', start);
      std::string_view piece = s.substr(start, colon == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : colon - start);
      if (colon == std::string_view::npos) {
        seconds_text = piece;
        break;
      }
      if (count >= 2 || piece.empty()) return bad();
      int64_t v = 0;
      auto [p, ec] =
          std::from_chars(piece.data(), piece.data() + piece.size(), v);
      if (ec != std::errc() || p != piece.data() + piece.size() || v < 0)
        return bad();
      parts[count++] = v;
      start = colon + 1;
    }
    __int128 num, den;
    if (!ParseDecimalRational(seconds_text, &num, &den)) return bad();
    const int64_t hours = count == 2 ? parts[0] : 0;
    const int64_t minutes = count == 2 ? parts[1] : parts[0];
    total_ns =
        (static_cast<__int128>(hours) * 3600 + minutes * 60) * kNanosPerSecond +
        num * kNanosPerSecond / den;
  } else {
    size_t unit_pos = s.size();
    while (unit_pos > 0 &&
           !(s[unit_pos - 1] >= '0' && s[unit_pos - 1] <= '9') &&
           s[unit_pos - 1] != '.') {
      --unit_pos;
    }
    const std::string_view unit = s.substr(unit_pos);
    __int128 num, den;
    if (!ParseDecimalRational(s.substr(0, unit_pos), &num, &den)) return bad();
    __int128 unit_ns;
    if (unit == "ns")
      unit_ns = 1;
    else if (unit == "us")
      unit_ns = 1000;
    else if (unit == "ms")
      unit_ns = 1000000;
    else if (unit == "s" || unit.empty())
      unit_ns = kNanosPerSecond;
    else if (unit == "min")
      unit_ns = 60 * kNanosPerSecond;
    else if (unit == "h")
      unit_ns = 3600 * kNanosPerSecond;
    else if (unit == "d")
      unit_ns = 86400 * kNanosPerSecond;
    else
      return bad();
    total_ns = num * unit_ns / den;
  }
  if (total_ns > INT64_MAX) return bad();
  return Duration{static_cast<int64_t>(negative ? -total_ns : total_ns)};
}

std::string FormatOffset(Duration d) {
  const bool negative = d.ns < 0;
  const uint64_t ns = negative ? static_cast<uint64_t>(-(d.ns + 1)) + 1 : d.ns;
  const uint64_t secs = ns / kNanosPerSecond;
  const uint64_t frac = ns % kNanosPerSecond;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%c%02llu:%02llu:%02llu", negative ? '-' : '+',
                static_cast<unsigned long long>(secs / 3600),
                static_cast<unsigned long long>(secs / 60 % 60),
                static_cast<unsigned long long>(secs % 60));
  std::string s(buf);
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof f, ".%09llu",
                  static_cast<unsigned long long>(frac));
    std::string fs(f);
    while (fs.back() == '0') fs.pop_back();
    s += fs;
  }
  return s;
}

SampleRate::SampleRate(int64_t numerator_hz, int64_t denominator) {
  assert(numerator_hz > 0 && denominator > 0);
  const int64_t g = std::gcd(numerator_hz, denominator);
  num_ = numerator_hz / g;
  den_ = denominator / g;
}

Result<SampleRate> SampleRate::FromDecimal(std::string_view text) {
  __int128 num, den;
  if (!ParseDecimalRational(text, &num, &den) || num <= 0) {
    return InvalidArgumentError("not a positive sampling frequency: '" +
                                std::string(text) + "'");
  }
  const __int128 g = Gcd128(num, den);
  num /= g;
  den /= g;
  if (num > INT64_MAX / kNanosPerSecond || den > INT64_MAX / kNanosPerSecond) {
    return InvalidArgumentError("sampling frequency out of range: '" +
                                std::string(text) + "'");
  }
  return SampleRate(static_cast<int64_t>(num), static_cast<int64_t>(den));
}

Result<SampleRate> SampleRate::FromSamplesPer(int64_t samples,
                                              Duration duration) {
  if (samples <= 0 || duration.ns <= 0) {
    return InvalidArgumentError(
        "a sampling rate needs samples > 0 and a duration > 0");
  }
  const __int128 num = static_cast<__int128>(samples) * kNanosPerSecond;
  const __int128 den = duration.ns;
  const __int128 g = Gcd128(num, den);
  if (num / g > INT64_MAX || den / g > INT64_MAX) {
    return InvalidArgumentError("sampling rate out of range");
  }
  return SampleRate(static_cast<int64_t>(num / g),
                    static_cast<int64_t>(den / g));
}

Duration SampleRate::OffsetOfSample(int64_t i) const {
  const __int128 p = static_cast<__int128>(i) * kNanosPerSecond * den_;
  __int128 q = p / num_;
  if ((p % num_ != 0) && (p < 0)) --q;
  return Duration{static_cast<int64_t>(q)};
}

int64_t SampleRate::SampleAtOrAfter(Duration offset) const {
  // smallest i with i*1e9*den/num >= offset  ⇔ i >= offset*num/(1e9*den)
  const __int128 p = static_cast<__int128>(offset.ns) * num_;
  const __int128 d = static_cast<__int128>(kNanosPerSecond) * den_;
  __int128 q = p / d;
  if (p % d != 0 && p > 0) ++q;
  return static_cast<int64_t>(q);
}

int64_t SampleRate::SamplesIn(Duration d) const {
  const __int128 p = static_cast<__int128>(d.ns) * num_;
  const __int128 q = static_cast<__int128>(kNanosPerSecond) * den_;
  __int128 r = p / q;
  if (p % q != 0 && p < 0) --r;
  return static_cast<int64_t>(r);
}

std::string SampleRate::ToString() const {
  if (den_ == 1) return std::to_string(num_);
  // Exact decimal when den divides a power of ten.
  int64_t d = den_;
  int twos = 0, fives = 0;
  while (d % 2 == 0) {
    d /= 2;
    ++twos;
  }
  while (d % 5 == 0) {
    d /= 5;
    ++fives;
  }
  if (d == 1) {
    const int k = std::max(twos, fives);
    __int128 scaled = static_cast<__int128>(num_);
    __int128 scale = 1;
    for (int i = 0; i < k; ++i) scale *= 10;
    scaled = scaled * scale / den_;
    std::string digits;
    __int128 v = scaled;
    do {
      digits.insert(digits.begin(),
                    static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    } while (v > 0);
    while (static_cast<int>(digits.size()) <= k)
      digits.insert(digits.begin(), '0');
    digits.insert(digits.end() - k, '.');
    return digits;
  }
  return std::to_string(num_) + "/" + std::to_string(den_);
}

namespace {
class RealClock final : public Clock {
 public:
  Time Now() const override {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return Time{
        std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()};
  }
};
}  // namespace

const Clock& Clock::Real() {
  static const RealClock clock;
  return clock;
}

std::string_view DatePrecisionName(DatePrecision precision) {
  switch (precision) {
    case DatePrecision::kYear:
      return "year";
    case DatePrecision::kMonth:
      return "month";
    case DatePrecision::kDay:
      return "day";
    case DatePrecision::kSecond:
      return "second";
  }
  return "second";
}

Result<DatePrecision> ParseDatePrecision(std::string_view name) {
  for (DatePrecision p : {DatePrecision::kYear, DatePrecision::kMonth,
                          DatePrecision::kDay, DatePrecision::kSecond}) {
    if (DatePrecisionName(p) == name) return p;
  }
  return InvalidArgumentError("unknown date precision '" + std::string(name) +
                              "' (expected year, month, day or second)");
}

}  // namespace jumeau
