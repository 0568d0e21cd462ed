#include "alvh/hedge/hedge_request.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace alvh::hedge {

namespace {
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json greeks_json(const GreeksSummary& g) {
  return {{"delta", jnum(g.delta)}, {"gamma", jnum(g.gamma)}, {"vega", jnum(g.vega)}};
}
}  // namespace

HedgeDensity parse_density(const std::string& name) {
  if (name == "auto") return HedgeDensity::Auto;
  if (name == "smile") return HedgeDensity::Smile;
  if (name == "lognormal") return HedgeDensity::Lognormal;
  throw DomainError("density: expected 'auto', 'smile' or 'lognormal', got '" + name + "'");
}

HedgeObjective parse_objective(const std::string& name, const std::string& what) {
  if (name == "variance") return HedgeObjective::Variance;
  if (name == "cvar") return HedgeObjective::CVaR;
  throw DomainError(what + ": expected 'variance' or 'cvar', got '" + name + "'");
}

void attach_chain(HedgeSpec& spec, const options::OptionChain& chain) {
  spec.quotes = chain.quotes;
  spec.chain_underlying = chain.underlying;
  spec.chain_spot = chain.spot;
  const double horizon = spec.position.horizon_years;
  double T = std::numeric_limits<double>::infinity(), t_max = 0.0;
  for (const auto& q : chain.quotes) {
    if (q.expiry_years >= horizon * (1 - 1e-9)) T = std::min(T, q.expiry_years);
    t_max = std::max(t_max, q.expiry_years);
  }
  if (std::isinf(T)) T = t_max;
  for (const auto& q : chain.quotes)
    if (std::abs(q.expiry_years - T) < 0.5 / 365.0 && std::isfinite(q.underlying_price) && q.underlying_price > 0) {
      spec.chain_forward = q.underlying_price;
      break;
    }
}

void attach_synthetic_chain(HedgeSpec& spec, double strike_step, double half_spread_vol) {
  const auto& pos = spec.position;
  const double F = pos.price * std::exp(pos.rate * pos.horizon_years);
  const double step = strike_step > 0.0 ? strike_step : 0.02 * pos.price;
  spec.quotes = synthetic_quotes(F, pos.horizon_years, pos.vol_annual, step, 0.4, 2.5, half_spread_vol);
}

nlohmann::json hedge_result_json(const HedgeSpec& spec, const HedgeResult& r) {
  const auto& pos = spec.position;
  nlohmann::json legs = nlohmann::json::array();
  for (const auto& l : r.legs) {
    auto j = to_json(l.leg);
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
  const bool v2 = pos.range.is_full();
  return {{"position",
           {{"price", pos.price},
            {"range_lower", pos.range.lower},
            {"range_upper", v2 ? nlohmann::json(nullptr) : nlohmann::json(pos.range.upper)},
            {"capital", pos.capital},
            {"v2", v2},
            {"vol", pos.vol_annual},
            {"fee_apr", pos.fee_apr},
            {"horizon_days", pos.horizon_years * 365.0}}},
          {"objective", spec.objective == HedgeObjective::CVaR ? "cvar" : "variance"},
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
          {"density", r.density},
          {"legs", legs},
          {"forward_quantity", r.forward_quantity},
          {"total_premium", r.total_premium},
          {"total_cost", r.total_cost},
          {"cost_pct_capital", r.cost_pct_capital},
          {"cost_annualised_pct", r.cost_annualised_pct},
          {"fee_apr", r.fee_apr},
          {"parity_saving", r.parity_saving},
          {"min_feasible_budget", jnum(r.min_feasible_budget)},
          {"objective_value", jnum(r.objective_value)},
          {"objective_unhedged", jnum(r.objective_unhedged)},
          {"tail_covered", r.tail_covered},
          {"rounding_note", r.rounding_note},
          {"greeks_before", greeks_json(r.before)},
          {"greeks_after", greeks_json(r.after)},
          {"residuals", residuals},
          {"break_even_prices", r.break_even_prices}};
}

}  // namespace alvh::hedge
