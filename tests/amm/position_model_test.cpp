// Closed-form position model against ../shared/REFERENCES.md §4 (rows computed in Python from
// the Uniswap v3 whitepaper formulas, Adams et al. 2021 §6; LVR from Milionis et al. 2022).
#include "alvh/amm/position_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "alvh/core/error.hpp"

using namespace alvh::amm;

namespace {
void expect_rel(double got, double want, double tol) {
  EXPECT_NEAR(got, want, tol * std::max(1.0, std::fabs(want))) << "want " << want;
}
}  // namespace

// REFERENCES.md §4a: v2 IL(r) = 2 sqrt(r)/(1+r) - 1, table rows, tolerance 1e-10 (rows are 10 dp).
TEST(PositionModel, V2ImpermanentLossMatchesPublishedTable) {
  const struct { double r, il; } rows[] = {{0.25, -0.2000000000}, {0.5, -0.0571909584}, {0.75, -0.0102566814},
                                            {1.0, 0.0},           {1.25, -0.0061920100}, {2.0, -0.0571909584},
                                            {3.0, -0.1339745962}, {5.0, -0.2546440075}, {10.0, -0.4250404254}};
  for (auto [r, il] : rows) EXPECT_NEAR(impermanent_loss(PriceRange::full(), 2000.0, 2000.0 * r), il, 1e-10) << r;
}

// REFERENCES.md §4b: L = 1000, pa = 1500, pb = 2500, tolerance 1e-9 relative.
TEST(PositionModel, V3AmountsValueGreeksMatchReferenceRows) {
  const PriceRange r{1500.0, 2500.0};
  const double L = 1000.0;
  const struct { double p, x, y, v, gamma; } rows[] = {
      {1000, 5.8198889747, 0, 5819.8889747161, 0},
      {1800, 3.5702260396, 3696.5734091187, 10122.9802803115, -6.5472850110e-03},
      {2000, 2.3606797750, 5991.5260879216, 10712.8856379174, -5.5901699437e-03},
      {2200, 1.3200716356, 8174.3241361601, 11078.4817343944, -4.8454708263e-03},
      {3000, 0, 11270.1665379258, 11270.1665379258, 0}};
  for (auto row : rows) {
    auto a = amounts_for_liquidity(r, L, row.p);
    expect_rel(a.amount0, row.x, 1e-9);
    expect_rel(a.amount1, row.y, 1e-9);
    expect_rel(lp_value(r, L, row.p), row.v, 1e-9);
    expect_rel(lp_delta(r, L, row.p), row.x, 1e-9);
    expect_rel(lp_gamma(r, L, row.p), row.gamma, 1e-9);
  }
  EXPECT_NEAR(capital_efficiency(PriceRange{1500, 2500}), 8.3411000648, 1e-9);
}

// REFERENCES.md §4c: P0 = 2000, pa = 1500, pb = 2500, tolerance 1e-10.
TEST(PositionModel, V3ImpermanentLossMatchesReferenceRows) {
  const PriceRange r{1500.0, 2500.0};
  const struct { double p, il; } rows[] = {{1000, -0.3031913880}, {1500, -0.0842075464}, {1800, -0.0115000763},
                                            {2000, 0.0},           {2200, -0.0095252260}, {2500, -0.0523877216},
                                            {3000, -0.1379423912}, {4000, -0.2697947713}};
  for (auto [p, il] : rows) EXPECT_NEAR(impermanent_loss(r, 2000.0, p), il, 1e-10) << p;
}

// Identity (REFERENCES.md §4c): V_LP - V_HODL = -L (sqrt P - sqrt P0)^2 / sqrt P0 inside the range.
TEST(PositionModel, LpMinusHodlIdentityInsideRange) {
  const PriceRange r{1500.0, 2500.0};
  for (double p = 1510; p < 2500; p += 37.5) {
    const double d = std::sqrt(p) - std::sqrt(2000.0);
    expect_rel(lp_value(r, 7.0, p) - hodl_value(r, 7.0, 2000.0, p), -7.0 * d * d / std::sqrt(2000.0), 1e-9);
  }
}

// REFERENCES.md §4d: sigma = 1, L = 1000, pa = 1500, pb = 2500; and v2: LVR/V = sigma^2/8.
TEST(PositionModel, LvrRateMatchesReferenceRowsAndV2ClosedForm) {
  const PriceRange r{1500.0, 2500.0};
  expect_rel(lvr_rate(r, 1000, 1600, 1.0), 10000.0, 1e-12);
  expect_rel(lvr_rate(r, 1000, 2000, 1.0), 11180.3398874989, 1e-12);
  expect_rel(lvr_rate(r, 1000, 2400, 1.0) / lp_value(r, 1000, 2400), 1.0886856962, 1e-9);
  EXPECT_EQ(lvr_rate(r, 1000, 2600, 1.0), 0.0);
  for (double vol : {0.5, 0.8, 1.0}) expect_rel(lvr_rate(PriceRange::full(), 3, 2000, vol) / lp_value(PriceRange::full(), 3, 2000), vol * vol / 8, 1e-14);
}

// Invariants: capital round trip; delta = finite-difference dV/dP; gamma = d(delta)/dP.
TEST(PositionModel, CapitalRoundTripAndGreeksAreDerivativesOfValue) {
  const PriceRange r{2400.0, 3750.0};
  const double L = liquidity_for_capital(r, 100000.0, 3000.0);
  expect_rel(lp_value(r, L, 3000.0), 100000.0, 1e-14);
  expect_rel(liquidity_for_amounts(r, amounts_for_liquidity(r, L, 3000.0), 3000.0), L, 1e-12);
  for (double p : {2500.0, 3000.0, 3600.0}) {
    // Central differences: truncation error ~ (h/p)^2, rounding ~ eps V / h.
    const double h = 1e-5 * p;
    expect_rel(lp_delta(r, L, p), (lp_value(r, L, p + h) - lp_value(r, L, p - h)) / (2 * h), 1e-8);
    const double k = 1e-4 * p;
    expect_rel(lp_gamma(r, L, p), (lp_delta(r, L, p + k) - lp_delta(r, L, p - k)) / (2 * k), 1e-7);
  }
}

TEST(PositionModel, RejectsBadRangesAndPrices) {
  EXPECT_THROW(validate(PriceRange{3000, 2000}), alvh::DomainError);
  EXPECT_THROW(validate(PriceRange{-1, 2000}), alvh::DomainError);
  EXPECT_THROW(liquidity_for_capital(PriceRange{1, 2}, 100, 0.0), alvh::DomainError);
  EXPECT_THROW(liquidity_for_capital(PriceRange{1, 2}, -5, 1.5), alvh::DomainError);
  EXPECT_THROW(impermanent_loss(PriceRange{1, 2}, 1.5, std::nan("")), alvh::DomainError);
}
