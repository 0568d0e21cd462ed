// End-to-end tests of `alvh position` and the CLI shell: exit codes, JSON envelope, numbers
// equal to the library's.
#include <nlohmann/json.hpp>

#include "alvh/amm/position_model.hpp"
#include "alvh/hedge/hedge_leg.hpp"

#include <cmath>
#include <filesystem>
#include "test_support.hpp"

using alvh::test::run_cli;

TEST(Cli, VersionAndHelp) {
  auto v = run_cli("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("alvh 0."), std::string::npos);
  auto h = run_cli("--help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("position"), std::string::npos);
}

TEST(Cli, UnknownFlagIsAOneLineErrorWithExitCode2) {
  auto r = run_cli("position --bogus 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("alvh: error:"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, PositionJsonMatchesLibrary) {
  auto r = run_cli("--json position --price 2000 --range-lower 1500 --range-upper 2500 --capital 10712.8856379174 --vol 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "alvh.position");
  EXPECT_EQ(j["schema_version"], 1);
  // REFERENCES.md §4b/§4d: this capital buys L = 1000 at P = 2000.
  EXPECT_NEAR(j["liquidity"].get<double>(), 1000.0, 1e-7);
  EXPECT_NEAR(j["amount0"].get<double>(), 2.3606797750, 1e-9);
  EXPECT_NEAR(j["lvr_rate_annual"].get<double>(), 11180.3398874989, 1e-6);
}

TEST(Cli, PositionBadRangeFailsWithReason) {
  auto r = run_cli("position --range-lower 4000 --range-upper 3000");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("range lower price"), std::string::npos) << r.err;
}

TEST(Cli, PositionRiskKeysMatchTheRiskLibrary) {
  // v2: fee-implied vol sqrt(8 fee_apr) (Milionis et al. 2022), IL(r) = IL(1/r) at +-k sigma (REFERENCES §4a).
  auto r = run_cli("--json position --price 2000 --capital 10000 --vol 0.8 --fee-apr 0.08 --horizon-days 30 --v2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["fee_implied_vol"].get<double>(), 0.8, 1e-12);
  EXPECT_NEAR(j["lvr_rate_annual"].get<double>() / j["value"].get<double>(), 0.08, 1e-12);
  for (const char* k : {"1", "2", "3"})
    EXPECT_NEAR(j["il_at_sigma"][k].get<double>(), j["il_at_sigma"][std::string("-") + k].get<double>(), 1e-14);
  EXPECT_EQ(j["il_at_sigma"]["0"].get<double>(), 0.0);
  // §4d: E[V] = 2 L sqrt(F) e^{-sigma^2 T/8}, so expected IL = V (e^{-sigma^2 T/8} - 1).
  const double T = 30.0 / 365.0;
  EXPECT_NEAR(j["expected_il"].get<double>(), 10000.0 * (std::exp(-0.64 * T / 8) - 1), 1e-8);
  for (const char* key : {"amount0", "amount1", "value", "delta", "gamma", "theta_per_day", "vega_il", "break_even_lower",
                          "break_even_upper"})
    EXPECT_TRUE(j.contains(key)) << key;
  // Out of range: fee-implied vol is undefined and printed as null.
  auto o = run_cli("--json position --price 3000 --range-lower 1500 --range-upper 2500 --fee-apr 0.2");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(nlohmann::json::parse(o.out)["fee_implied_vol"].is_null());
}

TEST(Cli, HedgeJsonDocumentIsReadBack) {
  auto path = std::filesystem::temp_directory_path() / ("alvh_cli_hedge_" + std::to_string(::getpid()) + ".json");
  auto r = run_cli("--json hedge --fee-apr 0.25 --budget-pct 2 --out '" + path.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "alvh.hedge");
  ASSERT_FALSE(j["legs"].empty());
  EXPECT_LE(j["total_cost"].get<double>(), 2000.0 * (1 + 1e-9));
  const auto legs = alvh::hedge::read_hedge_json(path.string());
  ASSERT_EQ(legs.size(), j["legs"].size());
  EXPECT_DOUBLE_EQ(legs[0].quantity, j["legs"][0]["quantity"].get<double>());
  std::filesystem::remove(path);
}

TEST(Cli, HedgeErrorsAreClear) {
  auto r = run_cli("hedge --budget-pct 0.01");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("minimum feasible budget"), std::string::npos) << r.err;
  auto b = run_cli("hedge --objective median");
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("--objective"), std::string::npos) << b.err;
}

TEST(Cli, HedgeOnTheRealBtcChain) {
  // The shared Deribit snapshot is a BTC chain (REFERENCES: data/README §5): hedge a BTC/USDC
  // position with it; an ETH-priced position against it is a mismatched underlying.
  ALVH_REQUIRE_SHARED(chain, "data/deribit_btc_option_chain_20200514.csv");
  auto r = run_cli("--json hedge --price 9300 --range-lower 8000 --range-upper 11000 --capital 100000 --vol 0.8 "
                   "--horizon-days 14 --underlying BTC --chain '" + chain.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["legs"].empty());
  EXPECT_GT(j["expiry_years"].get<double>(), 13.0 / 365);
  auto e = run_cli("hedge --price 3000 --chain '" + chain.string() + "'");
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("mismatched underlying"), std::string::npos) << e.err;
}
