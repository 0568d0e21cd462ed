// SIMD batch pricing against the scalar pricer, element by element (the scalar pricer is
// itself tested against mpmath in fixture_test.cpp), on a random grid with |ln(K/S)| <= 1,
// T from 1 hour to 5 years, vol 5%..200%, both types, odd length (exercises the tail).
// Tolerance 1e-11 relative to max(|value|, 1e-8 x natural unit): the vector exp/log/erfc are
// a few ulp (Highway, SLEEF u15), which ln(F/K) passes on amplified by the elasticity of
// short-dated out-of-the-money values (measured worst ~2e-12, printed by the test).
#include "alvh/options/batch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "alvh/core/error.hpp"

namespace alvh::options {
namespace {

TEST(BatchGreeks, MatchesScalarElementwise) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const std::size_t n = 4099;
  std::vector<unsigned char> call(n);
  std::vector<double> S(n), K(n), T(n), r(n), q(n), v(n);
  for (std::size_t i = 0; i < n; ++i) {
    call[i] = U(rng) < 0.5;
    S[i] = 100 * std::exp(6 * U(rng) - 3);
    K[i] = S[i] * std::exp(2 * U(rng) - 1);
    T[i] = std::exp(std::log(1.0 / 8760) + U(rng) * (std::log(5.0) - std::log(1.0 / 8760)));
    r[i] = -0.02 + 0.12 * U(rng);
    q[i] = 0.08 * U(rng);
    v[i] = std::exp(std::log(0.05) + U(rng) * (std::log(2.0) - std::log(0.05)));
  }
  // Edge rows: at expiry and zero vol go through the scalar fallback.
  T[5] = 0.0;
  v[6] = 0.0;
  std::vector<std::vector<double>> o(8, std::vector<double>(n));
  bsm_greeks_batch(call, S, K, T, r, q, v, {o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]});
  double worst[8] = {};
  for (std::size_t i = 0; i < n; ++i) {
    const Greeks g = bsm_greeks(call[i] ? OptionType::Call : OptionType::Put, S[i], K[i], T[i], r[i], q[i], v[i]);
    const double ref[8] = {g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.vanna, g.volga};
    const double floor[8] = {1e-8 * S[i], 1e-8, 1e-8 / S[i], 1e-8 * S[i], 1e-8 * S[i], 1e-8 * S[i], 1e-8, 1e-8 * S[i]};
    EXPECT_GE(o[0][i], 0.0);
    for (int k = 0; k < 8; ++k) {
      const double scale = std::max(std::abs(ref[k]), floor[k]);
      const double e = std::abs(o[static_cast<std::size_t>(k)][i] - ref[k]) / scale;
      worst[k] = std::max(worst[k], e);
      EXPECT_LE(e, 1e-11) << "row " << i << " output " << k << " got " << o[static_cast<std::size_t>(k)][i] << " ref "
                          << ref[k];
    }
  }
  std::printf(
      "  target %s; worst error/max(|ref|, floor): price %.1e delta %.1e gamma %.1e vega %.1e theta %.1e "
      "rho %.1e vanna %.1e volga %.1e\n",
      batch_simd_target(), worst[0], worst[1], worst[2], worst[3], worst[4], worst[5], worst[6], worst[7]);
}

TEST(BatchGreeks, OptionalOutputsAndErrors) {
  std::vector<unsigned char> call = {1, 0, 1};
  std::vector<double> S = {100, 100, 100}, K = {90, 110, 100}, T = {0.5, 0.5, 0.5}, r = {0, 0, 0}, q = {0, 0, 0},
                      v = {0.2, 0.3, 0.4}, price(3);
  bsm_greeks_batch(call, S, K, T, r, q, v, {price, {}, {}, {}, {}, {}, {}, {}});
  EXPECT_NEAR(price[1], bsm_price(OptionType::Put, 100, 110, 0.5, 0, 0, 0.3), 1e-12);
  v[2] = -0.1;
  try {
    bsm_greeks_batch(call, S, K, T, r, q, v, {price, {}, {}, {}, {}, {}, {}, {}});
    FAIL() << "expected DomainError";
  } catch (const DomainError& e) {
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("vol"), std::string::npos) << e.what();
  }
  std::vector<double> short_out(2);
  v[2] = 0.4;
  EXPECT_THROW(bsm_greeks_batch(call, S, K, T, r, q, v, {short_out, {}, {}, {}, {}, {}, {}, {}}), DomainError);
}

}  // namespace
}  // namespace alvh::options
