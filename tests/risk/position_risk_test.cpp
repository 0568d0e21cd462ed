// Risk report of an LP position. References: REFERENCES.md §4a-4f (rows computed in
// refgen/lp.py), closed forms derived there (E[sqrt S_T] = sqrt(F) e^{-s^2/8}), and
// invariants (IL(r) = IL(1/r) for v2, fee income = LVR at the fee-implied vol).
#include "alvh/risk/position_risk.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "alvh/core/error.hpp"
#include "alvh/risk/quadrature.hpp"

namespace {
using alvh::amm::PriceRange;
namespace risk = alvh::risk;
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Quadrature, GaussLegendreIsExactForDegree2nMinus1) {
  // n = 5 integrates x^9 exactly: int_0^2 x^9 dx = 2^10/10.
  const auto r = risk::gauss_legendre(5, 0.0, 2.0);
  double s9 = 0.0, s1 = 0.0;
  for (std::size_t i = 0; i < 5; ++i) {
    s9 += r.weights[i] * std::pow(r.nodes[i], 9);
    s1 += r.weights[i];
  }
  EXPECT_NEAR(s9, 102.4, 1e-12);
  EXPECT_NEAR(s1, 2.0, 1e-14);
  const auto e = risk::gauss_legendre(200, 0.0, 1.0);  // int_0^1 e^x = e - 1
  double se = 0.0;
  for (std::size_t i = 0; i < 200; ++i) se += e.weights[i] * std::exp(e.nodes[i]);
  EXPECT_NEAR(se, std::exp(1.0) - 1.0, 1e-14);
}

TEST(ExpectedLpValue, ClosedFormReproducesReferences4f) {
  // REFERENCES.md §4f: L = 1, [1500, 2500], F = 2000, sigma = 0.8, T = 30/365: 10.198084561660707.
  const PriceRange r{1500.0, 2500.0};
  EXPECT_NEAR(risk::expected_lp_value(r, 1.0, 2000.0, 0.8, 30.0 / 365.0), 10.198084561660707, 1e-11);
  // §4d: v2 E[V] = 2 L sqrt(F) e^{-sigma^2 T/8} = 88.85653189364476 for L = 1.
  EXPECT_NEAR(risk::expected_lp_value(PriceRange::full(), 1.0, 2000.0, 0.8, 30.0 / 365.0), 88.85653189364476, 1e-10);
  // sigma = 0: V(F).
  EXPECT_NEAR(risk::expected_lp_value(r, 1.0, 2000.0, 0.0, 0.1), 10.71288563791742, 1e-12);
}

TEST(ExpectedLpValue, QuadratureAgreesWithClosedFormInAndOutOfRange) {
  const double T = 0.25;
  for (const PriceRange r : {PriceRange{1500.0, 2500.0}, PriceRange{2500.0, 4000.0}, PriceRange{100.0, 1800.0},
                             PriceRange::full(), PriceRange{0.0, 2600.0}, PriceRange{1200.0, kInf}}) {
    for (double vol : {0.2, 0.8, 1.5}) {
      const double cf = risk::expected_lp_value(r, 1000.0, 2000.0, vol, T);
      const double q = risk::expected_lp_value_quadrature(r, 1000.0, 2000.0, vol, T, 64);
      EXPECT_NEAR(q, cf, 1e-10 * cf) << r.lower << " " << r.upper << " vol " << vol;
    }
  }
}

TEST(ExpectedLpValue, VegaMatchesCentralDifferenceAndV2ClosedForm) {
  const double F = 2000.0, T = 30.0 / 365.0, L = 1000.0;
  for (const PriceRange r : {PriceRange{1500.0, 2500.0}, PriceRange{2100.0, 2600.0}, PriceRange::full()}) {
    for (double vol : {0.3, 0.8}) {
      const double h = 1e-5;
      const double fd = (risk::expected_lp_value(r, L, F, vol + h, T) - risk::expected_lp_value(r, L, F, vol - h, T)) /
                        (2 * h);
      EXPECT_NEAR(risk::expected_lp_value_vega(r, L, F, vol, T), fd, 1e-6 * std::abs(fd) + 1e-8);
    }
  }
  // d/dsigma of 2 L sqrt(F) e^{-sigma^2 T/8} = -(L/2) sqrt(F) sigma T e^{-sigma^2 T/8}.
  const double vol = 0.8;
  EXPECT_NEAR(risk::expected_lp_value_vega(PriceRange::full(), L, F, vol, T),
              -0.5 * L * std::sqrt(F) * vol * T * std::exp(-vol * vol * T / 8), 1e-10);
}

