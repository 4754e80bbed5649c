// Device CSV/TSV reader and the mapping-file parser/writer behind
// device_csv.h. One pass tokenizes rows (internal/csv.h), parses each row's
// time once and each mapped value exactly as a decimal; then every column is
// classified regular (Signals on a step grid, split at gaps) or irregular
// (Events). Rules and edge cases: docs/formats-csv.md.
#include "jumeau/io/device_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>

#include "jumeau/core/units.h"
#include "jumeau/io/internal/csv.h"
#include "jumeau/io/internal/message.h"
#include "jumeau/io/internal/wfdb_files.h"

namespace jumeau::io {
namespace {

using internal::Decimal;
using internal::QuoteForMessage;
using internal::TrimSpaces;

constexpr int64_t kNanosPerSecond = 1000000000;
constexpr int64_t kNanosPerMilli = 1000000;
// At most this many decimals are kept in a signal's integer samples (int32
// holds 9 digits).
constexpr int kMaxSignalDecimals = 9;
// Warnings kept per file; further ones are counted in one last line.
constexpr size_t kMaxWarnings = 50;
constexpr char kDeviceCsvSystem[] = "urn:jumeau:device-csv";
constexpr int64_t kMaxAbsTimeNs = int64_t{1} << 62;

constexpr int64_t kPow10[] = {1,         10,         100,          1000,
                              10000,     100000,     1000000,      10000000,
                              100000000, 1000000000, 10000000000LL};

void AddWarning(std::vector<std::string>* warnings, size_t* dropped,
                std::string text) {
  if (warnings->size() < kMaxWarnings) {
    warnings->push_back(std::move(text));
  } else {
    ++*dropped;
  }
}

// "60 s", "0.25 s", "1 ns": a duration for messages.
std::string DurationText(int64_t ns) {
  char buffer[64];
  if (ns % kNanosPerSecond == 0) {
    std::snprintf(buffer, sizeof buffer, "%lld s",
                  static_cast<long long>(ns / kNanosPerSecond));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.9g s",
                  static_cast<double>(ns) * 1e-9);
  }
  return buffer;
}

// The unit to store: ToUcum's form for spellings it knows, else as written.
std::string NormaliseUnit(std::string_view unit) {
  const std::string_view u = TrimSpaces(unit);
  std::string ucum = ToUcum(u);
  if (!ucum.empty() && ucum.front() == '{' && (u.empty() || u.front() != '{')) {
    return std::string(u);
  }
  return ucum;
}

// ---------------------------------------------------------------------------
// Mapping file: small INI dialect.

std::optional<CsvTimeFormat> TimeFormatFromName(std::string_view name) {
  if (name == "iso8601" || name == "iso") return CsvTimeFormat::kIso8601;
  if (name == "epoch_s" || name == "unix_s")
    return CsvTimeFormat::kEpochSeconds;
  if (name == "epoch_ms" || name == "unix_ms") {
    return CsvTimeFormat::kEpochMilliseconds;
  }
  if (name == "elapsed_hh:mm" || name == "hh:mm") {
    return CsvTimeFormat::kElapsedClock;
  }
  if (name == "elapsed_s") return CsvTimeFormat::kElapsedSeconds;
  return std::nullopt;
}

// "+01:00", "-05:30", "+0100", "+01", "Z" → offset within +-18 h.
bool ParseUtcOffset(std::string_view s, Duration* out) {
  if (s == "Z" || s == "z") {
    *out = Duration{};
    return true;
  }
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return false;
  const auto digits = [&](size_t pos, int* v) {
    if (pos + 2 > s.size() || s[pos] < '0' || s[pos] > '9' ||
        s[pos + 1] < '0' || s[pos + 1] > '9') {
      return false;
    }
    *v = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    return true;
  };
  int hours = 0;
  int minutes = 0;
  bool ok = false;
  if (s.size() == 3) {
    ok = digits(1, &hours);
  } else if (s.size() == 5) {
    ok = digits(1, &hours) && digits(3, &minutes);
  } else if (s.size() == 6 && s[3] == ':') {
    ok = digits(1, &hours) && digits(4, &minutes);
  }
  if (!ok || minutes > 59 || hours * 60 + minutes > 18 * 60) return false;
  const int64_t ns = (hours * 3600LL + minutes * 60LL) * kNanosPerSecond;
  *out = Duration{s[0] == '-' ? -ns : ns};
  return true;
}

std::string FormatUtcOffset(Duration d) {
  const int64_t total_min = (d.ns < 0 ? -d.ns : d.ns) / (60 * kNanosPerSecond);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02lld:%02lld", d.ns < 0 ? '-' : '+',
                static_cast<long long>(total_min / 60),
                static_cast<long long>(total_min % 60));
  return buffer;
}

// Reads a quoted string starting at s[0] == '"' ("" stands for a quote).
// Sets *rest to what follows the closing quote. False when it never closes.
bool ReadQuoted(std::string_view s, std::string* out, std::string_view* rest) {
  out->clear();
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '"') {
      if (i + 1 < s.size() && s[i + 1] == '"') {
        *out += '"';
        ++i;
        continue;
      }
      *rest = s.substr(i + 1);
      return true;
    }
    *out += s[i];
  }
  return false;
}

