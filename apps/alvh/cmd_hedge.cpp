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
  double cvar_level = 0.95;
  double lot_size = 0.0;
  double beta = 1.0;
  bool no_parity = false;
  std::string out;
};

nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json greeks_json(const hedge::GreeksSummary& g) {
  return {{"delta", g.delta}, {"gamma", g.gamma}, {"vega", g.vega}};
}

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
  if (a.objective == "variance") spec.objective = hedge::HedgeObjective::Variance;
  else if (a.objective == "cvar") spec.objective = hedge::HedgeObjective::CVaR;
  else throw DomainError("--objective: expected 'variance' or 'cvar', got '" + a.objective + "'");
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
  if (!a.chain.empty()) {
    const auto chain = options::load_chain(a.chain);
    spec.quotes = chain.quotes;
    spec.chain_underlying = chain.underlying;
    spec.chain_spot = chain.spot;
    // The forward of the chosen expiry is the quotes' underlying price there (Deribit quotes
    // options on the future of that expiry); the optimiser picks the expiry, so pass the
    // forward of the same one.
    double T = std::numeric_limits<double>::infinity(), Tmax = 0.0;
    for (const auto& q : chain.quotes) {
      if (q.expiry_years >= pos.horizon_years * (1 - 1e-9)) T = std::min(T, q.expiry_years);
      Tmax = std::max(Tmax, q.expiry_years);
    }
    if (std::isinf(T)) T = Tmax;
    for (const auto& q : chain.quotes)
      if (std::abs(q.expiry_years - T) < 0.5 / 365.0 && std::isfinite(q.underlying_price) && q.underlying_price > 0) {
        spec.chain_forward = q.underlying_price;
        break;
      }
  } else {
    const double F = a.price * std::exp(a.rate * pos.horizon_years);
    const double step = a.strike_step > 0.0 ? a.strike_step : 0.02 * a.price;
    spec.quotes = hedge::synthetic_quotes(F, pos.horizon_years, a.vol, step, 0.4, 2.5, a.spread_vol);
  }
  const auto r = hedge::optimise_hedge(spec);

  nlohmann::json legs = nlohmann::json::array();
  for (const auto& l : r.legs) {
    auto j = hedge::to_json(l.leg);
    j["payoff"] = l.payoff;
    j["via_parity"] = l.via_parity;
    j["effective_cost"] = l.effective_cost;
    j["parity_saving"] = l.parity_saving;
    legs.push_back(j);
  }
  nlohmann::json residuals = nlohmann::json::array();
  for (const auto& row : r.residuals)
    residuals.push_back({{"sigma_move", row.sigma_move},
                         {"price", row.price},
                         {"pair_price", row.pair_price},
                         {"lp_minus_hodl", row.lp_minus_hodl},
                         {"hedge_pnl", row.hedge_pnl},
                         {"residual", row.residual}});
  nlohmann::json body = {
      {"position",
       {{"price", a.price},
        {"range_lower", pos.range.lower},
        {"range_upper", a.v2 ? nlohmann::json(nullptr) : nlohmann::json(pos.range.upper)},
        {"capital", a.capital},
        {"v2", a.v2},
        {"vol", a.vol},
        {"fee_apr", a.fee_apr},
        {"horizon_days", a.horizon_days}}},
      {"objective", a.objective},
      {"constraints",
       {{"budget", jnum(spec.budget)},
        {"tail_sigma", spec.tail_sigma},
        {"max_hedge_ratio", spec.max_hedge_ratio},
        {"lot_size", spec.lot_size},
        {"beta", spec.beta}}},
      {"expiry_years", r.expiry_years},
      {"forward", r.forward},
      {"spot", r.spot},
      {"vol", r.vol},
      {"legs", legs},
      {"forward_quantity", r.forward_quantity},
      {"total_premium", r.total_premium},
      {"total_cost", r.total_cost},
      {"cost_pct_capital", r.cost_pct_capital},
      {"cost_annualised_pct", r.cost_annualised_pct},
      {"fee_apr", r.fee_apr},
      {"parity_saving", r.parity_saving},
      {"min_feasible_budget", r.min_feasible_budget},
      {"objective_value", r.objective_value},
      {"objective_unhedged", r.objective_unhedged},
      {"tail_covered", r.tail_covered},
      {"rounding_note", r.rounding_note},
      {"greeks_before", greeks_json(r.before)},
      {"greeks_after", greeks_json(r.after)},
      {"residuals", residuals},
      {"break_even_prices", r.break_even_prices}};
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
