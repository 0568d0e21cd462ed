// TOML config parsing (unknown keys are errors naming the key) and calibration helpers.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "alvh/core/error.hpp"
#include "alvh/sim/calibration.hpp"
#include "alvh/sim/config.hpp"
#include "alvh/sim/engine.hpp"
#include "test_support.hpp"

namespace alvh::sim {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / ("alvh_sim_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(SimConfig, ParsesAllTables) {
  const auto path = write_temp("ok.toml", R"(
[merton]
intensity = 2
jump_mean = -0.05
jump_stdev = 0.1
[heston]
v0 = 0.5
kappa = 3.0
theta = 0.6
vol_of_vol = 1.2
rho = -0.6
[regime]
vols = [0.4, 1.2]
generator = [[-4, 4], [12, -12]]
initial_state = 1
[hedge]
mark = "intrinsic"
vol = 0.9
[engine]
normals = "exact"
[[events]]
name = "FOMC"
t_years = 0.05
probability = 0.5
jump_mean = -0.01
jump_stdev = 0.04
[[events]]
name = "upgrade"
t_years = 0.1
jump_stdev = 0.08
)");
  const auto c = load_sim_config(path);
  EXPECT_EQ(c.merton.intensity, 2.0);
  EXPECT_EQ(c.heston.rho, -0.6);
  EXPECT_EQ(*c.heston.v0, 0.5);
  EXPECT_EQ(c.regime.generator, (std::vector<double>{-4, 4, 12, -12}));
  EXPECT_EQ(c.regime.initial_state, 1);
  EXPECT_EQ(c.hedge.mark, HedgeMarking::Intrinsic);
  EXPECT_EQ(c.engine.normals, NormalMethod::Exact);
  EXPECT_EQ(SimConfig{}.engine.normals, NormalMethod::Fast);  // the default, as SimulationSpec's
  EXPECT_EQ(SimConfig{}.engine.normals, SimulationSpec{}.normals);
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].name, "FOMC");
  EXPECT_EQ(c.events[1].probability, 1.0);
  const auto m = make_model("merton", 0.1, 0.7, c);
  EXPECT_EQ(std::get<MertonModel>(m).jump_intensity, 2.0);
  EXPECT_EQ(std::get<MertonModel>(m).vol, 0.7);
  const auto r = make_model("regime", 0.0, 0.7, c);
  EXPECT_EQ(std::get<RegimeModel>(r).vols[1], 1.2);
  // Heston's v0/theta default to --vol^2 when absent.
  const auto h = make_model("heston", 0.0, 0.8, SimConfig{});
  EXPECT_NEAR(std::get<HestonModel>(h).v0, 0.64, 1e-15);
  std::filesystem::remove(path);
}

TEST(SimConfig, UnknownKeyIsAnInputErrorNamingIt) {
  const auto path = write_temp("bad.toml", "[heston]\nkappa = 2\nvolofvol = 0.3\n");
  try {
    load_sim_config(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "heston.volofvol");
    EXPECT_EQ(e.line(), 3u);
    EXPECT_NE(std::string(e.what()).find("vol_of_vol"), std::string::npos) << e.what();  // lists the valid keys
  }
  const auto p2 = write_temp("bad2.toml", "[merton]\nintensity = \"many\"\n");
  EXPECT_THROW(load_sim_config(p2), InputError);
  const auto p3 = write_temp("bad3.toml", "[[events]]\nname = \"x\"\n");  // missing t_years
  EXPECT_THROW(load_sim_config(p3), InputError);
  const auto p4 = write_temp("bad4.toml", "speed = 3\n");
  EXPECT_THROW(load_sim_config(p4), InputError);
  const auto p5 = write_temp("bad5.toml", "[merton\n");
  EXPECT_THROW(load_sim_config(p5), InputError);
  const auto p6 = write_temp("bad6.toml", "[engine]\nnormals = \"ziggurat\"\n");
  try {
    load_sim_config(p6);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "engine.normals");
    EXPECT_EQ(e.line(), 2u);
  }
  std::filesystem::remove(p6);
  EXPECT_THROW(load_sim_config("/nonexistent/x.toml"), InputError);
  EXPECT_THROW(make_model("bootstrap", 0.0, 0.5, SimConfig{}), InputError);
  EXPECT_THROW(make_model("regime", 0.0, 0.5, SimConfig{}), InputError);
  EXPECT_THROW(make_model("levy", 0.0, 0.5, SimConfig{}), InputError);
  for (const auto& p : {path, p2, p3, p4, p5}) std::filesystem::remove(p);
}

// GBM calibration recovers the vol and drift of a simulated GBM path (independent check: the
// sampling error of a variance estimate is var sqrt(2/n)).
TEST(SimCalibration, GbmVolFromASimulatedPath) {
  SimulationSpec sp;
  sp.t_years = 1.0;
  sp.steps = 1;
  sp.paths = 20000;
  sp.seed = 3;
  const PositionSpec pos{100.0, amm::PriceRange::full(), 1.0, 0.0};
  const auto r = simulate(GbmModel{0.0, 0.6}, pos, {}, sp);
  // Treat the independent one-year returns as a return series sampled yearly.
  std::vector<double> lr;
  for (double p : r.paths.terminal_price) lr.push_back(std::log(p / 100.0));
  const auto g = calibrate_gbm(lr, 1.0);
  EXPECT_NEAR(g.vol * g.vol, 0.36, 3 * 0.36 * std::sqrt(2.0 / 20000.0));
  EXPECT_NEAR(g.drift, 0.0, 3 * 0.6 / std::sqrt(20000.0));
}

// Two clearly separated regimes (vol 0.2 then 1.0, alternating every 500 returns) are found.
TEST(SimCalibration, RegimesFromASyntheticSeries) {
  std::vector<double> r;
  const double h = 1.0 / 8760.0;
  for (int blk = 0; blk < 8; ++blk)
    for (int i = 0; i < 500; ++i) {
      const double sd = (blk % 2 ? 1.0 : 0.2) * std::sqrt(h);
      r.push_back(((i * 7919) % 1000 < 500 ? 1.0 : -1.0) * sd);  // +-sd: variance sd^2 exactly
    }
  const auto m = calibrate_regimes(r, h, 24, 2);
  ASSERT_EQ(m.vols.size(), 2u);
  EXPECT_NEAR(m.vols[0], 0.2, 0.05);
  EXPECT_NEAR(m.vols[1], 1.0, 0.1);
  EXPECT_GT(m.generator[1], 0.0);
  EXPECT_NEAR(m.generator[0] + m.generator[1], 0.0, 1e-12);
}

TEST(SimCalibration, LoadsTheBinanceHistory) {
  ALVH_REQUIRE_SHARED(csv, "data/binance_ethusdt_1h_2017-2021.csv");
  const auto h = load_price_history(csv.string(), "close");
  EXPECT_NEAR(h.interval_years, 1.0 / 8760.0, 1e-12);  // hourly bars
  EXPECT_GT(h.prices.size(), 30000u);
  const auto g = calibrate_gbm(log_returns(h.prices), h.interval_years);
  EXPECT_GT(g.vol, 0.5);  // ETH 2017-2021 realised vol is well above 50%
  EXPECT_LT(g.vol, 1.5);
}

TEST(SimCalibration, BadHistoryNamesTheProblem) {
  const auto p = write_temp("hist.csv", "timestamp_utc,close\n2021-01-01T00:00:00Z,100\n2021-01-01T01:00:00Z,-3\n");
  try {
    load_price_history(p, "close");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.field(), "close");
  }
  std::filesystem::remove(p);
}

}  // namespace
}  // namespace alvh::sim
