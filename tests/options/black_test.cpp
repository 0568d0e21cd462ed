// Black-76 / BSM prices and greeks against published values.
// Sources: E. G. Haug, The Complete Guide to Option Pricing Formulas (1998), pp. 2-16, as
// tabulated in /work/shared/REFERENCES.md section 1 (rows from QuantLib's test-suite
// europeanoption.cpp, testValues / testGreekValues), and put-call parity (an identity).
#include "alvh/options/black.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "alvh/core/error.hpp"

namespace alvh::options {
namespace {

OptionType ty(char c) {
  return c == 'C' ? OptionType::Call : OptionType::Put;
}

struct HaugPrice {
  char type;
  double K, S, q, r, T, vol, haug, ql;
};

// REFERENCES.md 1a: Haug value (4 dp, tolerance 1e-4) and QuantLib value (1e-9).
TEST(BlackHaug, PricesSection1a) {
  const HaugPrice rows[] = {
      {'C', 65, 60, 0, 0.08, 0.25, 0.30, 2.1334, 2.1333684449},
      {'P', 95, 100, 0.05, 0.10, 0.50, 0.20, 2.4648, 2.4647876468},
      {'P', 19, 19, 0.10, 0.10, 0.75, 0.28, 1.7011, 1.7010507252},
      {'C', 19, 19, 0.10, 0.10, 0.75, 0.28, 1.7011, 1.7010507252},
      {'C', 1.60, 1.56, 0.08, 0.06, 0.50, 0.12, 0.0291, 0.0290992531},
      {'P', 70, 75, 0.05, 0.10, 0.50, 0.35, 4.0870, 4.0869538286},
      {'C', 100, 90, 0.10, 0.10, 0.10, 0.15, 0.0205, 0.0204901485},
      {'C', 100, 110, 0.10, 0.10, 0.50, 0.35, 15.3086, 15.3085997611},
      {'P', 100, 90, 0.10, 0.10, 0.10, 0.15, 9.9210, 9.9209884860},
      {'P', 100, 110, 0.10, 0.10, 0.50, 0.35, 5.7963, 5.7963055161},
      {'P', 100, 100, 0.10, 0.10, 0.50, 0.25, 6.6997, 6.6996969635},
      {'C', 40, 42, 0.08, 0.04, 0.75, 0.35, 5.0975, 5.0975477177},
  };
  for (const auto& r : rows) {
    const double v = bsm_price(ty(r.type), r.S, r.K, r.T, r.r, r.q, r.vol);
    EXPECT_NEAR(v, r.haug, 1e-4) << r.type << " K=" << r.K;
    EXPECT_NEAR(v, r.ql, 1e-9) << r.type << " K=" << r.K;
  }
}

// REFERENCES.md 1b: greeks (Haug 1998 pp. 11-16), QuantLib column to 1e-7.
TEST(BlackHaug, GreeksSection1b) {
  {
    const auto c = bsm_greeks(OptionType::Call, 105, 100, 0.5, 0.10, 0.10, 0.36);
    EXPECT_NEAR(c.delta, 0.59462866, 1e-7);
    const auto p = bsm_greeks(OptionType::Put, 105, 100, 0.5, 0.10, 0.10, 0.36);
    EXPECT_NEAR(p.delta, -0.35660076, 1e-7);
    EXPECT_NEAR(p.delta * 105 / p.price, -4.87749854, 1e-7);  // elasticity
  }
  for (auto t : {OptionType::Call, OptionType::Put}) {
    const auto g = bsm_greeks(t, 55, 60, 0.75, 0.10, 0.0, 0.30);
    EXPECT_NEAR(g.gamma, 0.02782116, 1e-7);
    EXPECT_NEAR(g.vega, 18.93577735, 1e-7);
  }
  {
    const auto p = bsm_greeks(OptionType::Put, 430, 405, 1.0 / 12, 0.07, 0.05, 0.20);
    EXPECT_NEAR(p.theta, -31.19235030, 1e-7);
    EXPECT_NEAR(p.theta / 365, -0.08545849, 1e-8);
  }
  {
    const auto c = bsm_greeks(OptionType::Call, 72, 75, 1.0, 0.09, 0.0, 0.19);
    EXPECT_NEAR(c.rho, 38.73250502, 1e-7);
  }
}

// REFERENCES.md 1c: Black-76 rows (1e-9 relative).
TEST(BlackHaug, Black76Section1c) {
  struct Row {
    char type;
    double F, K, r, T, vol, price, dF, dFF, vega;
  };
  const Row rows[] = {
      {'C', 19, 19, 0.10, 0.75, 0.28, 1.7010507252, 0.5086362359, 7.9745034679e-02, 6.0454710790},
      {'P', 19, 19, 0.10, 0.75, 0.28, 1.7010507252, -0.4191072504, 7.9745034679e-02, 6.0454710790},
      {'C', 2000, 2200, 0, 30.0 / 365, 0.80, 107.9604708938, 0.3817511424, 8.3122228388e-04, 218.6228472672},
      {'P', 2000, 1600, 0, 30.0 / 365, 0.80, 35.8330832297, -0.1383851548, 4.8141164885e-04, 126.6178583270},
      {'C', 3000, 2500, 0.05, 0.5, 0.65, 768.3973776559, 0.7163679719, 2.3190241468e-04, 678.3145629455},
      {'P', 100, 110, 0.03, 2.0, 0.25, 19.0795022765, -0.5056985973, 1.0581014381e-02, 52.9050719039},
  };
  for (const auto& r : rows) {
    const auto g = black76_greeks(ty(r.type), r.F, r.K, r.T, r.vol, std::exp(-r.r * r.T));
    EXPECT_NEAR(g.price / r.price, 1.0, 1e-9);
    EXPECT_NEAR(g.delta / r.dF, 1.0, 1e-9);
    EXPECT_NEAR(g.gamma / r.dFF, 1.0, 1e-9);
    EXPECT_NEAR(g.vega / r.vega, 1.0, 1e-9);
  }
}

// Put-call parity C - P = D (F - K), an identity; checked to 1e-12 relative to max(C, P, F).
TEST(BlackParity, PutCallParity) {
  for (double K : {50.0, 90.0, 100.0, 110.0, 250.0})
    for (double T : {1.0 / 8760, 0.1, 1.0, 5.0})
      for (double vol : {0.05, 0.3, 1.5}) {
        const double S = 100, r = 0.03, q = 0.01;
        const double c = bsm_price(OptionType::Call, S, K, T, r, q, vol);
        const double p = bsm_price(OptionType::Put, S, K, T, r, q, vol);
        const double F = S * std::exp((r - q) * T), D = std::exp(-r * T);
        EXPECT_NEAR(c - p, D * (F - K), 1e-12 * std::max({c, p, F})) << K << " " << T << " " << vol;
      }
}

TEST(BlackInputs, DomainErrors) {
  EXPECT_THROW(bsm_price(OptionType::Call, 100, 100, 1, 0, 0, -0.2), DomainError);
  EXPECT_THROW(bsm_price(OptionType::Call, 100, -1, 1, 0, 0, 0.2), DomainError);
  EXPECT_THROW(bsm_price(OptionType::Call, 100, 100, -1, 0, 0, 0.2), DomainError);
  EXPECT_THROW(bsm_price(OptionType::Call, 0, 100, 1, 0, 0, 0.2), DomainError);
  EXPECT_THROW(black76_price(OptionType::Call, 100, 100, 1, std::nan(""), 1.0), DomainError);
  EXPECT_THROW(black76_price(OptionType::Call, 100, 100, 1, 0.2, 0.0), DomainError);
}

TEST(BlackEdge, ExpiryGivesIntrinsic) {
  EXPECT_DOUBLE_EQ(black76_price(OptionType::Call, 110, 100, 0.0, 0.5), 10.0);
  EXPECT_DOUBLE_EQ(black76_price(OptionType::Put, 110, 100, 0.0, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(black76_price(OptionType::Put, 90, 100, 1.0, 0.0, 0.5), 5.0);
}

}  // namespace
}  // namespace alvh::options
