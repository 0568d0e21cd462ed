// End-to-end tests of `alvh position` and the CLI shell: exit codes, JSON envelope, numbers
// equal to the library's.
#include <nlohmann/json.hpp>

#include "alvh/amm/position_model.hpp"
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