// True when `rest` is blank or a comment.
bool BlankOrComment(std::string_view rest) {
  rest = TrimSpaces(rest);
  return rest.empty() || rest.front() == '#' || rest.front() == ';';
}

// The value of a "key = value" line: a quoted string, or the text up to an
// inline comment (whitespace then '#' or ';'), trimmed.
bool ParseValue(std::string_view raw, std::string* out) {
  raw = TrimSpaces(raw);
  if (!raw.empty() && raw.front() == '"') {
    std::string_view rest;
    if (!ReadQuoted(raw, out, &rest)) return false;
    return BlankOrComment(rest);
  }
  size_t end = raw.size();
  for (size_t i = 1; i < raw.size(); ++i) {
    if ((raw[i] == '#' || raw[i] == ';') &&
        (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
      end = i;
      break;
    }
  }
  *out = std::string(TrimSpaces(raw.substr(0, end)));
  return true;
}

// A comma-separated list of items, each trimmed or quoted; an empty text is
// an empty list.
bool ParseList(std::string_view raw, std::vector<std::string>* out) {
  out->clear();
  raw = TrimSpaces(raw);
  // Strip an inline comment outside quotes.
  bool quoted = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '"') quoted = !quoted;
    if (!quoted && i > 0 && (raw[i] == '#' || raw[i] == ';') &&
        (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
      raw = TrimSpaces(raw.substr(0, i));
      break;
    }
  }
  if (raw.empty()) return true;
  while (true) {
    raw = TrimSpaces(raw);
    std::string item;
    if (!raw.empty() && raw.front() == '"') {
      std::string_view rest;
      if (!ReadQuoted(raw, &item, &rest)) return false;
      rest = TrimSpaces(rest);
      out->push_back(std::move(item));
      if (rest.empty()) return true;
      if (rest.front() != ',') return false;
      raw = rest.substr(1);
      continue;
    }
    const size_t comma = raw.find(',');
    out->push_back(std::string(TrimSpaces(raw.substr(0, comma))));
    if (comma == std::string_view::npos) return true;
    raw = raw.substr(comma + 1);
  }
}

bool ParseDoubleValue(std::string_view s, double* out) {
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    return false;
  }
  *out = v;
  return true;
}

// Quotes `s` for the mapping file when it would not read back as written.
std::string MaybeQuote(std::string_view s) {
  bool needs = s.empty() || s.front() == ' ' || s.back() == ' ' ||
               s.front() == '\t' || s.back() == '\t' || s.front() == '"';
  for (const char c : s) {
    if (c == '#' || c == ';' || c == ',' || c == ']' || c == '\n' ||
        c == '\r' || c == '"') {
      needs = true;
    }
  }
  if (!needs) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

std::string DelimiterName(char c) {
  switch (c) {
    case 0:
      return "auto";
    case ',':
      return "comma";
    case '\t':
      return "tab";
    case ';':
      return "semicolon";
    case '|':
      return "pipe";
    default:
      return MaybeQuote(std::string(1, c));
  }
}

std::string Number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  // Shortest text that reads back to the same double.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[64];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    double back = 0;
    std::from_chars(shorter, shorter + std::char_traits<char>::length(shorter),
                    back);
    if (back == v) return shorter;
  }
  return buffer;
}

// ---------------------------------------------------------------------------
// Reader.

// One mapped value column while reading.
struct ColumnData {
  const CsvValueColumn* spec = nullptr;
  size_t field = 0;             // index in each row
  std::vector<uint32_t> rows;   // row index of each kept value
  std::vector<Decimal> values;  // kept values, in row order
  int64_t missing = 0;          // values skipped as missing
};

class DeviceCsvParser {
 public:
  DeviceCsvParser(std::string_view bytes, std::string_view name,
                  const CsvColumnMapping& mapping)
      : bytes_(bytes), name_(name), mapping_(mapping) {}

  Result<DeviceCsv> Run();

 private:
  Status Fail(int64_t line, std::string_view column, std::string reason) const {
    std::string message = std::string(name_) + " line " + std::to_string(line);
    if (!column.empty()) message += " column '" + std::string(column) + "'";
    return DataLossError(message + ": " + reason);
  }
  Status ParseHeader(const std::vector<std::string_view>& header, int64_t line);
  Result<Time> ParseTime(std::string_view text, int64_t line) const;
  Result<Time> ParseAnyTime(std::string_view text, int64_t line) const;
  bool IsMissing(std::string_view text, const CsvValueColumn& spec) const;
  void Finish(ColumnData& column, DeviceCsv* out);
  // Why `column` cannot be a signal (empty when it can); sets the step and
  // the segment starts (indices into column.values).
  std::string Classify(const ColumnData& column, int64_t* step,
                       std::vector<size_t>* segment_starts,
                       int64_t* max_snap) const;
  void Warn(std::string text) {
    AddWarning(&warnings_, &dropped_warnings_, std::move(text));
  }

  std::string_view bytes_;
  std::string_view name_;
  const CsvColumnMapping& mapping_;
  char delimiter_ = ',';
  size_t header_fields_ = 0;
  size_t time_field_ = 0;
  std::vector<ColumnData> columns_;
  std::vector<Time> row_times_;
  std::vector<int64_t> row_lines_;
  std::vector<std::string> warnings_;
  size_t dropped_warnings_ = 0;
};

