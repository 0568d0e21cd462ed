// SIMD batch pricing (Highway + Cody erfcx kernel, src/options/vector_normal-inl.h):
//  - against the 50-digit mpmath fixtures (tests/options/gen_fixtures.py) exactly as the scalar
//    pricer is tested in fixture_test.cpp: prices and greeks to 1e-12 relative to
//    max(|value|, floor), and far-tail prices down to 1e-300 to 1e-12 relative with no floor;
//  - against the scalar pricer element by element on a random grid with |ln(K/S)| <= 1,
//    T from 1 hour to 5 years, vol 5%..200%, both types, odd length (exercises the tail), to
//    1e-12 relative to max(|value|, 1e-8 x natural unit) (measured worst ~1e-13, printed);
//  - the price-only batch against the same fixture prices;
//  - bad input: the scalar pricer's DomainError, prefixed with the first bad row.
#include "alvh/options/batch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "alvh/core/error.hpp"
#include "fixture_csv.hpp"
#include "simd_targets.hpp"

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
  test::for_each_simd_target(batch_simd_target, [&] {
    std::vector<std::vector<double>> o(8, std::vector<double>(n));
    bsm_greeks_batch(call, S, K, T, r, q, v, {o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]});
    double worst[8] = {};
    for (std::size_t i = 0; i < n; ++i) {
      const Greeks g = bsm_greeks(call[i] ? OptionType::Call : OptionType::Put, S[i], K[i], T[i], r[i], q[i], v[i]);
      const double ref[8] = {g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.vanna, g.volga};
      const double floor[8] = {1e-8 * S[i], 1e-8,        1e-8 / S[i], 1e-8 * S[i],
                               1e-8 * S[i], 1e-8 * S[i], 1e-8,        1e-8 * S[i]};
      EXPECT_GE(o[0][i], 0.0);
      for (int k = 0; k < 8; ++k) {
        const double scale = std::max(std::abs(ref[k]), floor[k]);
        const double e = std::abs(o[static_cast<std::size_t>(k)][i] - ref[k]) / scale;
        worst[k] = std::max(worst[k], e);
        EXPECT_LE(e, 1e-12) << "row " << i << " output " << k << " got " << o[static_cast<std::size_t>(k)][i] << " ref "
                            << ref[k];
      }
    }
    std::printf(
        "  target %s; worst error/max(|ref|, floor): price %.1e delta %.1e gamma %.1e vega %.1e theta %.1e "
        "rho %.1e vanna %.1e volga %.1e\n",
        batch_simd_target(), worst[0], worst[1], worst[2], worst[3], worst[4], worst[5], worst[6], worst[7]);
  });
}

double num(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);  // below the double range -> 0, absorbed by the floor
}

// Same rows, same tolerance as BsmFixture.PricesAndGreeksAgainstMpmath (fixture_test.cpp).
TEST(BatchGreeks, PricesAndGreeksAgainstMpmath) {
  const auto rows = test::read_fixture_csv("bsm_mpmath.csv");
  ASSERT_EQ(rows.size(), 500u) << "fixture missing: run /usr/bin/python3 tests/options/gen_fixtures.py";
  const std::size_t n = rows.size();
  std::vector<unsigned char> call(n);
  std::vector<double> S(n), K(n), T(n), r(n), q(n), v(n);
  for (std::size_t i = 0; i < n; ++i) {
    call[i] = rows[i][0] == "call";
    S[i] = num(rows[i][1]), K[i] = num(rows[i][2]), T[i] = num(rows[i][3]);
    r[i] = num(rows[i][4]), q[i] = num(rows[i][5]), v[i] = num(rows[i][6]);
  }
  test::for_each_simd_target(batch_simd_target, [&] {
    std::vector<std::vector<double>> o(8, std::vector<double>(n));
    const std::size_t fallbacks =
        bsm_greeks_batch_counted(call, S, K, T, r, q, v, {o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]});
    std::vector<double> price_only(n);
    bsm_price_batch(call, S, K, T, r, q, v, price_only);
    double worst[8] = {};
    for (std::size_t i = 0; i < n; ++i) {
      const double floor[8] = {1e-8 * S[i], 1e-8,        1e-8 / S[i], 1e-8 * S[i],
                               1e-8 * S[i], 1e-8 * S[i], 1e-8,        1e-8 * S[i]};
      for (std::size_t k = 0; k < 8; ++k) {
        const double ref = num(rows[i][7 + k]);
        const double scale = std::max(std::abs(ref), floor[k]);
        const double e = std::abs(o[k][i] - ref) / scale;
        worst[k] = std::max(worst[k], e);
        EXPECT_LE(e, 1e-12) << "row " << i << " output " << k << " got " << o[k][i] << " ref " << ref;
      }
      const double ref_price = num(rows[i][7]);
      EXPECT_LE(std::abs(price_only[i] - ref_price), 1e-12 * std::max(std::abs(ref_price), 1e-8 * S[i])) << "row " << i;
    }
    std::printf(
        "  target %s, %zu rows (%zu on the scalar path); worst error/max(|ref|, floor): price %.1e delta %.1e gamma "
        "%.1e vega "
        "%.1e theta %.1e rho %.1e vanna %.1e volga %.1e\n",
        batch_simd_target(), n, fallbacks, worst[0], worst[1], worst[2], worst[3], worst[4], worst[5], worst[6],
        worst[7]);
  });
}

