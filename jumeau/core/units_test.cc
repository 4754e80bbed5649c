#include "jumeau/core/units.h"

#include <gtest/gtest.h>

namespace jumeau {
namespace {

TEST(UnitsTest, ToUcum) {
  EXPECT_EQ(ToUcum("mmHg"), "mm[Hg]");
  EXPECT_EQ(ToUcum(" uV "), "uV");
  EXPECT_EQ(ToUcum("mV"), "mV");
  EXPECT_EQ(ToUcum(""), "1");
  EXPECT_EQ(ToUcum("degC"), "Cel");
  EXPECT_EQ(ToUcum("furlongs"), "{furlongs}");
  EXPECT_EQ(ToUcum("kg"), "kg");
  EXPECT_EQ(ToUcum("lbs"), "[lb_av]");
  EXPECT_EQ(ToUcum("mEq/L"), "meq/L");
  EXPECT_EQ(ToUcum("years"), "a");
}

}  // namespace
}  // namespace jumeau
