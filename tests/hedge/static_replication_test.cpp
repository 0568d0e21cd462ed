// Carr-Madan static replication of LP payoffs. References: REFERENCES.md §4f (E[V] =
// 10.198084561660707 for L = 1, [1500, 2500], F = 2000, sigma = 0.8, T = 30/365), the closed-form
// lognormal expectation of alvh::risk (an independent derivation), a Monte Carlo with
// std::mt19937_64, and the v2 LVR rate sigma^2/8 (Milionis et al. 2022).
#include "alvh/hedge/static_replication.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "alvh/core/error.hpp"
#include "alvh/risk/position_risk.hpp"

namespace {
using alvh::amm::PriceRange;
using alvh::hedge::LpPayoff;
using alvh::hedge::ReplicatedPayoff;
namespace hedge = alvh::hedge;

TEST(CarrMadan, ContinuousStripPricesReferences4fTo1e8) {
  const LpPayoff f{{1500.0, 2500.0}, 1.0, 2000.0, ReplicatedPayoff::LpValue};
  const auto strip = hedge::carr_madan_continuous(f, 2000.0, 200);
  EXPECT_NEAR(strip.bond, 10.71288563791742, 1e-12);  // V(F), §4f
  EXPECT_NEAR(hedge::strip_price(strip, 2000.0, 30.0 / 365.0, 1.0, 0.8), 10.198084561660707, 1e-8);
  for (const auto& o : strip.options) {  // v3: only strikes inside the range, all short
    EXPECT_GT(o.strike, 1500.0);
    EXPECT_LT(o.strike, 2500.0);
    EXPECT_LT(o.weight, 0.0);
  }
}

TEST(CarrMadan, LpMinusHodlStripEqualsClosedFormExpectedIl) {
  const double F = 3000.0, T = 45.0 / 365.0, vol = 0.7, L = 8000.0;
  for (const PriceRange r : {PriceRange{2400.0, 3750.0}, PriceRange{2000.0, 2900.0}, PriceRange::full()}) {
    const LpPayoff f{r, L, F, ReplicatedPayoff::LpMinusHodl};
    const auto strip = hedge::carr_madan_continuous(f, F, 200);
    alvh::risk::PositionInputs in{r, F, 0.0, L, vol, 0.0, T, 0.0};
    const auto rep = alvh::risk::risk_report(in);
    EXPECT_NEAR(hedge::strip_price(strip, F, T, 1.0, vol), rep.expected_il, 1e-8 * rep.value) << r.lower;
  }
}

TEST(CarrMadan, FineDiscreteStripReproducesLpMinusHodlPayoffTo1e6OfCapital) {
  const PriceRange r{2400.0, 3750.0};
  const double P = 3000.0, capital = 1e5;
  const double L = alvh::amm::liquidity_for_capital(r, capital, P);
  const LpPayoff f{r, L, P, ReplicatedPayoff::LpMinusHodl};
  std::vector<double> strikes;
  for (double k = 1000.0; k <= 6000.0; k += 1.0) strikes.push_back(k);
  const auto strip = hedge::carr_madan_discrete(f, P, strikes);
  double worst = 0.0;
  for (double S = 200.0; S <= 12000.0; S += 0.37) worst = std::max(worst, std::abs(hedge::strip_payoff(strip, S) - f.value(S)));
  EXPECT_LT(worst, 1e-6 * capital);
  // Only strikes inside the range carry weight (plus none at the ends: V is C^1).
  for (const auto& o : strip.options) {
    EXPECT_GT(o.strike, 2400.0 - 1e-9);
    EXPECT_LT(o.strike, 3750.0 + 1e-9);
  }
  // v2: all strikes carry weight; exact inside the listed band.
  const double L2 = alvh::amm::liquidity_for_capital(PriceRange::full(), capital, P);
  const LpPayoff f2{PriceRange::full(), L2, P, ReplicatedPayoff::LpMinusHodl};
  const auto strip2 = hedge::carr_madan_discrete(f2, P, strikes);
  EXPECT_EQ(strip2.options.size(), strikes.size());
  double worst2 = 0.0;
  for (double S = 1000.0; S <= 6000.0; S += 0.37) worst2 = std::max(worst2, std::abs(hedge::strip_payoff(strip2, S) - f2.value(S)));
  EXPECT_LT(worst2, 1e-6 * capital);
}

TEST(CarrMadan, DiscreteStripWith50WideStrikesIsWithinDiscretisationBound) {
  // §4f: a 50-wide strike grid prices E[V] to ~1e-4; the interpolation bound h^2 max|f''|/8 caps it.
  const LpPayoff f{{1500.0, 2500.0}, 1.0, 2000.0, ReplicatedPayoff::LpValue};
  std::vector<double> strikes;
  for (double k = 1500.0; k <= 2500.0; k += 50.0) strikes.push_back(k);
  const auto strip = hedge::carr_madan_discrete(f, 2000.0, strikes);
  const double price = hedge::strip_price(strip, 2000.0, 30.0 / 365.0, 1.0, 0.8);
  const double bound = 50.0 * 50.0 * (1.0 / (2.0 * 1500.0 * std::sqrt(1500.0))) / 8.0;
  EXPECT_NEAR(price, 10.198084561660707, bound);
  EXPECT_NEAR(price, 10.198084561660707, 1e-4 * 10.198084561660707);  // ~1e-4 relative (§4f)
}

TEST(CarrMadan, StripPriceEqualsMonteCarloWithinThreeStandardErrors) {
  const PriceRange r{2400.0, 3750.0};
  const double P = 3000.0, vol = 0.9, T = 60.0 / 365.0, rate = 0.03, L = 9000.0;
  const double F = P * std::exp(rate * T), D = std::exp(-rate * T);
  const LpPayoff f{r, L, P, ReplicatedPayoff::LpMinusHodl};
  const auto strip = hedge::carr_madan_continuous(f, F, 200);
  const double bs = hedge::strip_price(strip, F, T, D, vol);
  std::mt19937_64 rng(20240601);
  std::normal_distribution<double> z(0.0, 1.0);
  const int n = 200000;
  double sum = 0.0, sum2 = 0.0;
  const double s = vol * std::sqrt(T);
  for (int i = 0; i < n; ++i) {
    const double x = D * f.value(F * std::exp(s * z(rng) - 0.5 * s * s));
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n, se = std::sqrt((sum2 / n - mean * mean) / n);
  EXPECT_NEAR(bs, mean, 3.0 * se) << "se " << se;
  EXPECT_LT(se, 0.05 * std::abs(mean));  // the test has power
}

TEST(CarrMadan, V2ExpectedLvrOverDtIsSigmaSquaredOver8) {
  // Milionis et al. (2022) §6: for v2 LVR/V = sigma^2/8 per unit time, so over a short dt the
  // strip's (model-free) price of LP minus HODL is -sigma^2/8 V dt + O(dt^2).
  const double P = 2000.0, vol = 0.8, dt = 1.0 / 365.0, L = 100.0;
  const LpPayoff f{PriceRange::full(), L, P, ReplicatedPayoff::LpMinusHodl};
  const auto strip = hedge::carr_madan_continuous(f, P, 200);
  const double V = 2.0 * L * std::sqrt(P);
  const double lvr_dt = vol * vol / 8.0 * V * dt;
  EXPECT_NEAR(-hedge::strip_price(strip, P, dt, 1.0, vol), lvr_dt, lvr_dt * vol * vol * dt / 16.0 * 1.01 + 1e-12);
  EXPECT_NEAR(alvh::amm::lvr_rate(PriceRange::full(), L, P, vol) * dt, lvr_dt, 1e-12);
}

TEST(CarrMadan, BadInputsThrow) {
  const LpPayoff f{{1500.0, 2500.0}, 1.0, 2000.0, ReplicatedPayoff::LpValue};
  EXPECT_THROW(hedge::carr_madan_continuous(f, -1.0), alvh::DomainError);
  EXPECT_THROW(hedge::carr_madan_discrete(f, 2000.0, {2000.0}), alvh::DomainError);
  EXPECT_THROW(hedge::carr_madan_discrete(f, 2000.0, {1500.0, -5.0}), alvh::DomainError);
}

}  // namespace
