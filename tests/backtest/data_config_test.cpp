// Data feeds (../shared/data README), TOML config errors, and metrics against hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "alvh/backtest/backtest.hpp"
#include "alvh/backtest/metrics.hpp"
#include "alvh/core/error.hpp"
#include "test_support.hpp"

using namespace alvh::backtest;

namespace {
std::filesystem::path write_tmp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p;
}
}  // namespace

TEST(BacktestMetrics, XirrHandComputedCases) {
  const CashFlow a[] = {{0, -1000}, {1, 1100}};  // 10% exactly
  EXPECT_NEAR(xirr(a), 0.10, 1e-12);
  const CashFlow b[] = {{0, -1000}, {0.5, 500}, {1, 600}};  // mpmath findroot: 0.131970514902...
  EXPECT_NEAR(xirr(b), 0.13197051490249266, 1e-10);
  const CashFlow c[] = {{0, -1000}, {90.0 / 365, 300}, {300.0 / 365, 800}};  // mpmath: 0.155304432558...
  EXPECT_NEAR(xirr(c), 0.15530443255865108, 1e-10);
  const CashFlow d[] = {{0, 100}, {1, 50}};
  EXPECT_THROW(xirr(d), alvh::DomainError);
}

TEST(BacktestMetrics, DrawdownCvarVolHandComputed) {
  const std::vector<double> nav = {100, 120, 90, 130, 65};
  EXPECT_NEAR(max_drawdown(nav), 0.5, 1e-15);  // 130 -> 65
  // simple returns: +0.2, -0.25, +0.4444, -0.5; worst 25% (1 of 4) = -0.5
  EXPECT_NEAR(cvar(nav, 1, 0.75), 0.5, 1e-15);
  // worst 50% = mean(-0.5, -0.25)
  EXPECT_NEAR(cvar(nav, 1, 0.5), 0.375, 1e-15);
  const std::vector<double> g = {1, std::exp(0.01), std::exp(0.0), std::exp(0.01), 1};  // log returns +-0.01
  EXPECT_NEAR(annualised_vol(g, 1), std::sqrt(4 * 0.0001 / 3), 1e-15);  // sample std, mean 0
  EXPECT_NEAR(sharpe_ratio(g, 1, 0), 0.0, 1e-12);
}

TEST(BacktestConfig, DefaultsRoundTripThroughToml) {
  const BacktestConfig d;
  const auto text = to_toml(d);
  const auto back = parse_config(text, "defaults.toml");
  EXPECT_EQ(to_toml(back), text);
  EXPECT_NE(text.find("range_width = 0.25"), std::string::npos);
}

TEST(BacktestConfig, ExampleFileIsTheDocumentedDefaults) {  // examples/backtest.toml must parse and match
  const auto path = std::filesystem::path(ALVH_SOURCE_DIR) / "examples/backtest.toml";
  const auto cfg = load_config(path.string());
  EXPECT_EQ(to_toml(cfg), to_toml(BacktestConfig{}));
}

TEST(BacktestConfig, UnknownKeyIsAnErrorNamingKeyAndFile) {
  try {
    parse_config("[lp]\ncapital = 5000\nrange_widht = 0.3\n", "my.toml");
    FAIL();
  } catch (const alvh::InputError& e) {
    EXPECT_EQ(e.file(), "my.toml");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.field(), "lp.range_widht");
    EXPECT_NE(std::string(e.what()).find("lp.range_widht"), std::string::npos);
  }
  EXPECT_THROW(parse_config("[nosuch]\nx = 1\n", "a.toml"), alvh::InputError);
  EXPECT_THROW(parse_config("bogus = 1\n", "a.toml"), alvh::InputError);
  try {
    parse_config("[lp]\ncapital = \"lots\"\n", "t.toml");
    FAIL();
  } catch (const alvh::InputError& e) {
    EXPECT_EQ(e.field(), "lp.capital");
    EXPECT_EQ(e.line(), 2u);
  }
  EXPECT_THROW(parse_config("[lp]\ncapital = -1\n", "t.toml"), alvh::DomainError);
  EXPECT_THROW(parse_config("[lp\n", "t.toml"), alvh::InputError);
  EXPECT_THROW(parse_config("strategies = [\"hodl\", \"yolo\"]\n", "t.toml"), alvh::DomainError);
}

TEST(BacktestConfig, SetValueForSweeps) {
  BacktestConfig c;
  set_config_value(c, "layer2.bump", "2");
  set_config_value(c, "costs.private_rpc", "true");
  set_config_value(c, "layer2.tenors_days", "[7, 30]");
  EXPECT_EQ(c.layer2.bump, 2.0);
  EXPECT_TRUE(c.costs.private_rpc);
  EXPECT_EQ(c.layer2.tenors_days.size(), 2u);
  EXPECT_THROW(set_config_value(c, "layer2.bmp", "2"), alvh::InputError);
  EXPECT_THROW(set_config_value(c, "layer2.bump", "abc"), alvh::InputError);
}