// Far tails (Black-76 rows as BSM with r = q = 0, so F = S exactly): 1e-12 relative with no
// floor down to 1e-298, never negative - the test the scalar pricer passes (fixture_test.cpp).
TEST(BatchGreeks, FarTailsAgainstMpmath) {
  const auto rows = test::read_fixture_csv("black76_tails_mpmath.csv");
  ASSERT_GT(rows.size(), 250u);
  const std::size_t n = rows.size();
  std::vector<unsigned char> call(n);
  std::vector<double> S(n), K(n), T(n), zero(n, 0.0), v(n), price(n), ref(n);
  for (std::size_t i = 0; i < n; ++i) {
    call[i] = rows[i][0] == "call";
    S[i] = num(rows[i][1]), K[i] = num(rows[i][2]), T[i] = num(rows[i][3]), v[i] = num(rows[i][4]);
    ref[i] = num(rows[i][5]);
  }
  test::for_each_simd_target(batch_simd_target, [&] {
    const std::size_t fallbacks = bsm_price_batch(call, S, K, T, zero, zero, v, price);
    double worst = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_GT(price[i], 0.0) << "row " << i;
      EXPECT_NEAR(price[i] / ref[i], 1.0, 1e-12) << "row " << i << " K=" << K[i] << " vol=" << v[i];
      worst = std::max(worst, std::abs(price[i] / ref[i] - 1.0));
    }
    std::printf("  target %s, %zu tail prices (%zu on the scalar path): worst relative error %.2e\n",
                batch_simd_target(), n, fallbacks, worst);
  });
}

// The band where the two terms of the out-of-the-money time value cancel by 99% to 99.99%
// (s^2/|x| = eps, the terms' ratio ~ e^{-eps}): the vector path keeps lanes up to its cancel
// limit (0.999 with the AVX-512 erfcx table, 0.995 otherwise) and sends the rest to the scalar
// pricer (Gauss-Laguerre there). Reference: the scalar pricer (itself tested against mpmath in
// fixture_test.cpp); 1e-12 relative with no floor, on every SIMD target.
TEST(BatchGreeks, CancellingBandAgainstScalar) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const std::size_t n = 4096;
  std::vector<unsigned char> call(n);
  std::vector<double> S(n, 100.0), K(n), T(n), zero(n, 0.0), v(n), price(n);
  for (std::size_t i = 0; i < n; ++i) {
    call[i] = U(rng) < 0.5;
    const double x = (U(rng) < 0.5 ? -1 : 1) * (0.02 + 0.98 * U(rng));  // ln(F/K)
    const double eps = std::exp(std::log(1e-4) + U(rng) * (std::log(1e-2) - std::log(1e-4)));
    const double s = std::sqrt(eps * std::abs(x));
    K[i] = S[i] * std::exp(-x);
    T[i] = std::exp(std::log(1.0 / 8760) + U(rng) * std::log(8760.0));
    v[i] = s / std::sqrt(T[i]);
  }
  test::for_each_simd_target(batch_simd_target, [&] {
    const std::size_t fallbacks = bsm_price_batch(call, S, K, T, zero, zero, v, price);
    double worst = 0.0;
    std::size_t priced = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double ref = bsm_price(call[i] ? OptionType::Call : OptionType::Put, S[i], K[i], T[i], 0.0, 0.0, v[i]);
      if (ref < 1e-290) continue;  // below the double range's useful part: not a relative test
      ++priced;
      const double e = std::abs(price[i] / ref - 1.0);
      worst = std::max(worst, e);
      EXPECT_LE(e, 1e-12) << "row " << i << " K=" << K[i] << " T=" << T[i] << " vol=" << v[i];
    }
    EXPECT_GT(priced, n / 2);
    std::printf("  target %s, %zu cancelling rows (%zu on the scalar path): worst relative error %.2e\n",
                batch_simd_target(), priced, fallbacks, worst);
  });
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
  // The price-only batch names the same row and argument; NaN and infinities are invalid too.
  for (double bad : {-0.1, std::nan(""), HUGE_VAL}) {
    v[2] = bad;
    try {
      bsm_price_batch(call, S, K, T, r, q, v, price);
      FAIL() << "expected DomainError for vol " << bad;
    } catch (const DomainError& e) {
      EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("vol"), std::string::npos) << e.what();
    }
  }
  v[2] = 0.4;
  S[0] = -1.0;
  try {
    bsm_greeks_batch(call, S, K, T, r, q, v, {price, price, {}, {}, {}, {}, {}, {}});
    FAIL() << "expected DomainError";
  } catch (const DomainError& e) {
    EXPECT_NE(std::string(e.what()).find("row 0"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("spot"), std::string::npos) << e.what();
  }
  S[0] = 100.0;
  std::vector<double> short_out(2);
  EXPECT_THROW(bsm_greeks_batch(call, S, K, T, r, q, v, {short_out, {}, {}, {}, {}, {}, {}, {}}), DomainError);
  EXPECT_THROW(bsm_price_batch(call, S, K, T, r, q, v, short_out), DomainError);
}

}  // namespace
}  // namespace alvh::options