Status DeviceCsvParser::ParseHeader(const std::vector<std::string_view>& header,
                                    int64_t line) {
  header_fields_ = header.size();
  std::unordered_map<std::string_view, size_t> index;
  std::vector<std::string_view> duplicates;
  for (size_t i = 0; i < header.size(); ++i) {
    if (!index.emplace(header[i], i).second) duplicates.push_back(header[i]);
  }
  std::string all;
  for (size_t i = 0; i < header.size() && i < 20; ++i) {
    all += (i ? ", " : "") + QuoteForMessage(header[i]);
  }
  if (header.size() > 20) all += ", ...";
  const auto find = [&](std::string_view wanted, size_t* field) -> Status {
    if (std::find(duplicates.begin(), duplicates.end(), wanted) !=
        duplicates.end()) {
      return Fail(line, "",
                  "column " + QuoteForMessage(wanted) +
                      " appears more than once in the header");
    }
    const auto it = index.find(wanted);
    if (it == index.end()) {
      return Fail(line, "",
                  "no column " + QuoteForMessage(wanted) +
                      " in the header (the mapping names it; the header has " +
                      all + ")");
    }
    *field = it->second;
    return Status::Ok();
  };
  JUMEAU_RETURN_IF_ERROR(find(mapping_.time_column, &time_field_));
  std::vector<bool> used(header.size(), false);
  used[time_field_] = true;
  for (const CsvValueColumn& spec : mapping_.columns) {
    ColumnData column;
    column.spec = &spec;
    JUMEAU_RETURN_IF_ERROR(find(spec.column, &column.field));
    used[column.field] = true;
    columns_.push_back(std::move(column));
  }
  std::string ignored;
  size_t ignored_count = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    if (used[i]) continue;
    if (++ignored_count <= 20) {
      ignored += (ignored.empty() ? "" : ", ") + QuoteForMessage(header[i]);
    }
  }
  if (ignored_count > 0) {
    Warn("columns not in the mapping, ignored: " + ignored +
         (ignored_count > 20 ? ", ..." : ""));
  }
  return Status::Ok();
}

Result<Time> DeviceCsvParser::ParseTime(std::string_view text,
                                        int64_t line) const {
  JUMEAU_ASSIGN_OR_RETURN(const Time t, ParseAnyTime(text, line));
  // Within +-2^62 ns (years 1824-2116) any two times differ by less than
  // 2^63 ns, so intervals never overflow.
  if (t.ns_since_epoch >= kMaxAbsTimeNs || t.ns_since_epoch <= -kMaxAbsTimeNs) {
    return Fail(line, mapping_.time_column,
                QuoteForMessage(text) + " is out of range (years 1824-2116)");
  }
  return t;
}

Result<Time> DeviceCsvParser::ParseAnyTime(std::string_view text,
                                           int64_t line) const {
  const std::string_view column = mapping_.time_column;
  if (text.empty()) return Fail(line, column, "empty time");
  switch (mapping_.time_format) {
    case CsvTimeFormat::kIso8601: {
      Time t;
      bool missing_zone = false;
      if (internal::ParseIsoTimestamp(text, mapping_.has_utc_offset,
                                      mapping_.utc_offset, &t, &missing_zone)) {
        return t;
      }
      if (missing_zone) {
        return Fail(line, column,
                    QuoteForMessage(text) +
                        " has no time zone: write Z or +hh:mm, or set "
                        "utc_offset in the mapping");
      }
      return Fail(line, column,
                  QuoteForMessage(text) +
                      " is not an ISO 8601 time (YYYY-MM-DDThh:mm[:ss[.f]] "
                      "with Z or +hh:mm, years 1800-2200)");
    }
    case CsvTimeFormat::kEpochSeconds:
    case CsvTimeFormat::kEpochMilliseconds:
    case CsvTimeFormat::kElapsedSeconds: {
      const bool ms = mapping_.time_format == CsvTimeFormat::kEpochMilliseconds;
      const char* what =
          mapping_.time_format == CsvTimeFormat::kElapsedSeconds
              ? "elapsed seconds"
              : (ms ? "milliseconds since 1970" : "seconds since 1970");
      Decimal d;
      int64_t ns = 0;
      if (!internal::ParseDecimal(text, '.', &d)) {
        return Fail(line, column,
                    QuoteForMessage(text) + " is not a number of " + what);
      }
      if (!internal::DecimalToNanos(d, ms ? kNanosPerMilli : kNanosPerSecond,
                                    &ns)) {
        return Fail(line, column,
                    QuoteForMessage(text) +
                        " is out of range (+-146 years) or finer than 1 ns");
      }
      if (mapping_.time_format != CsvTimeFormat::kElapsedSeconds) {
        return Time{ns};
      }
      int64_t sum = 0;
      if (__builtin_add_overflow(mapping_.origin.ns_since_epoch, ns, &sum)) {
        return Fail(line, column, QuoteForMessage(text) + " is out of range");
      }
      return Time{sum};
    }
    case CsvTimeFormat::kElapsedClock: {
      Duration d;
      int64_t sum = 0;
      if (!internal::ParseElapsedClock(text, &d)) {
        return Fail(
            line, column,
            QuoteForMessage(text) + " is not an elapsed time H:MM[:SS[.f]]");
      }
      if (__builtin_add_overflow(mapping_.origin.ns_since_epoch, d.ns, &sum)) {
        return Fail(line, column, QuoteForMessage(text) + " is out of range");
      }
      return Time{sum};
    }
  }
  return Fail(line, column, "unknown time format");
}

