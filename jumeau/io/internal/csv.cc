// RFC 4180 tokenizer, delimiter detection and exact decimal / time parsing
// shared by io/device_csv.cc and io/challenge2012.cc. See internal/csv.h.
#include "jumeau/io/internal/csv.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <limits>

#include "jumeau/io/internal/message.h"

namespace jumeau::io::internal {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;
// Instants and offsets we produce stay within +-2^62 ns (+-146 years around
// 1970), far from int64 overflow when later added together.
constexpr int64_t kMaxAbsNanos = int64_t{1} << 62;
constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2200;
// Elapsed clocks ("HH:MM") up to a million hours (114 years).
constexpr int64_t kMaxElapsedHours = 1000000;

constexpr std::array<int64_t, 19> kPow10 = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits of `s` at `pos`.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------
// Tokenizer.

CsvTokenizer::CsvTokenizer(std::string_view text, std::string_view name,
                           char delimiter, char comment)
    : text_(text), name_(name), delimiter_(delimiter), comment_(comment) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

Result<bool> CsvTokenizer::Next(std::vector<std::string_view>* fields) {
  fields->clear();
  spans_.clear();
  const size_t size = text_.size();
  const auto is_trim = [this](char c) {
    return c == ' ' || (c == '\t' && delimiter_ != '\t');
  };
  // Consumes the line break at pos (LF, CRLF or CR).
  const auto end_line = [&](size_t pos) {
    if (text_[pos] == '\r' && pos + 1 < size && text_[pos + 1] == '\n') ++pos;
    ++line_;
    return pos + 1;
  };

  // Skip empty and comment lines.
  while (true) {
    if (pos_ >= size) return false;
    const char c = text_[pos_];
    if (c == '\n' || c == '\r') {
      pos_ = end_line(pos_);
      continue;
    }
    if (comment_ != 0 && c == comment_) {
      while (pos_ < size && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
      if (pos_ < size) pos_ = end_line(pos_);
      continue;
    }
    break;
  }
  record_line_ = line_;
  record_offset_ = pos_;

  while (true) {
    size_t p = pos_;
    while (p < size && is_trim(text_[p])) ++p;
    if (p < size && text_[p] == '"') {
      const int64_t open_line = line_;
      const size_t begin = p + 1;
      size_t q = begin;
      bool escaped = false;
      while (true) {
        if (q >= size) {
          return DataLossError(std::string(name_) + " line " +
                               std::to_string(open_line) +
                               ": quoted field never closes");
        }
        const char ch = text_[q];
        if (ch == '"') {
          if (q + 1 < size && text_[q + 1] == '"') {
            escaped = true;
            q += 2;
            continue;
          }
          break;
        }
        if (ch == '\n' ||
            (ch == '\r' && !(q + 1 < size && text_[q + 1] == '\n'))) {
          ++line_;
        }
        ++q;
      }
      spans_.push_back({begin, q, escaped});
      ++q;  // the closing quote
      while (q < size && is_trim(text_[q])) ++q;
      if (q >= size) {
        pos_ = q;
        break;
      }
      if (text_[q] == delimiter_) {
        pos_ = q + 1;
        continue;
      }
      if (text_[q] == '\n' || text_[q] == '\r') {
        pos_ = end_line(q);
        break;
      }
      return DataLossError(std::string(name_) + " line " +
                           std::to_string(line_) + ": unexpected " +
                           QuoteForMessage(text_.substr(q, 1)) +
                           " after a closing quote (a quoted field must end "
                           "at a delimiter or a line end)");
    }
    size_t q = pos_;
    while (q < size && text_[q] != delimiter_ && text_[q] != '\n' &&
           text_[q] != '\r') {
      ++q;
    }
    size_t b = pos_;
    size_t e = q;
    while (b < e && is_trim(text_[b])) ++b;
    while (e > b && is_trim(text_[e - 1])) --e;
    spans_.push_back({b, e, false});
    if (q >= size) {
      pos_ = q;
      break;
    }
    if (text_[q] == delimiter_) {
      pos_ = q + 1;
      continue;
    }
    pos_ = end_line(q);
    break;
  }

  bool any_escaped = false;
  for (const Span& s : spans_) any_escaped |= s.escaped;
  if (any_escaped && unescaped_.size() < spans_.size()) {
    unescaped_.resize(spans_.size());
  }
  fields->reserve(spans_.size());
  for (size_t i = 0; i < spans_.size(); ++i) {
    const Span& s = spans_[i];
    std::string_view raw = text_.substr(s.begin, s.end - s.begin);
    if (!s.escaped) {
      fields->push_back(raw);
      continue;
    }
    std::string& out = unescaped_[i];
    out.clear();
    for (size_t k = 0; k < raw.size(); ++k) {
      out += raw[k];
      if (raw[k] == '"') ++k;  // skip the second quote of ""
    }
    fields->push_back(out);
  }
  return true;
}

char DetectDelimiter(std::string_view line) {
  constexpr std::array<char, 4> kCandidates = {',', '\t', ';', '|'};
  std::array<int, 4> counts = {0, 0, 0, 0};
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
      continue;
    }
    if (quoted) continue;
    for (size_t k = 0; k < kCandidates.size(); ++k) {
      if (c == kCandidates[k]) ++counts[k];
    }
  }
  char best = 0;
  int best_count = 0;
  for (size_t k = 0; k < kCandidates.size(); ++k) {
    if (counts[k] > best_count) {
      best = kCandidates[k];
      best_count = counts[k];
    }
  }
  return best;
}

