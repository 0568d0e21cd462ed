// alvh hedge: the Layer-1 option hedge of an LP position (alvh/hedge/optimiser.hpp) against a
// listed chain (--chain FILE) or a generated strike grid priced at --vol. Prints the legs,
// cost, residual table, greeks before/after and break-evens, or the alvh.hedge JSON document
// that `alvh simulate --hedge FILE` reads (docs/risk-hedge.md).
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

#include "alvh/core/atomic_file.hpp"
#include "alvh/core/error.hpp"
#include "alvh/hedge/hedge_request.hpp"
#include "alvh/hedge/optimiser.hpp"
#include "alvh/options/chain.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {
namespace {

struct HedgeArgs {
  double price = 3000.0;
  double lower = 2400.0;
  double upper = 3750.0;
  double capital = 100000.0;
  double vol = 0.70;
  bool v2 = false;
  double fee_apr = 0.0;
  double horizon_days = 30.0;
  double rate = 0.0;
  std::string chain;
  std::string underlying;          // position's underlying name, checked against the chain's
  double strike_step = 0.0;        // generated grid (0: 2% of the price)
  double spread_vol = 0.01;        // generated grid: bid/ask at vol -/+ this
  std::optional<double> budget_pct;
  double tail_sigma = 2.5;
  double max_hedge_ratio = 1.0;
  std::string objective = "variance";
  std::string density = "auto";
  double cvar_level = 0.95;
  double lot_size = 0.0;
  double beta = 1.0;
  bool no_parity = false;
  std::string out;
};

void run_hedge(const HedgeArgs& a, const GlobalOptions& g) {
  hedge::HedgeSpec spec;
  auto& pos = spec.position;
  pos.range = a.v2 ? amm::PriceRange::full() : amm::PriceRange{a.lower, a.upper};
  pos.price = a.price;
  pos.capital = a.capital;
  pos.vol_annual = a.vol;
  pos.fee_apr = a.fee_apr;
  pos.horizon_years = a.horizon_days / 365.0;
  pos.rate = a.rate;
  risk::validate(pos);
  spec.objective = hedge::parse_objective(a.objective, "--objective");
  spec.density = hedge::parse_density(a.density);
  if (a.budget_pct) {
    require(*a.budget_pct >= 0.0 && std::isfinite(*a.budget_pct), "--budget-pct", "a finite number >= 0", *a.budget_pct);
    spec.budget = *a.budget_pct / 100.0 * a.capital;
  }
  spec.tail_sigma = a.tail_sigma;
  spec.max_hedge_ratio = a.max_hedge_ratio;
  spec.cvar_level = a.cvar_level;
  spec.lot_size = a.lot_size;
  spec.beta = a.beta;
  spec.use_parity = !a.no_parity;
  spec.position_underlying = a.underlying;
  if (!a.chain.empty())
    hedge::attach_chain(spec, options::load_chain(a.chain));
  else
    hedge::attach_synthetic_chain(spec, a.strike_step, a.spread_vol);
  const auto r = hedge::optimise_hedge(spec);

  const nlohmann::json body = hedge::hedge_result_json(spec, r);
  if (!a.out.empty()) {
    nlohmann::json doc = {{"schema", "alvh.hedge"}, {"schema_version", kJsonSchemaVersion}};
    for (auto& [k, v] : body.items()) doc[k] = v;
    write_file_atomically(a.out, doc.dump(2) + "\n");
  }
  if (g.json) {
    print_json("hedge", body);
    return;
  }
  fmt::print("Layer-1 hedge ({} objective), expiry {:.1f} days, forward {}, vol {:.1f}%\n", a.objective,
             r.expiry_years * 365, num(r.forward), 100 * r.vol);
  fmt::print("Scenario density: {}\n", r.density);
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : r.legs)
    rows.push_back({l.leg.instrument, "buy", num(l.leg.quantity, 6), num(l.leg.premium, 6), l.payoff,
                    l.via_parity ? fmt::format("parity, saves {}", num(l.parity_saving, 4)) : std::string("direct")});
  print_table({"instrument", "side", "quantity", "premium", "payoff", "route"}, rows);
  print_kv({{"forward quantity (parity)", num(r.forward_quantity, 6)},
            {"premium paid", num(r.total_premium, 8)},
            {"effective cost", fmt::format("{}  ({:.3f}% of capital, {:.2f}% annualised vs fee APR {:.2f}%)",
                                           num(r.total_cost, 8), 100 * r.cost_pct_capital,
                                           100 * r.cost_annualised_pct, 100 * r.fee_apr)},
            {"parity saving", num(r.parity_saving, 6)},
            {"minimum feasible budget", num(r.min_feasible_budget, 8)},
            {"objective (hedged / unhedged)", fmt::format("{} / {}", num(r.objective_value), num(r.objective_unhedged))},
            {"tails covered", r.tail_covered ? "yes" : "NO"},
            {"greeks before (delta, gamma, vega)",
             fmt::format("{}, {}, {}", num(r.before.delta), num(r.before.gamma), num(r.before.vega))},
            {"greeks after  (delta, gamma, vega)",
             fmt::format("{}, {}, {}", num(r.after.delta), num(r.after.gamma), num(r.after.vega))}});
  if (!r.rounding_note.empty()) fmt::print("  note: {}\n", r.rounding_note);
  fmt::print("\nResidual at the horizon (hedged P&L vs HODL, premium included, fees excluded):\n");
  rows.clear();
  for (const auto& row : r.residuals)
    rows.push_back({fmt::format("{:+.2f}", row.sigma_move), num(row.price), num(row.lp_minus_hodl, 8),
                    num(row.hedge_pnl, 8), num(row.residual, 8)});
  print_table({"sigma", "price", "LP - HODL", "hedge P&L", "residual"}, rows);
  std::string be;
  for (double p : r.break_even_prices) be += (be.empty() ? "" : ", ") + num(p);
  fmt::print("\nBreak-even prices of the hedged position incl. fees: {}\n", be.empty() ? "none" : be);
}

