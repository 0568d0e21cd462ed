// Option pricing and implied-vol throughput, alvh vs QuantLib in the same run.
// Grid (same shape as /work/shared/peers/quantlib_black.cpp): F = 1000 e^U, K = F e^{U-1/2},
// total stdev s = (0.1 + U) sqrt(0.01 + U), discount 0.99; alvh's BSM batch takes the
// equivalent spot inputs (T = 0.01 + U, vol = s/sqrt(T), r from the discount, q = r).
// Run: alvh_bench_options --benchmark_min_time=0.2 (figures in docs/bench/options.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "alvh/options/batch.hpp"
#include "alvh/options/black.hpp"
#include "alvh/options/implied_vol.hpp"

#ifdef ALVH_HAVE_QUANTLIB
#include <ql/instruments/payoffs.hpp>
#include <ql/pricingengines/blackcalculator.hpp>
#include <ql/pricingengines/blackformula.hpp>
#endif

namespace {

using namespace alvh::options;

struct Grid {
  std::size_t n;
  std::vector<unsigned char> call;
  std::vector<double> F, K, T, vol, sd, r, q, D, price;
  explicit Grid(std::size_t n_) : n(n_), call(n), F(n), K(n), T(n), vol(n), sd(n), r(n), q(n), D(n), price(n) {
    std::mt19937_64 g(1);
    std::uniform_real_distribution<double> u(0, 1);
    for (std::size_t i = 0; i < n; ++i) {
      call[i] = 1;
      F[i] = 1000 * std::exp(u(g));
      K[i] = F[i] * std::exp(u(g) - 0.5);
      T[i] = 0.01 + u(g);
      sd[i] = (0.1 + u(g)) * std::sqrt(T[i]);
      vol[i] = sd[i] / std::sqrt(T[i]);
      D[i] = 0.99;
      r[i] = -std::log(D[i]) / T[i];
      q[i] = r[i];  // spot = forward
      price[i] = black76_price(OptionType::Call, F[i], K[i], T[i], vol[i], D[i]);
    }
  }
};

const Grid& grid() {
  static const Grid g(1 << 14);
  return g;
}

void BM_AlvhBatchPriceGreeks(benchmark::State& st) {
  const Grid& g = grid();
  std::vector<std::vector<double>> o(8, std::vector<double>(g.n));
  std::size_t fallbacks = 0;
  for (auto _ : st) {
    fallbacks = bsm_greeks_batch_counted(g.call, g.F, g.K, g.T, g.r, g.q, g.vol,
                                         {o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]});
    benchmark::DoNotOptimize(o[0].data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * g.n));
  st.counters["scalar_fallback_rate"] = static_cast<double>(fallbacks) / static_cast<double>(g.n);
  st.SetLabel(batch_simd_target());
}
BENCHMARK(BM_AlvhBatchPriceGreeks);

// Price only (no greek computed): bsm_price_batch.
void BM_AlvhBatchPrice(benchmark::State& st) {
  const Grid& g = grid();
  std::vector<double> price(g.n);
  std::size_t fallbacks = 0;
  for (auto _ : st) {
    fallbacks = bsm_price_batch(g.call, g.F, g.K, g.T, g.r, g.q, g.vol, price);
    benchmark::DoNotOptimize(price.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * g.n));
  st.counters["scalar_fallback_rate"] = static_cast<double>(fallbacks) / static_cast<double>(g.n);
  st.SetLabel(batch_simd_target());
}
BENCHMARK(BM_AlvhBatchPrice);

void BM_AlvhScalarPriceGreeks(benchmark::State& st) {
  const Grid& g = grid();
  for (auto _ : st) {
    double acc = 0;
    for (std::size_t i = 0; i < g.n; ++i) {
      const Greeks x = black76_greeks(OptionType::Call, g.F[i], g.K[i], g.T[i], g.vol[i], g.D[i]);
      acc += x.price + x.delta + x.gamma + x.vega + x.theta + x.rho;
    }
    benchmark::DoNotOptimize(acc);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * g.n));
}
BENCHMARK(BM_AlvhScalarPriceGreeks);

