// The main job's document and results carry the library's own numbers (amm, risk, sim), and an
// omitted stage is said so in the report. Reference values are recomputed here by calling the
// owning modules directly with the same inputs and seed.
#include <gtest/gtest.h>

#include <algorithm>

#include "alvh/amm/position_model.hpp"
#include "alvh/core/error.hpp"
#include "alvh/report/default_market.hpp"
#include "alvh/report/json.hpp"
#include "alvh/report/position_analysis.hpp"
#include "alvh/report/run.hpp"
#include "alvh/risk/position_risk.hpp"
#include "alvh/sim/engine.hpp"
#include "alvh/sim/statistics.hpp"

namespace alvh::report {
namespace {

RunConfig small() {
  RunConfig c;
  c.paths = 500;
  c.steps_per_day = 4;
  c.threads = 1;
  return c;
}

const Chart* find_chart(const Document& d, const std::string& id) {
  for (const auto* c : d.charts())
    if (c->id == id) return c;
  return nullptr;
}

TEST(RunJob, PositionNumbersAreTheLibrarys) {
  const auto cfg = small();
  const auto r = run_job(cfg);
  const amm::PriceRange range{cfg.range_lower, cfg.range_upper};
  const double L = amm::liquidity_for_capital(range, cfg.capital, cfg.price);
  const auto& p = r.results["position"];
  EXPECT_DOUBLE_EQ(p["liquidity"].get<double>(), L);
  EXPECT_DOUBLE_EQ(p["delta"].get<double>(), amm::lp_delta(range, L, cfg.price));
  EXPECT_DOUBLE_EQ(p["lvr_rate_annual"].get<double>(), amm::lvr_rate(range, L, cfg.price, cfg.vol));
  EXPECT_DOUBLE_EQ(p["fee_apr"].get<double>(), default_market::fee_apr_on_value(range, cfg.price));
  // the payoff chart's LP series is payoff_at_horizon's
  const auto* pay = find_chart(r.document, "payoff");
  ASSERT_NE(pay, nullptr);
  const auto ref = payoff_at_horizon(PositionSpec{range, cfg.price, cfg.capital, cfg.vol, p["fee_apr"].get<double>(),
                                                  cfg.horizon_days / 365.0},
                                     {});
  ASSERT_EQ(pay->series.size(), 3u);  // HODL, LP, LP + hedge
  EXPECT_EQ(pay->series[1].y, ref.lp);
  EXPECT_EQ(pay->series[0].y, ref.hodl);
  ASSERT_NE(find_chart(r.document, "greeks"), nullptr);
}

TEST(RunJob, SimulationStatsAreSimsAndDeterministic) {
  const auto cfg = small();
  const auto r = run_job(cfg);
  const amm::PriceRange range{cfg.range_lower, cfg.range_upper};
  sim::SimulationSpec spec;
  spec.t_years = cfg.horizon_days / 365.0;
  spec.steps = static_cast<int>(cfg.horizon_days * cfg.steps_per_day);
  spec.paths = cfg.paths;
  spec.seed = cfg.seed;
  spec.threads = 2;  // different thread count, same numbers
  sim::HedgeSpec hedge;
  hedge.mark_vol = cfg.vol;
  const auto res = sim::simulate(default_market::regime_model(),
                                 sim::PositionSpec{cfg.price, range, cfg.capital,
                                                   default_market::fee_apr_on_value(range, cfg.price)},
                                 hedge, spec);
  const auto st = sim::summarize(res.paths.lp, cfg.capital, spec.t_years);
  const auto& s = r.results["simulation"];
  EXPECT_DOUBLE_EQ(s["lp"]["mean"].get<double>(), st.mean);
  EXPECT_DOUBLE_EQ(s["lp"]["var95"].get<double>(), st.var95);
  EXPECT_DOUBLE_EQ(s["lp"]["cvar95"].get<double>(), st.cvar95);
  const auto* h = find_chart(r.document, "sim-lp");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->kind, ChartKind::Histogram);
  ASSERT_GE(h->marks.size(), 2u);
  EXPECT_DOUBLE_EQ(h->marks[0].value, -st.var95);
  EXPECT_DOUBLE_EQ(h->marks[1].value, -st.cvar95);
  // same config, same document
  EXPECT_EQ(to_json(run_job(cfg).document).dump(), to_json(r.document).dump());
}

TEST(RunJob, StagesAreReportedHonestly) {
  const auto r = run_job(small());
  ASSERT_TRUE(r.results.contains("stages"));
  for (const auto& st : r.stages) {
    if (st.done) continue;
    // every omitted stage has a visible warning paragraph in the document
    bool found = false;
    for (const auto& sec : r.document.sections)
      for (const auto& b : sec.blocks)
        if (const auto* p = std::get_if<Paragraph>(&b); p && p->warning && p->text.find(st.name) != std::string::npos)
          found = true;
    EXPECT_TRUE(found) << st.name;
  }
  EXPECT_EQ(r.results["market"]["source"], "embedded");
  EXPECT_EQ(r.document.meta[1].second, "embedded default");
}

// Property of a static replication (Carr & Madan 1998): at every listed strike the hedge legs pay
// exactly -hedge_ratio x (V_LP - V_HODL) (the strip interpolates the payoff at its nodes; at
// entry P0 = F the payoff is 0, so there is no bond; the forward leg is a call/put pair at F).
TEST(RunJob, Layer1LegsReplicateMinusLpMinusHodlAtTheStrikes) {
  const auto cfg = small();
  const auto r = run_job(cfg);
  const auto& h = r.results["hedge"];
  ASSERT_GE(h["legs"].size(), 5u);
  const amm::PriceRange range{cfg.range_lower, cfg.range_upper};
  const double L = amm::liquidity_for_capital(range, cfg.capital, cfg.price);
  double premium = 0;
  for (const auto& leg : h["legs"]) premium += leg["quantity"].get<double>() * leg["premium"].get<double>();
  EXPECT_NEAR(h["total_premium"].get<double>(), premium, 1e-9 * premium);
  for (const auto& node : h["legs"]) {
    const double S = node["strike"].get<double>();
    double pay = 0;
    for (const auto& leg : h["legs"]) {
      const double K = leg["strike"].get<double>(), q = leg["quantity"].get<double>();
      pay += q * (leg["type"] == "put" ? std::max(K - S, 0.0) : std::max(S - K, 0.0));
    }
    const double lp_minus_hodl = amm::lp_value(range, L, S) - amm::hodl_value(range, L, cfg.price, S);
    EXPECT_NEAR(pay, -cfg.hedge_ratio * lp_minus_hodl, 1e-6 * cfg.capital) << S;
  }
  // the hedged distribution is in the results and the document
  EXPECT_TRUE(r.results["simulation"]["lp_hedged"].is_object());
  EXPECT_NE(find_chart(r.document, "sim-lp-hedged"), nullptr);
  EXPECT_EQ(find_chart(r.document, "payoff")->series.size(), 3u);
}

// The optimiser's Layer 1 in the main job: independent re-check of its promises from the legs
// alone (Black-76 payoffs at the horizon): break-even beyond 2.5 sigma with the effective cost paid
// (tail coverage, docs/risk-hedge.md), and the SVI surface's smile used as the density.
TEST(RunJob, OptimisedLayer1CoversTheTailsFromItsLegsAlone) {
  const auto cfg = small();
  const auto r = run_job(cfg);
  const auto& h = r.results["hedge_optimised"];
  ASSERT_FALSE(h.contains("error")) << h.dump();
  EXPECT_EQ(h["density"].get<std::string>().rfind("smile", 0), 0u) << h["density"];
  ASSERT_GE(h["legs"].size(), 1u);
  const amm::PriceRange range{cfg.range_lower, cfg.range_upper};
  const double L = amm::liquidity_for_capital(range, cfg.capital, cfg.price);
  const double cost = h["total_cost"].get<double>(), fq = h["forward_quantity"].get<double>();
  const double F = h["forward"].get<double>();
  for (const auto& row : h["residuals"]) {
    if (std::abs(row["sigma_move"].get<double>()) < 2.5 - 1e-9) continue;
    const double S = row["price"].get<double>();
    double pay = fq * (S - F);  // forwards from parity substitutions, struck at F
    for (const auto& leg : h["legs"]) {
      const double K = leg["strike"].get<double>(), q = leg["quantity"].get<double>();
      pay += q * (leg["type"] == "put" ? std::max(K - S, 0.0) : std::max(S - K, 0.0));
    }
    const double lp_minus_hodl = amm::lp_value(range, L, S) - amm::hodl_value(range, L, cfg.price, S);
    EXPECT_GE(lp_minus_hodl + pay - cost, -1e-6 * cfg.capital) << S;
  }
}

TEST(RunJob, BacktestCurvesAreTheEnginesResults) {
  const auto r = run_job(small());
  const auto& b = r.results["backtest"];
  ASSERT_GE(b["strategies"].size(), 2u);
  const auto* eq = find_chart(r.document, "equity");
  const auto* at = find_chart(r.document, "attribution");
  ASSERT_NE(eq, nullptr);
  ASSERT_NE(at, nullptr);
  ASSERT_NE(find_chart(r.document, "drawdown"), nullptr);
  ASSERT_EQ(eq->series.size(), b["strategies"].size());
  for (std::size_t i = 0; i < eq->series.size(); ++i) {
    const auto& st = b["strategies"][i];
    EXPECT_EQ(eq->series[i].name, st["name"].get<std::string>());
    // the curve starts at the capital (less entry costs) and the metrics table's NAV is its end
    EXPECT_NEAR(eq->series[i].y.front(), r.results["config"]["capital"].get<double>(), 0.05 * 1e5);
    // attribution bars sum to final NAV - capital (backtest's conservation, to rounding)
    double sum = 0;
    for (double v : at->series[i].y) sum += v;
    EXPECT_NEAR(sum, st["final_nav"].get<double>() - r.results["config"]["capital"].get<double>(), 1e-6 * 1e5);
  }
  for (const char* s : {"promoter", "steward"}) {
    bool found = false;
    for (const auto& st : b["strategies"]) found |= st["name"] == s;
    EXPECT_TRUE(found) << s;
  }
}

TEST(RunJob, RejectsBadConfigNamingTheFlag) {
  auto c = small();
  c.paths = 3;
  try {
    run_job(c);
    FAIL();
  } catch (const DomainError& e) {
    EXPECT_NE(std::string(e.what()).find("--paths"), std::string::npos);
  }
  c = small();
  c.price = 5000;  // outside [2400, 3750]
  EXPECT_THROW(run_job(c), DomainError);
  c = small();
  c.data_dir = "/nonexistent-alvh-dir";
  EXPECT_THROW(run_job(c), InputError);
}

}  // namespace
}  // namespace alvh::report
