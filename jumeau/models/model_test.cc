// Tests of the model contract helpers: priors, lookup, validation.
#include "jumeau/models/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "jumeau/models/cardio.h"

namespace jumeau::models {
namespace {

TEST(Prior, NormalAndLogNormalDensities) {
  const Prior n = Prior::Normal(10.0, 2.0);
  EXPECT_NEAR(n.LogDensity(10.0) - n.LogDensity(12.0), 0.5, 1e-12);
  const Prior ln = Prior::LogNormal(2.0, 0.5);
  EXPECT_NEAR(ln.location, std::log(2.0), 1e-15);
  EXPECT_TRUE(std::isinf(ln.LogDensity(0.0)));
  EXPECT_TRUE(std::isinf(ln.LogDensity(-1.0)));
  // Mode of a log-normal is exp(mu - s^2) < median.
  const double mode = 2.0 * std::exp(-0.25);
  EXPECT_GT(ln.LogDensity(mode), ln.LogDensity(mode * 1.01));
  EXPECT_GT(ln.LogDensity(mode), ln.LogDensity(mode * 0.99));
}

TEST(Model, LookupAndValidation) {
  const Regazzoni2022Cardio model;
  std::vector<double> p = DefaultParameters(model);
  ASSERT_EQ(p.size(), model.parameters().size());
  EXPECT_TRUE(ValidateParameters(model, p).ok());
  EXPECT_TRUE(std::isfinite(LogPrior(model, p)));

  const auto r = FindParameter(model, "r_ar_sys");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(model.parameters()[*r].unit, "mm[Hg].s/mL");
  EXPECT_FALSE(FindParameter(model, "no_such").has_value());
  EXPECT_EQ(*FindState(model, "v_lv"), 1u);
  EXPECT_EQ(model.outputs()[*FindOutput(model, "systolic_pressure")].code.code,
            "8480-6");

  p[*r] = -1.0;
  Status s = ValidateParameters(model, p);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("r_ar_sys"), std::string::npos) << s.message();
  p[*r] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(ValidateParameters(model, p).ok());
  p.pop_back();
  EXPECT_FALSE(ValidateParameters(model, p).ok());
}

TEST(Model, DeclarationsAreWellFormed) {
  const Regazzoni2022Cardio model;
  for (const ParameterSpec& s : model.parameters()) {
    EXPECT_FALSE(s.unit.empty()) << s.name;
    EXPECT_LE(s.lower, s.default_value) << s.name;
    EXPECT_GE(s.upper, s.default_value) << s.name;
    EXPECT_GT(s.prior.scale, 0) << s.name;
    EXPECT_EQ(*FindParameter(model, s.name),
              static_cast<std::size_t>(&s - model.parameters().data()))
        << "duplicate " << s.name;
  }
  for (const StateSpec& s : model.states()) EXPECT_FALSE(s.unit.empty());
  for (const OutputSpec& o : model.outputs()) {
    EXPECT_FALSE(o.code.system.empty()) << o.name;
    EXPECT_FALSE(o.unit.empty()) << o.name;
  }
}

}  // namespace
}  // namespace jumeau::models