TEST(FeeImpliedVol, V2IsSqrtEightFeeAprAndFeesEqualLvrThere) {
  EXPECT_NEAR(risk::fee_implied_vol(PriceRange::full(), 2000.0, 0.08), std::sqrt(0.64), 1e-15);  // sqrt(8 * 0.08)
  // v3 in range: at sigma_fee, fee_apr * V = LVR (Milionis et al. 2022 rate sigma^2 L sqrt(P)/4).
  const PriceRange r{1500.0, 2500.0};
  const double P = 1800.0, fee_apr = 0.35, L = 1000.0;
  const double sf = risk::fee_implied_vol(r, P, fee_apr);
  EXPECT_NEAR(alvh::amm::lvr_rate(r, L, P, sf), fee_apr * alvh::amm::lp_value(r, L, P), 1e-9);
  EXPECT_TRUE(std::isnan(risk::fee_implied_vol(r, 3000.0, fee_apr)));  // out of range
}

TEST(FeeImpliedVol, LambertRowsFromReferences4e) {
  EXPECT_NEAR(risk::lambert_fee_implied_vol(0.003, 100, 100), 0.1146298390, 1e-9 * 0.1146298390);
  EXPECT_NEAR(risk::lambert_fee_implied_vol(0.003, 400, 100), 0.2292596781, 1e-9 * 0.2292596781);
  EXPECT_NEAR(risk::lambert_fee_implied_vol(0.0005, 1e8, 2e6), 0.1350925609, 1e-9 * 0.1350925609);
  EXPECT_NEAR(risk::lambert_fee_implied_vol(0.003, 5e7, 1e7), 0.2563201124, 1e-9 * 0.2563201124);
  EXPECT_THROW(risk::lambert_fee_implied_vol(0.003, 1e6, 0.0), alvh::DomainError);
  EXPECT_NEAR(risk::fee_apr_from_volume(0.003, 1e6, 1e8), 0.003 * 1e6 * 365 / 1e8, 1e-15);
}

TEST(RiskReport, ReproducesReferences4bAnd4d) {
  risk::PositionInputs in;
  in.range = {1500.0, 2500.0};
  in.price = 2000.0;
  in.capital = 10712.8856379174;  // buys L = 1000 (§4b row P = 2000)
  in.vol_annual = 1.0;
  in.fee_apr = 0.0;
  const auto rep = risk::risk_report(in);
  EXPECT_NEAR(rep.liquidity, 1000.0, 1e-8);
  EXPECT_NEAR(rep.amount0, 2.3606797750, 1e-9);
  EXPECT_NEAR(rep.amount1, 5991.5260879216, 1e-6);
  EXPECT_NEAR(rep.gamma, -5.5901699437e-03, 1e-12);
  EXPECT_NEAR(rep.lvr_rate_annual, 11180.3398874989, 1e-6);  // §4d
  EXPECT_NEAR(rep.theta_per_day, -11180.3398874989 / 365, 1e-8);
  EXPECT_EQ(rep.il_at_sigma[3], 0.0);
  EXPECT_LT(rep.expected_il, 0.0);
  EXPECT_LT(rep.vega_il, 0.0);  // more vol, more expected IL
}

TEST(RiskReport, V2IlAtSigmaIsSymmetricAndExpectedLvrIsSigmaSquaredOver8) {
  risk::PositionInputs in;
  in.range = PriceRange::full();
  in.price = 3000.0;
  in.capital = 1e5;
  in.vol_annual = 0.8;
  in.horizon_years = 1.0 / 365.0;
  in.fee_apr = 0.2;
  const auto rep = risk::risk_report(in);
  // IL(r) = IL(1/r) (§4a): P e^{+k s} and P e^{-k s} are reciprocal moves.
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(rep.il_at_sigma[k], rep.il_at_sigma[6 - k], 1e-14);
  EXPECT_NEAR(rep.il_at_sigma[5], 2 * std::exp(0.8 * std::sqrt(1.0 / 365)) / (1 + std::exp(1.6 * std::sqrt(1.0 / 365))) - 1,
              1e-14);
  // Milionis et al. (2022): v2 LVR/V = sigma^2/8 per year; expected shortfall over dt = sigma^2/8 V dt + O(dt^2).
  EXPECT_NEAR(rep.lvr_rate_annual / rep.value, 0.8 * 0.8 / 8, 1e-14);
  const double dt = in.horizon_years;
  EXPECT_NEAR(-rep.expected_il, 0.08 * rep.value * dt, 0.08 * rep.value * dt * (0.64 * dt / 16 + 1e-12));
  EXPECT_NEAR(rep.fee_implied_vol, std::sqrt(8 * 0.2), 1e-14);
}

