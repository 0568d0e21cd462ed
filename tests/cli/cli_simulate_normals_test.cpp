// `alvh simulate --normals fast|exact`: both generators invert the normal CDF at the same Philox
// uniform (docs/sim.md), so one seed gives the same paths to float precision: the means agree far
// inside one standard error, and each run reports which generator it used. Also `alvh hedge
// --density`: the chosen scenario density is reported, and a bad choice is a CLI error.
#include <nlohmann/json.hpp>

#include <cmath>

#include "test_support.hpp"

using alvh::test::run_cli;

TEST(CliSimulate, FastAndExactNormalsGiveTheSamePathsToFloatPrecision) {
  const std::string args = " simulate --paths 4000 --steps 20 --seed 5 --threads 1";
  const auto f = run_cli("--json --quiet" + args + " --normals fast");
  const auto e = run_cli("--json --quiet" + args + " --normals exact");
  ASSERT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const auto jf = nlohmann::json::parse(f.out), je = nlohmann::json::parse(e.out);
  EXPECT_EQ(jf["inputs"]["normals"], "fast");
  EXPECT_EQ(je["inputs"]["normals"], "exact");
  for (const char* s : {"hodl", "lp"}) {
    const double mf = jf[s]["mean"].get<double>(), me = je[s]["mean"].get<double>();
    EXPECT_NEAR(mf, me, 1e-6 * std::abs(me)) << s;
    EXPECT_LT(std::abs(mf - me), 1e-3 * je[s]["stderr"].get<double>()) << s;
  }
  const auto bad = run_cli("simulate --normals gaussian");
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(CliHedge, DensityIsReportedAndValidated) {
  const auto ln = run_cli("--json hedge --density lognormal");
  ASSERT_EQ(ln.exit_code, 0) << ln.err;
  EXPECT_EQ(nlohmann::json::parse(ln.out)["density"].get<std::string>().rfind("lognormal", 0), 0u);
  // the generated chain is priced at one flat vol: asking for its smile is an error, not a silent fallback
  const auto sm = run_cli("hedge --density smile");
  EXPECT_EQ(sm.exit_code, 1);
  EXPECT_NE(sm.err.find("smile density requested"), std::string::npos) << sm.err;
  EXPECT_EQ(run_cli("hedge --density bogus").exit_code, 1);
}
