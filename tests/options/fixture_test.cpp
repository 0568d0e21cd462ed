// BSM prices and greeks against the mpmath fixture (tests/options/gen_fixtures.py, 50
// digits, closed forms of Haug 2007 ch. 1) on a random grid with |ln(K/S)| <= 1 and T from
// 1 hour to 5 years. Tolerance 1e-12 relative to max(|value|, floor):
//   price: floor 1e-8 S (the definition);
//   delta, vanna: 1e-8;  gamma: 1e-8 / S;  vega, theta, rho, volga: 1e-8 S
// (the greek's natural unit times 1e-8: below it a greek is zero for any hedging purpose).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "alvh/options/black.hpp"
#include "fixture_csv.hpp"

namespace alvh::options {
namespace {


constexpr const char* names[8] = {"price", "delta", "gamma", "vega", "theta", "rho", "vanna", "volga"};

// strtod: values below the double range (e.g. 1e-1676) become 0, which the floor absorbs.
double num(const std::string& s) {
  return std::strtod(s.c_str(), nullptr);
}

TEST(BsmFixture, PricesAndGreeksAgainstMpmath) {
  const auto rows = test::read_fixture_csv("bsm_mpmath.csv");
  ASSERT_EQ(rows.size(), 500u) << "fixture missing: run /usr/bin/python3 tests/options/gen_fixtures.py";
  double worst[8] = {};
  for (const auto& f : rows) {
    const OptionType t = f[0] == "call" ? OptionType::Call : OptionType::Put;
    const double S = num(f[1]), K = num(f[2]), T = num(f[3]), r = num(f[4]), q = num(f[5]), vol = num(f[6]);
    const Greeks g = bsm_greeks(t, S, K, T, r, q, vol);
    const double got[8] = {g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.vanna, g.volga};
    const double floor[8] = {1e-8 * S, 1e-8, 1e-8 / S, 1e-8 * S, 1e-8 * S, 1e-8 * S, 1e-8, 1e-8 * S};
    for (int i = 0; i < 8; ++i) {
      const double ref = num(f[static_cast<std::size_t>(7 + i)]);
      const double scale = std::max(std::abs(ref), floor[i]);
      const double err = std::abs(got[i] - ref);
      const double tol = 1e-12 * scale;
      worst[i] = std::max(worst[i], err / scale);
      EXPECT_LE(err, tol) << names[i] << " " << f[0] << " S=" << f[1] << " K=" << f[2] << " T=" << f[3] << " r=" << f[4]
                          << " q=" << f[5] << " vol=" << f[6] << " got " << got[i] << " ref " << ref;
    }
  }
  for (int i = 0; i < 8; ++i) std::printf("  worst %s error / max(|ref|, floor) = %.2e\n", names[i], worst[i]);
}

}  // namespace
}  // namespace alvh::options

namespace alvh::options {
namespace {

// Far tails: Black-76 out-of-the-money prices down to 1e-300 (mpmath fixture, no floor):
// 1e-12 relative and never negative. QuantLib's BlackCalculator fails this (REFERENCES.md 2).
TEST(BsmFixture, FarTailsRelativeAccuracy) {
  std::ifstream in(std::string(ALVH_SOURCE_DIR) + "/tests/options/fixtures/black76_tails_mpmath.csv");
  std::string line;
  int n = 0;
  double worst = 0.0, smallest = 1.0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("type", 0) == 0) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    const OptionType t = f[0] == "call" ? OptionType::Call : OptionType::Put;
    const double ref = num(f[5]);
    const double v = black76_price(t, num(f[1]), num(f[2]), num(f[3]), num(f[4]));
    EXPECT_GT(v, 0.0);
    EXPECT_NEAR(v / ref, 1.0, 1e-12) << line;
    worst = std::max(worst, std::abs(v / ref - 1.0));
    smallest = std::min(smallest, ref);
    ++n;
  }
  EXPECT_GT(n, 250);
  EXPECT_LT(smallest, 1e-250);
  std::printf("  %d tail prices down to %.3g: worst relative error %.2e\n", n, smallest, worst);
}

}  // namespace
}  // namespace alvh::options