void BM_AlvhImpliedVol(benchmark::State& st) {
  const Grid& g = grid();
  int64_t failures = 0;
  for (auto _ : st) {
    double acc = 0;
    for (std::size_t i = 0; i < g.n; ++i) {
      try {
        acc += implied_vol_black76(OptionType::Call, g.price[i], g.F[i], g.K[i], g.T[i], g.D[i]);
      } catch (const alvh::DomainError&) {
        ++failures;
      }
    }
    benchmark::DoNotOptimize(acc);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * g.n));
  st.counters["failures"] = static_cast<double>(failures);
}
BENCHMARK(BM_AlvhImpliedVol);

void BM_AlvhImpliedVolBatch(benchmark::State& st) {
  const Grid& g = grid();
  std::vector<double> iv(g.n);
  std::size_t fallbacks = 0;
  for (auto _ : st) {
    fallbacks = implied_vol_bsm_batch_counted(g.call, g.price, g.F, g.K, g.T, g.r, g.q, iv, {});
    benchmark::DoNotOptimize(iv.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * g.n));
  st.counters["scalar_fallback_rate"] = static_cast<double>(fallbacks) / static_cast<double>(g.n);
  // Zero failures: every row must come back finite and reprice (checked once, outside the timing).
  int64_t failures = 0;
  for (std::size_t i = 0; i < g.n; ++i) {
    const double p2 = black76_price(OptionType::Call, g.F[i], g.K[i], g.T[i], iv[i], g.D[i]);
    if (!(std::abs(p2 / g.price[i] - 1.0) < 1e-12)) ++failures;
  }
  st.counters["failures"] = static_cast<double>(failures);
}
BENCHMARK(BM_AlvhImpliedVolBatch);

#ifdef ALVH_HAVE_QUANTLIB
void BM_QuantLibBlackCalculator(benchmark::State& st) {
  const Grid& g = grid();
  for (auto _ : st) {
    double acc = 0;
    for (std::size_t i = 0; i < g.n; ++i) {
      QuantLib::BlackCalculator bc(QuantLib::Option::Call, g.K[i], g.F[i], g.sd[i], g.D[i]);
      acc += bc.value() + bc.delta(g.F[i]) + bc.gamma(g.F[i]) + bc.vega(g.T[i]) + bc.theta(g.F[i], g.T[i]) +
             bc.rho(g.T[i]);
    }
    benchmark::DoNotOptimize(acc);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * g.n));
}
BENCHMARK(BM_QuantLibBlackCalculator);

template <bool LiRS>
void BM_QuantLibImpliedStdDev(benchmark::State& st) {
  const Grid& g = grid();
  int64_t failures = 0;
  for (auto _ : st) {
    double acc = 0;
    for (std::size_t i = 0; i < g.n; ++i) {
      try {
        if constexpr (LiRS)
          acc += QuantLib::blackFormulaImpliedStdDevLiRS(QuantLib::Option::Call, g.K[i], g.F[i], g.price[i], g.D[i],
                                                         0.0, QuantLib::Null<QuantLib::Real>(), 1.0, 1e-12, 100);
        else
          acc += QuantLib::blackFormulaImpliedStdDev(QuantLib::Option::Call, g.K[i], g.F[i], g.price[i], g.D[i], 0.0,
                                                     QuantLib::Null<QuantLib::Real>(), 1e-12, 100);
      } catch (...) {
        ++failures;
      }
    }
    benchmark::DoNotOptimize(acc);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * g.n));
  st.counters["failures"] = static_cast<double>(failures);
  st.counters["failure_rate"] = static_cast<double>(failures) / static_cast<double>(st.iterations() * g.n);
}
BENCHMARK(BM_QuantLibImpliedStdDev<false>)->Name("BM_QuantLibImpliedStdDev");
BENCHMARK(BM_QuantLibImpliedStdDev<true>)->Name("BM_QuantLibImpliedStdDevLiRS");
#endif

}  // namespace

BENCHMARK_MAIN();
