#include "alvh/report/position_analysis.hpp"

#include <algorithm>
#include <cmath>

#include "alvh/core/error.hpp"

namespace alvh::report {

double fee_income_in_range(const PositionSpec& s) {
  return s.fee_apr * s.capital * s.horizon_years;
}

double option_legs_value(const std::vector<OptionLeg>& legs, double price, double t_years, double vol) {
  double v = 0.0;
  for (const auto& leg : legs) {
    const double tau = leg.expiry_years - t_years;
    double unit = 0.0;
    if (tau <= 0.0)
      unit = leg.type == options::OptionType::Call ? std::max(price - leg.strike, 0.0) : std::max(leg.strike - price, 0.0);
    else
      unit = options::bsm_price(leg.type, price, leg.strike, tau, 0.0, 0.0, vol);
    v += leg.quantity * unit;
  }
  return v;
}

static double legs_premium(const std::vector<OptionLeg>& legs) {
  double p = 0.0;
  for (const auto& leg : legs) p += leg.quantity * leg.premium;
  return p;
}

std::vector<double> zero_crossings(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> out;
  for (std::size_t i = 1; i < x.size() && i < y.size(); ++i) {
    const double a = y[i - 1], b = y[i];
    if (a == 0.0) {
      if (out.empty() || out.back() != x[i - 1]) out.push_back(x[i - 1]);
    } else if ((a < 0.0) != (b < 0.0) && b != 0.0) {
      out.push_back(x[i - 1] + (x[i] - x[i - 1]) * a / (a - b));
    }
  }
  return out;
}

PayoffCurves payoff_at_horizon(const PositionSpec& s, const std::vector<OptionLeg>& legs, int points,
                               std::optional<double> lo, std::optional<double> hi) {
  amm::validate(s.range);
  require(s.price > 0.0 && std::isfinite(s.price), "price", "a finite number > 0", s.price);
  require(s.capital > 0.0 && std::isfinite(s.capital), "capital", "a finite number > 0", s.capital);
  require(points >= 3, "points", ">= 3", points);
  const double p_lo = lo.value_or(std::min(0.4 * s.price, s.range.lower * 0.8));
  const double p_hi = hi.value_or(std::max(1.6 * s.price, std::isfinite(s.range.upper) ? s.range.upper * 1.2 : 0.0));
  require(p_lo > 0.0 && p_hi > p_lo, "price grid", "0 < lo < hi", p_hi - p_lo);

  const double L = amm::liquidity_for_capital(s.range, s.capital, s.price);
  PayoffCurves c;
  c.fee_income = fee_income_in_range(s);
  const double premium = legs_premium(legs);
  for (int i = 0; i < points; ++i) {
    const double p = p_lo + (p_hi - p_lo) * i / (points - 1);
    c.price.push_back(p);
    c.hodl.push_back(amm::hodl_value(s.range, L, s.price, p) - s.capital);
    const double lp = amm::lp_value(s.range, L, p) + c.fee_income - s.capital;
    c.lp.push_back(lp);
    if (!legs.empty()) c.lp_hedged.push_back(lp + option_legs_value(legs, p, s.horizon_years, s.vol) - premium);
  }
  c.lp_break_evens = zero_crossings(c.price, c.lp);
  if (!legs.empty()) c.lp_hedged_break_evens = zero_crossings(c.price, c.lp_hedged);
  return c;
}

GreekCurves greeks_vs_price(const PositionSpec& s, const std::vector<OptionLeg>& legs, int points) {
  amm::validate(s.range);
  const double L = amm::liquidity_for_capital(s.range, s.capital, s.price);
  const double p_lo = std::min(0.4 * s.price, s.range.lower * 0.8);
  const double p_hi = std::max(1.6 * s.price, std::isfinite(s.range.upper) ? s.range.upper * 1.2 : 0.0);
  GreekCurves g;
  for (int i = 0; i < points; ++i) {
    const double p = p_lo + (p_hi - p_lo) * i / (points - 1);
    g.price.push_back(p);
    const double d = amm::lp_delta(s.range, L, p);
    const double gm = amm::lp_gamma(s.range, L, p);
    g.lp_delta.push_back(d);
    g.lp_gamma.push_back(gm);
    g.lp_dollar_gamma.push_back(0.5 * gm * p * p);
    if (!legs.empty()) {
      double hd = d, hg = gm;
      for (const auto& leg : legs) {
        if (leg.expiry_years <= 0.0) continue;
        const auto gr = options::bsm_greeks(leg.type, p, leg.strike, leg.expiry_years, 0.0, 0.0, s.vol);
        hd += leg.quantity * gr.delta;
        hg += leg.quantity * gr.gamma;
      }
      g.hedged_delta.push_back(hd);
      g.hedged_gamma.push_back(hg);
    }
  }
  return g;
}

}  // namespace alvh::report