bool DeviceCsvParser::IsMissing(std::string_view text,
                                const CsvValueColumn& spec) const {
  if (text.empty()) return true;
  for (const std::string& token : mapping_.missing) {
    if (text == token) return true;
  }
  for (const std::string& token : spec.missing) {
    if (text == token) return true;
  }
  return false;
}

std::string DeviceCsvParser::Classify(const ColumnData& column, int64_t* step,
                                      std::vector<size_t>* segment_starts,
                                      int64_t* max_snap) const {
  const size_t n = column.values.size();
  if (n < static_cast<size_t>(mapping_.min_signal_samples)) {
    return "only " + std::to_string(n) + " value" + (n == 1 ? "" : "s");
  }
  std::vector<int64_t> diffs(n - 1);
  for (size_t i = 1; i < n; ++i) {
    const Time a = row_times_[column.rows[i - 1]];
    const Time b = row_times_[column.rows[i]];
    if (b <= a) {
      return "its times do not increase at line " +
             std::to_string(row_lines_[column.rows[i]]);
    }
    // Both instants lie within +-2^62 ns, so the difference fits.
    diffs[i - 1] = (b - a).ns;
  }
  // The step: the median interval, refined to the mean of the intervals
  // within two tolerances of it (so that jitter alternating around the true
  // step does not bias it as the median alone would).
  std::vector<int64_t> sorted = diffs;
  const size_t mid = (sorted.size() - 1) / 2;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(mid),
                   sorted.end());
  const int64_t median = sorted[mid];
  const double window =
      2.0 * mapping_.regular_tolerance * static_cast<double>(median);
  __int128 sum = 0;
  int64_t count = 0;
  for (const int64_t d : diffs) {
    if (std::fabs(static_cast<double>(d - median)) <= window) {
      sum += d;
      ++count;
    }
  }
  *step = static_cast<int64_t>((sum + count / 2) / count);
  const int64_t tolerance = static_cast<int64_t>(
      std::floor(mapping_.regular_tolerance * static_cast<double>(*step)));
  segment_starts->assign(1, 0);
  *max_snap = 0;
  size_t steps = 0;
  size_t segment = 0;
  for (size_t i = 1; i < n; ++i) {
    const int64_t d = diffs[i - 1];
    if (d < *step - tolerance) {
      return "an interval of " + DurationText(d) + " at line " +
             std::to_string(row_lines_[column.rows[i]]) +
             " is shorter than the step " + DurationText(*step);
    }
    const __int128 grid =
        static_cast<__int128>(row_times_[column.rows[segment]].ns_since_epoch) +
        static_cast<__int128>(i - segment) * *step;
    const __int128 off =
        static_cast<__int128>(row_times_[column.rows[i]].ns_since_epoch) - grid;
    const __int128 abs_off = off < 0 ? -off : off;
    if (d <= *step + tolerance && abs_off <= tolerance) {
      ++steps;
      *max_snap = std::max(*max_snap, static_cast<int64_t>(abs_off));
    } else {
      segment = i;
      segment_starts->push_back(i);
    }
  }
  const double fraction =
      static_cast<double>(steps) / static_cast<double>(n - 1);
  if (fraction < mapping_.min_regular_fraction) {
    char buffer[160];
    std::snprintf(buffer, sizeof buffer,
                  "its intervals are irregular (%.0f%% of %zu are one step of "
                  "%s; %.0f%% needed)",
                  100.0 * fraction, n - 1, DurationText(*step).c_str(),
                  100.0 * mapping_.min_regular_fraction);
    return buffer;
  }
  return "";
}

