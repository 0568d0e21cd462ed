// Distribution statistics against hand-computed values and numpy's type-7 quantiles.
#include <gtest/gtest.h>

#include <cmath>

#include "alvh/core/error.hpp"
#include "alvh/sim/statistics.hpp"

namespace alvh::sim {
namespace {

// numpy.quantile([1, 2, 3, 4, 10], [0, .1, .5, .9, 1]) = [1, 1.4, 3, 7.6, 10] (linear method).
TEST(SimStatistics, Type7QuantilesMatchNumpy) {
  const std::vector<double> x{1, 2, 3, 4, 10};
  EXPECT_DOUBLE_EQ(sorted_quantile(x, 0.0), 1.0);
  EXPECT_NEAR(sorted_quantile(x, 0.1), 1.4, 1e-15);
  EXPECT_DOUBLE_EQ(sorted_quantile(x, 0.5), 3.0);
  EXPECT_NEAR(sorted_quantile(x, 0.9), 7.6, 1e-15);
  EXPECT_DOUBLE_EQ(sorted_quantile(x, 1.0), 10.0);
}

// 100 values 1..100 against V0 = 50.5: VaR95 = V0 - q(0.05) = 50.5 - 5.95, CVaR95 = V0 - mean of
// the worst 5 = 50.5 - 3, prob_loss = 50/100, mean 50.5, sample stdev sqrt(841.666...).
TEST(SimStatistics, VarCvarAndLossProbability) {
  std::vector<double> x;
  for (int i = 100; i >= 1; --i) x.push_back(i);  // order must not matter
  const auto s = summarize(x, 50.5, 2.0);
  EXPECT_DOUBLE_EQ(s.mean, 50.5);
  EXPECT_NEAR(s.stdev, std::sqrt(101.0 * 100.0 / 12.0), 1e-12);
  EXPECT_NEAR(s.std_error, s.stdev / 10.0, 1e-12);
  EXPECT_NEAR(s.var95, 50.5 - 5.95, 1e-12);
  EXPECT_NEAR(s.cvar95, 50.5 - 3.0, 1e-12);
  EXPECT_NEAR(s.var99, 50.5 - 1.99, 1e-12);
  EXPECT_NEAR(s.cvar99, 50.5 - 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(s.prob_loss, 0.5);
  EXPECT_NEAR(s.irr_quantiles[3].second, std::log(50.5 / 50.5) / 2.0, 1e-15);  // median
}

TEST(SimStatistics, CompensatedSumAndErrors) {
  std::vector<double> x{1e16, 1.0, -1e16, 1.0};
  EXPECT_DOUBLE_EQ(stable_sum(x), 2.0);
  EXPECT_THROW(summarize(std::vector<double>{}, 1.0, 1.0), DomainError);
  EXPECT_THROW(sorted_quantile(std::vector<double>{1.0}, 1.5), DomainError);
}

}  // namespace
}  // namespace alvh::sim
