#include "alvh/amm/position_model.hpp"

#include <algorithm>
#include <cmath>

#include "alvh/core/error.hpp"

namespace alvh::amm {

namespace {
// 1/sqrt(p) with 1/sqrt(inf) = 0, so the v2 range needs no special case.
double inv_sqrt(double p) { return std::isinf(p) ? 0.0 : 1.0 / std::sqrt(p); }
}  // namespace

void validate(const PriceRange& r) {
  require(r.lower >= 0.0 && std::isfinite(r.lower), "range lower price", "a finite number >= 0", r.lower);
  require(r.upper > 0.0 && !std::isnan(r.upper), "range upper price", "a number > 0", r.upper);
  require(r.lower < r.upper, "range lower price", "below the upper price", r.lower);
}

TokenAmounts amounts_for_liquidity(const PriceRange& r, double L, double P) {
  // Clamp P into [pa, pb]: below the range all is X, above it all is Y (whitepaper 6.29-6.30).
  const double p = std::clamp(P, r.lower, r.upper);
  if (std::isinf(p)) return {0.0, std::numeric_limits<double>::infinity()};
  const double sp = std::sqrt(p);
  return {L * (inv_sqrt(p) - inv_sqrt(r.upper)), L * (sp - std::sqrt(r.lower))};
}

double lp_value(const PriceRange& r, double L, double P) {
  const auto a = amounts_for_liquidity(r, L, P);
  return a.amount0 * P + a.amount1;
}

double value_per_liquidity(const PriceRange& r, double P) { return lp_value(r, 1.0, P); }

double liquidity_for_capital(const PriceRange& r, double capital, double P) {
  validate(r);
  require(P > 0.0 && std::isfinite(P), "price", "a finite number > 0", P);
  require(capital > 0.0 && std::isfinite(capital), "capital", "a finite number > 0", capital);
  return capital / value_per_liquidity(r, P);
}

double liquidity_for_amounts(const PriceRange& r, const TokenAmounts& a, double P) {
  validate(r);
  const double p = std::clamp(P, r.lower, r.upper);
  const double per0 = inv_sqrt(p) - inv_sqrt(r.upper);  // X per unit L
  const double per1 = std::sqrt(p) - std::sqrt(r.lower);  // Y per unit L
  if (P <= r.lower) return a.amount0 / per0;
  if (P >= r.upper) return a.amount1 / per1;
  return std::min(a.amount0 / per0, a.amount1 / per1);
}

double lp_delta(const PriceRange& r, double L, double P) { return amounts_for_liquidity(r, L, P).amount0; }

double lp_gamma(const PriceRange& r, double L, double P) {
  if (!r.contains(P)) return 0.0;
  return -L / (2.0 * P * std::sqrt(P));
}

double hodl_value(const PriceRange& r, double L, double P0, double P) {
  const auto a0 = amounts_for_liquidity(r, L, P0);
  return a0.amount0 * P + a0.amount1;
}

double impermanent_loss(const PriceRange& r, double P0, double P) {
  validate(r);
  require(P0 > 0.0 && std::isfinite(P0), "entry price", "a finite number > 0", P0);
  require(P > 0.0 && std::isfinite(P), "price", "a finite number > 0", P);
  // Work per unit liquidity: IL does not depend on L.
  return lp_value(r, 1.0, P) / hodl_value(r, 1.0, P0, P) - 1.0;
}

double lvr_rate(const PriceRange& r, double L, double P, double vol) {
  if (!r.contains(P)) return 0.0;
  // sigma^2 P^2/2 * L/(2 P^{3/2}) = sigma^2 L sqrt(P)/4
  return vol * vol * L * std::sqrt(P) / 4.0;
}

double capital_efficiency(const PriceRange& r) {
  validate(r);
  if (r.is_full()) return 1.0;
  return 1.0 / (1.0 - std::sqrt(std::sqrt(r.lower / r.upper)));
}

}  // namespace alvh::amm