const RegisterCommand reg(30, [](CLI::App& app, const GlobalOptions& g) {
  auto a = std::make_shared<HedgeArgs>();
  auto* sub = app.add_subcommand("hedge", "Build the Layer-1 option hedge of an LP position (static replication + optimiser)");
  sub->footer(
      "Examples:\n  alvh hedge --price 3000 --range-lower 2400 --range-upper 3750 --capital 100000 --vol 0.7 "
      "--fee-apr 0.25 --budget-pct 2\n"
      "  alvh --json hedge --price 9300 --range-lower 8000 --range-upper 11000 --capital 100000 --vol 0.8 "
      "--chain ../shared/data/deribit_btc_option_chain_20200514.csv --horizon-days 14 > hedge.json");
  add_position_flags(*sub, {&a->price, &a->lower, &a->upper, &a->capital, &a->v2});
  sub->add_option("--vol", a->vol, "Annualised vol (density and generated strike grid)")->capture_default_str();
  sub->add_option("--fee-apr", a->fee_apr, "Expected fee APR (fraction of value), for comparison and break-evens")
      ->capture_default_str();
  sub->add_option("--horizon-days", a->horizon_days, "Hedge horizon; the first expiry at or after it is used")
      ->capture_default_str();
  sub->add_option("--rate", a->rate, "Continuously compounded rate")->capture_default_str();
  sub->add_option("--chain", a->chain, "Option chain file (Deribit CSV/JSON or generic CSV, alvh/options/chain.hpp)");
  sub->add_option("--underlying", a->underlying, "Underlying of the position (e.g. ETH), checked against the chain's");
  sub->add_option("--strike-step", a->strike_step, "Generated grid (no --chain): strike spacing (default 2% of price)");
  sub->add_option("--spread-vol", a->spread_vol, "Generated grid: bid/ask at vol -/+ this")->capture_default_str();
  sub->add_option("--budget-pct", a->budget_pct, "Premium budget in % of capital (default: unlimited)");
  sub->add_option("--tail-sigma", a->tail_sigma, "Cover losses beyond this many sigma (break-even there)")
      ->capture_default_str();
  sub->add_option("--max-hedge-ratio", a->max_hedge_ratio, "Hedge gamma <= this x |LP gamma| (no over-hedging)")
      ->capture_default_str();
  sub->add_option("--objective", a->objective, "variance | cvar")->capture_default_str();
  sub->add_option("--density", a->density,
                  "Scenario density: auto (SVI smile of the chain when it has a non-flat smile, else lognormal) | "
                  "smile | lognormal")
      ->capture_default_str();
  sub->add_option("--cvar-level", a->cvar_level, "CVaR confidence level")->capture_default_str();
  sub->add_option("--lot-size", a->lot_size, "Contract increment in units of underlying (0: continuous)")
      ->capture_default_str();
  sub->add_option("--beta", a->beta, "Pair beta to the option underlying (log-return OLS)")->capture_default_str();
  sub->add_flag("--no-parity", a->no_parity, "Buy each option directly (no put-call parity substitution)");
  sub->add_option("--out", a->out, "Also write the alvh.hedge JSON document to this file (atomically)");
  sub->callback([a, &g] { run_hedge(*a, g); });
});

}  // namespace
}  // namespace alvh::cli
