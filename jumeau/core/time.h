// Time on one axis: Time is int64 nanoseconds since 1970-01-01T00:00:00Z (UTC,
// no leap seconds), Duration the same unit (±292 years). SampleRate is an exact
// rational so that sample i of a signal sits at start + i/rate, never by
// accumulating doubles. Time zones exist only at the presentation edge.
#ifndef JUMEAU_CORE_TIME_H_
#define JUMEAU_CORE_TIME_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "jumeau/core/status.h"

namespace jumeau {

// A signed span of time in nanoseconds.
struct Duration {
  int64_t ns = 0;

  static constexpr Duration Nanoseconds(int64_t n) { return {n}; }
  static constexpr Duration Microseconds(int64_t n) { return {n * 1000}; }
  static constexpr Duration Milliseconds(int64_t n) { return {n * 1000000}; }
  static constexpr Duration Seconds(int64_t n) { return {n * 1000000000}; }
  static constexpr Duration Minutes(int64_t n) { return Seconds(n * 60); }
  static constexpr Duration Hours(int64_t n) { return Seconds(n * 3600); }
  static constexpr Duration Days(int64_t n) { return Seconds(n * 86400); }

  double seconds() const { return static_cast<double>(ns) * 1e-9; }

  friend constexpr auto operator<=>(Duration, Duration) = default;
  friend constexpr Duration operator+(Duration a, Duration b) {
    return {a.ns + b.ns};
  }
  friend constexpr Duration operator-(Duration a, Duration b) {
    return {a.ns - b.ns};
  }
  friend constexpr Duration operator-(Duration a) { return {-a.ns}; }
};

// An instant: nanoseconds since the Unix epoch, UTC.
struct Time {
  int64_t ns_since_epoch = 0;

  static constexpr Time FromNanoseconds(int64_t ns) { return {ns}; }

  friend constexpr auto operator<=>(Time, Time) = default;
  friend constexpr Time operator+(Time t, Duration d) {
    return {t.ns_since_epoch + d.ns};
  }
  friend constexpr Time operator-(Time t, Duration d) {
    return {t.ns_since_epoch - d.ns};
  }
  friend constexpr Duration operator-(Time a, Time b) {
    return {a.ns_since_epoch - b.ns_since_epoch};
  }
};

// How much of a date the source gave. A partial date maps to the first
// instant of its period ("2019-03" -> 2019-03-01T00:00:00Z, kMonth).
enum class DatePrecision { kYear, kMonth, kDay, kSecond };
// "year", "month", "day", "second".
std::string_view DatePrecisionName(DatePrecision precision);
// The inverse of DatePrecisionName; kInvalidArgument for anything else.
Result<DatePrecision> ParseDatePrecision(std::string_view name);

// A broken-down UTC date and time (proleptic Gregorian calendar).
struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t nanosecond = 0;
};

// Returns the instant of `civil`. REQUIRES: fields in range (see ValidCivil).
Time FromCivil(const CivilTime& civil);
// Returns the broken-down UTC form of `t`.
CivilTime ToCivil(Time t);
// True when every field of `civil` is in range for its month and year and the
// year is within 1678..2261 (the span of Time).
bool ValidCivil(const CivilTime& civil);

// Formats `t` as ISO 8601 UTC: "2019-03-02T10:15:00Z", with the fraction
// ".123456789" trimmed of trailing zeros when not a whole second.
std::string FormatIso8601(Time t);

// Parses "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.f…]]" with "Z" or "±hh:mm".
// A missing zone means UTC. Returns kInvalidArgument naming the text otherwise.
Result<Time> ParseIso8601(std::string_view text);

// Parses a signed offset "+00:05:00", "-01:02:03.5", "+90s", "+1.5h", "+250ms".
// Returns kInvalidArgument naming the text on a malformed offset.
Result<Duration> ParseOffset(std::string_view text);

// Formats `d` as "+hh:mm:ss[.fff…]" (hours may exceed 24).
std::string FormatOffset(Duration d);

// The exact rate of a uniformly sampled signal, numerator/denominator in Hz,
// kept reduced with denominator > 0.
class SampleRate {
 public:
  SampleRate() = default;
  // REQUIRES: numerator > 0, denominator > 0.
  SampleRate(int64_t numerator_hz, int64_t denominator);

  // "360", "128.5", "0.2", "1e3" → exact rational. Returns kInvalidArgument
  // for zero, negative, non-finite or non-numeric text.
  static Result<SampleRate> FromDecimal(std::string_view text);
  // `samples` samples in `duration` (the EDF data record form).
  // Returns kInvalidArgument unless samples > 0 and duration > 0.
  static Result<SampleRate> FromSamplesPer(int64_t samples, Duration duration);

  int64_t numerator() const { return num_; }
  int64_t denominator() const { return den_; }
  double hz() const {
    return static_cast<double>(num_) / static_cast<double>(den_);
  }
  bool valid() const { return num_ > 0 && den_ > 0; }

  // Offset of sample `i` from the first: floor(i * 1e9 * den / num) ns, exact.
  Duration OffsetOfSample(int64_t i) const;
  // The first sample index at or after `offset` (ceil); negative offsets give
  // negative indices.
  int64_t SampleAtOrAfter(Duration offset) const;
  // Number of samples in `d` rounded down.
  int64_t SamplesIn(Duration d) const;

  // "360", "128.5", "1000/3".
  std::string ToString() const;

  friend bool operator==(const SampleRate&, const SampleRate&) = default;

 private:
  int64_t num_ = 0;
  int64_t den_ = 1;
};

// A clock: anything that asks "what time is it now" takes one, so tests can
// fake it. Thread-safe implementations only.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time Now() const = 0;
  // The process-wide real clock (CLOCK_REALTIME).
  static const Clock& Real();
};

}  // namespace jumeau

#endif  // JUMEAU_CORE_TIME_H_