void DeviceCsvParser::Finish(ColumnData& column, DeviceCsv* out) {
  const CsvValueColumn& spec = *column.spec;
  const std::string label = spec.label.empty() ? spec.column : spec.label;
  Code code = spec.code;
  if (code.display.empty()) code.display = label;
  const std::string unit = NormaliseUnit(spec.unit);
  const std::string quoted = QuoteForMessage(spec.column);
  if (column.missing > 0) {
    Warn("column " + quoted + ": " + std::to_string(column.missing) +
         " missing value" + (column.missing == 1 ? "" : "s") + " skipped");
  }
  if (column.values.empty()) {
    Warn("column " + quoted + ": no values");
    return;
  }

  int64_t step = 0;
  int64_t max_snap = 0;
  std::vector<size_t> starts;
  std::string why_events = Classify(column, &step, &starts, &max_snap);
  int decimals = 0;
  for (const Decimal& d : column.values)
    decimals = std::max(decimals, d.decimals);
  std::vector<int32_t> samples;
  if (why_events.empty() && decimals > kMaxSignalDecimals) {
    why_events = "values have " + std::to_string(decimals) +
                 " decimals (at most 9 fit a signal)";
  }
  if (why_events.empty()) {
    samples.reserve(column.values.size());
    for (const Decimal& d : column.values) {
      const __int128 v =
          static_cast<__int128>(d.mantissa) * kPow10[decimals - d.decimals];
      if (v > std::numeric_limits<int32_t>::max() ||
          v < std::numeric_limits<int32_t>::min()) {
        why_events = "its values do not fit 32-bit integers at " +
                     std::to_string(decimals) + " decimals";
        samples.clear();
        break;
      }
      samples.push_back(static_cast<int32_t>(v));
    }
  }

  if (!why_events.empty()) {
    Warn("column " + quoted + ": kept as events: " + why_events);
    for (size_t i = 0; i < column.values.size(); ++i) {
      Event e;
      e.time = row_times_[column.rows[i]];
      e.code = code;
      e.value = internal::DecimalToDouble(column.values[i]);
      e.unit = unit;
      out->recording.events.push_back(std::move(e));
    }
    return;
  }

  const auto [min_it, max_it] =
      std::minmax_element(samples.begin(), samples.end());
  const int32_t dmin = *min_it;
  const int32_t dmax = *max_it;
  const int bits = (dmin >= -32768 && dmax <= 32767)       ? 16
                   : (dmin >= -8388608 && dmax <= 8388607) ? 24
                                                           : 32;
  const double scale = 1.0 / static_cast<double>(kPow10[decimals]);
  Signal base;
  base.label = label;
  base.unit = unit;
  base.source_unit = spec.unit;
  base.rate = SampleRate(kNanosPerSecond, step);
  base.scale = scale;
  base.offset = 0.0;
  base.digital_min = dmin;
  base.digital_max = dmax;
  base.physical_min = dmin * scale;
  base.physical_max = dmax * scale;
  base.bits = bits;
  starts.push_back(column.values.size());
  for (size_t s = 0; s + 1 < starts.size(); ++s) {
    Signal signal = base;
    signal.start = row_times_[column.rows[starts[s]]];
    signal.samples.assign(samples.begin() + static_cast<long>(starts[s]),
                          samples.begin() + static_cast<long>(starts[s + 1]));
    out->recording.signals.push_back(std::move(signal));
    out->signal_codes.push_back(code);
    out->signal_columns.push_back(spec.column);
  }
  if (starts.size() > 2) {
    Warn("column " + quoted + ": " + std::to_string(starts.size() - 2) +
         " gap" + (starts.size() == 3 ? "" : "s") +
         " in a series with a step of " + DurationText(step) + ": " +
         std::to_string(starts.size() - 1) + " signals");
  }
  if (max_snap > 0) {
    Warn("column " + quoted + ": times moved to the step grid by up to " +
         DurationText(max_snap));
  }
}

Result<DeviceCsv> DeviceCsvParser::Run() {
  JUMEAU_RETURN_IF_ERROR(ValidateCsvMapping(mapping_));
  delimiter_ = mapping_.delimiter;
  if (delimiter_ == 0) {
    delimiter_ = internal::DetectDelimiter(
        internal::FirstContentLine(bytes_, mapping_.comment));
    if (delimiter_ == 0) delimiter_ = ',';
  }
  internal::CsvTokenizer tokenizer(bytes_, name_, delimiter_, mapping_.comment);
  std::vector<std::string_view> fields;
  JUMEAU_ASSIGN_OR_RETURN(const bool has_header, tokenizer.Next(&fields));
  if (!has_header) {
    return DataLossError(std::string(name_) + ": no header line");
  }
  JUMEAU_RETURN_IF_ERROR(ParseHeader(fields, tokenizer.line()));

  while (true) {
    JUMEAU_ASSIGN_OR_RETURN(const bool more, tokenizer.Next(&fields));
    if (!more) break;
    const int64_t line = tokenizer.line();
    if (fields.size() == 1 && fields[0].empty() && header_fields_ > 1) {
      continue;  // a line of blanks
    }
    if (fields.size() != header_fields_) {
      return Fail(line, "",
                  std::to_string(fields.size()) + " field" +
                      (fields.size() == 1 ? "" : "s") + ", the header has " +
                      std::to_string(header_fields_));
    }
    if (row_times_.size() >= std::numeric_limits<uint32_t>::max()) {
      return Fail(line, "", "more than 4294967295 rows");
    }
    JUMEAU_ASSIGN_OR_RETURN(const Time t, ParseTime(fields[time_field_], line));
    const auto row = static_cast<uint32_t>(row_times_.size());
    row_times_.push_back(t);
    row_lines_.push_back(line);
    for (ColumnData& column : columns_) {
      const std::string_view text = fields[column.field];
      if (IsMissing(text, *column.spec)) {
        ++column.missing;
        continue;
      }
      Decimal d;
      if (!internal::ParseDecimal(text, mapping_.decimal_point, &d)) {
        return Fail(line, column.spec->column,
                    QuoteForMessage(text) + " is not a number");
      }
      column.rows.push_back(row);
      column.values.push_back(d);
    }
  }

  DeviceCsv out;
  out.recording.format = delimiter_ == '\t' ? "TSV" : "CSV";
  for (ColumnData& column : columns_) Finish(column, &out);
  std::stable_sort(
      out.recording.events.begin(), out.recording.events.end(),
      [](const Event& a, const Event& b) { return a.time < b.time; });
  bool any = false;
  Time start;
  for (const ColumnData& column : columns_) {
    for (const uint32_t row : column.rows) {
      if (!any || row_times_[row] < start) start = row_times_[row];
      any = true;
    }
  }
  if (!any && !row_times_.empty()) start = row_times_.front();
  out.recording.start = start;
  if (row_times_.empty()) Warn("no data rows");
  if (dropped_warnings_ > 0) {
    warnings_.push_back(std::to_string(dropped_warnings_) +
                        " more warnings not shown");
  }
  out.recording.warnings = std::move(warnings_);
  return out;
}

}  // namespace

