// Statistical and determinism tests of the path engine. Every MC check is |MC - ref| <= 3 SE
// (plus a stated discretisation allowance where the scheme is not exact); seeds are fixed, so
// the tests are deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "alvh/core/error.hpp"
#include "alvh/options/black.hpp"
#include "alvh/sim/engine.hpp"
#include "alvh/sim/statistics.hpp"

namespace alvh::sim {
namespace {

struct McEstimate {
  double mean, se;
};
McEstimate estimate(const std::vector<double>& x) {
  const auto s = summarize(x, 1.0, 1.0);
  return {s.mean, s.std_error};
}

// A position that only serves to carry the paths (option tests read terminal prices).
PositionSpec carrier(double price) { return {price, amm::PriceRange::full(), 1000.0, 0.0}; }

SimulationSpec spec(double t, int steps, std::uint64_t paths, std::uint64_t seed = 1) {
  SimulationSpec s;
  s.t_years = t;
  s.steps = steps;
  s.paths = paths;
  s.seed = seed;
  return s;
}

McEstimate call_price(const SimulationResult& r, double strike, double rate, double t) {
  std::vector<double> pay(r.paths.terminal_price.size());
  for (std::size_t i = 0; i < pay.size(); ++i) pay[i] = std::exp(-rate * t) * std::max(r.paths.terminal_price[i] - strike, 0.0);
  return estimate(pay);
}

// GBM: E[P_T] = P0 e^{mu T}; Var[ln P_T] = sigma^2 T (exact log step, so any step count).
TEST(SimEngine, GbmTerminalMeanAndVariance) {
  const double p0 = 3000, mu = 0.1, sigma = 0.8, t = 0.5;
  const auto r = simulate(GbmModel{mu, sigma}, carrier(p0), {}, spec(t, 8, 40000, 11));
  const auto m = estimate(r.paths.terminal_price);
  EXPECT_NEAR(m.mean, p0 * std::exp(mu * t), 3 * m.se);
  std::vector<double> lr(r.paths.terminal_price.size());
  for (std::size_t i = 0; i < lr.size(); ++i) lr[i] = std::log(r.paths.terminal_price[i] / p0);
  const auto s = summarize(lr, 0.0, 1.0);
  EXPECT_NEAR(s.mean, (mu - 0.5 * sigma * sigma) * t, 3 * s.std_error);
  const double var = s.stdev * s.stdev, var_ref = sigma * sigma * t;
  EXPECT_NEAR(var, var_ref, 3 * var_ref * std::sqrt(2.0 / static_cast<double>(lr.size() - 1)));
}

// European call from MC vs Black-Scholes (alvh/options/black.hpp), within 3 SE.
TEST(SimEngine, EuropeanCallMatchesBlackScholes) {
  const double s0 = 100, k = 105, r = 0.05, sigma = 0.3, t = 1.0;
  const auto res = simulate(GbmModel{r, sigma}, carrier(s0), {}, spec(t, 1, 100000, 3));
  const auto mc = call_price(res, k, r, t);
  const double bs = options::bsm_price(options::OptionType::Call, s0, k, t, r, 0.0, sigma);
  EXPECT_NEAR(mc.mean, bs, 3 * mc.se) << "BS " << bs << " MC " << mc.mean << " +- " << mc.se;
}

// Merton (1976) calls vs the series formula, REFERENCES.md §5b [PY] rows (QuantLib
// jumpdiffusion.cpp testMerton76, Haug 1998 p. 9). S = 100, r = 0.08, q = 0, mean-zero jumps
// (k = 0: jump_mean = -delta^2/2). The per-step scheme is exact in distribution.
TEST(SimEngine, MertonCallsMatchTheSeries) {
  struct Row {
    double k, t, lambda, sigma, delta, ref;
  };
  const Row rows[] = {{100, 0.25, 1, 0.2165063509, 0.1250000000, 5.8753140278},
                      {90, 0.50, 10, 0.1250000000, 0.0684653197, 15.4057311913},
                      {120, 0.10, 1, 0.1250000000, 0.2165063509, 0.2922941738}};
  for (const auto& row : rows) {
    const MertonModel m{0.08, row.sigma, row.lambda, -0.5 * row.delta * row.delta, row.delta};
    const auto res = simulate(m, carrier(100.0), {}, spec(row.t, 2, 100000, 5));
    const auto mc = call_price(res, row.k, 0.08, row.t);
    EXPECT_NEAR(mc.mean, row.ref, 3 * mc.se) << "K=" << row.k << " T=" << row.t;
  }
}

// Heston vs the semi-analytic price (REFERENCES.md §5a, "Heston 1993 base parameters" [QL]:
// AnalyticHestonEngine): S = 100, r = q = 0, kappa = 2, theta = v0 = 0.01, vol_of_vol = 0.1,
// rho = -0.5, T = 0.5; K = 100 -> 2.784057387280, K = 90 -> 10.287936422272. Full-truncation
// Euler with 100 steps/yr; allowance 3 SE + 0.01 for the discretisation bias.
TEST(SimEngine, HestonCallsMatchTheSemiAnalyticReference) {
  const HestonModel h{0.0, 0.01, 2.0, 0.01, 0.1, -0.5};
  EXPECT_TRUE(feller_satisfied(h));
  const auto res = simulate(h, carrier(100.0), {}, spec(0.5, 50, 40000, 9));
  const auto atm = call_price(res, 100.0, 0.0, 0.5);
  const auto itm = call_price(res, 90.0, 0.0, 0.5);
  EXPECT_NEAR(atm.mean, 2.784057387280, 3 * atm.se + 0.01);
  EXPECT_NEAR(itm.mean, 10.287936422272, 3 * itm.se + 0.01);
}

// v2 LP: E[V(S_T)] = 2 L sqrt(F) exp(-sigma^2 T / 8) (REFERENCES.md §4d: 88.85653189364476 for
// F = 2000, sigma = 0.8, T = 30/365, L = 1).
TEST(SimEngine, V2ExpectedValueMatchesClosedForm) {
  const double p0 = 2000, sigma = 0.8, t = 30.0 / 365.0;
  const double capital = 2.0 * std::sqrt(p0);  // L = 1
  const PositionSpec pos{p0, amm::PriceRange::full(), capital, 0.0};
  const auto res = simulate(GbmModel{0.0, sigma}, pos, {}, spec(t, 1, 100000, 21));
  EXPECT_NEAR(res.liquidity, 1.0, 1e-12);
  const auto mc = estimate(res.paths.lp);
  EXPECT_NEAR(2.0 * std::sqrt(p0) * std::exp(-sigma * sigma * t / 8.0), 88.85653189364476, 1e-9);
  EXPECT_NEAR(mc.mean, 88.85653189364476, 3 * mc.se);
}

// v3 LP: E^Q[V(S_T)] = 10.198084561660707 (REFERENCES.md §4f, direct lognormal integration;
// it equals the Carr-Madan static replication price of the hedge issue). L = 1, [1500, 2500],
// S0 = F = 2000, sigma = 0.8, T = 30/365, r = 0.
TEST(SimEngine, V3ExpectedValueMatchesStaticReplication) {
  const PositionSpec pos{2000.0, {1500.0, 2500.0}, 10.71288563791742, 0.0};  // V(F) with L = 1
  const auto res = simulate(GbmModel{0.0, 0.8}, pos, {}, spec(30.0 / 365.0, 1, 100000, 4));
  EXPECT_NEAR(res.liquidity, 1.0, 1e-12);
  const auto mc = estimate(res.paths.lp);
  EXPECT_NEAR(mc.mean, 10.198084561660707, 3 * mc.se);
}

// v2 LVR: rate sigma^2/8 of pool value (Milionis et al. 2022; REFERENCES.md §4d). With the
// left-point sum, E[LVR] = sum_j sigma^2/8 V0 exp(-sigma^2 t_j/8) dt exactly.
TEST(SimEngine, V2MeanLvrIsSigmaSquaredOverEight) {
  const double p0 = 3000, sigma = 0.8, t = 0.25, capital = 1000;
  const int steps = 24;
  const PositionSpec pos{p0, amm::PriceRange::full(), capital, 0.0};
  const auto res = simulate(GbmModel{0.0, sigma}, pos, {}, spec(t, steps, 20000, 8));
  const double dt = t / steps;
  double ref = 0.0;
  for (int j = 0; j < steps; ++j) ref += sigma * sigma / 8.0 * capital * std::exp(-sigma * sigma * j * dt / 8.0) * dt;
  const auto mc = estimate(res.paths.lvr);
  EXPECT_NEAR(mc.mean, ref, 3 * mc.se);
  EXPECT_NEAR(mc.mean / (capital * t), sigma * sigma / 8.0, 0.01 * sigma * sigma / 8.0);
  // and the LP's expected shortfall to its initial value is the integrated LVR (same order).
  const auto lp = estimate(res.paths.lp);
  EXPECT_NEAR(capital - lp.mean, capital * (1.0 - std::exp(-sigma * sigma * t / 8.0)), 3 * lp.se);
}

// Fees: fee_apr x V x dt while in range. A v2 position is always in range, so with vol 0 the
// fee is fee_apr x V0 x T exactly.
TEST(SimEngine, FeesAccrueOnValueWhileInRange) {
  const PositionSpec v2{3000.0, amm::PriceRange::full(), 1000.0, 0.2};
  const auto a = simulate(GbmModel{0.0, 0.0}, v2, {}, spec(0.5, 10, 3));
  EXPECT_NEAR(a.paths.fees[0], 0.2 * 1000.0 * 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(a.paths.time_in_range[1], 1.0);
  // A v3 range entirely above the price: never in range, no fees, no LVR.
  const PositionSpec out{3000.0, {3500.0, 4000.0}, 1000.0, 0.2};
  const auto b = simulate(GbmModel{0.0, 0.0}, out, {}, spec(0.5, 10, 3));
  EXPECT_EQ(b.paths.fees[2], 0.0);
  EXPECT_EQ(b.paths.lvr[2], 0.0);
  EXPECT_EQ(b.paths.time_in_range[2], 0.0);
}

// Hedge: a long put expiring at the horizon adds exactly its payoff minus its premium.
TEST(SimEngine, StaticHedgePaysIntrinsicAtExpiry) {
  HedgeSpec h;
  h.legs.push_back({OptionKind::Put, 2800.0, 0.25, 2.0, 150.0});
  h.legs.push_back({OptionKind::Call, 3400.0, 0.125, -1.0, 40.0});  // short call, expires mid-way
  const PositionSpec pos{3000.0, {2000.0, 4500.0}, 10000.0, 0.1};
  const auto r = simulate(GbmModel{0.0, 0.8}, pos, h, spec(0.25, 8, 500, 2));
  EXPECT_DOUBLE_EQ(h.net_premium(), 2.0 * 150.0 - 40.0);
  for (std::size_t i = 0; i < 500; ++i) {
    const double put = 2.0 * std::max(2800.0 - r.paths.terminal_price[i], 0.0);
    const double diff = r.paths.lp_hedged[i] - r.paths.lp[i] - put + h.net_premium();
    EXPECT_LE(diff, 1e-9);  // the short call can only cost
  }
}

// Legs alive at the horizon are marked with Black-76 at the flat vol: with vol 0 paths the
// price stays at P0, so the mark is black76(P0, K, expiry - T, vol).
TEST(SimEngine, LiveLegsAreMarkedWithBlack76) {
  HedgeSpec h;
  h.legs.push_back({OptionKind::Put, 2900.0, 0.5, 1.0, 0.0});
  h.mark_vol = 0.7;
  const PositionSpec pos{3000.0, amm::PriceRange::full(), 1000.0, 0.0};
  const auto r = simulate(GbmModel{0.0, 0.0}, pos, h, spec(0.25, 4, 2));
  const double ref = options::black76_price(options::OptionType::Put, 3000.0, 2900.0, 0.25, 0.7);
  EXPECT_NEAR(r.paths.lp_hedged[0] - r.paths.lp[0], ref, 1e-9);
  h.marking = HedgeMarking::Intrinsic;
  const auto s = simulate(GbmModel{0.0, 0.0}, pos, h, spec(0.25, 4, 2));
  EXPECT_NEAR(s.paths.lp_hedged[0] - s.paths.lp[0], 0.0, 1e-9);
}

// A certain scheduled event with a fixed log jump moves every path by exactly that jump.
TEST(SimEngine, ScheduledEventJumpsOnItsDate) {
  auto sp = spec(1.0, 12, 4);
  sp.events.push_back({"upgrade", 0.5, 1.0, std::log(1.1), 0.0});
  const auto r = simulate(GbmModel{0.0, 0.0}, carrier(3000.0), {}, sp);
  for (double p : r.paths.terminal_price) EXPECT_NEAR(p, 3300.0, 1e-9);
  // With probability 0.3 and a random size, the fraction of jumped paths is 0.3 +- 3 SE.
  auto sp2 = spec(1.0, 12, 20000);
  sp2.events.push_back({"cpi", 0.25, 0.3, 0.0, 0.1});
  const auto r2 = simulate(GbmModel{0.0, 0.0}, carrier(3000.0), {}, sp2);
  double jumped = 0;
  for (double p : r2.paths.terminal_price) jumped += std::fabs(p - 3000.0) > 1e-9 ? 1.0 : 0.0;
  EXPECT_NEAR(jumped / 20000.0, 0.3, 3 * std::sqrt(0.3 * 0.7 / 20000.0));
}

// Regime switching: exp(Q t) of a two-state chain vs its closed form
// P_01(t) = a/(a+b) (1 - e^{-(a+b) t}); the chain's terminal variance vs the mixture.
TEST(SimEngine, RegimeTransitionMatrixAndVariance) {
  const double a = 3.0, b = 9.0, t = 0.1;
  const auto p = matrix_exp({-a, a, b, -b}, 2, t);
  EXPECT_NEAR(p[1], a / (a + b) * (1 - std::exp(-(a + b) * t)), 1e-14);
  EXPECT_NEAR(p[2], b / (a + b) * (1 - std::exp(-(a + b) * t)), 1e-14);
  // Equal vols in both states: the same law as GBM with that vol.
  const RegimeModel rm{0.0, {0.6, 0.6}, {-a, a, b, -b}, 0};
  const auto r = simulate(rm, carrier(100.0), {}, spec(1.0, 16, 20000, 5));
  const auto g = simulate(GbmModel{0.0, 0.6}, carrier(100.0), {}, spec(1.0, 16, 20000, 5));
  for (std::size_t i = 0; i < 20000; i += 997)
    EXPECT_NEAR(r.paths.terminal_price[i], g.paths.terminal_price[i], 1e-9 * g.paths.terminal_price[i]);
  // Different vols: E[ln P_T] variance = E[integrated variance]; starting in state 0 with
  // vols (0.3, 1.0) the expected time in state 1 is int_0^T P_01(s) ds.
  const RegimeModel rm2{0.0, {0.3, 1.0}, {-a, a, b, -b}, 0};
  const auto r2 = simulate(rm2, carrier(100.0), {}, spec(1.0, 250, 20000, 6));
  const double k = a + b, T = 1.0;
  const double time1 = a / k * (T - (1 - std::exp(-k * T)) / k);
  const double ivar = 0.09 * (T - time1) + 1.0 * time1;
  std::vector<double> lr;
  for (double x : r2.paths.terminal_price) lr.push_back(std::log(x / 100.0));
  const auto s = summarize(lr, 0.0, 1.0);
  EXPECT_NEAR(s.mean, -0.5 * ivar, 3 * s.std_error + 0.01);
  EXPECT_NEAR(s.stdev * s.stdev, ivar, 0.05 * ivar);
}

// Bootstrap: with one very long block and constant returns the path is deterministic.
TEST(SimEngine, BootstrapReplaysHistoricalReturns) {
  const double dt = 1.0 / 365.0;
  BootstrapModel bm{std::vector<double>(50, 0.01), dt, 1e9, false, 0.0};
  const auto r = simulate(bm, carrier(100.0), {}, spec(10 * dt, 10, 5));
  for (double p : r.paths.terminal_price) EXPECT_NEAR(p, 100.0 * std::exp(0.1), 1e-9);
  // Alternating +-x returns, block length 1e9: every path ends at P0 or P0 e^{+-x}.
  std::vector<double> alt;
  for (int i = 0; i < 40; ++i) alt.push_back(i % 2 ? -0.02 : 0.02);
  BootstrapModel bm2{alt, dt, 1e9, false, 0.0};
  const auto r2 = simulate(bm2, carrier(100.0), {}, spec(11 * dt, 11, 50));
  for (double p : r2.paths.terminal_price)
    EXPECT_TRUE(std::fabs(p - 100.0 * std::exp(0.02)) < 1e-9 || std::fabs(p - 100.0 * std::exp(-0.02)) < 1e-9) << p;
}

// Determinism: bit-identical per-path results for 1, 2, 8 threads and chunk sizes 1, 7, 1000.
TEST(SimEngine, BitIdenticalAcrossThreadsAndChunks) {
  const PriceModel models[] = {
      GbmModel{0.05, 0.8},
      MertonModel{0.0, 0.5, 3.0, -0.05, 0.1},
      HestonModel{0.0, 0.5, 2.0, 0.5, 1.5, -0.7},
      RegimeModel{0.0, {0.4, 1.2}, {-4.0, 4.0, 12.0, -12.0}, 0},
      BootstrapModel{{0.01, -0.02, 0.03, 0.0, -0.01, 0.02, -0.03}, 1.0 / 365.0, 3.0, false, 0.0},
  };
  HedgeSpec h;
  h.legs.push_back({OptionKind::Put, 2500.0, 0.1, 1.0, 100.0});
  h.legs.push_back({OptionKind::Call, 3500.0, 0.5, -1.0, 200.0});
  h.mark_vol = 0.8;
  const PositionSpec pos{3000.0, {2000.0, 4500.0}, 10000.0, 0.15};
  for (const auto normals : {NormalMethod::Fast, NormalMethod::Exact})
  for (const auto& m : models) {
    auto sp = spec(0.25, 13, 1203, 99);
    sp.normals = normals;
    sp.events.push_back({"fomc", 0.1, 0.5, -0.02, 0.05});
    sp.threads = 1;
    sp.chunk_size = 1000;
    const auto ref = simulate(m, pos, h, sp);
    for (int threads : {2, 8})
      for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
        sp.threads = threads;
        sp.chunk_size = chunk;
        const auto r = simulate(m, pos, h, sp);
        EXPECT_EQ(r.paths.terminal_price, ref.paths.terminal_price) << model_name(m) << " " << threads << " " << chunk;
        EXPECT_EQ(r.paths.lp_hedged, ref.paths.lp_hedged) << model_name(m);
        EXPECT_EQ(r.paths.lvr, ref.paths.lvr) << model_name(m);
        EXPECT_EQ(r.paths.fees, ref.paths.fees) << model_name(m);
      }
    // A different seed gives different paths.
    sp.seed = 100;
    EXPECT_NE(simulate(m, pos, h, sp).paths.terminal_price, ref.paths.terminal_price) << model_name(m);
  }
}

TEST(SimEngine, BadInputIsRejectedWithClearErrors) {
  const PositionSpec pos{3000.0, {2000.0, 4500.0}, 10000.0, 0.0};
  EXPECT_THROW(simulate(GbmModel{0.0, -0.1}, pos, {}, spec(1, 10, 10)), DomainError);
  EXPECT_THROW(simulate(GbmModel{0.0, 0.5}, pos, {}, spec(1, 10, 0)), DomainError);
  EXPECT_THROW(simulate(GbmModel{0.0, 0.5}, pos, {}, spec(1, 0, 10)), DomainError);
  EXPECT_THROW(simulate(GbmModel{0.0, 0.5}, pos, {}, spec(-1, 10, 10)), DomainError);
  EXPECT_THROW(simulate(HestonModel{0.0, 0.04, 2.0, 0.04, 0.5, 1.5}, pos, {}, spec(1, 10, 10)), DomainError);
  EXPECT_THROW(simulate(HestonModel{0.0, 0.04, 2.0, 0.04, 0.5, -1.01}, pos, {}, spec(1, 10, 10)), DomainError);
  EXPECT_THROW(simulate(RegimeModel{0.0, {0.4, 1.2}, {-4.0, 3.0, 12.0, -12.0}, 0}, pos, {}, spec(1, 10, 10)),
               DomainError);
  EXPECT_THROW(simulate(GbmModel{0.0, 0.5}, {3000.0, {4500.0, 2000.0}, 1.0, 0.0}, {}, spec(1, 10, 10)), DomainError);
  try {
    simulate(GbmModel{0.0, -0.1}, pos, {}, spec(1, 10, 10));
  } catch (const DomainError& e) {
    EXPECT_NE(std::string(e.what()).find("vol"), std::string::npos) << e.what();
  }
  // Feller: 2 kappa theta = 0.16 < vol_of_vol^2 = 1 is flagged (the run still works).
  const HestonModel feller_violated{0.0, 0.04, 2.0, 0.04, 1.0, -0.5};
  EXPECT_FALSE(feller_satisfied(feller_violated));
  const auto r = simulate(feller_violated, pos, {}, spec(0.5, 50, 200));
  for (double p : r.paths.terminal_price) EXPECT_TRUE(std::isfinite(p) && p > 0.0);
  // A scheduled event after the horizon.
  auto sp = spec(1, 10, 10);
  sp.events.push_back({"late", 2.0, 1.0, 0.0, 0.0});
  EXPECT_THROW(simulate(GbmModel{0.0, 0.5}, pos, {}, sp), DomainError);
}

}  // namespace
}  // namespace alvh::sim

