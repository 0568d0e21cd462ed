// Layer-1 hedge construction for one position against a 200-instrument chain, and the
// vectorised risk report for 1M positions (tbb::parallel_for over the SoA kernel).
// Run: alvh_bench_hedge --benchmark_min_time=0.2
#include <benchmark/benchmark.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <limits>
#include <string>
#include <random>
#include <vector>

#include "alvh/hedge/optimiser.hpp"
#include "alvh/options/black.hpp"
#include "alvh/options/vol_surface.hpp"
#include "alvh/risk/position_risk.hpp"

namespace {

// Arg 0: variance QP / 1: CVaR LP. Arg 2: 0 = flat chain (lognormal density), 1 = a skewed SVI
// smile (a = 0.0253, b = 0.1, rho = -0.3, m = 0, sigma = 0.15: ATM vol 0.70 at 30 days; quotes
// repriced at it), so the SVI fit of the scenario density is inside the timing.
void BM_Layer1Hedge200Instruments(benchmark::State& state) {
  alvh::hedge::HedgeSpec s;
  s.position.range = {2400.0, 3750.0};
  s.position.price = 3000.0;
  s.position.capital = 100000.0;
  s.position.vol_annual = 0.7;
  s.position.fee_apr = 0.25;
  s.position.horizon_years = 30.0 / 365.0;
  // 100 strikes x (put, call) = 200 instruments, 1500..4500 step ~30.
  const double T = s.position.horizon_years;
  if (state.range(1) == 0) {
    s.quotes = alvh::hedge::synthetic_quotes(3000.0, T, 0.7, 30.0, 0.5, 1.49, 0.01);
  } else {
    const auto svi_vol = [T](double K) {
      return std::sqrt(alvh::options::svi_total_variance({0.0253, 0.1, -0.3, 0.0, 0.15}, std::log(K / 3000.0)) / T);
    };
    s.quotes = alvh::hedge::synthetic_quotes(3000.0, T, svi_vol, 30.0, 0.5, 1.49, 0.01);
  }
  s.objective = state.range(0) == 0 ? alvh::hedge::HedgeObjective::Variance : alvh::hedge::HedgeObjective::CVaR;
  s.budget = (state.range(1) == 1 ? 0.04 : 0.02) * s.position.capital;  // the smile makes tail cover dearer (min 3.0%)
  std::string density;
  for (auto _ : state) {
    auto r = alvh::hedge::optimise_hedge(s);
    density = r.density;
    benchmark::DoNotOptimize(r);
  }
  state.counters["instruments"] = static_cast<double>(s.quotes.size());
  state.SetLabel(density);
}
BENCHMARK(BM_Layer1Hedge200Instruments)->ArgsProduct({{0, 1}, {0, 1}})->Unit(benchmark::kMillisecond);

void BM_RiskReport1M(benchmark::State& state) {
  const std::size_t n = 1'000'000;
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> price(n), lo(n), hi(n), cap(n), vol(n), fee(n), hor(n);
  for (std::size_t i = 0; i < n; ++i) {
    price[i] = 1000 + 3000 * u(rng);
    const bool v2 = i % 10 == 0;
    lo[i] = v2 ? 0.0 : price[i] * (0.6 + 0.35 * u(rng));
    hi[i] = v2 ? std::numeric_limits<double>::infinity() : price[i] * (1.05 + 0.5 * u(rng));
    cap[i] = 1e3 + 1e6 * u(rng);
    vol[i] = 0.2 + u(rng);
    fee[i] = 0.4 * u(rng);
    hor[i] = 30.0 / 365.0;
  }
  std::vector<double> L(n), V(n), d(n), g(n), lvr(n), th(n), eil(n), vega(n), fiv(n);
  const alvh::risk::PositionBatchIn in{price, lo, hi, cap, vol, fee, hor};
  const alvh::risk::PositionBatchOut out{L, V, d, g, lvr, th, eil, vega, fiv};
  for (auto _ : state) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16384), [&](const tbb::blocked_range<std::size_t>& r) {
      alvh::risk::risk_report_batch(in, out, r.begin(), r.end());
    });
    benchmark::DoNotOptimize(eil.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_RiskReport1M)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
