#include "jumeau/models/brain/network.h"

#include <gtest/gtest.h>

#include <cmath>

namespace jumeau::models::brain {
namespace {

Connectivity Isolated(int n) {
  Connectivity c;
  for (int i = 0; i < n; ++i) c.labels.push_back("r" + std::to_string(i));
  c.weights.assign(n * n, 0.0);
  c.tract_lengths_mm.assign(n * n, 0.0);
  return c;
}

// Upward mean crossings per second over samples [from, to) of region r.
double CrossingHz(const NetworkTrace& t, int r, int from, int to) {
  double mean = 0;
  for (int k = from; k < to; ++k) mean += t.at(0, k, r);
  mean /= (to - from);
  double first = -1, last = -1;
  int n = 0;
  for (int k = from + 1; k < to; ++k) {
    const double a = t.at(0, k - 1, r) - mean, b = t.at(0, k, r) - mean;
    if (a < 0 && b >= 0) {
      const double tk = (k - 1 + a / (a - b)) * t.period_ms;
      if (first < 0) first = tk;
      last = tk;
      ++n;
    }
  }
  return (n - 1) / ((last - first) / 1000.0);
}

TEST(Network, UncoupledJansenRitOscillatesAt6Point77Hz) {
  NetworkConfig cfg;
  cfg.duration_ms = 2000;
  auto t = SimulateNetwork(Isolated(1), cfg);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->samples, 2000);
  // The TVB reference README: uncoupled, every region runs a 6.77 Hz cycle.
  EXPECT_NEAR(CrossingHz(*t, 0, 1000, 2000), 6.77, 0.05);
}

TEST(Network, CouplingArrivesAfterTheConductionDelay) {
  Connectivity c = Isolated(2);
  c.weights[0 * 2 + 1] = 1.0;          // region 0 receives from region 1
  c.tract_lengths_mm[0 * 2 + 1] = 30;  // 30 mm / 3 mm/ms = 10 ms = 160 steps
  NetworkConfig cfg;
  cfg.coupling.a = 1e-3;
  cfg.duration_ms = 100;
  cfg.monitor_period_ms = 0.0625;  // every step
  auto coupled = SimulateNetwork(c, cfg);
  auto alone = SimulateNetwork(Isolated(2), cfg);
  ASSERT_TRUE(coupled.ok() && alone.ok());
  EXPECT_EQ(coupled->max_delay_steps, 160);
  int first = -1;
  for (int k = 0; k < coupled->samples && first < 0; ++k)
    if (coupled->at(0, k, 0) != alone->at(0, k, 0)) first = k;
  // Step n reads x_j(n - 1 - d): y1 of region 1 moves from step 1 (Heun's
  // corrector sees the predictor's y4), so region 0 first differs at step
  // n = 1 + 1 + 160 = 162, sample index 161.
  EXPECT_EQ(first, 161);
  for (int k = 0; k < coupled->samples; ++k)
    EXPECT_EQ(coupled->at(0, k, 1), alone->at(0, k, 1));
}

TEST(Network, NoiseIsReproducibleFromTheSeed) {
  NetworkConfig cfg;
  cfg.duration_ms = 50;
  cfg.noise_nsig = {0, 0, 0, 1e-4, 0, 0};
  auto a = SimulateNetwork(Isolated(3), cfg);
  auto b = SimulateNetwork(Isolated(3), cfg);
  cfg.seed = 43;
  auto c = SimulateNetwork(Isolated(3), cfg);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->values, b->values);
  EXPECT_NE(a->values, c->values);
  // Independent noise per region: identical regions diverge.
  EXPECT_NE(a->at(0, 40, 0), a->at(0, 40, 1));
}

TEST(Network, EulerMaruyamaAndHeunAgreeAsDtShrinks) {
  NetworkConfig cfg;
  cfg.duration_ms = 200;
  cfg.dt_ms = 0.0078125;
  auto heun = SimulateNetwork(Isolated(1), cfg);
  cfg.integrator = IntegratorKind::kEulerMaruyama;
  auto euler = SimulateNetwork(Isolated(1), cfg);
  ASSERT_TRUE(heun.ok() && euler.ok());
  double worst = 0;
  for (int k = 0; k < heun->samples; ++k)
    worst = std::max(worst, std::abs(heun->at(0, k, 0) - euler->at(0, k, 0)));
  EXPECT_LT(worst, 0.05);
  EXPECT_GT(worst, 0.0);
}