namespace alvh::sim {
namespace {

// The GBM SIMD kernel against its scalar twin, with events and hedge expiries in the loop.
// For both normal generators (the scalar twin takes the fast normals from the SIMD generator,
// which rng_test.cpp checks bit for bit against normal.hpp's scalar statement), and for v3 and
// v2 positions (v2: unbounded range, value 2 L sqrt(P)).
TEST(SimEngine, GbmSimdKernelMatchesScalarTwin) {
  HedgeSpec h;
  h.legs.push_back({OptionKind::Put, 2500.0, 0.1, 1.0, 100.0});
  for (const auto normals : {NormalMethod::Fast, NormalMethod::Exact})
    for (const auto range : {amm::PriceRange{2000.0, 4500.0}, amm::PriceRange::full()}) {
      const PositionSpec pos{3000.0, range, 10000.0, 0.15};
      auto sp = spec(0.25, 30, 1001, 7);
      sp.normals = normals;
      sp.events.push_back({"fomc", 0.1, 0.5, -0.02, 0.05});
      sp.chunk_size = 100;
      const auto a = simulate(GbmModel{0.05, 0.8}, pos, h, sp);
      sp.simd = false;
      const auto b = simulate(GbmModel{0.05, 0.8}, pos, h, sp);
      for (std::size_t i = 0; i < 1001; ++i) {
        EXPECT_NEAR(a.paths.terminal_price[i], b.paths.terminal_price[i], 1e-12 * b.paths.terminal_price[i]);
        EXPECT_NEAR(a.paths.lp_hedged[i], b.paths.lp_hedged[i], 1e-9);
        EXPECT_NEAR(a.paths.lvr[i], b.paths.lvr[i], 1e-9);
        EXPECT_NEAR(a.paths.fees[i], b.paths.fees[i], 1e-9);
        EXPECT_EQ(a.paths.time_in_range[i], b.paths.time_in_range[i]);
      }
    }
}

// The SIMD kernel carries sqrt(P) multiplicatively (sqrt(P) e^{dX/2} by a Taylor polynomial)
// when the step is small and recomputes exp(X/2) otherwise; the scalar twin always takes
// exp(X/2). Over 730 steps the carried value must not drift: fees and LVR (sums of sqrt(P) in
// range) agree to 1e-12 relative. A coarse grid (2 steps of vol 1.5) takes the exp branch.
TEST(SimEngine, CarriedSqrtPriceDoesNotDrift) {
  const PositionSpec pos{3000.0, amm::PriceRange::full(), 10000.0, 0.3};
  for (const auto& [steps, vol] : {std::pair{730, 1.2}, std::pair{2, 1.5}}) {
    auto sp = spec(1.0, steps, 301, 5);
    const auto a = simulate(GbmModel{0.1, vol}, pos, {}, sp);
    sp.simd = false;
    const auto b = simulate(GbmModel{0.1, vol}, pos, {}, sp);
    for (std::size_t i = 0; i < 301; ++i) {
      EXPECT_NEAR(a.paths.lvr[i], b.paths.lvr[i], 1e-12 * b.paths.lvr[i]) << steps;
      EXPECT_NEAR(a.paths.fees[i], b.paths.fees[i], 1e-12 * b.paths.fees[i]) << steps;
      EXPECT_NEAR(a.paths.terminal_price[i], b.paths.terminal_price[i], 1e-12 * b.paths.terminal_price[i]);
    }
  }
}

// The two generators invert the CDF at the same uniforms, so a seed gives the same paths: each
// increment differs by <= 4e-7 relative in Z, i.e. terminal prices agree to ~1e-6.
TEST(SimEngine, FastAndExactNormalsGiveTheSamePathsToFloatPrecision) {
  const PositionSpec pos{3000.0, {2000.0, 4500.0}, 10000.0, 0.15};
  auto sp = spec(1.0, 52, 2000, 11);
  const auto fast = simulate(GbmModel{0.0, 0.8}, pos, {}, sp);
  sp.normals = NormalMethod::Exact;
  const auto exact = simulate(GbmModel{0.0, 0.8}, pos, {}, sp);
  double worst = 0.0;
  for (std::size_t i = 0; i < 2000; ++i)
    worst = std::max(worst, std::fabs(std::log(fast.paths.terminal_price[i] / exact.paths.terminal_price[i])));
  // Bound: 52 steps x 0.8 sqrt(1/52) x 4e-7 x max(1, |Z|) <= 52 x 0.111 x 4e-7 x 6.3.
  EXPECT_LT(worst, 1.5e-5);
  EXPECT_GT(worst, 0.0);  // they are different generators
}

}  // namespace
}  // namespace alvh::sim

