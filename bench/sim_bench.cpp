// Scenario-engine benchmarks (docs/bench/sim.md; the numpy peer runs in the same session via
// bench/run_sim_peers.sh).
//  - BM_GbmLpMirror: exactly the peer's loop (GBM log step, clamp to the range, v3 LP value,
//    accumulate) for paths x steps, on `threads` cores. Counter: path-steps/s.
//  - BM_EngineGbmLp: the full engine (simulate(): fees, LVR, time in range, HODL, per-path
//    outputs) on the same setup.
//  - BM_EuropeanAlvh / BM_EuropeanQuantLib: paths/s for a plain European call (S 100, K 105,
//    r 5%, vol 30%, T 1) at the same sample count, hence the same standard error (reported as
//    the counter "se"); QuantLib's MCEuropeanEngine<PseudoRandom> with one time step.
#include <benchmark/benchmark.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <string>
#include <vector>

#include "alvh/sim/engine.hpp"
#include "alvh/sim/simd_kernels.hpp"
#include "alvh/sim/statistics.hpp"

#ifdef ALVH_HAVE_QUANTLIB
#include <ql/exercise.hpp>
#include <ql/instruments/vanillaoption.hpp>
#include <ql/pricingengines/vanilla/mceuropeanengine.hpp>
#include <ql/processes/blackscholesprocess.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/volatility/equityfx/blackconstantvol.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#endif