std::string_view CsvTimeFormatName(CsvTimeFormat format) {
  switch (format) {
    case CsvTimeFormat::kIso8601:
      return "iso8601";
    case CsvTimeFormat::kEpochSeconds:
      return "epoch_s";
    case CsvTimeFormat::kEpochMilliseconds:
      return "epoch_ms";
    case CsvTimeFormat::kElapsedClock:
      return "elapsed_hh:mm";
    case CsvTimeFormat::kElapsedSeconds:
      return "elapsed_s";
  }
  return "iso8601";
}

Status ValidateCsvMapping(const CsvColumnMapping& m) {
  if (TrimSpaces(m.time_column).empty()) {
    return InvalidArgumentError("CSV mapping: time_column is empty");
  }
  if (m.columns.empty()) {
    return InvalidArgumentError("CSV mapping: no value column");
  }
  if (m.delimiter == '"' || m.delimiter == '\n' || m.delimiter == '\r' ||
      m.delimiter == ' ') {
    return InvalidArgumentError("CSV mapping: delimiter " +
                                QuoteForMessage(std::string(1, m.delimiter)) +
                                " cannot be used");
  }
  if (m.decimal_point != '.' && m.decimal_point != ',') {
    return InvalidArgumentError(
        "CSV mapping: decimal_point must be '.' or ','");
  }
  if (m.decimal_point == m.delimiter) {
    return InvalidArgumentError(
        "CSV mapping: decimal_point equals the delimiter");
  }
  if (m.comment == '"' || m.comment == '\n' || m.comment == '\r' ||
      (m.comment != 0 && m.comment == m.delimiter)) {
    return InvalidArgumentError("CSV mapping: comment character " +
                                QuoteForMessage(std::string(1, m.comment)) +
                                " cannot be used");
  }
  if (m.has_utc_offset && (m.utc_offset.ns > Duration::Hours(18).ns ||
                           m.utc_offset.ns < -Duration::Hours(18).ns)) {
    return InvalidArgumentError("CSV mapping: utc_offset beyond +-18 hours");
  }
  if (m.origin.ns_since_epoch > (int64_t{1} << 62) ||
      m.origin.ns_since_epoch < -(int64_t{1} << 62)) {
    return InvalidArgumentError("CSV mapping: origin out of range");
  }
  if (!(m.regular_tolerance >= 0.0 && m.regular_tolerance <= 0.25)) {
    return InvalidArgumentError(
        "CSV mapping: regular_tolerance must be in [0, 0.25]");
  }
  if (!(m.min_regular_fraction >= 0.5 && m.min_regular_fraction <= 1.0)) {
    return InvalidArgumentError(
        "CSV mapping: min_regular_fraction must be in [0.5, 1]");
  }
  if (m.min_signal_samples < 2) {
    return InvalidArgumentError(
        "CSV mapping: min_signal_samples must be at least 2");
  }
  for (size_t i = 0; i < m.columns.size(); ++i) {
    const CsvValueColumn& c = m.columns[i];
    if (TrimSpaces(c.column).empty()) {
      return InvalidArgumentError("CSV mapping: value column " +
                                  std::to_string(i + 1) + " has no name");
    }
    if (c.column == m.time_column) {
      return InvalidArgumentError("CSV mapping: column " +
                                  QuoteForMessage(c.column) +
                                  " is the time column");
    }
    if (c.code.code.empty() || c.code.system.empty()) {
      return InvalidArgumentError("CSV mapping: column " +
                                  QuoteForMessage(c.column) +
                                  " has no code system or code");
    }
    for (size_t j = 0; j < i; ++j) {
      if (m.columns[j].column == c.column) {
        return InvalidArgumentError("CSV mapping: column " +
                                    QuoteForMessage(c.column) +
                                    " is mapped twice");
      }
    }
  }
  return Status::Ok();
}