#include "alvh/sim/simd_kernels.hpp"

namespace alvh::sim {
namespace {

// The European fast path against Black-Scholes within 3 SE, and its terminal prices against
// the engine's one-step GBM (same draws).
TEST(SimEngine, EuropeanKernelMatchesBlackScholesAndTheEngine) {
  const double s0 = 100, k = 105, r = 0.05, sigma = 0.3, t = 1.0;
  const std::uint64_t n = 200000;
  double sum = 0, sq = 0;
  for (std::uint64_t c = 0; c < n; c += 4999) {  // uneven chunks
    const auto e = simd::european_gbm_sums(c, std::min<std::uint64_t>(4999, n - c), philox_key(3), s0, r, sigma, t, k, true);
    sum += e.sum;
    sq += e.sum_sq;
  }
  const double df = std::exp(-r * t), mean = sum / n, var = (sq / n - mean * mean) * n / (n - 1.0);
  const double bs = options::bsm_price(options::OptionType::Call, s0, k, t, r, 0.0, sigma);
  EXPECT_NEAR(df * mean, bs, 3 * df * std::sqrt(var / n));
  // Path 12345 alone: its payoff equals the engine's terminal price payoff, for each generator.
  for (const auto normals : {NormalMethod::Exact, NormalMethod::Fast}) {
    const auto one = simd::european_gbm_sums(12345, 1, philox_key(3), s0, r, sigma, t, 0.0, true, normals);
    auto sp = spec(t, 1, 12346, 3);
    sp.normals = normals;
    const auto res = simulate(GbmModel{r, sigma}, {s0, amm::PriceRange::full(), 1.0, 0.0}, {}, sp);
    EXPECT_NEAR(one.sum, res.paths.terminal_price[12345], 1e-12 * one.sum);
  }
  // The fast generator prices the call within 3 SE of Black-Scholes too.
  sum = sq = 0;
  for (std::uint64_t c = 0; c < n; c += 4999) {
    const auto e = simd::european_gbm_sums(c, std::min<std::uint64_t>(4999, n - c), philox_key(3), s0, r, sigma, t, k,
                                           true, NormalMethod::Fast);
    sum += e.sum;
    sq += e.sum_sq;
  }
  const double mean_f = sum / n, var_f = (sq / n - mean_f * mean_f) * n / (n - 1.0);
  EXPECT_NEAR(df * mean_f, bs, 3 * df * std::sqrt(var_f / n));
}

// The mirror kernel of the numpy peer's loop against a scalar statement of that loop on the
// same normals (philox_normals), for both generators.
TEST(SimEngine, MirrorKernelMatchesScalarLoop) {
  const double p0 = 3000, vol = 0.8, pa = 2000, pb = 4500, L = 1.0;
  const int steps = 10;
  const std::uint64_t first = 37;
  const std::size_t count = 45;  // not a multiple of the vector width
  const double dt = 1.0 / steps, drift = -0.5 * vol * vol * dt, vsd = vol * std::sqrt(dt);
  for (const auto normals : {NormalMethod::Exact, NormalMethod::Fast}) {
    std::vector<std::vector<double>> z(static_cast<std::size_t>(steps), std::vector<double>(count));
    for (int b = 0; b < (steps + 3) / 4; ++b) {
      std::vector<double> o[4];
      for (auto& v : o) v.assign(count, 0.0);
      simd::philox_normals(first, count, 0, static_cast<std::uint32_t>(b), philox_key(5), normals, o[0].data(),
                           o[1].data(), o[2].data(), o[3].data());
      for (int l = 0; l < 4 && 4 * b + l < steps; ++l) z[static_cast<std::size_t>(4 * b + l)] = o[l];
    }
    double want = 0.0;
    for (std::size_t i = 0; i < count; ++i) {
      double logp = std::log(p0);
      for (int j = 0; j < steps; ++j) {
        logp += drift + vsd * z[static_cast<std::size_t>(j)][i];
        const double s = std::clamp(std::exp(0.5 * logp), std::sqrt(pa), std::sqrt(pb));
        want += L * (s * s * (1.0 / s - 1.0 / std::sqrt(pb)) + s - std::sqrt(pa));  // numpy_gbm_lp.py
      }
    }
    const double got = simd::gbm_lp_mirror_sum(first, count, steps, philox_key(5), std::log(p0), drift, vsd, L,
                                               std::sqrt(pa), std::sqrt(pb), normals);
    EXPECT_NEAR(got, want, 1e-12 * std::fabs(want));
  }
}

}  // namespace
}  // namespace alvh::sim