std::string_view FirstContentLine(std::string_view text, char comment) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty()) {
    size_t end = 0;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    const std::string_view line = text.substr(0, end);
    size_t next = end;
    if (next < text.size()) {
      next += (text[next] == '\r' && next + 1 < text.size() &&
               text[next + 1] == '\n')
                  ? 2
                  : 1;
    }
    text.remove_prefix(next);
    if (line.empty()) continue;
    if (comment != 0 && line.front() == comment) continue;
    return line;
  }
  return {};
}

// ---------------------------------------------------------------------------
// Numbers and times.

bool ParseDecimal(std::string_view s, char decimal_point, Decimal* out) {
  size_t i = 0;
  const size_t n = s.size();
  bool negative = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  uint64_t mantissa = 0;
  int significant = 0;
  int fraction = 0;
  bool any = false;
  const auto take = [&](char c) {
    const int d = c - '0';
    if (mantissa == 0 && d == 0) return true;  // leading zero
    if (significant >= 18) return false;
    mantissa = mantissa * 10 + static_cast<uint64_t>(d);
    ++significant;
    return true;
  };
  while (i < n && IsDigit(s[i])) {
    any = true;
    if (!take(s[i])) return false;
    ++i;
  }
  if (i < n && s[i] == decimal_point) {
    ++i;
    while (i < n && IsDigit(s[i])) {
      any = true;
      ++fraction;
      if (!take(s[i])) return false;
      ++i;
    }
  }
  if (!any) return false;
  int exponent = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) {
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > 36) return false;
      ++i;
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return false;
  int decimals = fraction - exponent;
  if (mantissa == 0) {
    decimals = decimals < 0 ? 0 : (decimals > 18 ? 18 : decimals);
  }
  while (decimals < 0) {
    if (significant >= 18) return false;
    mantissa *= 10;
    ++significant;
    ++decimals;
  }
  while (decimals > 18 && mantissa % 10 == 0) {
    mantissa /= 10;
    --decimals;
  }
  if (decimals > 18) return false;
  out->mantissa = negative ? -static_cast<int64_t>(mantissa)
                           : static_cast<int64_t>(mantissa);
  out->decimals = decimals;
  return true;
}

double DecimalToDouble(const Decimal& d) {
  constexpr int64_t kExactLimit = int64_t{1} << 53;
  if (d.mantissa > -kExactLimit && d.mantissa < kExactLimit) {
    // Both operands are exact doubles (10^k is exact up to 10^22), so the
    // quotient is correctly rounded.
    return static_cast<double>(d.mantissa) /
           static_cast<double>(kPow10[static_cast<size_t>(d.decimals)]);
  }
  char buffer[48];
  const int len = std::snprintf(buffer, sizeof buffer, "%lldE-%d",
                                static_cast<long long>(d.mantissa), d.decimals);
  double value = 0.0;
  std::from_chars(buffer, buffer + len, value);
  return value;
}

