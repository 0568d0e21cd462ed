// AMM engine benchmarks: SwapMath.computeSwapStep, TickMath both ways, FullMath.mulDiv, a full
// swap crossing initialized ticks on the exact pool, and the swap replay over the real mainnet
// swap file (replay core on pre-parsed rows, and end-to-end with CSV parsing).
//
// There is no external AMM peer program, so each fast kernel is measured next to the exact
// reference it replaced, in the same run, on the same inputs (names ending in _Generic or
// _Reference): compute_swap_step_generic (the line-by-line SwapMath port, which itself now
// uses the faster mul_div), sqrt_ratio_at_tick_generic / tick_at_sqrt_ratio_generic (the
// TickMath ports) and reference::mul_div (the session-1 512-bit Knuth D). The fast/reference
// ratio is the peer figure; docs/bench/amm.md also keeps the session-1 figures.
// Run: build-amm/bench/alvh_bench_amm --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "alvh/amm/pool.hpp"
#include "alvh/amm/swap_math.hpp"
#include "alvh/amm/swap_replay.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/core/csv.hpp"

namespace amm = alvh::amm;

namespace {

struct StepInput {
  amm::U256 cur, tgt;
  amm::u128 liquidity;
  amm::I256 amount;
};

// Typical mainnet magnitudes: prices within +-200000 ticks, L in [1e15, 1e22], amounts up to ~1e21.
std::vector<StepInput> step_inputs(bool exact_in) {
  std::mt19937_64 rng(1);
  std::vector<StepInput> v;
  for (int i = 0; i < 1024; ++i) {
    const int t = static_cast<int>(rng() % 400000) - 200000;
    const int dt = static_cast<int>(rng() % 600) - 300;
    const amm::u128 L = amm::u128(rng() % 10000000ULL + 1) * 1000000000000000ULL;
    const amm::I256 amt(static_cast<amm::i128>(rng() % 1000000000000000000ULL) * 1000 + 1);
    v.push_back({amm::sqrt_ratio_at_tick(t), amm::sqrt_ratio_at_tick(t + (dt == 0 ? 1 : dt)), L, exact_in ? amt : -amt});
  }
  return v;
}

void BM_ComputeSwapStepExactIn(benchmark::State& st) {
  const auto in = step_inputs(true);
  std::size_t i = 0;
  for (auto _ : st) {
    const auto& x = in[i++ & 1023];
    benchmark::DoNotOptimize(amm::compute_swap_step(x.cur, x.tgt, x.liquidity, x.amount, 3000));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_ComputeSwapStepExactIn);

void BM_ComputeSwapStepExactOut(benchmark::State& st) {
  const auto in = step_inputs(false);
  std::size_t i = 0;
  for (auto _ : st) {
    const auto& x = in[i++ & 1023];
    benchmark::DoNotOptimize(amm::compute_swap_step(x.cur, x.tgt, x.liquidity, x.amount, 3000));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_ComputeSwapStepExactOut);

void BM_ComputeSwapStepExactIn_Generic(benchmark::State& st) {
  const auto in = step_inputs(true);
  std::size_t i = 0;
  for (auto _ : st) {
    const auto& x = in[i++ & 1023];
    benchmark::DoNotOptimize(amm::compute_swap_step_generic(x.cur, x.tgt, x.liquidity, x.amount, 3000));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_ComputeSwapStepExactIn_Generic);

void BM_ComputeSwapStepExactOut_Generic(benchmark::State& st) {
  const auto in = step_inputs(false);
  std::size_t i = 0;
  for (auto _ : st) {
    const auto& x = in[i++ & 1023];
    benchmark::DoNotOptimize(amm::compute_swap_step_generic(x.cur, x.tgt, x.liquidity, x.amount, 3000));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_ComputeSwapStepExactOut_Generic);

// The swap loop's shape: one pool (L = 5e18), consecutive 60-tick ranges near tick 0, a huge
// exact input so every step reaches its target (what BM_SwapCrossingTicks runs per step).
void BM_ComputeSwapStepPoolShape(benchmark::State& st) {
  std::vector<std::pair<amm::U256, amm::U256>> v;
  for (int k = 10; k > -10; --k) v.emplace_back(amm::sqrt_ratio_at_tick(60 * k), amm::sqrt_ratio_at_tick(60 * (k - 1)));
  const amm::I256 huge(static_cast<amm::i128>(1) << 120);
  const amm::u128 L = amm::u128(5000000000000000000ULL);
  std::size_t i = 0;
  for (auto _ : st) {
    const auto& x = v[i++ % v.size()];
    benchmark::DoNotOptimize(amm::compute_swap_step(x.first, x.second, L, huge, 3000));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_ComputeSwapStepPoolShape);

void BM_SqrtRatioAtTick(benchmark::State& st) {
  std::mt19937 rng(2);
  std::vector<std::int32_t> ticks(1024);
  for (auto& t : ticks) t = static_cast<std::int32_t>(rng() % 1774545) - 887272;
  std::size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(amm::sqrt_ratio_at_tick(ticks[i++ & 1023]));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_SqrtRatioAtTick);

void BM_SqrtRatioAtTick_Generic(benchmark::State& st) {
  std::mt19937 rng(2);
  std::vector<std::int32_t> ticks(1024);
  for (auto& t : ticks) t = static_cast<std::int32_t>(rng() % 1774545) - 887272;
  std::size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(amm::sqrt_ratio_at_tick_generic(ticks[i++ & 1023]));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_SqrtRatioAtTick_Generic);

void BM_TickAtSqrtRatio(benchmark::State& st) {
  std::mt19937 rng(3);
  std::vector<amm::U256> p(1024);
  for (auto& x : p) x = amm::sqrt_ratio_at_tick(static_cast<std::int32_t>(rng() % 1774544) - 887272) + amm::U256(7);
  std::size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(amm::tick_at_sqrt_ratio(p[i++ & 1023]));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_TickAtSqrtRatio);

void BM_TickAtSqrtRatio_Generic(benchmark::State& st) {
  std::mt19937 rng(3);
  std::vector<amm::U256> p(1024);
  for (auto& x : p) x = amm::sqrt_ratio_at_tick(static_cast<std::int32_t>(rng() % 1774544) - 887272) + amm::U256(7);
  std::size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(amm::tick_at_sqrt_ratio_generic(p[i++ & 1023]));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_TickAtSqrtRatio_Generic);

// Prices strictly inside a tick (what the swap loop passes after a partial step): the double
// log2 estimate decides alone unless it lands within 1e-4 of a tick boundary.
std::vector<amm::U256> inside_tick_prices() {
  std::mt19937_64 rng(5);
  std::vector<amm::U256> p(1024);
  for (auto& x : p) {
    const std::int32_t t = static_cast<std::int32_t>(rng() % 1774544) - 887272;
    const amm::U256 lo = amm::sqrt_ratio_at_tick(t), width = amm::sqrt_ratio_at_tick(t + 1) - lo;
    x = lo + amm::U256((amm::u128(rng()) << 64) | rng()) % width;
  }
  return p;
}

void BM_TickAtSqrtRatioInsideTick(benchmark::State& st) {
  const auto p = inside_tick_prices();
  std::size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(amm::tick_at_sqrt_ratio(p[i++ & 1023]));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_TickAtSqrtRatioInsideTick);

void BM_TickAtSqrtRatioInsideTick_Generic(benchmark::State& st) {
  const auto p = inside_tick_prices();
  std::size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(amm::tick_at_sqrt_ratio_generic(p[i++ & 1023]));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_TickAtSqrtRatioInsideTick_Generic);

void BM_MulDiv512(benchmark::State& st) {
  // L<<96 * (sqrtB - sqrtA) / sqrtB: the getAmount0Delta shape (product > 2^256 possible)
  std::mt19937_64 rng(4);
  std::vector<std::array<amm::U256, 3>> v(1024);
  for (auto& x : v) {
    const amm::U256 a = amm::sqrt_ratio_at_tick(static_cast<int>(rng() % 400000) - 200000);
    x = {amm::U256(amm::u128(rng()) * 1000000) << 96, a / amm::U256(100), a};
  }
  std::size_t i = 0;
  for (auto _ : st) {
    const auto& x = v[i++ & 1023];
    benchmark::DoNotOptimize(amm::mul_div(x[0], x[1], x[2]));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_MulDiv512);

void BM_MulDiv512_Reference(benchmark::State& st) {
  std::mt19937_64 rng(4);
  std::vector<std::array<amm::U256, 3>> v(1024);
  for (auto& x : v) {
    const amm::U256 a = amm::sqrt_ratio_at_tick(static_cast<int>(rng() % 400000) - 200000);
    x = {amm::U256(amm::u128(rng()) * 1000000) << 96, a / amm::U256(100), a};
  }
  std::size_t i = 0;
  for (auto _ : st) {
    const auto& x = v[i++ & 1023];
    benchmark::DoNotOptimize(amm::reference::mul_div(x[0], x[1], x[2]));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_MulDiv512_Reference);

// A swap that crosses `n` initialized ticks (60 apart) and back, on a pool with 2n+1 positions.
void BM_SwapCrossingTicks(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  amm::Pool pool(3000, 60);
  pool.initialize(amm::sqrt_ratio_at_tick(0));
  pool.mint("bg", -887220, 887220, amm::u128(1000000000000000000ULL));
  for (int k = 1; k <= n; ++k) pool.mint("p", -60 * k, 60 * k, amm::u128(1000000000000000000ULL));
  const amm::U256 down = amm::sqrt_ratio_at_tick(-60 * n - 30), up = amm::sqrt_ratio_at_tick(60 * n + 30);
  const amm::I256 huge(static_cast<amm::i128>(1) << 120);
  std::int64_t steps = 0;
  for (auto _ : st) {
    steps += pool.swap(true, huge, down).steps;  // to the lower limit, crossing n ticks
    steps += pool.swap(false, huge, up).steps;   // and up, crossing 2n ticks
  }
  st.SetItemsProcessed(st.iterations() * 2);  // swaps
  st.counters["steps_per_swap"] = static_cast<double>(steps) / static_cast<double>(st.iterations() * 2);
}
BENCHMARK(BM_SwapCrossingTicks)->Arg(10)->Arg(100);

std::string shared(const std::string& rel) {
  const char* env = std::getenv("ALVH_SHARED_DIR");
  return (env && *env ? std::string(env) : std::string(ALVH_SHARED_DIR_DEFAULT)) + "/" + rel;
}
const std::string kSwaps = "data/uniswap_v3_mainnet_usdc_weth_03_swaps_2021-08.csv";

amm::ReplayConfig replay_config() {
  amm::ReplayConfig cfg;
  cfg.tick_lower = 194280;
  cfg.tick_upper = 196800;
  cfg.capital = 100000.0;
  return cfg;
}

void BM_ReplayCore(benchmark::State& st) {
  const std::string path = shared(kSwaps);
  if (!std::filesystem::exists(path)) {
    st.SkipWithError("shared swap file not found");
    return;
  }
  std::vector<amm::SwapRecord> rows;  // pre-parsed once (the bench measures the replay only)
  {
    alvh::CsvReader csv(path);
    const auto t = csv.column("unix_s"), a0 = csv.column("amount0_usdc"), a1 = csv.column("amount1_weth"),
               tk = csv.column("tick"), sp = csv.column("sqrtPriceX96_approx"), l = csv.column("liquidity_approx");
    while (csv.next())
      rows.push_back({csv.get_int(t), csv.get_double(a0), csv.get_double(a1), static_cast<std::int32_t>(csv.get_int(tk)),
                      csv.get_double(sp) / 79228162514264337593543950336.0, csv.get_double(l)});
  }
  for (auto _ : st) {
    amm::SwapReplay r(replay_config());
    for (const auto& s : rows) r.on_swap(s);
    benchmark::DoNotOptimize(r.summary());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(rows.size()));
}
BENCHMARK(BM_ReplayCore)->Unit(benchmark::kMillisecond);

void BM_ReplayCsvEndToEnd(benchmark::State& st) {
  const std::string path = shared(kSwaps);
  if (!std::filesystem::exists(path)) {
    st.SkipWithError("shared swap file not found");
    return;
  }
  std::int64_t rows = 0;
  for (auto _ : st) {
    const auto s = amm::replay_swaps_csv(path, replay_config());
    rows += s.rows;
    benchmark::DoNotOptimize(s);
  }
  st.SetItemsProcessed(rows);
}
BENCHMARK(BM_ReplayCsvEndToEnd)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