Result<CsvColumnMapping> ParseCsvMapping(std::string_view text,
                                         std::string_view name) {
  CsvColumnMapping mapping;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  enum class Section { kNone, kCsv, kColumn };
  Section section = Section::kNone;
  int64_t line_number = 0;
  bool has_time_column = false;
  // Per column: whether system/code were given, to fill defaults at the end.
  std::vector<std::pair<bool, bool>> given;
  auto fail = [&](std::string reason) {
    return InvalidArgumentError(std::string(name) + " line " +
                                std::to_string(line_number) + ": " + reason);
  };
  while (!text.empty()) {
    size_t end = 0;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    const std::string_view raw = text.substr(0, end);
    size_t next = end;
    if (next < text.size()) {
      next += (text[next] == '\r' && next + 1 < text.size() &&
               text[next + 1] == '\n')
                  ? 2
                  : 1;
    }
    text.remove_prefix(next);
    ++line_number;
    const std::string_view line = TrimSpaces(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;

    if (line.front() == '[') {
      if (line.back() != ']') return fail("a section header must end with ']'");
      std::string_view inner = TrimSpaces(line.substr(1, line.size() - 2));
      if (inner == "csv") {
        section = Section::kCsv;
        continue;
      }
      if (inner.substr(0, 6) != "column" ||
          (inner.size() > 6 && inner[6] != ' ' && inner[6] != '\t')) {
        return fail("unknown section " + QuoteForMessage(line) +
                    " (expected [csv] or [column NAME])");
      }
      inner = TrimSpaces(inner.substr(6));
      std::string column;
      if (!inner.empty() && inner.front() == '"') {
        std::string_view rest;
        if (!ReadQuoted(inner, &column, &rest) || !TrimSpaces(rest).empty()) {
          return fail("malformed quoted column name");
        }
      } else {
        column = std::string(inner);
      }
      if (TrimSpaces(column).empty()) return fail("[column] needs a name");
      for (const CsvValueColumn& c : mapping.columns) {
        if (c.column == column) {
          return fail("column " + QuoteForMessage(column) + " mapped twice");
        }
      }
      CsvValueColumn c;
      c.column = std::move(column);
      mapping.columns.push_back(std::move(c));
      given.emplace_back(false, false);
      section = Section::kColumn;
      continue;
    }

    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return fail("expected 'key = value', a [section] or a # comment");
    }
    const std::string_view key = TrimSpaces(line.substr(0, eq));
    const std::string_view raw_value = line.substr(eq + 1);
    std::string value;
    if (key != "missing" && !ParseValue(raw_value, &value)) {
      return fail("malformed quoted value");
    }
    if (section == Section::kNone) {
      return fail("key " + QuoteForMessage(key) +
                  " before any section ([csv] or [column NAME])");
    }
    if (section == Section::kCsv) {
      if (key == "time_column") {
        mapping.time_column = value;
        has_time_column = true;
      } else if (key == "time_format") {
        const auto format = TimeFormatFromName(value);
        if (!format) {
          return fail("unknown time_format " + QuoteForMessage(value) +
                      " (iso8601, epoch_s, epoch_ms, elapsed_hh:mm, "
                      "elapsed_s)");
        }
        mapping.time_format = *format;
      } else if (key == "origin") {
        Time t;
        bool missing_zone = false;
        if (!internal::ParseIsoTimestamp(value, false, Duration{}, &t,
                                         &missing_zone)) {
          return fail("origin " + QuoteForMessage(value) +
                      " is not an ISO 8601 time with a zone");
        }
        mapping.origin = t;
      } else if (key == "utc_offset") {
        if (value.empty() || value == "none") {
          mapping.has_utc_offset = false;
          mapping.utc_offset = Duration{};
        } else {
          Duration d;
          if (!ParseUtcOffset(value, &d)) {
            return fail("utc_offset " + QuoteForMessage(value) +
                        " is not +hh:mm within +-18:00");
          }
          mapping.has_utc_offset = true;
          mapping.utc_offset = d;
        }
      } else if (key == "delimiter") {
        if (value == "auto") {
          mapping.delimiter = 0;
        } else if (value == "comma" || value == ",") {
          mapping.delimiter = ',';
        } else if (value == "tab" || value == "\\t") {
          mapping.delimiter = '\t';
        } else if (value == "semicolon" || value == ";") {
          mapping.delimiter = ';';
        } else if (value == "pipe" || value == "|") {
          mapping.delimiter = '|';
        } else if (value.size() == 1) {
          mapping.delimiter = value[0];
        } else {
          return fail("unknown delimiter " + QuoteForMessage(value) +
                      " (auto, comma, tab, semicolon, pipe or one character)");
        }
      } else if (key == "decimal_point") {
        if (value == "." || value == "period") {
          mapping.decimal_point = '.';
        } else if (value == "," || value == "comma") {
          mapping.decimal_point = ',';
        } else {
          return fail("decimal_point must be '.' or ','");
        }
      } else if (key == "comment") {
        if (value.empty() || value == "none") {
          mapping.comment = 0;
        } else if (value.size() == 1) {
          mapping.comment = value[0];
        } else {
          return fail("comment must be one character or 'none'");
        }
      } else if (key == "missing") {
        if (!ParseList(raw_value, &mapping.missing)) {
          return fail("malformed list of missing-value texts");
        }
      } else if (key == "regular_tolerance" || key == "min_regular_fraction") {
        double v = 0;
        if (!ParseDoubleValue(value, &v)) {
          return fail(std::string(key) + " " + QuoteForMessage(value) +
                      " is not a number");
        }
        (key == "regular_tolerance" ? mapping.regular_tolerance
                                    : mapping.min_regular_fraction) = v;
      } else if (key == "min_signal_samples") {
        int v = 0;
        const auto [p, ec] =
            std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || p != value.data() + value.size()) {
          return fail("min_signal_samples " + QuoteForMessage(value) +
                      " is not an integer");
        }
        mapping.min_signal_samples = v;
      } else {
        return fail("unknown key " + QuoteForMessage(key) + " in [csv]");
      }
      continue;
    }
    CsvValueColumn& c = mapping.columns.back();
    if (key == "system") {
      if (value == "loinc" || value == "LOINC") {
        c.code.system = code_system::kLoinc;
      } else if (value == "snomed" || value == "SNOMED") {
        c.code.system = code_system::kSnomed;
      } else {
        c.code.system = value;
      }
      given.back().first = true;
    } else if (key == "code") {
      c.code.code = value;
      given.back().second = true;
    } else if (key == "unit") {
      c.unit = value;
    } else if (key == "label") {
      c.label = value;
    } else if (key == "display") {
      c.code.display = value;
    } else if (key == "missing") {
      if (!ParseList(raw_value, &c.missing)) {
        return fail("malformed list of missing-value texts");
      }
    } else {
      return fail("unknown key " + QuoteForMessage(key) + " in [column " +
                  QuoteForMessage(c.column) + "]");
    }
  }
  if (!has_time_column) {
    return InvalidArgumentError(std::string(name) +
                                ": no time_column in a [csv] section");
  }
  for (size_t i = 0; i < mapping.columns.size(); ++i) {
    CsvValueColumn& c = mapping.columns[i];
    const auto [has_system, has_code] = given[i];
    if (!has_code) {
      if (has_system) {
        return InvalidArgumentError(std::string(name) + ": column " +
                                    QuoteForMessage(c.column) +
                                    " has a system but no code");
      }
      c.code.system = kDeviceCsvSystem;
      c.code.code = c.column;
    } else if (!has_system) {
      c.code.system = code_system::kLoinc;
    }
  }
  Status valid = ValidateCsvMapping(mapping);
  if (!valid.ok()) {
    return InvalidArgumentError(std::string(name) + ": " + valid.message());
  }
  return mapping;
}