bool DecimalToNanos(const Decimal& d, int64_t unit_ns, int64_t* out_ns) {
  const __int128 numerator = static_cast<__int128>(d.mantissa) * unit_ns;
  const __int128 denominator = kPow10[static_cast<size_t>(d.decimals)];
  if (numerator % denominator != 0) return false;
  const __int128 ns = numerator / denominator;
  if (ns > kMaxAbsNanos || ns < -kMaxAbsNanos) return false;
  *out_ns = static_cast<int64_t>(ns);
  return true;
}

bool ParseElapsedClock(std::string_view s, Duration* out) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  size_t i = 0;
  int64_t hours = 0;
  while (i < s.size() && IsDigit(s[i])) {
    hours = hours * 10 + (s[i] - '0');
    if (hours > kMaxElapsedHours) return false;
    ++i;
  }
  if (i == 0 || i >= s.size() || s[i] != ':') return false;
  int minutes = 0;
  if (!Digits(s, i + 1, 2, &minutes) || minutes > 59) return false;
  i += 3;
  int seconds = 0;
  int64_t nanos = 0;
  if (i < s.size()) {
    if (s[i] != ':' || !Digits(s, i + 1, 2, &seconds) || seconds > 59) {
      return false;
    }
    i += 3;
    if (i < s.size()) {
      if (s[i] != '.') return false;
      ++i;
      int digits = 0;
      while (i < s.size() && IsDigit(s[i])) {
        if (++digits > 9) return false;
        nanos = nanos * 10 + (s[i] - '0');
        ++i;
      }
      if (digits == 0 || i != s.size()) return false;
      for (int k = digits; k < 9; ++k) nanos *= 10;
    }
  }
  const int64_t total =
      ((hours * 60 + minutes) * 60 + seconds) * kNanosPerSecond + nanos;
  *out = Duration{negative ? -total : total};
  return true;
}

bool ParseIsoTimestamp(std::string_view s, bool has_default_offset,
                       Duration default_offset, Time* out, bool* missing_zone) {
  *missing_zone = false;
  CivilTime c;
  if (s.size() < 10 || !Digits(s, 0, 4, &c.year) || s[4] != '-' ||
      !Digits(s, 5, 2, &c.month) || s[7] != '-' || !Digits(s, 8, 2, &c.day)) {
    return false;
  }
  if (c.year < kMinYear || c.year > kMaxYear) return false;
  size_t pos = 10;
  bool has_zone = false;
  int64_t zone_s = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return false;
    ++pos;
    if (!Digits(s, pos, 2, &c.hour) || pos + 2 >= s.size() ||
        s[pos + 2] != ':' || !Digits(s, pos + 3, 2, &c.minute)) {
      return false;
    }
    pos += 5;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &c.second)) return false;
      pos += 3;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int digits = 0;
        int64_t frac = 0;
        while (pos < s.size() && IsDigit(s[pos])) {
          if (++digits > 9) return false;
          frac = frac * 10 + (s[pos] - '0');
          ++pos;
        }
        if (digits == 0) return false;
        for (int k = digits; k < 9; ++k) frac *= 10;
        c.nanosecond = frac;
      }
    }
    if (pos < s.size()) {
      const std::string_view zone = s.substr(pos);
      if (zone == "Z" || zone == "z") {
        has_zone = true;
      } else if (zone.front() == '+' || zone.front() == '-') {
        int zh = 0;
        int zm = 0;
        bool ok = false;
        if (zone.size() == 3) {
          ok = Digits(zone, 1, 2, &zh);
        } else if (zone.size() == 5) {
          ok = Digits(zone, 1, 2, &zh) && Digits(zone, 3, 2, &zm);
        } else if (zone.size() == 6 && zone[3] == ':') {
          ok = Digits(zone, 1, 2, &zh) && Digits(zone, 4, 2, &zm);
        }
        if (!ok || zh > 18 || zm > 59) return false;
        zone_s = (zh * 3600 + zm * 60) * (zone.front() == '-' ? -1 : 1);
        has_zone = true;
      } else {
        return false;
      }
    }
  }
  if (!ValidCivil(c)) return false;
  Duration offset{zone_s * kNanosPerSecond};
  if (!has_zone) {
    if (!has_default_offset) {
      *missing_zone = true;
      return false;
    }
    offset = default_offset;
  }
  *out = FromCivil(c) - offset;
  return true;
}

}  // namespace jumeau::io::internal