TEST(BacktestData, BadRowsNameFileLineAndField) {
  const auto unsorted = write_tmp("alvh_bt_unsorted.csv",
                                  "timestamp_utc,open,high,low,close,volume_usdt\n"
                                  "2021-01-01T00:00:00Z,10,11,9,10,5\n2021-01-01T02:00:00Z,10,11,9,10,5\n"
                                  "2021-01-01T01:00:00Z,10,11,9,10,5\n");
  try {
    load_bars(unsorted.string());
    FAIL();
  } catch (const alvh::InputError& e) {
    EXPECT_EQ(e.line(), 4u);
    EXPECT_EQ(e.field(), "timestamp_utc");
  }
  const auto badnum = write_tmp("alvh_bt_badnum.csv", "date_utc,open,high,low,close\n2021-01-01,10,11,9,x\n");
  try {
    load_bars(badnum.string());
    FAIL();
  } catch (const alvh::InputError& e) {
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.field(), "close");
  }
  const auto badohlc = write_tmp("alvh_bt_badohlc.csv", "date_utc,open,high,low,close\n2021-01-01,10,9,8,10\n");
  EXPECT_THROW(load_bars(badohlc.string()), alvh::InputError);
  const auto badtick = write_tmp("alvh_bt_badtick.csv",
                                 "timestamp,netAmount0,netAmount1,closeTick,openTick,lowestTick,highestTick,inAmount0,"
                                 "inAmount1,currentLiquidity\n2022-07-19T00:00:00Z,1,1,2.5e5x,1,1,1,1,1,1\n");
  try {
    load_bars(badtick.string());
    FAIL();
  } catch (const alvh::InputError& e) {
    EXPECT_EQ(e.field(), "closeTick");
    EXPECT_EQ(e.line(), 2u);
  }
  for (const auto& p : {unsorted, badnum, badohlc, badtick}) std::filesystem::remove(p);
}

TEST(BacktestData, UniswapPolygonMinuteBars) {  // ../shared/data README §1: ETH price = 1e12 / 1.0001^tick
  ALVH_REQUIRE_SHARED(path, "data/uniswap_v3_polygon_usdc_weth_005_minute.csv.gz");
  const auto b = load_bars(path.string());
  EXPECT_EQ(b.size(), 63348u);
  EXPECT_FALSE(b.fees_modelled);
  EXPECT_NEAR(b.close[0], 1e12 / std::pow(1.0001, 202693), 1e-9);  // first row closeTick
  EXPECT_NEAR(b.close[0], 1576.1407, 1e-4);                        // the file's rounded price column
  EXPECT_NEAR(b.pool_fees[0], 0.0005 * (23814.930590 + 34.314688834673185 * b.close[0]), 1e-9);
  EXPECT_NEAR(b.pool_liquidity[0], 422680516552367239.0 / 1e12, 1e-3);
  EXPECT_NEAR(b.net_flow_base[0], 19.253165598944716, 1e-12);
  for (std::size_t i = 0; i < 500; ++i) EXPECT_LE(b.low[i], b.high[i]);
  const auto h = resample(b, 3600);
  EXPECT_LT(h.size(), b.size() / 50);
  EXPECT_EQ(h.time[1] - h.time[0], 3600);
  double fees_m = 0, fees_h = 0;
  for (std::size_t i = 0; i < b.size(); ++i) fees_m += b.pool_fees[i];
  for (std::size_t i = 0; i < h.size(); ++i) fees_h += h.pool_fees[i];
  EXPECT_NEAR(fees_h, fees_m, 1e-9 * fees_m);  // resampling conserves fees
  BacktestConfig c;
  const auto r = run_backtest(c, h);
  EXPECT_FALSE(r.fees_modelled);
  for (const auto& s : r.strategies) EXPECT_TRUE(std::isfinite(s.metrics.final_nav)) << s.name;
}

TEST(BacktestData, BinanceHourlyAndDvolJoin) {
  ALVH_REQUIRE_SHARED(path, "data/binance_ethusdt_1h_2017-2021.csv");
  ALVH_REQUIRE_SHARED(dvol, "data/deribit_eth_dvol_hourly_2024.csv");
  const auto b = load_bars(path.string());
  EXPECT_EQ(b.size(), 33412u);
  EXPECT_EQ(b.bar_seconds, 3600.0);
  EXPECT_TRUE(b.fees_modelled);
  EXPECT_DOUBLE_EQ(b.close[0], 303.1);
  const auto d = resample(b, 86400);
  EXPECT_NEAR(static_cast<double>(d.size()), 1394, 3);
  BarSeries s;  // a DVOL join on 2024 hours
  s.bar_seconds = 3600;
  s.push(1711929600 - 3600, 1, 1, 1, 1);  // 2024-03-31T23:00Z bar, known at 2024-04-01T00:00Z
  s.push(1711929600 + 1000 * 86400, 1, 1, 1, 1);  // 2026: after the series, not covered
  join_implied_vol(s, dvol.string());
  EXPECT_TRUE(std::isfinite(s.implied_vol[0]));
  EXPECT_GT(s.implied_vol[0], 0.2);
  EXPECT_LT(s.implied_vol[0], 2.0);
  EXPECT_TRUE(std::isnan(s.implied_vol[1]));
}

TEST(BacktestData, SyntheticHistoryIsDeterministicAndRegimeVolsShowUp) {
  SyntheticHistory p;
  p.years = 1;
  const auto a = synthetic_history(p), b = synthetic_history(p);
  EXPECT_EQ(a.close, b.close);
  EXPECT_EQ(a.size(), 8760u);
  double ss = 0;
  for (std::size_t i = 1; i < a.size(); ++i) ss += std::pow(std::log(a.close[i] / a.close[i - 1]), 2);
  const double vol = std::sqrt(ss / static_cast<double>(a.size() - 1) * 8760);
  EXPECT_GT(vol, 0.4);  // between the calm (0.45) and stressed (1.30) regime vols
  EXPECT_LT(vol, 1.3);
  p.seed = 43;
  EXPECT_NE(synthetic_history(p).close, a.close);
}