TEST(RiskReport, BreakEvenPricesBalanceFeesAgainstIl) {
  const PriceRange r{2400.0, 3750.0};
  const double P = 3000.0, L = 5000.0;
  auto pnl = [&](double S) { return alvh::amm::lp_value(r, L, S) - alvh::amm::hodl_value(r, L, P, S); };
  for (double fees : {50.0, 2000.0, 4000.0}) {  // small fees: in-range roots; large: beyond the ends
    const auto be = risk::break_even_prices(r, L, P, fees);
    ASSERT_FALSE(std::isnan(be.lower));  // fees < y0 here: the downside loss exceeds them
    ASSERT_FALSE(std::isnan(be.upper));
    EXPECT_NEAR(pnl(be.lower) + fees, 0.0, 1e-7 * fees) << fees;
    EXPECT_NEAR(pnl(be.upper) + fees, 0.0, 1e-7 * fees) << fees;
    EXPECT_GT(be.upper, P);
    EXPECT_LT(be.lower, P);
  }
  // Fees above the bounded downside loss (y0): no lower break-even.
  const double y0 = alvh::amm::amounts_for_liquidity(r, L, P).amount1;
  EXPECT_TRUE(std::isnan(risk::break_even_prices(r, L, P, y0 * 1.01).lower));
}

TEST(RiskReport, BadInputsNameTheField) {
  risk::PositionInputs in;
  in.range = {2400.0, 3750.0};
  in.price = 3000.0;
  in.capital = 1e5;
  in.vol_annual = -0.1;
  try {
    risk::risk_report(in);
    ADD_FAILURE();
  } catch (const alvh::DomainError& e) {
    EXPECT_NE(std::string(e.what()).find("vol"), std::string::npos);
  }
  in.vol_annual = 0.5;
  in.horizon_years = 0.0;
  EXPECT_THROW(risk::risk_report(in), alvh::DomainError);
}

TEST(RiskReportBatch, EqualsScalarReportRowByRow) {
  const std::size_t n = 257;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> price(n), lo(n), hi(n), cap(n), vol(n), fee(n), hor(n);
  for (std::size_t i = 0; i < n; ++i) {
    price[i] = 1000 + 3000 * u(rng);
    const bool v2 = i % 5 == 0;
    lo[i] = v2 ? 0.0 : price[i] * (0.5 + 0.6 * u(rng));  // some out of range
    hi[i] = v2 ? kInf : lo[i] * (1.1 + u(rng));
    cap[i] = 1e3 + 1e6 * u(rng);
    vol[i] = 0.1 + u(rng);
    fee[i] = 0.5 * u(rng);
    hor[i] = (1 + 90 * u(rng)) / 365;
  }
  price[3] = -1.0;  // invalid row
  std::vector<double> L(n), V(n), d(n), g(n), lvr(n), th(n), eil(n), vega(n), fiv(n);
  risk::risk_report_batch({price, lo, hi, cap, vol, fee, hor}, {L, V, d, g, lvr, th, eil, vega, fiv}, 0, n);
  EXPECT_TRUE(std::isnan(L[3]) && std::isnan(eil[3]));
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 3) continue;
    risk::PositionInputs in{{lo[i], hi[i]}, price[i], cap[i], 0.0, vol[i], fee[i], hor[i], 0.0};
    const auto rep = risk::risk_report(in);
    EXPECT_NEAR(L[i], rep.liquidity, 1e-12 * rep.liquidity);
    EXPECT_NEAR(d[i], rep.delta, 1e-12 * std::abs(rep.delta) + 1e-15);
    EXPECT_NEAR(g[i], rep.gamma, 1e-12 * std::abs(rep.gamma) + 1e-18);
    EXPECT_NEAR(th[i], rep.theta_per_day, 1e-9 * std::abs(rep.theta_per_day) + 1e-9);
    EXPECT_NEAR(eil[i], rep.expected_il, 1e-9 * cap[i]);
    EXPECT_NEAR(vega[i], rep.vega_il, 1e-9 * std::abs(rep.vega_il) + 1e-12);
    if (std::isnan(rep.fee_implied_vol)) {
      EXPECT_TRUE(std::isnan(fiv[i]));
    } else {
      EXPECT_NEAR(fiv[i], rep.fee_implied_vol, 1e-13);
    }
  }
}

}  // namespace