Result<CsvColumnMapping> ReadCsvMapping(const std::filesystem::path& path) {
  JUMEAU_ASSIGN_OR_RETURN(const std::string text,
                          internal::ReadWholeFile(path, uint64_t{1} << 20));
  return ParseCsvMapping(text, path.string());
}

std::string FormatCsvMapping(const CsvColumnMapping& m) {
  std::string out =
      "# Jumeau device CSV mapping (format: docs/formats-csv.md)\n[csv]\n";
  out += "time_column = " + MaybeQuote(m.time_column) + "\n";
  out +=
      "time_format = " + std::string(CsvTimeFormatName(m.time_format)) + "\n";
  if (m.time_format == CsvTimeFormat::kElapsedClock ||
      m.time_format == CsvTimeFormat::kElapsedSeconds ||
      m.origin.ns_since_epoch != 0) {
    out += "origin = " + FormatIso8601(m.origin) + "\n";
  }
  if (m.has_utc_offset) {
    out += "utc_offset = " + FormatUtcOffset(m.utc_offset) + "\n";
  }
  out += "delimiter = " + DelimiterName(m.delimiter) + "\n";
  if (m.decimal_point != '.') out += "decimal_point = comma\n";
  out += "comment = " +
         (m.comment == 0 ? std::string("none")
                         : MaybeQuote(std::string(1, m.comment))) +
         "\n";
  std::string list;
  for (const std::string& token : m.missing) {
    list += (list.empty() ? "" : ", ") + MaybeQuote(token);
  }
  out += "missing = " + list + "\n";
  out += "regular_tolerance = " + Number(m.regular_tolerance) + "\n";
  out += "min_regular_fraction = " + Number(m.min_regular_fraction) + "\n";
  out += "min_signal_samples = " + std::to_string(m.min_signal_samples) + "\n";
  for (const CsvValueColumn& c : m.columns) {
    out += "\n[column " + MaybeQuote(c.column) + "]\n";
    out += "system = " + MaybeQuote(c.code.system) + "\n";
    out += "code = " + MaybeQuote(c.code.code) + "\n";
    if (!c.code.display.empty()) {
      out += "display = " + MaybeQuote(c.code.display) + "\n";
    }
    out += "unit = " + MaybeQuote(c.unit) + "\n";
    if (!c.label.empty()) out += "label = " + MaybeQuote(c.label) + "\n";
    if (!c.missing.empty()) {
      std::string items;
      for (const std::string& token : c.missing) {
        items += (items.empty() ? "" : ", ") + MaybeQuote(token);
      }
      out += "missing = " + items + "\n";
    }
  }
  return out;
}

std::filesystem::path DefaultCsvMappingPath(
    const std::filesystem::path& csv_path) {
  std::filesystem::path p = csv_path;
  p.replace_filename(csv_path.stem().string() + ".mapping.ini");
  return p;
}

Result<DeviceCsv> ReadDeviceCsvFromMemory(std::string_view bytes,
                                          std::string_view name,
                                          const CsvColumnMapping& mapping) {
  DeviceCsvParser parser(bytes, name, mapping);
  return parser.Run();
}

Result<DeviceCsv> ReadDeviceCsv(const std::filesystem::path& path,
                                const CsvColumnMapping& mapping) {
  JUMEAU_ASSIGN_OR_RETURN(const std::string bytes,
                          internal::ReadWholeFile(path));
  const std::string name = path.string();
  return ReadDeviceCsvFromMemory(bytes, name, mapping);
}

}  // namespace jumeau::io
