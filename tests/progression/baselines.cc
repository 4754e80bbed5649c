// Forecast baselines (see baselines.h).
#include "tests/progression/baselines.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "jumeau/io/cohort_csv.h"

namespace jumeau::testing {

assimilation::CohortData LoadCohortCsv(const std::filesystem::path& path) {
  auto t = io::ReadCohortCsv(path);
  EXPECT_TRUE(t.ok()) << t.status().message();
  assimilation::CohortData d;
  if (!t.ok()) return d;
  d.features = t->features;
  d.subject_ids = t->subject_ids;
  d.offsets = t->offsets;
  d.times = t->times;
  d.values = t->values;
  return d;
}

void HoldOutLastVisit(const assimilation::CohortData& all,
                      assimilation::CohortData* train,
                      std::vector<HeldOut>* test,
                      std::vector<int>* test_subject_in_train) {
  const int k = static_cast<int>(all.features.size());
  *train = assimilation::CohortData();
  train->features = all.features;
  test->clear();
  test_subject_in_train->clear();
  for (int i = 0; i < all.subjects(); ++i) {
    const int v0 = all.offsets[i], v1 = all.offsets[i + 1];
    const bool hold = v1 - v0 >= 3;
    const int keep_end = hold ? v1 - 1 : v1;
    std::vector<double> t(all.times.begin() + v0, all.times.begin() + keep_end);
    std::vector<double> y(
        all.values.begin() + static_cast<std::ptrdiff_t>(v0) * k,
        all.values.begin() + static_cast<std::ptrdiff_t>(keep_end) * k);
    bool any = false;
    for (double x : y) any = any || !std::isnan(x);
    if (!any) continue;
    train->AddSubject(all.subject_ids[i], t, y);
    if (hold) {
      HeldOut h;
      h.subject = train->subjects() - 1;
      h.age = all.times[v1 - 1];
      h.values.assign(
          all.values.begin() + static_cast<std::ptrdiff_t>(v1 - 1) * k,
          all.values.begin() + static_cast<std::ptrdiff_t>(v1) * k);
      test->push_back(h);
      test_subject_in_train->push_back(h.subject);
    }
  }
}

double LastObservation(const assimilation::CohortData& d, int i, int q) {
  const int k = static_cast<int>(d.features.size());
  for (int v = d.offsets[i + 1] - 1; v >= d.offsets[i]; --v) {
    const double x = d.values[static_cast<std::size_t>(v) * k + q];
    if (!std::isnan(x)) return x;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

LinearMixedModel::LinearMixedModel(const assimilation::CohortData& d,
                                   int iterations) {
  k_ = static_cast<int>(d.features.size());
  const int n = d.subjects();
  double sum = 0;
  for (double t : d.times) sum += t;
  center_ = sum / std::max(1, d.visits());
  b0_.assign(k_, 0.0);
  b1_.assign(k_, 0.0);
  u0_.assign(static_cast<std::size_t>(n) * k_, 0.0);
  u1_.assign(static_cast<std::size_t>(n) * k_, 0.0);
  for (int q = 0; q < k_; ++q) {
    // Per subject design (1, t - c) and values of feature q.
    std::vector<std::vector<std::pair<double, double>>> obs(n);
    Eigen::Matrix2d xtx = Eigen::Matrix2d::Zero();
    Eigen::Vector2d xty = Eigen::Vector2d::Zero();
    int count = 0;
    for (int i = 0; i < n; ++i) {
      for (int v = d.offsets[i]; v < d.offsets[i + 1]; ++v) {
        const double y = d.values[static_cast<std::size_t>(v) * k_ + q];
        if (std::isnan(y)) continue;
        const double t = d.times[v] - center_;
        obs[i].emplace_back(t, y);
        Eigen::Vector2d x(1.0, t);
        xtx += x * x.transpose();
        xty += x * y;
        ++count;
      }
    }
    if (count < 3) continue;
    Eigen::Vector2d b = xtx.ldlt().solve(xty);
    double s2 = 0;
    for (const auto& o : obs)
      for (const auto& [t, y] : o) s2 += std::pow(y - b[0] - b[1] * t, 2);
    s2 = std::max(s2 / count, 1e-12);
    Eigen::Matrix2d dmat = Eigen::Matrix2d::Identity() * s2;
    std::vector<Eigen::Vector2d> m(n, Eigen::Vector2d::Zero());
    for (int it = 0; it < iterations; ++it) {
      Eigen::Matrix2d d_new = Eigen::Matrix2d::Zero();
      double s2_new = 0;
      Eigen::Vector2d rhs = Eigen::Vector2d::Zero();
      const Eigen::Matrix2d dinv = dmat.inverse();
      int subjects = 0;
      for (int i = 0; i < n; ++i) {
        if (obs[i].empty()) continue;
        Eigen::Matrix2d ztz = Eigen::Matrix2d::Zero();
        Eigen::Vector2d zr = Eigen::Vector2d::Zero();
        for (const auto& [t, y] : obs[i]) {
          Eigen::Vector2d z(1.0, t);
          ztz += z * z.transpose();
          zr += z * (y - b[0] - b[1] * t);
        }
        const Eigen::Matrix2d cov = (dinv + ztz / s2).inverse();
        m[i] = cov * zr / s2;
        d_new += m[i] * m[i].transpose() + cov;
        for (const auto& [t, y] : obs[i]) {
          Eigen::Vector2d z(1.0, t);
          s2_new +=
              std::pow(y - b[0] - b[1] * t - z.dot(m[i]), 2) + z.dot(cov * z);
          rhs += z * (y - z.dot(m[i]));
        }
        ++subjects;
      }
      b = xtx.ldlt().solve(rhs);
      dmat = d_new / subjects + Eigen::Matrix2d::Identity() * 1e-12;
      s2 = std::max(s2_new / count, 1e-12);
    }
    b0_[q] = b[0];
    b1_[q] = b[1];
    for (int i = 0; i < n; ++i) {
      u0_[static_cast<std::size_t>(i) * k_ + q] = m[i][0];
      u1_[static_cast<std::size_t>(i) * k_ + q] = m[i][1];
    }
  }
}

double LinearMixedModel::Predict(int i, int q, double age) const {
  const double t = age - center_;
  const std::size_t j = static_cast<std::size_t>(i) * k_ + q;
  return b0_[q] + u0_[j] + (b1_[q] + u1_[j]) * t;
}

}  // namespace jumeau::testing
