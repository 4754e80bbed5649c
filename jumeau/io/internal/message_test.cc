#include "jumeau/io/internal/message.h"

#include <gtest/gtest.h>

namespace jumeau::io::internal {
namespace {

TEST(QuoteForMessage, EscapesAndCuts) {
  EXPECT_EQ(QuoteForMessage("a\x01"), "'a\\x01'");
  EXPECT_EQ(QuoteForMessage("caf\xC3\xA9"), "'caf\\xC3\\xA9'");
  EXPECT_EQ(QuoteForMessage(std::string(80, 'x')), "'" + std::string(80, 'x') + "'");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'x')), "'" + std::string(80, 'x') + "...'");
}

}  // namespace
}  // namespace jumeau::io::internal
