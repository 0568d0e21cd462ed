// End-to-end tests of `alvh option` (build target alvh_cli first). Reference values: the
// textbook BSM example S = K = 100, r = 5%, vol = 20%, T = 1: call 10.4506 (J. Hull, Options,
// Futures and Other Derivatives), and the library's own functions (tested elsewhere against
// mpmath and Haug) for the full-precision comparison of what the CLI prints.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "alvh/options/black.hpp"
#include "alvh/options/implied_vol.hpp"
#include "test_support.hpp"

namespace alvh::options {
namespace {

using alvh::test::run_cli;

bool cli_built() {
  return std::filesystem::exists(ALVH_CLI_PATH);
}
#define REQUIRE_CLI() \
  if (!cli_built()) GTEST_SKIP() << "alvh CLI not built: cmake --build <dir> --target alvh_cli"

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("alvh_cli_opt_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(CliOption, PriceJsonKeysBothJsonPlacements) {
  REQUIRE_CLI();
  const std::string args = "option price --type call --spot 100 --strike 100 --t-years 1 --rate 0.05 --vol 0.2";
  for (const std::string& cmd : {"--json " + args, args + " --json"}) {
    const auto r = run_cli(cmd);
    ASSERT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["schema"], "alvh.option.price");
    EXPECT_NEAR(j["price"].get<double>(), 10.4506, 1e-4);  // Hull's textbook value
    const Greeks g = bsm_greeks(OptionType::Call, 100, 100, 1, 0.05, 0.0, 0.2);
    EXPECT_DOUBLE_EQ(j["price"].get<double>(), g.price);
    EXPECT_DOUBLE_EQ(j["delta"].get<double>(), g.delta);
    EXPECT_DOUBLE_EQ(j["gamma"].get<double>(), g.gamma);
    EXPECT_DOUBLE_EQ(j["vega"].get<double>(), g.vega);
    EXPECT_DOUBLE_EQ(j["theta"].get<double>(), g.theta);
    EXPECT_DOUBLE_EQ(j["rho"].get<double>(), g.rho);
    EXPECT_DOUBLE_EQ(j["vanna"].get<double>(), g.vanna);
    EXPECT_DOUBLE_EQ(j["volga"].get<double>(), g.volga);
  }
}

TEST(CliOption, ForwardInverseAndHumanOutput) {
  REQUIRE_CLI();
  auto r = run_cli(
      "option price --type put --forward 9100 --strike 8000 --t-years 0.1 --vol 0.8 --settlement inverse --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const Greeks g = black76_greeks(OptionType::Put, 9100, 8000, 0.1, 0.8, 1.0, Settlement::Inverse);
  EXPECT_DOUBLE_EQ(j["price"].get<double>(), g.price);
  EXPECT_NEAR(j["price"].get<double>() * 9100, black76_price(OptionType::Put, 9100, 8000, 0.1, 0.8), 1e-9);
  r = run_cli("option price --type call --spot 100 --strike 100 --t-years 1 --rate 0.05 --vol 0.2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("10.4505835722"), std::string::npos) << r.out;
}

TEST(CliOption, ImpliedVolSingle) {
  REQUIRE_CLI();
  const double p = bsm_price(OptionType::Put, 3000, 2500, 0.25, 0.03, 0.0, 0.72);
  std::ostringstream cmd;
  cmd.precision(17);
  cmd << "option iv --type put --spot 3000 --strike 2500 --t-years 0.25 --rate 0.03 --price " << p << " --json";
  const auto r = run_cli(cmd.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["iv"].get<double>(), 0.72, 1e-12);
}

TEST(CliOption, BatchPriceAndIvCsv) {
  REQUIRE_CLI();
  const std::string in = temp_path("in.csv"), out = temp_path("out.csv"), ivout = temp_path("iv.csv");
  {
    std::ofstream f(in);
    f << "type,spot,strike,t_years,rate,yield,vol\n"
         "call,100,90,0.5,0.02,0.01,0.3\n"
         "put,3000,2500,0.1,0.0,0.0,0.8\n"
         "call,50,60,2,0.05,0,0.25\n";
  }
  auto r = run_cli("option price --input '" + in + "' --output '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream f(out);
  std::string header, line;
  std::getline(f, header);
  EXPECT_EQ(header, "type,spot,strike,t_years,rate,yield,vol,price,delta,gamma,vega,theta,rho,vanna,volga");
  std::getline(f, line);
  EXPECT_EQ(line.rfind("call,100,90,0.5,0.02,0.01,0.3,", 0), 0u) << line;
  const double price = std::stod(line.substr(std::string("call,100,90,0.5,0.02,0.01,0.3,").size()));
  EXPECT_NEAR(price, bsm_price(OptionType::Call, 100, 90, 0.5, 0.02, 0.01, 0.3), 1e-11);
  // Feed the prices back: iv batch recovers the vols.
  {
    std::ifstream g(out);
    std::ofstream h(in);
    std::string l;
    std::getline(g, l);
    h << "type,spot,strike,t_years,rate,yield,price\n";
    while (std::getline(g, l)) {
      std::vector<std::string> c;
      std::stringstream ss(l);
      std::string cell;
      while (std::getline(ss, cell, ',')) c.push_back(cell);
      h << c[0] << ',' << c[1] << ',' << c[2] << ',' << c[3] << ',' << c[4] << ',' << c[5] << ',' << c[7] << '\n';
    }
  }
  r = run_cli("option iv --input '" + in + "' --output '" + ivout + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream k(ivout);
  std::getline(k, header);
  EXPECT_EQ(header, "type,spot,strike,t_years,rate,yield,price,iv");
  const double vols[] = {0.3, 0.8, 0.25};
  for (double v : vols) {
    ASSERT_TRUE(std::getline(k, line));
    EXPECT_NEAR(std::stod(line.substr(line.rfind(',') + 1)), v, 1e-12) << line;
  }
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  std::filesystem::remove(ivout);
}

TEST(CliOption, BadInputsExitWithClearErrors) {
  REQUIRE_CLI();
  struct Case {
    std::string args, needle;
  };
  const Case cases[] = {
      {"option price --type call --spot 100 --strike 100 --t-years 1 --vol -0.2", "vol"},
      {"option price --type call --spot 100 --strike -5 --t-years 1 --vol 0.2", "strike"},
      {"option price --type call --spot 100 --strike 100 --t-years -1 --vol 0.2", "t_years"},
      {"option price --type call --spot 100 --forward 100 --strike 100 --t-years 1 --vol 0.2", "exactly one"},
      {"option price --type straddle --spot 100 --strike 100 --t-years 1 --vol 0.2", "call or put"},
      {"option price --type call --spot 100 --t-years 1 --vol 0.2", "--strike"},
      {"option iv --type call --spot 100 --strike 100 --t-years 1 --price 150", "no-arbitrage"},
      {"option price --type call --spot 100 --strike 100 --t-years 1 --vol 0.2 --settlement quanto", "settlement"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.args << "\n" << r.err;
  }
  const std::string bad = temp_path("bad.csv");
  std::ofstream(bad) << "type,spot,strike,t_years,rate,yield,vol\ncall,100,90,0.5,0.02,0.01,abc\n";
  const auto r = run_cli("option price --input '" + bad + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(":2"), std::string::npos) << r.err;  // file:line
  EXPECT_NE(r.err.find("vol"), std::string::npos) << r.err;
  std::filesystem::remove(bad);
}

TEST(CliOption, SurfaceFromSharedChain) {
  REQUIRE_CLI();
  ALVH_REQUIRE_SHARED(path, "data/deribit_btc_option_chain_20200514.csv");
  auto r = run_cli("option surface '" + path.string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "alvh.option.surface");
  EXPECT_GE(j["slices"].size(), 4u);
  EXPECT_TRUE(j["calendar_free"].get<bool>());
  for (const auto& s : j["slices"]) {
    EXPECT_GT(s["atm_vol"].get<double>(), 0.3);
    EXPECT_LT(s["atm_vol"].get<double>(), 1.5);
  }
  r = run_cli("option surface '" + path.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ATM vol"), std::string::npos);
}

}  // namespace
}  // namespace alvh::options
