// Swap replay against the exact pool simulator (fees owed by fee-growth accounting), error
// handling of malformed files, and runs over the shared real swap / bar files.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "alvh/amm/pool.hpp"
#include "alvh/amm/swap_replay.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/core/error.hpp"
#include "test_support.hpp"

namespace alvh::amm {
namespace {

std::filesystem::path temp_csv(const std::string& name) {
  return std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".csv");
}

// Runs random swaps on an exact pool holding background full-range liquidity plus the
// position itself, writes the history the way the swap file records it (amounts, tick,
// sqrtPriceX96 and active liquidity after each swap, the latter WITHOUT the position's own
// liquidity), replays it, and returns {replay fees, exact fees owed} per token.
struct ExactVsReplay {
  double replay0, replay1, exact0, exact1;
  std::int64_t crossings;
};
ExactVsReplay run_exact_vs_replay(std::int32_t lo, std::int32_t hi, u128 l_pos, int n_swaps, std::uint64_t seed) {
  Pool pool(3000, 60);
  pool.initialize(sqrt_ratio_at_tick(0));
  const u128 l_bg = u128(1000000000000000000ULL) * 1000;  // 1e21
  pool.mint("bg", -887220, 887220, l_bg);
  pool.mint("pos", lo, hi, l_pos);
  const auto path = temp_csv("alvh_replay_exact");
  std::ofstream f(path);
  f << "unix_s,amount0,amount1,tick,sqrtPriceX96,liquidity\n";
  std::mt19937_64 rng(seed);
  ExactVsReplay out{};
  U256 base0, base1;
  bool first = true;
  for (int i = 0; i < n_swaps; ++i) {
    // random walk kept within about [-500, 500] ticks
    const bool zfo = pool.tick() > 400 ? true : (pool.tick() < -400 ? false : (rng() & 1) != 0);
    const I256 amt(static_cast<i128>(rng() % 10000000000000000000ULL) + 1);  // up to 10 tokens of 1e18
    const bool was_in = lo <= pool.tick() && pool.tick() < hi;
    const SwapResult r = pool.swap(zfo, amt, zfo ? MIN_SQRT_RATIO + U256(1) : MAX_SQRT_RATIO - U256(1));
    const bool in = lo <= pool.tick() && pool.tick() < hi;
    if (in != was_in) ++out.crossings;
    const u128 l_hist = pool.liquidity() - (in ? l_pos : 0);
    f << i << ',' << r.amount0.to_string() << ',' << r.amount1.to_string() << ',' << pool.tick() << ','
      << pool.sqrt_price_x96().to_string() << ',' << to_string(l_hist) << '\n';
    if (first) {  // the replay opens after the first row: baseline = fees owed after it
      pool.burn("pos", lo, hi, 0);
      base0 = U256(pool.position("pos", lo, hi).tokens_owed0);
      base1 = U256(pool.position("pos", lo, hi).tokens_owed1);
      first = false;
    }
  }
  f.close();
  pool.burn("pos", lo, hi, 0);
  out.exact0 = (U256(pool.position("pos", lo, hi).tokens_owed0) - base0).to_double();
  out.exact1 = (U256(pool.position("pos", lo, hi).tokens_owed1) - base1).to_double();
  ReplayConfig cfg;
  cfg.tick_lower = lo;
  cfg.tick_upper = hi;
  cfg.liquidity_raw = static_cast<double>(l_pos);
  cfg.decimals0 = cfg.decimals1 = 0;
  SwapCsvSchema schema{"unix_s", "amount0", "amount1", "tick", "sqrtPriceX96", "liquidity"};
  const ReplaySummary s = replay_swaps_csv(path.string(), cfg, schema);
  std::filesystem::remove(path);
  out.replay0 = s.cum_fee0;
  out.replay1 = s.cum_fee1;
  EXPECT_EQ(s.events, n_swaps - 1);
  return out;
}

TEST(AmmSwapReplay, EqualsExactFeeGrowthWhenAlwaysInRange) {
  // Position wider than any price reached: the share L_pos/(L_active+L_pos) of fee x input is
  // exactly the fee-growth accounting, up to integer rounding (1 wei per swap).
  const auto r = run_exact_vs_replay(-6000, 6000, u128(1000000000000000000ULL) * 5, 300, 1);
  EXPECT_EQ(r.crossings, 0);
  ASSERT_GT(r.exact0, 0.0);
  ASSERT_GT(r.exact1, 0.0);
  EXPECT_NEAR(r.replay0 / r.exact0, 1.0, 1e-9);
  EXPECT_NEAR(r.replay1 / r.exact1, 1.0, 1e-9);
}

TEST(AmmSwapReplay, SplitsSwapsAtTheRangeBoundary) {
  // Narrow position that the price crosses many times: the boundary split assumes constant
  // liquidity along the swap, which is off by L_pos/L_active (here 1e-3) on the in-range part
  // of the crossing swaps only; without the split (all-or-nothing by end tick) the error is
  // tens of percent.
  const auto r = run_exact_vs_replay(-240, 240, u128(1000000000000000000ULL), 400, 2);
  EXPECT_GT(r.crossings, 20);
  ASSERT_GT(r.exact0, 0.0);
  ASSERT_GT(r.exact1, 0.0);
  EXPECT_NEAR(r.replay0 / r.exact0, 1.0, 2e-3);
  EXPECT_NEAR(r.replay1 / r.exact1, 1.0, 2e-3);
}

TEST(AmmSwapReplay, InRangeFractionClosedForm) {
  // token1 in (price up) from sqrtP 1 to 2 over a range [1.5, 3]: (2 - 1.5) / (2 - 1) = 0.5
  EXPECT_DOUBLE_EQ(in_range_fraction(1.0, 2.0, 1.5, 3.0), 0.5);
  // token0 in (price down) from 2 to 1, range [1, 1.5]: (1/1 - 1/1.5) / (1/1 - 1/2) = 2/3
  EXPECT_NEAR(in_range_fraction(2.0, 1.0, 1.0, 1.5), 2.0 / 3.0, 1e-15);
  EXPECT_EQ(in_range_fraction(1.0, 2.0, 3.0, 4.0), 0.0);
  EXPECT_EQ(parse_iso8601_utc("2022-07-19T00:00:00Z"), std::optional<std::int64_t>(1658188800));
  EXPECT_FALSE(parse_iso8601_utc("2022-13-19T00:00:00Z"));
}

void expect_input_error(const std::string& body, std::size_t line, const std::string& field) {
  const auto path = temp_csv("alvh_replay_bad");
  {
    std::ofstream f(path);
    f << body;
  }
  ReplayConfig cfg;
  cfg.tick_lower = -600;
  cfg.tick_upper = 600;
  cfg.liquidity_raw = 1e18;
  cfg.decimals0 = cfg.decimals1 = 0;
  SwapCsvSchema schema{"unix_s", "amount0", "amount1", "tick", "", "liquidity"};
  try {
    replay_swaps_csv(path.string(), cfg, schema);
    ADD_FAILURE() << "no error for line " << line;
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_EQ(e.field(), field) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(AmmSwapReplay, MalformedRowsNameFileLineField) {
  const std::string h = "unix_s,amount0,amount1,tick,liquidity\n";
  expect_input_error(h + "10,5,-4,0,1e18\n9,5,-4,0,1e18\n", 3, "unix_s");          // unsorted
  expect_input_error(h + "10,5,4,0,1e18\n", 2, "amount0");                          // both in
  expect_input_error(h + "10,5,-4,900000,1e18\n", 2, "tick");                       // out of range
  expect_input_error(h + "10,5,-4,0,abc\n", 2, "liquidity");                        // not a number
  expect_input_error(h + "10,5,-4,0,-1\n", 2, "liquidity");                         // negative
}

ReplayConfig mainnet_config() {
  // 100,000 USDC on [2,800, 3,600] USDC/ETH, i.e. ticks [1e12/3600, 1e12/2800] snapped to 60.
  ReplayConfig cfg;
  cfg.tick_lower = 194280;  // 1e12/1.0001^194280 = 3,631 USDC/ETH
  cfg.tick_upper = 196800;  // 1e12/1.0001^196800 = 2,840 USDC/ETH
  cfg.capital = 100000.0;
  cfg.fee_pips = 3000;
  return cfg;
}

TEST(AmmSwapReplay, RealMainnetSwapsStreamAndBarErrorIsMeasured) {
  ALVH_REQUIRE_SHARED(path, "data/uniswap_v3_mainnet_usdc_weth_03_swaps_2021-08.csv");
  ReplayConfig cfg = mainnet_config();
  std::int64_t points = 0;
  double last_value = 0.0;
  const ReplaySummary s = replay_swaps_csv(path.string(), cfg, {}, [&](const ReplayPoint& p) {
    ++points;
    last_value = p.lp_value;
  });
  EXPECT_EQ(s.rows, 13413);  // README: 13,413 swaps
  EXPECT_EQ(s.events, 13412);
  EXPECT_EQ(points, s.events);
  EXPECT_NEAR(s.entry_value, 100000.0, 1e-6);
  EXPECT_NEAR(s.entry_price, 3171.3085, 0.5);  // first row's price (README)
  EXPECT_GT(s.cum_fee0, 0.0);
  EXPECT_GT(s.cum_fee1, 0.0);
  EXPECT_LE(s.impermanent_loss, 0.0);
  EXPECT_DOUBLE_EQ(last_value, s.lp_value);
  const auto c = compare_bar_vs_swap(path.string(), cfg, 60);
  // minute bars lose the within-minute path; measured error documented in docs/amm.md
  EXPECT_LT(std::fabs(c.fees_value_rel_error), 0.25) << c.fees_value_rel_error;
  std::printf("[ replay ] wide range: swap-level fees %.4f USDC, minute-bar fees %.4f USDC, bar error %.4f%%\n",
              c.swap_level.fees_value, c.bar_level.fees_value, 100 * c.fees_value_rel_error);
  // A narrow range (3 spacings around the opening price): bars cannot see when inside the
  // minute the price was in range, so the error grows; measured, documented in docs/amm.md.
  cfg.tick_lower = 195600;
  cfg.tick_upper = 195780;
  const auto n = compare_bar_vs_swap(path.string(), cfg, 60);
  EXPECT_GT(n.swap_level.fees_value, 0.0);
  EXPECT_TRUE(std::isfinite(n.fees_value_rel_error));
  const auto h = compare_bar_vs_swap(path.string(), cfg, 3600);
  std::printf("[ replay ] narrow range: swap-level fees %.4f USDC, minute-bar error %.3f%%, hour-bar error %.3f%%\n",
              n.swap_level.fees_value, 100 * n.fees_value_rel_error, 100 * h.fees_value_rel_error);
}

TEST(AmmSwapReplay, RealPolygonMinuteBars) {
  ALVH_REQUIRE_SHARED(path, "data/uniswap_v3_polygon_usdc_weth_005_minute.csv.gz");
  ReplayConfig cfg;
  cfg.tick_lower = 200000;  // 1e12/1.0001^200000 = 2,061 USDC/ETH
  cfg.tick_upper = 205000;  // 1,250 USDC/ETH
  cfg.capital = 10000.0;
  cfg.fee_pips = 500;
  cfg.close_time = 1661212800;  // 2022-08-23: the first (35-day) window only
  const ReplaySummary s = replay_bars_csv(path.string(), cfg);
  EXPECT_EQ(s.rows, 63348);  // README
  EXPECT_GT(s.events_in_range, 1000);
  EXPECT_GT(s.fees_value, 0.0);
  EXPECT_LT(s.fees_value, 0.5 * s.entry_value);  // sanity: < 50% in 35 days
}

}  // namespace
}  // namespace alvh::amm
