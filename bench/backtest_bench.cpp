// Backtest benchmarks (docs/bench/backtest.md):
//  - BM_Backtest4yHourly: four years of hourly bars (35,040), all five strategies, all three
//    layers, one core. Target < 100 ms.
//  - BM_Sweep: N configs over the same bars on all available TBB threads (the `alvh sweep` path).
//  - BM_BinanceHistory: the real Binance ETH/USDT hourly history (2017-2021), when ../shared exists.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <filesystem>

#include "alvh/backtest/backtest.hpp"

using namespace alvh::backtest;

namespace {
const BarSeries& four_years() {
  static const BarSeries b = [] {
    SyntheticHistory p;
    p.years = 4;
    return synthetic_history(p);
  }();
  return b;
}
}  // namespace

static void BM_Backtest4yHourly(benchmark::State& st) {
  const auto& b = four_years();
  BacktestConfig c;
  for (auto _ : st) {
    auto r = run_backtest(c, b);
    benchmark::DoNotOptimize(r.strategies.data());
  }
  st.counters["bars"] = static_cast<double>(b.size());
  st.counters["strategies"] = 5;
}
BENCHMARK(BM_Backtest4yHourly)->Unit(benchmark::kMillisecond);

static void BM_Sweep(benchmark::State& st) {
  const auto& b = four_years();
  const auto n = static_cast<std::size_t>(st.range(0));
  const int threads = static_cast<int>(st.range(1));
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  std::vector<BacktestConfig> cfgs(n);
  for (std::size_t i = 0; i < n; ++i) {
    cfgs[i].strategies = {"steward"};  // a sweep ranks one strategy's parameters
    cfgs[i].lp.range_width = 0.1 + 0.05 * static_cast<double>(i % 10);
    cfgs[i].layer2.bump = 1.0 + 0.1 * static_cast<double>((i / 10) % 10);
    cfgs[i].layer1.hedge_ratio = 0.1 * static_cast<double>(i / 100 % 10);
  }
  std::vector<double> out(n);
  for (auto _ : st) {
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) { out[i] = run_backtest(cfgs[i], b).strategies[0].metrics.irr; });
    benchmark::DoNotOptimize(out.data());
  }
  st.counters["configs"] = static_cast<double>(n);
}
BENCHMARK(BM_Sweep)->Args({1000, 2})->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

static void BM_BinanceHistory(benchmark::State& st) {
  const auto path = std::filesystem::path(ALVH_SHARED_DIR_DEFAULT) / "data/binance_ethusdt_1h_2017-2021.csv";
  if (!std::filesystem::exists(path)) {
    st.SkipWithError("shared data not found");
    return;
  }
  const auto b = load_bars(path.string());
  BacktestConfig c;
  for (auto _ : st) {
    auto r = run_backtest(c, b);
    benchmark::DoNotOptimize(r.strategies.data());
  }
  st.counters["bars"] = static_cast<double>(b.size());
}
BENCHMARK(BM_BinanceHistory)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
