#include "jumeau/models/brain/sensors.h"

#include <gtest/gtest.h>

#include <cmath>

namespace jumeau::models::brain {
namespace {

Connectivity Two() {
  // Region "front" at +x (anterior), "back" at -x.
  return {
      {"front", "back"}, {0, 1, 1, 0}, {0, 10, 10, 0}, {50, 0, 0, -50, 0, 0}};
}

TEST(Sensors, RowsSumToOneAndNearerRegionsWeighMore) {
  auto p = DistanceProjection1020(Two());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->sensors(), 19);
  EXPECT_EQ(p->labels[0], "Fp1");
  for (int s = 0; s < p->sensors(); ++s)
    EXPECT_NEAR(p->gain[2 * s] + p->gain[2 * s + 1], 1.0, 1e-12);
  // Fp1 (index 0) is frontal, O1 (17) occipital.
  EXPECT_GT(p->gain[0], p->gain[1]);
  EXPECT_LT(p->gain[2 * 17], p->gain[2 * 17 + 1]);
}

TEST(Sensors, NeedsCentres) {
  Connectivity c = Two();
  c.centres_mm.clear();
  EXPECT_EQ(DistanceProjection1020(c).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(Sensors, ProjectsAndSkipsRemovedRegions) {
  auto p = DistanceProjection1020(Two());
  ASSERT_TRUE(p.ok());
  NetworkTrace t;
  t.regions = 2;
  t.samples = 2;
  t.values = {{1.0, 2.0, NAN, 4.0}};
  const auto eeg = ProjectToSensors(*p, t);
  ASSERT_EQ(eeg.size(), 19u * 2);
  EXPECT_NEAR(eeg[0], p->gain[0] * 1 + p->gain[1] * 2, 1e-12);
  EXPECT_NEAR(eeg[1], p->gain[1] * 4, 1e-12);
}

}  // namespace
}  // namespace jumeau::models::brain
