#include "jumeau/core/status.h"

#include <gtest/gtest.h>

namespace jumeau {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  JUMEAU_ASSIGN_OR_RETURN(const int h, Half(x));
  JUMEAU_ASSIGN_OR_RETURN(const int q, Half(h));
  return q;
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  const Status s = DataLossError("100.hea line 2: bad format");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "data_loss: 100.hea line 2: bad format");
  EXPECT_EQ(s.WithPrefix("ingest").message(),
            "ingest: 100.hea line 2: bad format");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  const auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd: 3");
}

}  // namespace
}  // namespace jumeau