namespace {

using namespace alvh;

// The peer's setup: price 3000, vol 0.8, T 1, range [2000, 4500], L = 1.
constexpr double kP0 = 3000, kVol = 0.8, kT = 1.0, kPa = 2000, kPb = 4500;

void BM_GbmLpMirror(benchmark::State& state) {
  const auto paths = static_cast<std::size_t>(state.range(0));
  const int steps = static_cast<int>(state.range(1));
  const int threads = static_cast<int>(state.range(2));
  const auto normals = state.range(3) != 0 ? sim::NormalMethod::Fast : sim::NormalMethod::Exact;
  const double dt = kT / steps;
  const std::size_t chunk = 4096, nchunks = (paths + chunk - 1) / chunk;
  std::vector<double> partial(nchunks);
  tbb::task_arena arena(threads);
  double mean = 0;
  for (auto _ : state) {
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nchunks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c)
          partial[c] = sim::simd::gbm_lp_mirror_sum(c * chunk, std::min(chunk, paths - c * chunk), steps,
                                                    sim::philox_key(7), std::log(kP0), -0.5 * kVol * kVol * dt,
                                                    kVol * std::sqrt(dt), 1.0, std::sqrt(kPa), std::sqrt(kPb), normals);
      });
    });
    double s = 0;
    for (double x : partial) s += x;  // chunk order: deterministic
    mean = s / static_cast<double>(paths) / steps;
    benchmark::DoNotOptimize(mean);
  }
  state.counters["path_steps_per_s"] =
      benchmark::Counter(static_cast<double>(paths) * steps, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["mean_value"] = mean;
  state.SetLabel(std::string(sim::simd::target_name()) + (normals == sim::NormalMethod::Fast ? " fast normals" : " exact normals"));
}
// Args: paths, steps, threads, normals (1 = fast, 0 = exact).
BENCHMARK(BM_GbmLpMirror)
    ->Args({200000, 365, 2, 1})
    ->Args({200000, 365, 1, 1})
    ->Args({200000, 365, 2, 0})
    ->Args({200000, 365, 1, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_EngineGbmLp(benchmark::State& state) {
  sim::SimulationSpec spec;
  spec.paths = static_cast<std::uint64_t>(state.range(0));
  spec.steps = static_cast<int>(state.range(1));
  spec.threads = static_cast<int>(state.range(2));
  spec.t_years = kT;
  spec.seed = 7;
  spec.simd = state.range(3) != 0;
  spec.normals = state.range(4) != 0 ? sim::NormalMethod::Fast : sim::NormalMethod::Exact;
  const sim::PositionSpec pos{kP0, {kPa, kPb}, 100000.0, 0.2};
  for (auto _ : state) {
    auto r = sim::simulate(sim::GbmModel{0.0, kVol}, pos, {}, spec);
    benchmark::DoNotOptimize(r.paths.lp.data());
  }
  state.counters["path_steps_per_s"] = benchmark::Counter(static_cast<double>(spec.paths) * spec.steps,
                                                          benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::string(spec.simd ? "simd" : "scalar twin") +
                 (spec.normals == sim::NormalMethod::Fast ? ", fast normals" : ", exact normals"));
}
// Args: paths, steps, threads, simd (1 = Highway kernel, 0 = scalar twin), normals (1 = fast, 0 = exact).
BENCHMARK(BM_EngineGbmLp)
    ->Args({200000, 365, 2, 1, 1})
    ->Args({200000, 365, 1, 1, 1})
    ->Args({200000, 365, 2, 1, 0})
    ->Args({200000, 365, 1, 1, 0})
    ->Args({50000, 365, 2, 0, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The normal generator alone: Philox-4x32-10 + inversion, 4 normals per path per call, stored.
void BM_PhiloxNormals(benchmark::State& state) {
  const auto normals = state.range(0) != 0 ? sim::NormalMethod::Fast : sim::NormalMethod::Exact;
  const std::size_t n = 4096;
  std::vector<double> o[4];
  for (auto& v : o) v.assign(n, 0.0);
  std::uint32_t block = 0;
  for (auto _ : state) {
    if (state.range(0) == 2)
      sim::simd::philox_uniforms(0, n, 0, block++, sim::philox_key(7), o[0].data(), o[1].data(), o[2].data(),
                                 o[3].data());
    else
      sim::simd::philox_normals(0, n, 0, block++, sim::philox_key(7), normals, o[0].data(), o[1].data(), o[2].data(),
                                o[3].data());
    benchmark::DoNotOptimize(o[0].data());
  }
  state.counters["normals_per_s"] =
      benchmark::Counter(4.0 * static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(state.range(0) == 2 ? "uniforms only (Philox cost)"
                 : normals == sim::NormalMethod::Fast ? "fast (Giles float32)" : "exact (AS 241 double)");
}
// Arg: 1 = fast normals, 0 = exact normals, 2 = uniforms only.
BENCHMARK(BM_PhiloxNormals)->Arg(1)->Arg(0)->Arg(2);

constexpr double kS = 100, kK = 105, kR = 0.05, kSigma = 0.3, kTe = 1.0;

// alvh's European fast path (simd::european_gbm_sums: the engine's one-step GBM draws, SIMD),
// chunks of 16384 paths over `threads` cores, chunk sums reduced in chunk order.
void BM_EuropeanAlvh(benchmark::State& state) {
  const auto paths = static_cast<std::size_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const auto normals = state.range(2) != 0 ? sim::NormalMethod::Fast : sim::NormalMethod::Exact;
  const std::size_t chunk = 16384, nchunks = (paths + chunk - 1) / chunk;
  std::vector<sim::simd::EuropeanSums> partial(nchunks);
  tbb::task_arena arena(threads);
  double price = 0, se = 0;
  for (auto _ : state) {
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nchunks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c)
          partial[c] = sim::simd::european_gbm_sums(c * chunk, std::min(chunk, paths - c * chunk), sim::philox_key(42),
                                                    kS, kR, kSigma, kTe, kK, true, normals);
      });
    });
    double s1 = 0, s2 = 0;
    for (const auto& p : partial) {
      s1 += p.sum;
      s2 += p.sum_sq;
    }
    const double n = static_cast<double>(paths), df = std::exp(-kR * kTe), m = s1 / n;
    price = df * m;
    se = df * std::sqrt((s2 / n - m * m) / (n - 1.0));
    benchmark::DoNotOptimize(price);
  }
  state.counters["paths_per_s"] =
      benchmark::Counter(static_cast<double>(paths), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["price"] = price;
  state.counters["se"] = se;
  state.SetLabel(normals == sim::NormalMethod::Fast ? "fast normals" : "exact normals");
}
// Args: paths, threads, normals (1 = fast, 0 = exact).
BENCHMARK(BM_EuropeanAlvh)
    ->Args({1000000, 2, 1})
    ->Args({1000000, 1, 1})
    ->Args({1000000, 2, 0})
    ->Args({1000000, 1, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

#ifdef ALVH_HAVE_QUANTLIB
void BM_EuropeanQuantLib(benchmark::State& state) {
  using namespace QuantLib;
  const auto samples = static_cast<Size>(state.range(0));
  const Date today(15, May, 2024);
  Settings::instance().evaluationDate() = today;
  const DayCounter dc = Actual365Fixed();
  auto spot = ext::make_shared<SimpleQuote>(kS);
  Handle<YieldTermStructure> r(ext::make_shared<FlatForward>(today, kR, dc));
  Handle<YieldTermStructure> q(ext::make_shared<FlatForward>(today, 0.0, dc));
  Handle<BlackVolTermStructure> vol(ext::make_shared<BlackConstantVol>(today, NullCalendar(), kSigma, dc));
  auto process = ext::make_shared<BlackScholesMertonProcess>(Handle<Quote>(spot), q, r, vol);
  VanillaOption option(ext::make_shared<PlainVanillaPayoff>(Option::Call, kK),
                       ext::make_shared<EuropeanExercise>(today + 365));
  double price = 0, se = 0;
  for (auto _ : state) {
    option.setPricingEngine(
        MakeMCEuropeanEngine<PseudoRandom>(process).withSteps(1).withSamples(samples).withSeed(42));
    price = option.NPV();
    se = option.errorEstimate();
  }
  state.counters["paths_per_s"] =
      benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["price"] = price;
  state.counters["se"] = se;
}
BENCHMARK(BM_EuropeanQuantLib)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

}  // namespace

BENCHMARK_MAIN();