TEST(Network, RemovedRegionsAreSilentAndDisconnected) {
  Connectivity c = Isolated(2);
  c.weights = {0, 1, 1, 0};
  c.tract_lengths_mm = {0, 3, 3, 0};
  NetworkConfig cfg;
  cfg.coupling.a = 1e-3;
  cfg.duration_ms = 100;
  cfg.removed = {false, true};
  auto t = SimulateNetwork(c, cfg);
  cfg.removed = {};
  auto alone = SimulateNetwork(Isolated(1), cfg);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(alone.ok());
  for (int k = 0; k < t->samples; ++k) {
    EXPECT_TRUE(std::isnan(t->at(0, k, 1)));
    EXPECT_EQ(t->at(0, k, 0), alone->at(0, k, 0));
  }
}

TEST(Network, Epileptor2DSeizesOnlyWhereExcitable) {
  NetworkConfig cfg;
  cfg.model = NeuralMassKind::kEpileptor2D;
  cfg.duration_ms = 3000;
  cfg.region_x0 = {-1.6, -2.4};
  auto t = SimulateNetwork(Isolated(2), cfg);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const auto s = DetectSeizures(*t, NeuralMassKind::kEpileptor2D);
  EXPECT_TRUE(s[0].seizes);
  EXPECT_FALSE(s[1].seizes);
}

TEST(Network, StimulationDrivesTheStimulatedRegionOnly) {
  NetworkConfig cfg;
  cfg.duration_ms = 300;
  Stimulus s;
  s.regions = {1};
  s.amplitude = 0.05;
  s.start_ms = 100;
  s.duration_ms = 100;
  s.frequency_hz = 20;
  cfg.stimuli = {s};
  auto t = SimulateNetwork(Isolated(2), cfg);
  ASSERT_TRUE(t.ok());
  for (int k = 0; k < 100; ++k) EXPECT_EQ(t->at(0, k, 0), t->at(0, k, 1));
  double diff = 0;
  for (int k = 100; k < 300; ++k)
    diff = std::max(diff, std::abs(t->at(0, k, 0) - t->at(0, k, 1)));
  EXPECT_GT(diff, 0.1);
}

TEST(Network, RejectsBadConfigurations) {
  Connectivity c = Isolated(2);
  NetworkConfig cfg;
  cfg.duration_ms = 10;
  c.weights[1] = -1;
  auto r = SimulateNetwork(c, cfg);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("weights[0][1]"), std::string::npos);
  c = Isolated(2);
  c.tract_lengths_mm.pop_back();
  EXPECT_EQ(SimulateNetwork(c, cfg).status().code(),
            StatusCode::kInvalidArgument);
  c = Isolated(2);
  cfg.monitor_period_ms = 0.1;  // not a whole number of 0.0625 ms steps
  EXPECT_EQ(SimulateNetwork(c, cfg).status().code(),
            StatusCode::kInvalidArgument);
  cfg.monitor_period_ms = 1;
  cfg.region_x0 = {1.0};
  EXPECT_EQ(SimulateNetwork(c, cfg).status().code(),
            StatusCode::kInvalidArgument);
  cfg.region_x0 = {};
  cfg.noise_nsig = {1.0};
  EXPECT_EQ(SimulateNetwork(c, cfg).status().code(),
            StatusCode::kInvalidArgument);
  cfg.noise_nsig = {};
  cfg.dt_ms = -1;
  EXPECT_EQ(SimulateNetwork(c, cfg).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(Network, DivergenceIsAnErrorNamingTheRegion) {
  // Linear coupling far above the stability bound runs away (TVB README:
  // a_c = 2^-8 gives non-finite output on the 76-region connectome).
  Connectivity c = Isolated(2);
  c.weights = {0, 3, 3, 0};
  NetworkConfig cfg;
  cfg.coupling.a = 1.0;
  cfg.duration_ms = 2000;
  auto r = SimulateNetwork(c, cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace jumeau::models::brain
