// Position analysis of the report and the embedded default market's documented constants.
// References: Uniswap v3 whitepaper §6.2 (V(P) = L(2 sqrt P - P/sqrt pb - sqrt pa) in range,
// solved here as a quadratic in sqrt P for the break-even); put-call parity C - P = S - K (r = 0);
// central finite differences for delta; raw SVI (Gatheral 2004).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "alvh/amm/position_model.hpp"
#include "alvh/options/black.hpp"
#include "alvh/report/default_market.hpp"
#include "alvh/report/position_analysis.hpp"
#include "alvh/report/run.hpp"

namespace alvh::report {
namespace {

PositionSpec spec() {
  return PositionSpec{amm::PriceRange{2400, 3750}, 3000, 100000, 0.7, 0.40, 30.0 / 365.0};
}

TEST(PositionAnalysis, PayoffAtEntryPriceIsTheFeeIncome) {
  const auto s = spec();
  const auto c = payoff_at_horizon(s, {}, 3, 2000.0, 4000.0);  // grid 2000, 3000, 4000
  ASSERT_EQ(c.price.size(), 3u);
  EXPECT_DOUBLE_EQ(c.fee_income, 0.40 * 100000 * 30.0 / 365.0);
  EXPECT_NEAR(c.lp[1], c.fee_income, 1e-7);  // V(P0) = capital
  EXPECT_NEAR(c.hodl[1], 0.0, 1e-7);
  const double L = amm::liquidity_for_capital(s.range, s.capital, s.price);
  EXPECT_DOUBLE_EQ(c.lp[2], amm::lp_value(s.range, L, 4000.0) + c.fee_income - s.capital);
  // above the range the LP holds only USDC: L (sqrt pb - sqrt pa)
  EXPECT_NEAR(c.lp[2] + s.capital - c.fee_income, L * (std::sqrt(3750.0) - std::sqrt(2400.0)), 1e-6);
}

TEST(PositionAnalysis, LowerBreakEvenSolvesTheInRangeQuadratic) {
  const auto s = spec();
  const auto c = payoff_at_horizon(s, {}, 4001);
  ASSERT_EQ(c.lp_break_evens.size(), 1u);  // above P0 the LP gains, so only a lower break-even
  const double L = amm::liquidity_for_capital(s.range, s.capital, s.price);
  // L (2u - u^2/sqrt(pb) - sqrt(pa)) = C - f, u = sqrt(P): a u^2 - 2 L u + (C - f + L sqrt pa) = 0
  const double a = L / std::sqrt(3750.0), cc = s.capital - c.fee_income + L * std::sqrt(2400.0);
  const double u = (2 * L - std::sqrt(4 * L * L - 4 * a * cc)) / (2 * a);
  EXPECT_NEAR(c.lp_break_evens[0], u * u, 0.05);  // linear interpolation on a 0.6-USDC grid
}

TEST(PositionAnalysis, ZeroCrossingsOfALineAreExact) {
  const std::vector<double> x{0, 1, 2, 3}, y{-1.5, -0.5, 0.5, 1.5};
  const auto z = zero_crossings(x, y);
  ASSERT_EQ(z.size(), 1u);
  EXPECT_DOUBLE_EQ(z[0], 1.5);
}

TEST(PositionAnalysis, OptionLegsAtExpiryAreIntrinsicAndSatisfyParityBefore) {
  const std::vector<OptionLeg> put{{options::OptionType::Put, 2800, 30.0 / 365, 2.0, 50.0}};
  EXPECT_DOUBLE_EQ(option_legs_value(put, 2500, 30.0 / 365, 0.7), 2.0 * 300);
  EXPECT_DOUBLE_EQ(option_legs_value(put, 3000, 1.0, 0.7), 0.0);
  const std::vector<OptionLeg> cp{{options::OptionType::Call, 2800, 0.25, 1.0, 0.0},
                                  {options::OptionType::Put, 2800, 0.25, -1.0, 0.0}};
  EXPECT_NEAR(option_legs_value(cp, 3100, 0.1, 0.8), 3100 - 2800, 1e-9);
  // the hedged payoff is the LP payoff plus legs minus premium
  const auto s = spec();
  const auto c = payoff_at_horizon(s, put, 5, 2000.0, 4000.0);
  ASSERT_EQ(c.lp_hedged.size(), 5u);
  EXPECT_NEAR(c.lp_hedged[0] - c.lp[0], 2.0 * (2800 - 2000) - 2.0 * 50.0, 1e-9);
}

TEST(PositionAnalysis, GreeksMatchFiniteDifferencesOfTheValue) {
  const auto s = spec();
  const auto g = greeks_vs_price(s, {{options::OptionType::Put, 2800, 30.0 / 365, 3.0, 0.0}}, 41);
  const double L = amm::liquidity_for_capital(s.range, s.capital, s.price);
  for (std::size_t i = 0; i < g.price.size(); ++i) {
    const double p = g.price[i], h = 1e-3 * p;
    const double fd = (amm::lp_value(s.range, L, p + h) - amm::lp_value(s.range, L, p - h)) / (2 * h);
    EXPECT_NEAR(g.lp_delta[i], fd, 1e-4) << p;
    const double put_fd = (options::bsm_price(options::OptionType::Put, p + h, 2800, 30.0 / 365, 0, 0, 0.7) -
                           options::bsm_price(options::OptionType::Put, p - h, 2800, 30.0 / 365, 0, 0, 0.7)) /
                          (2 * h);
    EXPECT_NEAR(g.hedged_delta[i], fd + 3.0 * put_fd, 1e-4) << p;
    EXPECT_DOUBLE_EQ(g.lp_dollar_gamma[i], 0.5 * g.lp_gamma[i] * p * p);
  }
}

TEST(DefaultMarket, DocumentedConstantsAreConsistent) {
  namespace dm = default_market;
  // generator rows sum to zero, off-diagonals non-negative
  for (int i = 0; i < 3; ++i) {
    double sum = 0;
    for (int j = 0; j < 3; ++j) {
      const double q = dm::kRegimeGenerator[static_cast<std::size_t>(3 * i + j)];
      sum += q;
      if (i != j) {
        EXPECT_GE(q, 0.0);
      }
    }
    EXPECT_NEAR(sum, 0.0, 1e-3);
  }
  // a full-range (v2) position's value is 2 L sqrt(P): the fee APR on value equals the documented
  // APR on virtual value
  EXPECT_NEAR(dm::fee_apr_on_value(amm::PriceRange::full(), 3000.0), dm::kFeeAprOnVirtualValue, 1e-12);
  EXPECT_EQ(dm::fee_apr_on_value(amm::PriceRange{2400, 3750}, 4000.0), 0.0);
  // SVI slices: ATM vol in the documented 0.77..0.84 band, positive total variance on |k| <= 1
  for (const auto& sl : dm::kSvi) {
    const double atm = std::sqrt(dm::svi_total_variance(sl, 0.0) / sl.t_years);
    EXPECT_GT(atm, 0.77);
    EXPECT_LT(atm, 0.84);
    for (double k = -1.0; k <= 1.0; k += 0.05) EXPECT_GT(dm::svi_total_variance(sl, k), 0.0);
  }
  const auto m = dm::regime_model();
  EXPECT_EQ(m.vols.size(), 3u);
  EXPECT_EQ(m.generator.size(), 9u);
}

TEST(Histogram, ProbabilitiesSumToOneAndBinsAreEqualWidth) {
  const auto h = histogram({0, 1, 1, 2, 3, 4}, 4);  // width 1: [0,1) [1,2) [2,3) [3,4]
  ASSERT_EQ(h.centre.size(), 4u);
  EXPECT_DOUBLE_EQ(h.centre[0], 0.5);
  EXPECT_DOUBLE_EQ(h.probability[0], 1.0 / 6);
  EXPECT_DOUBLE_EQ(h.probability[1], 2.0 / 6);
  EXPECT_DOUBLE_EQ(h.probability[3], 2.0 / 6);  // the maximum lands in the last bin
  EXPECT_NEAR(std::accumulate(h.probability.begin(), h.probability.end(), 0.0), 1.0, 1e-15);
}

}  // namespace
}  // namespace alvh::report
