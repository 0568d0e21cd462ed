// End-to-end tests of `alvh run` and `alvh report` (the built CLI, via run_cli): exit codes, the
// versioned JSON envelope and its keys (docs/json-schema.md), files written, numbers equal to
// the library's, and bad input of every argument and file type with a message naming it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "alvh/amm/position_model.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using alvh::test::run_cli;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("alvh_run_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::string operator/(const std::string& f) const { return (path / f).string(); }
};

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

const char* kFast = " --market embedded --paths 1000 --steps-per-day 2";

TEST(CliRun, JsonEnvelopeFilesAndLibraryNumbers) {
  TempDir d;
  const auto r = run_cli(std::string("--json run") + kFast + " --out '" + (d / "r.html") + "' --save-json '" +
                         (d / "r.json") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "alvh.run");
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_TRUE(j["alvh_version"].is_string());
  for (const char* k : {"config", "market", "position", "simulation", "stages", "report_file"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["market"]["source"], "embedded");
  const alvh::amm::PriceRange range{2400, 3750};
  const double L = alvh::amm::liquidity_for_capital(range, 100000, 3000);
  EXPECT_DOUBLE_EQ(j["position"]["delta"].get<double>(), alvh::amm::lp_delta(range, L, 3000));
  // HTML: one file with the library inlined and no external reference
  const std::string html = slurp(d / "r.html");
  EXPECT_NE(html.find("echarts"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  // saved JSON = the same envelope + the report document
  const auto saved = nlohmann::json::parse(slurp(d / "r.json"));
  EXPECT_EQ(saved["schema"], "alvh.run");
  EXPECT_EQ(saved["position"], j["position"]);
  EXPECT_EQ(saved["report"]["document_version"], 1);
  // alvh report re-renders it
  const auto r2 = run_cli("--json report --input '" + (d / "r.json") + "' --out '" + (d / "again.html") + "'");
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  const auto j2 = nlohmann::json::parse(r2.out);
  EXPECT_EQ(j2["schema"], "alvh.report");
  int containers = 0;
  for (auto p = html.find("class=\"alvh-chart\""); p != std::string::npos; p = html.find("class=\"alvh-chart\"", p + 1))
    ++containers;
  EXPECT_EQ(j2["charts"].get<int>(), containers);
  EXPECT_GE(containers, 4);
}

TEST(CliRun, HumanSummaryAndConfigFile) {
  TempDir d;
  const auto r = run_cli(std::string("run --config '") + ALVH_SOURCE_DIR + "/examples/default.toml'" + kFast +
                         " --out '" + (d / "x.html") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("embedded market"), std::string::npos);
  EXPECT_NE(r.out.find("report"), std::string::npos);
  EXPECT_TRUE(fs::exists(d / "x.html"));
  EXPECT_TRUE(r.err.empty()) << r.err;  // not a TTY: no progress bar
}

TEST(CliRun, BadArgumentsNameTheArgument) {
  TempDir d;
  const std::string out = " --out '" + (d / "bad.html") + "'";
  struct Case {
    std::string args, needle;
  } cases[] = {
      {"run --paths 3" + out, "--paths"},
      {"run --range-lower 4000" + out, "--range-lower"},
      {"run --price 5000" + out, "--price"},
      {"run --capital -1" + out, "--capital"},
      {"run --vol -0.2" + out, "--vol"},
      {"run --horizon-days 0" + out, "--horizon-days"},
      {"run --market sideways" + out, "--market"},
      {"run --market real --data /nonexistent-alvh" + out, "/nonexistent-alvh"},
      {"run --config /nonexistent-alvh.toml" + out, "/nonexistent-alvh.toml"},
      {"run --assets /nonexistent-echarts.js" + out, "/nonexistent-echarts.js"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.args << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(d / "bad.html"));  // nothing written on error
  EXPECT_EQ(run_cli("run --paths many").exit_code, 2);  // CLI11 parse error
}

TEST(CliRun, BadConfigFilesNameKeyAndLine) {
  TempDir d;
  {
    std::ofstream(d / "unknown.toml") << "[position]\nprice = 3000\nprize = 1\n";
    std::ofstream(d / "type.toml") << "[simulation]\npaths = \"many\"\n";
    std::ofstream(d / "syntax.toml") << "[position\nprice = 3000\n";
  }
  auto r = run_cli("run --config '" + (d / "unknown.toml") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("position.prize"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(":3"), std::string::npos) << r.err;
  r = run_cli("run --config '" + (d / "type.toml") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("simulation.paths"), std::string::npos) << r.err;
  r = run_cli("run --config '" + (d / "syntax.toml") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("syntax.toml"), std::string::npos) << r.err;
}

TEST(CliReport, BadInputFilesNameFileAndField) {
  TempDir d;
  {
    std::ofstream(d / "notjson.json") << "{ not json";
    std::ofstream(d / "other.json") << R"({"schema": "alvh.position", "schema_version": 1})";
    std::ofstream(d / "nodoc.json") << R"({"schema": "alvh.run", "schema_version": 1})";
    std::ofstream(d / "baddoc.json")
        << R"({"schema": "alvh.run", "schema_version": 1, "report": {"document_version": 1, "title": "t", "sections": [{"id": "a", "title": "A", "blocks": [{"type": "chart", "id": "c", "kind": "pie", "series": []}]}]}})";
  }
  struct Case {
    std::string file, needle;
  } cases[] = {{"missing.json", "missing.json"},
               {"notjson.json", "not valid JSON"},
               {"other.json", "$.schema"},
               {"nodoc.json", "$.report"},
               {"baddoc.json", "$.sections[0].blocks[0].kind"}};
  for (const auto& c : cases) {
    const auto r = run_cli("report --input '" + (d / c.file) + "' --out '" + (d / "o.html") + "'");
    EXPECT_EQ(r.exit_code, 1) << c.file;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.file << ": " << r.err;
  }
  EXPECT_FALSE(fs::exists(d / "o.html"));
  EXPECT_EQ(run_cli("report").exit_code, 2);  // --input is required
}

}  // namespace
