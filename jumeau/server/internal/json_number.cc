// JSON numbers: Dragonbox (fmt) digits laid out as std::to_chars lays them out.
#include "jumeau/server/internal/json_number.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace jumeau::server::internal {
namespace {

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536"
    "37383940414243444546474849505152535455565758596061626364656667686970717273"
    "7475767778798081828384858687888990919293949596979899";

constexpr auto kPowers = [] {
  std::array<uint64_t, 20> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();

int DigitCount(uint64_t v) {
  const int bits = 64 - __builtin_clzll(v | 1);
  const int guess = (bits * 1233) >> 12;  // floor(bits * log10(2))
  return guess + (v >= kPowers[guess] ? 1 : 0);
}

void WritePair(uint32_t v, char* p) { std::memcpy(p, kDigitPairs + 2 * v, 2); }

// Writes exactly 8 digits of v < 10^8 (with leading zeros) at p.
void WriteEightDigits(uint32_t v, char* p) {
  const uint32_t hi = v / 10000, lo = v % 10000;
  WritePair(hi / 100, p);
  WritePair(hi % 100, p + 2);
  WritePair(lo / 100, p + 4);
  WritePair(lo % 100, p + 6);
}

// Writes the decimal digits of `v` (no leading zeros) ending just before
// `end`: eight at a time in 32-bit arithmetic, then pairs.
void WriteDigits(uint64_t v, char* end) {
  while (v >= 100000000) {
    end -= 8;
    WriteEightDigits(static_cast<uint32_t>(v % 100000000), end);
    v /= 100000000;
  }
  uint32_t u = static_cast<uint32_t>(v);
  while (u >= 100) {
    end -= 2;
    WritePair(u % 100, end);
    u /= 100;
  }
  if (u >= 10) {
    WritePair(u, end - 2);
  } else {
    *--end = static_cast<char>('0' + u);
  }
}

// v / 10^j for j in [1, 8], by constant divisors (multiplications).
uint64_t DivPow10(uint64_t v, int j) {
  switch (j) {
    case 1:
      return v / 10;
    case 2:
      return v / 100;
    case 3:
      return v / 1000;
    case 4:
      return v / 10000;
    case 5:
      return v / 100000;
    case 6:
      return v / 1000000;
    case 7:
      return v / 10000000;
    default:
      return v / 100000000;
  }
}

size_t Fallback(double v, char* out, bool* bare) {
  auto [end, ec] = std::to_chars(out, out + kMaxShortestChars, v);
  if (ec != std::errc()) return 0;
  const size_t n = static_cast<size_t>(end - out);
  *bare = std::memchr(out, '.', n) == nullptr &&
          std::memchr(out, 'e', n) == nullptr;
  return n;
}

// FormatShortest, also telling whether the text is a bare integer (neither
// a fraction nor an exponent).
size_t Shortest(double v, char* out, bool* bare) {
  *bare = false;
  // Zero, infinities and NaN: rare, left to the standard library. So are
  // integers of more than one digit written in fixed form, where to_chars
  // may print the exact integer rather than the shortest digits and zeros.
  if (v == 0 || !std::isfinite(v)) return Fallback(v, out, bare);
  const double original = v;
  char* p = out;
  if (std::signbit(v)) {
    *p++ = '-';
    v = -v;
  }
  const auto dec = fmt::detail::dragonbox::to_decimal(v);
  const uint64_t digits = dec.significand;  // no trailing zeros
  const int e = dec.exponent;               // v = digits * 10^e
  const int n = DigitCount(digits);
  const int sci_exp = e + n - 1;
  const int abs_sci_exp = sci_exp < 0 ? -sci_exp : sci_exp;
  const int sci_len = n + (n > 1 ? 1 : 0) + 2 + (abs_sci_exp >= 100 ? 3 : 2);
  int fixed_len;
  if (e >= 0)
    fixed_len = n + e;
  else if (-e < n)
    fixed_len = n + 1;
  else
    fixed_len = 2 - e;
  if (fixed_len <= sci_len) {
    if (e >= 0) {
      if (e > 0 || v >= 0x1p53) return Fallback(original, out, bare);
      *bare = true;
      WriteDigits(digits, p + n);
      return static_cast<size_t>(p + n - out);
    }
    if (-e < n) {  // ddd.ddd, written from the right into place
      char* q = p + n + 1;
      int fraction = -e;
      uint64_t rest = digits;
      if (fraction <= 8) {
        // The fraction in 32-bit arithmetic, split off by a constant divisor.
        rest = DivPow10(digits, fraction);
        uint32_t f = static_cast<uint32_t>(
            digits - rest * kPowers[static_cast<size_t>(fraction)]);
        for (; fraction >= 2; fraction -= 2) {
          q -= 2;
          WritePair(f % 100, q);
          f /= 100;
        }
        if (fraction == 1) *--q = static_cast<char>('0' + f);
      } else {
        for (; fraction >= 2; fraction -= 2) {
          q -= 2;
          WritePair(static_cast<uint32_t>(rest % 100), q);
          rest /= 100;
        }
        if (fraction == 1) {
          *--q = static_cast<char>('0' + rest % 10);
          rest /= 10;
        }
      }
      *--q = '.';
      WriteDigits(rest, q);
      return static_cast<size_t>(p + n + 1 - out);
    }
    // 0.000ddd
    const int zeros = -e - n;
    p[0] = '0';
    p[1] = '.';
    std::memset(p + 2, '0', static_cast<size_t>(zeros));
    WriteDigits(digits, p + 2 + zeros + n);
    return static_cast<size_t>(p + 2 + zeros + n - out);
  }
  // d.ddde+XX
  WriteDigits(digits, p + n + 1);
  p[0] = p[1];
  char* q = p + 1;
  if (n > 1) {
    *q = '.';
    q = p + n + 1;
  }
  *q++ = 'e';
  *q++ = sci_exp < 0 ? '-' : '+';
  if (abs_sci_exp >= 100) {
    *q++ = static_cast<char>('0' + abs_sci_exp / 100);
  }
  const size_t pair = static_cast<size_t>(abs_sci_exp % 100) * 2;
  *q++ = kDigitPairs[pair];
  *q++ = kDigitPairs[pair + 1];
  return static_cast<size_t>(q - out);
}

}  // namespace

size_t FormatShortest(double v, char* out) {
  bool bare;
  return Shortest(v, out, &bare);
}

size_t WriteJsonDouble(double v, char* out) {
  size_t n = 0;
  bool bare = false;
  if (std::isfinite(v)) n = Shortest(v, out, &bare);
  if (n == 0) {
    std::memcpy(out, "null", 4);
    return 4;
  }
  if (bare) {
    out[n++] = '.';
    out[n++] = '0';
  }
  return n;
}

size_t WriteJsonInt(int64_t v, char* out) {
  auto [end, ec] = std::to_chars(out, out + kMaxJsonNumberChars, v);
  return static_cast<size_t>(end - out);
}

void AppendJsonDouble(std::string* out, double v) {
  char buffer[kMaxJsonNumberChars];
  out->append(buffer, WriteJsonDouble(v, buffer));
}

void AppendJsonInt(std::string* out, int64_t v) {
  char buffer[kMaxJsonNumberChars];
  out->append(buffer, WriteJsonInt(v, buffer));
}

PhysicalNumbers::PhysicalNumbers(double scale, double offset)
    : scale_(scale), offset_(offset) {
  for (auto& d : digital_) d = INT64_MIN;
}

size_t PhysicalNumbers::Write(int32_t digital, char* out) {
  const size_t i = static_cast<uint32_t>(digital) % kSlots;
  Slot& slot = slots_[i];
  if (digital_[i] != digital) {
    slot.length = static_cast<uint32_t>(
        WriteJsonDouble(digital * scale_ + offset_, slot.text));
    digital_[i] = digital;
  }
  std::memcpy(out, slot.text, sizeof slot.text);  // fixed size: no call
  return slot.length;
}

void PhysicalNumbers::Append(std::string* out, int32_t digital) {
  char buffer[kMaxJsonNumberChars];
  out->append(buffer, Write(digital, buffer));
}

}  // namespace jumeau::server::internal
