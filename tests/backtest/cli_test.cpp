// End-to-end tests of `alvh backtest` and `alvh sweep` (build alvh_cli first).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "test_support.hpp"

using alvh::test::run_cli;

namespace {
std::filesystem::path tmp(const std::string& name) { return std::filesystem::temp_directory_path() / name; }
bool have_cli() { return std::filesystem::exists(ALVH_CLI_PATH); }
// a short synthetic history keeps the CLI tests fast
const char* kShort = "[synthetic]\nyears = 0.2\n";
}  // namespace

TEST(BacktestCli, JsonSummaryAndCsvs) {
  if (!have_cli()) GTEST_SKIP() << "alvh CLI not built";
  const auto cfg = tmp("alvh_bt_cli.toml"), dir = tmp("alvh_bt_cli_out");
  std::ofstream(cfg) << kShort;
  std::filesystem::remove_all(dir);
  const auto r = run_cli("backtest --config '" + cfg.string() + "' --csv-dir '" + dir.string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "alvh.backtest");
  EXPECT_EQ(j["strategies"].size(), 5u);
  EXPECT_TRUE(j["data"]["fees_modelled"].get<bool>());
  for (const auto& s : j["strategies"]) {
    const double total = s["attribution"]["total"], nav = s["metrics"]["final_nav"];
    EXPECT_NEAR(total, nav - j["capital"].get<double>(), 1e-6 * nav) << s["name"];
  }
  std::ifstream eq(dir / "equity.csv");
  std::string header;
  std::getline(eq, header);
  EXPECT_EQ(header, "time,price,hodl,promoter,static_l1,steward,perp_hedge");
  EXPECT_TRUE(std::filesystem::exists(dir / "trades.csv"));
  // the global --json gives the same document
  const auto g = run_cli("--json backtest --config '" + cfg.string() + "'");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(nlohmann::json::parse(g.out)["strategies"], j["strategies"]);
  std::filesystem::remove_all(dir);
  std::filesystem::remove(cfg);
}

TEST(BacktestCli, HumanTableAndBadInputs) {
  if (!have_cli()) GTEST_SKIP() << "alvh CLI not built";
  const auto cfg = tmp("alvh_bt_cli2.toml");
  std::ofstream(cfg) << kShort;
  const auto r = run_cli("backtest --quiet --config '" + cfg.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("steward"), std::string::npos);
  EXPECT_NE(r.out.find("IRR by volatility regime"), std::string::npos);
  EXPECT_NE(r.out.find("FEES MODELLED"), std::string::npos);
  const auto bad = tmp("alvh_bt_cli_bad.toml");
  std::ofstream(bad) << "[layer2]\nbumpp = 2\n";
  const auto e = run_cli("backtest --config '" + bad.string() + "'");
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("layer2.bumpp"), std::string::npos) << e.err;
  EXPECT_NE(e.err.find(bad.filename().string()), std::string::npos) << e.err;
  const auto d = run_cli("backtest --data /nonexistent/bars.csv");
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_NE(d.err.find("/nonexistent/bars.csv"), std::string::npos) << d.err;
  const auto b = run_cli("backtest --bars week --config '" + cfg.string() + "'");
  EXPECT_EQ(b.exit_code, 1);
  std::filesystem::remove(cfg);
  std::filesystem::remove(bad);
}

TEST(BacktestCli, SweepRanksGridAndIsThreadIndependent) {
  if (!have_cli()) GTEST_SKIP() << "alvh CLI not built";
  const auto cfg = tmp("alvh_bt_sweep.toml");
  std::ofstream(cfg) << kShort;
  const std::string args = "sweep --config '" + cfg.string() + "' --grid lp.range_width=0.1,0.3 --grid layer2.bump=1,2 --json";
  const auto one = run_cli(args + " --threads 1"), two = run_cli(args + " --threads 2");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const auto j1 = nlohmann::json::parse(one.out), j2 = nlohmann::json::parse(two.out);
  EXPECT_EQ(j1["configs"], 4);
  EXPECT_EQ(j1["ranked"], j2["ranked"]);  // same numbers and order regardless of threads
  const auto& rk = j1["ranked"];
  for (std::size_t i = 1; i < rk.size(); ++i) EXPECT_GE(rk[i - 1]["irr"].get<double>(), rk[i]["irr"].get<double>());
  const auto bad = run_cli("sweep --config '" + cfg.string() + "' --grid lp.nope=1,2");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("lp.nope"), std::string::npos) << bad.err;
  std::filesystem::remove(cfg);
}
