// End-to-end tests of `alvh simulate` (needs the alvh_cli target built).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace alvh::test {
namespace {

bool cli_built() { return std::filesystem::exists(ALVH_CLI_PATH); }
#define REQUIRE_CLI() \
  if (!cli_built()) GTEST_SKIP() << "alvh CLI not built at " << ALVH_CLI_PATH << " (build target alvh_cli)"

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("alvh_simcli_" + std::to_string(::getpid()) + "_" + name)).string();
}

TEST(SimCli, JsonHasOneObjectPerStrategy) {
  REQUIRE_CLI();
  const auto r = run_cli("simulate --paths 2000 --steps 10 --t-years 0.1 --vol 0.8 --fee-apr 0.3 --seed 3 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("schema"), "alvh.simulate");
  for (const char* s : {"hodl", "lp", "lp_hedged"}) {
    ASSERT_TRUE(j.contains(s)) << s;
    for (const char* k : {"mean", "stderr", "stdev", "quantiles", "var95", "cvar95", "var99", "cvar99", "prob_loss"})
      EXPECT_TRUE(j.at(s).contains(k)) << s << "." << k;
    EXPECT_LE(j.at(s).at("var95").get<double>(), j.at(s).at("cvar95").get<double>());
  }
  // HODL of a v3 position at zero drift: E[V_T] = V0 exactly, within 4 SE.
  EXPECT_NEAR(j.at("hodl").at("mean").get<double>(), 100000.0, 4 * j.at("hodl").at("stderr").get<double>());
  EXPECT_GT(j.at("lp_components").at("mean_fees").get<double>(), 0.0);
  // No hedge: lp_hedged == lp.
  EXPECT_EQ(j.at("lp_hedged").at("mean"), j.at("lp").at("mean"));
}

TEST(SimCli, GlobalAndLocalJsonAgreeAndRunsAreReproducible) {
  REQUIRE_CLI();
  const auto a = run_cli("--json simulate --paths 1000 --steps 5 --seed 9 --threads 1");
  const auto b = run_cli("simulate --paths 1000 --steps 5 --seed 9 --threads 2 --json");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja.at("lp"), jb.at("lp"));
  EXPECT_EQ(ja.at("hodl"), jb.at("hodl"));
}

TEST(SimCli, TableByDefault) {
  REQUIRE_CLI();
  const auto r = run_cli("simulate --paths 500 --steps 5 --v2 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lp_hedged"), std::string::npos);
  EXPECT_NE(r.out.find("CVaR 95"), std::string::npos);
}

TEST(SimCli, EveryModelRuns) {
  REQUIRE_CLI();
  const auto cfg = temp_path("models.toml");
  std::ofstream(cfg) << "[merton]\nintensity = 4\njump_mean = -0.03\njump_stdev = 0.08\n"
                        "[heston]\nkappa = 2\nvol_of_vol = 0.9\nrho = -0.6\n"
                        "[regime]\nvols = [0.5, 1.3]\ngenerator = [[-6, 6], [20, -20]]\n"
                        "[[events]]\nname = \"FOMC\"\nt_years = 0.02\njump_stdev = 0.05\n";
  for (const char* m : {"gbm", "merton", "heston", "regime"}) {
    const auto r = run_cli(std::string("simulate --json --paths 500 --steps 8 --model ") + m + " --config '" + cfg + "'");
    EXPECT_EQ(r.exit_code, 0) << m << ": " << r.err;
  }
  std::filesystem::remove(cfg);
}

TEST(SimCli, BootstrapFromTheBinanceHistory) {
  REQUIRE_CLI();
  ALVH_REQUIRE_SHARED(csv, "data/binance_ethusdt_1h_2017-2021.csv");
  const auto cfg = temp_path("boot.toml");
  std::ofstream(cfg) << "[bootstrap]\nfile = \"" << csv.string() << "\"\nmean_block = 24\ndemean = true\n";
  // 30 days of hourly steps = the data interval: no rescaling warning.
  const auto r = run_cli("simulate --json --model bootstrap --paths 300 --steps 720 --t-years " +
                         std::to_string(720.0 / 8760.0) + " --config '" + cfg + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j.at("warnings").empty()) << j.at("warnings");
  std::filesystem::remove(cfg);
}

TEST(SimCli, TerminalCsvIsWritten) {
  REQUIRE_CLI();
  const auto out = temp_path("terminal.csv");
  const auto r = run_cli("simulate --quiet --paths 100 --steps 4 --terminal-csv '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream f(out);
  std::string header, line;
  std::getline(f, header);
  EXPECT_EQ(header, "path,terminal_price,hodl,lp,lp_hedged,fees,lvr,il,time_in_range");
  int rows = 0;
  while (std::getline(f, line)) ++rows;
  EXPECT_EQ(rows, 100);
  std::filesystem::remove(out);
}

// A hedge document as `alvh hedge --json` writes it (schema alvh.hedge): with vol 0 the price
// stays at 3000, the 2800 put expires worthless and the hedged LP is the LP minus the premium.
TEST(SimCli, HedgeFileIsReadAndCharged) {
  REQUIRE_CLI();
  const auto doc = temp_path("hedge.json");
  std::ofstream(doc) << R"({"schema":"alvh.hedge","legs":[{"instrument":"ETH-X-2800-P","type":"put","strike":2800,)"
                        R"("expiry_years":0.05,"quantity":2,"premium":150,"side":"buy"}],"total_premium":300})";
  const auto r = run_cli("simulate --json --vol 0 --paths 50 --steps 10 --t-years 0.1 --hedge '" + doc + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j.at("lp_hedged").at("mean").get<double>(), j.at("lp").at("mean").get<double>() - 300.0, 1e-6);
  EXPECT_DOUBLE_EQ(j.at("net_premium").get<double>(), 300.0);
  std::ofstream(doc) << R"({"schema":"alvh.position"})";
  const auto bad = run_cli("simulate --paths 50 --hedge '" + doc + "'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("schema"), std::string::npos) << bad.err;
  std::filesystem::remove(doc);
}

TEST(SimCli, BadInputGivesClearErrors) {
  REQUIRE_CLI();
  auto r = run_cli("simulate --vol -0.5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--vol"), std::string::npos) << r.err;
  r = run_cli("simulate --paths 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--paths"), std::string::npos) << r.err;
  r = run_cli("simulate --model levy");
  EXPECT_NE(r.exit_code, 0);
  const auto cfg = temp_path("bad.toml");
  std::ofstream(cfg) << "[heston]\nrho = 1.5\n";
  r = run_cli("simulate --model heston --config '" + cfg + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rho"), std::string::npos) << r.err;
  std::ofstream(cfg) << "[heston]\nvolofvol = 0.3\n";
  r = run_cli("simulate --model heston --config '" + cfg + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("heston.volofvol"), std::string::npos) << r.err;
  // Feller violation: a warning, not an error.
  std::ofstream(cfg) << "[heston]\nkappa = 1\ntheta = 0.04\nvol_of_vol = 1.0\n";
  r = run_cli("simulate --json --model heston --paths 200 --steps 10 --config '" + cfg + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Feller"), std::string::npos) << r.err;
  std::filesystem::remove(cfg);
}

}  // namespace
}  // namespace alvh::test
