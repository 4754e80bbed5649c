// Tests for json_number: byte-for-byte agreement with std::to_chars over
// random doubles of every kind, and the JSON forms.
#include "jumeau/server/internal/json_number.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace jumeau::server::internal {
namespace {

std::string ToChars(double v) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, end);
}

std::string Shortest(double v) {
  char buffer[kMaxJsonNumberChars];
  return std::string(buffer, FormatShortest(v, buffer));
}

TEST(JsonNumberTest, EdgeCasesMatchToChars) {
  for (double v : {0.0,
                   -0.0,
                   1.0,
                   -1.0,
                   0.1,
                   1e-5,
                   1e-4,
                   1e-3,
                   1e5,
                   1e15,
                   1e16,
                   1e17,
                   1e21,
                   1e22,
                   1e23,
                   123456.0,
                   1234500000.0,
                   0x1p53,
                   0x1p53 + 2,
                   0x1p60,
                   1.5,
                   100.0,
                   1e100,
                   1e-100,
                   5e-324,
                   2.2250738585072014e-308,
                   std::numeric_limits<double>::max(),
                   -std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::min(),
                   1551513600.0027778,
                   0.685,
                   137 * 0.005,
                   -2048 * 0.005,
                   9.999999999999999e22,
                   std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()}) {
    EXPECT_EQ(Shortest(v), ToChars(v)) << v;
  }
}

TEST(JsonNumberTest, RandomBitPatternsMatchToChars) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000000; ++i) {
    const double v = std::bit_cast<double>(rng());
    if (std::isnan(v)) continue;
    ASSERT_EQ(Shortest(v), ToChars(v)) << std::hexfloat << v;
  }
}

// The values the window route writes: seconds since the epoch from integer
// nanoseconds, physical values from digital ones, means, small integers.
TEST(JsonNumberTest, PlottedValuesMatchToChars) {
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<int64_t> ns(-4000000000000000000LL,
                                            4000000000000000000LL);
  std::uniform_int_distribution<int32_t> digital(-8388608, 8388607);
  std::uniform_real_distribution<double> unit(-1, 1);
  const double scales[] = {0.005,   1.0,   0.1,    1e-6,  0.0030517578125,
                           1 / 3.0, 0.195, 2.5e-8, 1000.0};
  for (int i = 0; i < 1000000; ++i) {
    const double t = static_cast<double>(ns(rng)) * 1e-9;
    ASSERT_EQ(Shortest(t), ToChars(t)) << std::hexfloat << t;
    const double scale = scales[i % std::size(scales)];
    const double p = digital(rng) * scale + (i % 3 == 0 ? 0.0 : unit(rng));
    ASSERT_EQ(Shortest(p), ToChars(p)) << std::hexfloat << p;
    const double mean = (digital(rng) / 7.0) * scale;
    ASSERT_EQ(Shortest(mean), ToChars(mean)) << std::hexfloat << mean;
    const double integer = static_cast<double>(digital(rng)) * (i % 100000);
    ASSERT_EQ(Shortest(integer), ToChars(integer)) << std::hexfloat << integer;
  }
}

TEST(JsonNumberTest, JsonFormsKeepDoublesAndNullNonFinite) {
  std::string out;
  AppendJsonDouble(&out, 1.0);
  out += ',';
  AppendJsonDouble(&out, -2.5);
  out += ',';
  AppendJsonDouble(&out, 1e5);
  out += ',';
  AppendJsonDouble(&out, std::nan(""));
  out += ',';
  AppendJsonDouble(&out, -std::numeric_limits<double>::infinity());
  out += ',';
  AppendJsonDouble(&out, -0.0);
  out += ',';
  AppendJsonInt(&out, -9223372036854775807LL - 1);
  EXPECT_EQ(out, "1.0,-2.5,1e+05,null,null,-0.0,-9223372036854775808");
}

TEST(JsonNumberTest, PhysicalNumbersAreTheDoublesText) {
  for (const auto& [scale, offset] :
       {std::pair{0.005, 0.0}, std::pair{0.1, -3.25}, std::pair{1.0, 0.0},
        std::pair{std::nan(""), 0.0}}) {
    PhysicalNumbers numbers(scale, offset);
    std::mt19937 rng(3);
    for (int i = 0; i < 20000; ++i) {
      // Colliding slots (values 1024 apart) and repeats alike.
      const int32_t d =
          static_cast<int32_t>(rng() % 5000) - 2500 +
          (i % 7 == 0 ? 1024 * static_cast<int32_t>(rng() % 4) : 0);
      std::string got, want;
      numbers.Append(&got, d);
      AppendJsonDouble(&want, d * scale + offset);
      ASSERT_EQ(got, want) << d;
    }
    std::string extreme, want;
    numbers.Append(&extreme, INT32_MIN);
    AppendJsonDouble(&want, INT32_MIN * scale + offset);
    EXPECT_EQ(extreme, want);
  }
}

}  // namespace
}  // namespace jumeau::server::internal
