// Implied volatility: REFERENCES.md section 2 rows (exact prices from mpmath at 50 digits,
// Jäckel 2015 accuracy claim), a round trip over a random grid, bounds errors.
#include "alvh/options/implied_vol.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "simd_targets.hpp"

namespace alvh::options {
namespace {

// REFERENCES.md 2: (type, F, K, T, r, sigma, exact price [PY mpmath 50 digits]). Inverting the
// exact price must give sigma to 1e-12 relative (QuantLib 1.29 misses this on the deep OTM rows).
TEST(ImpliedVolReference, Section2Rows) {
  struct Row {
    char type;
    double F, K, T, r, vol, price;
  };
  const Row rows[] = {
      {'C', 100, 100, 1, 0, 0.20, 7.9655674554057967},
      {'P', 100, 100, 1, 0, 0.20, 7.9655674554057967},
      {'C', 100, 150, 1, 0, 0.20, 0.19247532329705224},
      {'C', 100, 200, 1, 0, 0.20, 0.0018862181761500388},
      {'C', 100, 400, 1, 0, 0.20, 1.1506725945297355e-11},
      {'P', 100, 50, 1, 0, 0.25, 0.014648530816228033},
      {'C', 2000, 2100, 1.0 / 365, 0, 0.80, 5.1679363018824049},
      {'C', 2000, 2000, 1.0 / 8760, 0, 0.80, 6.8198790624643677},
      {'C', 100, 120, 30, 0, 0.30, 55.070798998831407},
      {'P', 100, 80, 10, 0.02, 0.05, 0.41320757551525278},
      {'C', 100, 100, 0.25, 0, 3.00, 54.67452952462636},
      {'P', 2000, 1000, 7.0 / 365, 0, 1.20, 0.00077394245723214804},
  };
  for (const auto& r : rows) {
    const OptionType t = r.type == 'C' ? OptionType::Call : OptionType::Put;
    const double D = std::exp(-r.r * r.T);
    const double iv = implied_vol_black76(t, r.price, r.F, r.K, r.T, D);
    EXPECT_NEAR(iv / r.vol, 1.0, 1e-12) << r.type << " K=" << r.K << " T=" << r.T;
    // And our pricer reproduces the exact price (to the 17 digits given).
    EXPECT_NEAR(black76_price(t, r.F, r.K, r.T, r.vol, D) / r.price, 1.0, 1e-14) << r.type << " K=" << r.K;
  }
}

// Round trip price -> vol -> price over |ln(F/K)| <= 5 sd, T in [1 hour, 5 years],
// vol in [2%, 300%], calls and puts (in and out of the money). Invariant test.
// Price: 1e-14 relative, plus the unavoidable part vega * ulp(vol) (the vol is a double).
// Vol: 1e-12 relative wherever the price carries the information, i.e. the relative time
// value sensitivity vega*vol/price >= 1e-2 (below that, a 1-ulp change of the price moves the
// vol by more than 1e-14: docs/options.md).
TEST(ImpliedVolRoundTrip, RandomGridAndIterationCount) {
  std::mt19937_64 rng(20240514);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  int max_iter = 0, n_vol_checked = 0;
  for (int i = 0; i < 20000; ++i) {
    const double T = std::exp(std::log(1.0 / 8760) + U(rng) * (std::log(5.0) - std::log(1.0 / 8760)));
    const double vol = std::exp(std::log(0.02) + U(rng) * (std::log(3.0) - std::log(0.02)));
    const double sd = vol * std::sqrt(T);
    const double z = (2 * U(rng) - 1) * 5;
    const double F = 100 * std::exp(U(rng)), K = F * std::exp(-z * sd), D = std::exp(-0.05 * T);
    const OptionType t = U(rng) < 0.5 ? OptionType::Call : OptionType::Put;
    const auto g = black76_greeks(t, F, K, T, vol, D);
    if (!(g.price > 0)) continue;
    const double iv = implied_vol_black76(t, g.price, F, K, T, D);
    const double p2 = black76_price(t, F, K, T, iv, D);
    const double ulp_vol = std::abs(vol) * std::numeric_limits<double>::epsilon();
    EXPECT_LE(std::abs(p2 - g.price), 1e-14 * g.price + 4 * g.vega * ulp_vol) << "z=" << z << " sd=" << sd;
    if (g.vega * vol / g.price >= 1e-2) {
      ++n_vol_checked;
      EXPECT_NEAR(iv / vol, 1.0, 1e-12) << "z=" << z << " sd=" << sd << " type=" << int(t);
    }
    // Iterations on the normalised out-of-the-money price.
    int it = 0;
    const double x = -std::abs(z * sd);
    normalised_implied_vol(OptionType::Call, normalised_black_otm(x, sd), x, &it);
    max_iter = std::max(max_iter, it);
  }
  EXPECT_GT(n_vol_checked, 14000);  // ~73% of the grid carries the vol to 1e-12
  EXPECT_LE(max_iter, 3);           // 2 on most inputs, 3 near the money at tiny s (docs/options.md)
}

// Edge inputs: at the money with tiny prices (the x = 0 branch must not form 1 - beta), prices
// down to 1e-300, and prices next to the upper bound. Invariant: the price is reproduced.
TEST(ImpliedVolEdge, TinyAndNearBoundPrices) {
  struct Row {
    OptionType t;
    double F, K, T, price;
  };
  const Row rows[] = {{OptionType::Call, 100, 100, 1, 1e-12}, {OptionType::Call, 100, 100, 1e-8, 1e-6},
                      {OptionType::Put, 100, 100, 2, 0.3},    {OptionType::Call, 100, 200, 1, 1e-300},
                      {OptionType::Put, 100, 50, 1, 1e-200},  {OptionType::Call, 100, 100, 1, 99.999999},
                      {OptionType::Put, 100, 100, 100, 99.0}, {OptionType::Call, 100, 1e6, 1, 99.99999}};
  for (const auto& r : rows) {
    const double iv = implied_vol_black76(r.t, r.price, r.F, r.K, r.T);
    EXPECT_GT(iv, 0.0);
    EXPECT_NEAR(black76_price(r.t, r.F, r.K, r.T, iv) / r.price, 1.0, 1e-13) << r.F << " " << r.K << " " << r.price;
  }
}

TEST(ImpliedVolBounds, TypedErrorsNeverNaN) {
  // Call below intrinsic, at/above the forward; put above the strike; negative price.
  EXPECT_THROW(implied_vol_black76(OptionType::Call, 9.0, 110, 100, 1.0), ArbitrageBoundsError);
  EXPECT_THROW(implied_vol_black76(OptionType::Call, 110.0, 110, 100, 1.0), ArbitrageBoundsError);
  EXPECT_THROW(implied_vol_black76(OptionType::Put, 100.5, 110, 100, 1.0), ArbitrageBoundsError);
  EXPECT_THROW(implied_vol_black76(OptionType::Put, -1e-3, 110, 100, 1.0), ArbitrageBoundsError);
  EXPECT_THROW(implied_vol_black76(OptionType::Put, std::nan(""), 110, 100, 1.0), DomainError);
  EXPECT_THROW(implied_vol_black76(OptionType::Put, 1.0, 110, 100, 0.0), DomainError);
  // ArbitrageBoundsError is a DomainError (callers may catch either).
  EXPECT_THROW((void)implied_vol_black76(OptionType::Call, -1.0, 100, 200, 1.0), DomainError);
  // Exactly intrinsic: zero vol.
  EXPECT_EQ(implied_vol_black76(OptionType::Call, 10.0, 110, 100, 1.0), 0.0);
}

// Inverse (coin) price: IV of V_usd/S equals IV of V_usd (Deribit convention).
TEST(ImpliedVolInverse, CoinPrice) {
  const double S = 9348.0, K = 10000, T = 0.1, r = 0.0, q = 0.0, vol = 0.75;
  const double coin = bsm_greeks(OptionType::Call, S, K, T, r, q, vol, Settlement::Inverse).price;
  EXPECT_NEAR(coin * S / bsm_price(OptionType::Call, S, K, T, r, q, vol), 1.0, 1e-15);
  EXPECT_NEAR(implied_vol_bsm(OptionType::Call, coin, S, K, T, r, q, Settlement::Inverse) / vol, 1.0, 1e-13);
}

TEST(ImpliedVolBatch, MatchesScalarAndNamesBadRow) {
  std::vector<unsigned char> c = {1, 0, 1};
  std::vector<double> S = {100, 100, 100}, K = {90, 120, 300}, T = {0.5, 1.0, 0.1}, r = {0.01, 0.02, 0.0},
                      q = {0, 0.01, 0}, v = {0.2, 0.5, 0.9}, p(3), out(3);
  for (int i = 0; i < 3; ++i)
    p[static_cast<std::size_t>(i)] =
        bsm_price(c[static_cast<std::size_t>(i)] ? OptionType::Call : OptionType::Put, S[static_cast<std::size_t>(i)],
                  K[static_cast<std::size_t>(i)], T[static_cast<std::size_t>(i)], r[static_cast<std::size_t>(i)],
                  q[static_cast<std::size_t>(i)], v[static_cast<std::size_t>(i)]);
  implied_vol_bsm_batch(c, p, S, K, T, r, q, out);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(out[i] / v[i], 1.0, 1e-12);
  p[1] = 1000;
  try {
    implied_vol_bsm_batch(c, p, S, K, T, r, q, out);
    FAIL() << "expected ArbitrageBoundsError";
  } catch (const ArbitrageBoundsError& e) {
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
}

// SIMD batch solver (implied_vol_batch.cpp) against the scalar solver and the round trip, on a
// wide random BSM grid: |ln(F/K)| up to 5 sd, T from 1 hour to 5 years, vol 1%..500%, rates
// -2%..10%, yields 0..8%, calls and puts in and out of the money. Same criteria as
// ImpliedVolRoundTrip (price to 1e-14 relative + 4 vega ulp(vol); vol to 1e-12 where the
// relative vega is >= 1e-2), zero failures, and the vector path must carry > 1000 rows.
TEST(ImpliedVolBatch, SimdMatchesScalarOnWideGrid) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const std::size_t n = 6001;
  std::vector<unsigned char> c(n);
  std::vector<double> P(n), S(n), K(n), T(n), r(n), q(n), vol(n), vega(n), out(n);
  for (std::size_t i = 0; i < n; ++i) {
    T[i] = std::exp(std::log(1.0 / 8760) + U(rng) * (std::log(5.0) - std::log(1.0 / 8760)));
    vol[i] = std::exp(std::log(0.01) + U(rng) * (std::log(5.0) - std::log(0.01)));
    r[i] = -0.02 + 0.12 * U(rng);
    q[i] = 0.08 * U(rng);
    S[i] = 100 * std::exp(2 * U(rng) - 1);
    const double F = S[i] * std::exp((r[i] - q[i]) * T[i]);
    K[i] = F * std::exp(-(2 * U(rng) - 1) * 5 * vol[i] * std::sqrt(T[i]));
    c[i] = U(rng) < 0.5;
    const Greeks g = bsm_greeks(c[i] ? OptionType::Call : OptionType::Put, S[i], K[i], T[i], r[i], q[i], vol[i]);
    P[i] = g.price;
    vega[i] = g.vega;
    // Keep only prices strictly inside the bounds (a rounded price can land on intrinsic).
    const double D = std::exp(-r[i] * T[i]);
    const double intrinsic = D * std::max(c[i] ? F - K[i] : K[i] - F, 0.0);
    if (!(P[i] > intrinsic * (1 + 1e-15) + 1e-300)) P[i] = intrinsic + 1e-6 * S[i], vega[i] = -1;
  }
  test::for_each_simd_target(implied_vol_batch_simd_target, [&] {
    std::vector<std::size_t> hist(5);
    const std::size_t fallbacks = implied_vol_bsm_batch_counted(c, P, S, K, T, r, q, out, hist);
    int n_vol_checked = 0;
    double worst_vs_scalar = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const OptionType t = c[i] ? OptionType::Call : OptionType::Put;
      const double scalar = implied_vol_bsm(t, P[i], S[i], K[i], T[i], r[i], q[i]);
      ASSERT_TRUE(std::isfinite(out[i])) << "row " << i;
      const double p2 = bsm_price(t, S[i], K[i], T[i], r[i], q[i], out[i]);
      const Greeks g = bsm_greeks(t, S[i], K[i], T[i], r[i], q[i], out[i]);
      const double ulp_vol = out[i] * std::numeric_limits<double>::epsilon();
      const double p_scalar = bsm_price(t, S[i], K[i], T[i], r[i], q[i], scalar);
      EXPECT_LE(std::abs(p2 - P[i]), 1e-14 * P[i] + 4 * g.vega * ulp_vol)
          << "row " << i << " T=" << T[i] << " vol=" << vol[i] << " scalar solver's error " << std::abs(p_scalar - P[i])
          << " batch/scalar-1 " << out[i] / scalar - 1;
      if (vega[i] > 0 && vega[i] * vol[i] / P[i] >= 1e-2) {
        ++n_vol_checked;
        EXPECT_NEAR(out[i] / vol[i], 1.0, 1e-12) << "row " << i << " T=" << T[i] << " vol=" << vol[i];
        worst_vs_scalar = std::max(worst_vs_scalar, std::abs(out[i] / scalar - 1.0));
      }
    }
    EXPECT_GT(n_vol_checked, 3000);
    // Rows whose normalised price cancels beyond 90% (small s against |x|: most of this grid's
    // short-dated rows) go to the scalar solver; the vector path must still carry > 1000 rows.
    EXPECT_GT(n - fallbacks, 1000u) << "the vector path should carry a good share of the rows";
    std::printf(
        "  target %s: %zu rows, %zu on the scalar solver; vector lanes by Householder steps: 1:%zu 2:%zu 3:%zu "
        "4:%zu; worst |vol/scalar - 1| %.1e\n",
        implied_vol_batch_simd_target(), n, fallbacks, hist[1], hist[2], hist[3], hist[4], worst_vs_scalar);
  });
}

// REFERENCES.md 2 rows (exact 50-digit prices) through the SIMD batch, as BSM with q = r so
// that F = S: the vol to 1e-12 relative, as the scalar solver in ImpliedVolReference.Section2Rows.
TEST(ImpliedVolBatch, Section2RowsThroughBatch) {
  struct Row {
    unsigned char call;
    double F, K, T, r, vol, price;
  };
  const Row rows[] = {
      {1, 100, 100, 1, 0, 0.20, 7.9655674554057967},
      {0, 100, 100, 1, 0, 0.20, 7.9655674554057967},
      {1, 100, 150, 1, 0, 0.20, 0.19247532329705224},
      {1, 100, 200, 1, 0, 0.20, 0.0018862181761500388},
      {1, 100, 400, 1, 0, 0.20, 1.1506725945297355e-11},
      {0, 100, 50, 1, 0, 0.25, 0.014648530816228033},
      {1, 2000, 2100, 1.0 / 365, 0, 0.80, 5.1679363018824049},
      {1, 2000, 2000, 1.0 / 8760, 0, 0.80, 6.8198790624643677},
      {1, 100, 120, 30, 0, 0.30, 55.070798998831407},
      {0, 100, 80, 10, 0.02, 0.05, 0.41320757551525278},
      {1, 100, 100, 0.25, 0, 3.00, 54.67452952462636},
      {0, 2000, 1000, 7.0 / 365, 0, 1.20, 0.00077394245723214804},
  };
  std::vector<unsigned char> c;
  std::vector<double> P, S, K, T, r, out;
  for (const auto& row : rows) {
    c.push_back(row.call), P.push_back(row.price), S.push_back(row.F), K.push_back(row.K), T.push_back(row.T);
    r.push_back(row.r);
  }
  out.resize(c.size());
  test::for_each_simd_target(implied_vol_batch_simd_target, [&] {
    implied_vol_bsm_batch(c, P, S, K, T, r, r, out);
    for (std::size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(out[i] / rows[i].vol, 1.0, 1e-12) << "row " << i;
  });
}

// Edge rows through the batch (tiny and near-bound prices, ITM puts, x = 0) and bad rows: the
// round trip to 1e-14, the scalar solver's vol where the price carries it, and the scalar path's
// typed errors.
TEST(ImpliedVolBatch, EdgeRowsAndTypedErrors) {
  std::vector<unsigned char> c = {1, 1, 0, 1, 0, 1, 0, 1, 1};
  std::vector<double> S = {100, 100, 100, 100, 100, 100, 100, 100, 100};
  std::vector<double> K = {100, 100, 100, 200, 50, 100, 100, 1e6, 130};
  std::vector<double> T = {1, 1e-8, 2, 1, 1, 1, 100, 1, 0.5};
  std::vector<double> P = {1e-12, 1e-6, 0.3, 1e-300, 1e-200, 99.999999, 99.0, 99.99999, 2.5};
  std::vector<double> zero(c.size(), 0.0), out(c.size());
  test::for_each_simd_target(implied_vol_batch_simd_target, [&] {
    implied_vol_bsm_batch(c, P, S, K, T, zero, zero, out);
    for (std::size_t i = 0; i < c.size(); ++i) {
      const OptionType t = c[i] ? OptionType::Call : OptionType::Put;
      const double scalar = implied_vol_bsm(t, P[i], S[i], K[i], T[i], 0, 0);
      const Greeks g = bsm_greeks(t, S[i], K[i], T[i], 0, 0, out[i]);
      // Round trip as the scalar tests; the vol itself wherever the price carries it (on row 7, a
      // call at 99.99999% of its upper bound, one ulp of the normalisation moves the vol by 5e-11).
      EXPECT_LE(std::abs(g.price - P[i]), 1e-14 * P[i] + 4 * g.vega * out[i] * std::numeric_limits<double>::epsilon())
          << "row " << i;
      if (g.vega * out[i] / P[i] >= 1e-2) {
        EXPECT_NEAR(out[i] / scalar, 1.0, 1e-13) << "row " << i;
      }
    }
  });
  auto expect_error = [&](std::size_t row, double bad_price, bool bounds) {
    std::vector<double> p = P;
    p[row] = bad_price;
    try {
      implied_vol_bsm_batch(c, p, S, K, T, zero, zero, out);
      ADD_FAILURE() << "expected an error for row " << row;
    } catch (const ArbitrageBoundsError& e) {
      EXPECT_TRUE(bounds) << e.what();
      EXPECT_NE(std::string(e.what()).find("row " + std::to_string(row)), std::string::npos) << e.what();
    } catch (const DomainError& e) {
      EXPECT_FALSE(bounds) << e.what();
      EXPECT_NE(std::string(e.what()).find("row " + std::to_string(row)), std::string::npos) << e.what();
    }
  };
  expect_error(8, 100.0, true);          // call at the forward
  expect_error(2, -1e-3, true);          // negative price
  expect_error(4, std::nan(""), false);  // NaN price
  std::vector<double> Tbad = T;
  Tbad[3] = 0.0;
  EXPECT_THROW(implied_vol_bsm_batch(c, P, S, K, Tbad, zero, zero, out), DomainError);
}

}  // namespace
}  // namespace alvh::options
