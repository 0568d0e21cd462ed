// End-to-end tests of `alvh tick` and `alvh pool simulate` (run the built CLI; build target
// alvh_cli first). Numbers are checked against Uniswap's TickMath literals and the library.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "alvh/amm/pool.hpp"
#include "alvh/amm/tick_math.hpp"
#include "test_support.hpp"

namespace {

using alvh::test::run_cli;
namespace amm = alvh::amm;

#define REQUIRE_CLI()                                 \
  if (!std::filesystem::exists(ALVH_CLI_PATH)) GTEST_SKIP() << "CLI not built: build target alvh_cli (" ALVH_CLI_PATH ")"

TEST(AmmCli, TickNegativePositionalJson) {
  REQUIRE_CLI();
  // TickMath.spec: getSqrtRatioAtTick(MIN_TICK) = 4295128739
  auto r = run_cli("tick -887272 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["tick"], -887272);
  EXPECT_EQ(j["sqrt_price_x96"], "4295128739");
  EXPECT_NEAR(j["price"].get<double>() / 2.9389568e-39, 1.0, 1e-7);
}

TEST(AmmCli, TickWithDecimalsAndFromSqrtPrice) {
  REQUIRE_CLI();
  auto r = run_cli("--json tick 195701 --decimals0 6 --decimals1 18");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(1.0 / j["price"].get<double>(), 3171.3085, 1e-3);  // shared swap file row 1: USDC per ETH
  EXPECT_EQ(j["sqrt_price_x96"], amm::sqrt_ratio_at_tick(195701).to_string());
  // TickMath.spec: MAX_SQRT_RATIO - 1 -> MAX_TICK - 1
  r = run_cli("tick --sqrt-price-x96 1461446703485210103287273052203988822378723970341 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["tick"], 887271);
}

TEST(AmmCli, TickOutOfRangeIsAOneLineError) {
  REQUIRE_CLI();
  for (const char* args : {"tick 887273", "tick -887273", "tick --sqrt-price-x96 4295128738", "tick abc", "tick"}) {
    auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_EQ(r.err.rfind("alvh: error:", 0), 0u) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST(AmmCli, PoolSimulateIssueExampleMatchesLibrary) {
  REQUIRE_CLI();
  const auto script = std::filesystem::temp_directory_path() / ("alvh_pool_script_" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream f(script);
    f << R"({"pool": {"fee": 3000, "tick_spacing": 60, "sqrt_price_x96": "79228162514264337593543950336"},
 "ops": [{"op": "mint", "owner": "a", "tick_lower": -60, "tick_upper": 60, "liquidity": "1000000"},
         {"op": "swap", "zero_for_one": true, "amount_specified": "1000", "sqrt_price_limit_x96": "4295128740"},
         {"op": "swap", "zero_for_one": true, "amount_specified": "-10", "sqrt_price_limit_x96": "79228162514264337593543950337"},
         {"op": "burn", "owner": "a", "tick_lower": -60, "tick_upper": 60, "liquidity": "1000000"},
         {"op": "collect", "owner": "a", "tick_lower": -60, "tick_upper": 60}]})";
  }
  auto r = run_cli("pool simulate '" + script.string() + "' --json");
  std::filesystem::remove(script);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& res = j.at("results");
  ASSERT_EQ(res.size(), 5u);
  // the same sequence on the library
  amm::Pool p(3000, 60);
  p.initialize(amm::U256::parse("79228162514264337593543950336"));
  const auto m = p.mint("a", -60, 60, 1000000);
  EXPECT_EQ(res[0]["amount0"], m.amount0.to_string());
  EXPECT_EQ(res[0]["amount0"], "2996");  // hand-derived in pool_test.cpp
  const auto s = p.swap(true, amm::I256(1000), amm::U256(4295128740u));
  EXPECT_EQ(res[1]["amount0"], "1000");
  EXPECT_EQ(res[1]["amount1"], s.amount1.to_string());
  EXPECT_EQ(res[1]["sqrt_price_x96"], p.sqrt_price_x96().to_string());
  EXPECT_EQ(res[1]["tick"], p.tick());
  EXPECT_EQ(res[1]["fee_growth_global0_x128"], p.fee_growth_global0_x128().to_string());
  // limit above the price for zeroForOne: SPL, pool unchanged, script continues
  EXPECT_EQ(res[2]["error"], "SPL");
  EXPECT_EQ(res[2]["sqrt_price_x96"], p.sqrt_price_x96().to_string());
  const auto b = p.burn("a", -60, 60, 1000000);
  EXPECT_EQ(res[3]["amount0"], b.amount0.to_string());
  EXPECT_EQ(res[3]["liquidity"], "0");
  const auto c = p.collect("a", -60, 60);
  EXPECT_EQ(res[4]["amount0"], amm::to_string(c.amount0));
  EXPECT_EQ(res[4]["amount1"], amm::to_string(c.amount1));
}

TEST(AmmCli, PoolSimulateBadScriptNamesTheField) {
  REQUIRE_CLI();
  const auto script = std::filesystem::temp_directory_path() / ("alvh_pool_bad_" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream f(script);
    f << R"({"pool": {"fee": 3000, "tick_spacing": 60, "sqrt_price_x96": "79228162514264337593543950336"},
 "ops": [{"op": "mint", "owner": "a", "tick_lower": -60, "liquidity": "1000"}]})";
  }
  auto r = run_cli("pool simulate '" + script.string() + "'");
  std::filesystem::remove(script);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ops[0]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tick_upper"), std::string::npos) << r.err;
  // A number beyond the double range: the JSON parser's out_of_range error is reported as
  // invalid JSON naming the file, not as an unexpected exception.
  {
    std::ofstream f(script);
    f << R"({"pool": {"fee": 3000, "tick_spacing": 1e99999, "sqrt_price_x96": "1"}, "ops": []})";
  }
  r = run_cli("pool simulate '" + script.string() + "'");
  std::filesystem::remove(script);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(script.filename().string()), std::string::npos) << r.err;
}

}  // namespace
