#include "alvh/risk/position_risk.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "alvh/core/error.hpp"
#include "alvh/options/black.hpp"
#include "alvh/risk/quadrature.hpp"

namespace alvh::risk {

namespace {

using options::norm_cdf;

// E[S^p 1{S < K}] for lognormal S with forward F and total std dev s > 0 (see header).
double partial_moment(double p, double K, double F, double s) {
  const double scale = std::pow(F, p) * std::exp(p * (p - 1.0) * s * s / 2.0);
  if (K <= 0.0) return 0.0;
  if (std::isinf(K)) return scale;
  return scale * norm_cdf((std::log(K / F) + (0.5 - p) * s * s) / s);
}

// Closed-form expectation shared by the scalar report and the batch kernel (no validation).
double expected_value_impl(double pa, double pb, double L, double F, double s) {
  const bool has_lower = pa > 0.0, has_upper = std::isfinite(pb);
  const double inv_sqrt_pb = has_upper ? 1.0 / std::sqrt(pb) : 0.0;
  const double sqrt_pa = std::sqrt(pa);
  if (!(s > 0.0)) return amm::lp_value(amm::PriceRange{pa, pb}, L, F);  // degenerate: S_T = F
  const double g0a = has_lower ? partial_moment(0.0, pa, F, s) : 0.0;
  const double g0b = has_upper ? partial_moment(0.0, pb, F, s) : 1.0;
  const double gha = has_lower ? partial_moment(0.5, pa, F, s) : 0.0;
  const double ghb = partial_moment(0.5, pb, F, s);
  const double g1a = has_lower ? partial_moment(1.0, pa, F, s) : 0.0;
  const double g1b = partial_moment(1.0, pb, F, s);
  double ev = L * (2.0 * (ghb - gha) - (g1b - g1a) * inv_sqrt_pb - sqrt_pa * (g0b - g0a));  // in range
  if (has_lower) ev += L * (1.0 / sqrt_pa - inv_sqrt_pb) * g1a;                                // all X below pa
  if (has_upper) ev += L * (std::sqrt(pb) - sqrt_pa) * (1.0 - g0b);                           // all Y above pb
  return ev;
}

double expected_value_vega_impl(double pa, double pb, double L, double F, double vol, double T) {
  const double s = vol * std::sqrt(T);
  if (!(s > 0.0)) {
    // Limit s -> 0: the bracket is 1 if pa < F < pb (else 0) and s e^{-s^2/8} -> 0.
    return 0.0;
  }
  const double na = pa > 0.0 ? norm_cdf(std::log(F / pa) / s) : 1.0;
  const double nb = std::isfinite(pb) ? norm_cdf(std::log(F / pb) / s) : 0.0;
  return -0.5 * L * std::sqrt(F) * std::sqrt(T) * s * std::exp(-s * s / 8.0) * (na - nb);
}

}  // namespace

void validate(const PositionInputs& in) {
  amm::validate(in.range);
  require(in.price > 0.0 && std::isfinite(in.price), "price", "a finite number > 0", in.price);
  if (!(in.liquidity > 0.0))
    require(in.capital > 0.0 && std::isfinite(in.capital), "capital", "a finite number > 0", in.capital);
  require(std::isfinite(in.liquidity) && in.liquidity >= 0.0, "liquidity", "a finite number >= 0", in.liquidity);
  require(in.vol_annual >= 0.0 && std::isfinite(in.vol_annual), "vol", "a finite number >= 0", in.vol_annual);
  require(in.fee_apr >= 0.0 && std::isfinite(in.fee_apr), "fee APR", "a finite number >= 0", in.fee_apr);
  require(in.horizon_years > 0.0 && std::isfinite(in.horizon_years), "horizon (years)", "a finite number > 0",
          in.horizon_years);
  require(std::isfinite(in.rate), "rate", "a finite number", in.rate);
}

double expected_lp_value(const amm::PriceRange& range, double L, double F, double vol, double T) {
  amm::validate(range);
  require(F > 0.0 && std::isfinite(F), "forward", "a finite number > 0", F);
  require(vol >= 0.0 && std::isfinite(vol), "vol", "a finite number >= 0", vol);
  require(T >= 0.0 && std::isfinite(T), "time (years)", "a finite number >= 0", T);
  return expected_value_impl(range.lower, range.upper, L, F, vol * std::sqrt(T));
}

double expected_lp_value_vega(const amm::PriceRange& range, double L, double F, double vol, double T) {
  amm::validate(range);
  require(F > 0.0 && std::isfinite(F), "forward", "a finite number > 0", F);
  require(vol >= 0.0 && std::isfinite(vol), "vol", "a finite number >= 0", vol);
  require(T >= 0.0 && std::isfinite(T), "time (years)", "a finite number >= 0", T);
  return expected_value_vega_impl(range.lower, range.upper, L, F, vol, T);
}

double expected_lp_value_quadrature(const amm::PriceRange& range, double L, double F, double vol, double T,
                                    std::size_t n) {
  amm::validate(range);
  require(F > 0.0 && vol > 0.0 && T > 0.0, "forward, vol and time", "all > 0", std::min({F, vol, T}));
  const double s = vol * std::sqrt(T), zmax = 12.0;
  auto z_of = [&](double K) { return (std::log(K / F) + 0.5 * s * s) / s; };
  std::vector<double> cuts{-zmax};
  if (range.lower > 0.0) cuts.push_back(std::clamp(z_of(range.lower), -zmax, zmax));
  if (std::isfinite(range.upper)) cuts.push_back(std::clamp(z_of(range.upper), -zmax, zmax));
  cuts.push_back(zmax);
  double sum = 0.0;
  for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
    if (!(cuts[c + 1] > cuts[c])) continue;
    const auto rule = gauss_legendre(n, cuts[c], cuts[c + 1]);
    for (std::size_t i = 0; i < n; ++i) {
      const double z = rule.nodes[i];
      const double S = F * std::exp(s * z - 0.5 * s * s);
      const double phi = options::norm_pdf(z);
      sum += rule.weights[i] * amm::lp_value(range, L, S) * phi;
    }
  }
  return sum;
}

double fee_implied_vol(const amm::PriceRange& range, double price, double fee_apr) {
  require(fee_apr >= 0.0 && std::isfinite(fee_apr), "fee APR", "a finite number >= 0", fee_apr);
  if (!range.contains(price)) return kNaN;
  // fee_apr V = sigma^2 L sqrt(P) / 4  =>  sigma = sqrt(4 fee_apr (V/L) / sqrt(P))
  return std::sqrt(4.0 * fee_apr * amm::value_per_liquidity(range, price) / std::sqrt(price));
}

double lambert_fee_implied_vol(double fee_tier, double volume_per_day, double tick_tvl) {
  require(fee_tier >= 0.0 && fee_tier < 1.0, "fee tier", "a fraction in [0, 1)", fee_tier);
  require(volume_per_day >= 0.0 && std::isfinite(volume_per_day), "daily volume", "a finite number >= 0",
          volume_per_day);
  require(tick_tvl > 0.0 && std::isfinite(tick_tvl), "tick TVL", "a finite number > 0", tick_tvl);
  return 2.0 * fee_tier * std::sqrt(volume_per_day / tick_tvl) * std::sqrt(365.0);
}

double fee_apr_from_volume(double fee_tier, double volume_per_day, double tvl) {
  require(fee_tier >= 0.0 && fee_tier < 1.0, "fee tier", "a fraction in [0, 1)", fee_tier);
  require(volume_per_day >= 0.0 && std::isfinite(volume_per_day), "daily volume", "a finite number >= 0",
          volume_per_day);
  require(tvl > 0.0 && std::isfinite(tvl), "TVL", "a finite number > 0", tvl);
  return fee_tier * volume_per_day * 365.0 / tvl;
}

BreakEven break_even_prices(const amm::PriceRange& r, double L, double P, double fees) {
  require(fees >= 0.0 && std::isfinite(fees), "fees over the horizon", "a finite number >= 0", fees);
  BreakEven be;
  if (!r.contains(P) || !(L > 0.0)) return be;
  const auto a0 = amm::amounts_for_liquidity(r, L, P);  // HODL keeps (x0, y0)
  const double sp = std::sqrt(P), d = std::sqrt(fees * sp / L);
  // Below: in range while (sqrt P - d)^2 >= pa; beyond pa, V_LP - V_HODL = (x_a - x0) S - y0 (linear).
  if (sp - d > 0.0 && (sp - d) * (sp - d) >= r.lower) {
    be.lower = (sp - d) * (sp - d);
  } else if (r.lower > 0.0) {
    const double xa = amm::amounts_for_liquidity(r, L, r.lower).amount0;
    if (a0.amount1 > fees) be.lower = (a0.amount1 - fees) / (xa - a0.amount0);
  }
  // Above: beyond pb, V_LP - V_HODL = y_b - x0 S - y0.
  if ((sp + d) * (sp + d) <= r.upper) {
    be.upper = (sp + d) * (sp + d);
  } else {
    const double yb = amm::amounts_for_liquidity(r, L, r.upper).amount1;
    be.upper = (yb - a0.amount1 + fees) / a0.amount0;
  }
  return be;
}

RiskReport risk_report(const PositionInputs& in) {
  validate(in);
  const auto& r = in.range;
  RiskReport o;
  const double P = in.price, T = in.horizon_years;
  o.liquidity = in.liquidity > 0.0 ? in.liquidity : amm::liquidity_for_capital(r, in.capital, P);
  const double L = o.liquidity;
  const auto a = amm::amounts_for_liquidity(r, L, P);
  o.amount0 = a.amount0;
  o.amount1 = a.amount1;
  o.value = amm::lp_value(r, L, P);
  o.delta = amm::lp_delta(r, L, P);
  o.gamma = amm::lp_gamma(r, L, P);
  o.dollar_gamma = 0.5 * o.gamma * P * P;
  o.lvr_rate_annual = amm::lvr_rate(r, L, P, in.vol_annual);
  // Fees accrue only while in range; the horizon figure assumes the position stays in range.
  o.fee_income_annual = r.contains(P) ? in.fee_apr * o.value : 0.0;
  o.theta_per_day = (o.fee_income_annual - o.lvr_rate_annual) / 365.0;
  o.fees_horizon = o.fee_income_annual * T;
  o.forward = P * std::exp(in.rate * T);
  const double s = in.vol_annual * std::sqrt(T);
  o.expected_lp_value = expected_value_impl(r.lower, r.upper, L, o.forward, s);
  o.expected_hodl_value = a.amount0 * o.forward + a.amount1;
  o.expected_il = o.expected_lp_value - o.expected_hodl_value;
  o.expected_il_pct = o.expected_il / o.value;
  o.vega_il = expected_value_vega_impl(r.lower, r.upper, L, o.forward, in.vol_annual, T);
  for (int k = -3; k <= 3; ++k) {
    const double S = P * std::exp(k * s);
    o.price_at_sigma[static_cast<std::size_t>(k + 3)] = S;
    o.il_at_sigma[static_cast<std::size_t>(k + 3)] = amm::impermanent_loss(r, P, S);
  }
  o.fee_implied_vol = in.fee_apr > 0.0 ? fee_implied_vol(r, P, in.fee_apr) : kNaN;
  const auto be = break_even_prices(r, L, P, o.fees_horizon);
  o.break_even_lower = be.lower;
  o.break_even_upper = be.upper;
  return o;
}

void risk_report_batch(const PositionBatchIn& in, const PositionBatchOut& out, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    const double P = in.price[i], pa = in.range_lower[i], pb = in.range_upper[i], vol = in.vol_annual[i];
    const double T = in.horizon_years[i], fee_apr = in.fee_apr[i];
    const bool ok = P > 0.0 && std::isfinite(P) && pa >= 0.0 && pa < pb && vol >= 0.0 && T > 0.0 &&
                    in.capital[i] > 0.0 && fee_apr >= 0.0;
    if (!ok) {
      for (auto sp : {out.liquidity, out.value, out.delta, out.gamma, out.lvr_rate_annual, out.theta_per_day,
                      out.expected_il, out.vega_il, out.fee_implied_vol})
        sp[i] = kNaN;
      continue;
    }
    // Same closed forms as risk_report (REFERENCES.md §4b/§4d), inlined without validation.
    const amm::PriceRange range{pa, pb};
    const double vpl = amm::value_per_liquidity(range, P);
    const double L = in.capital[i] / vpl;
    const auto a = amm::amounts_for_liquidity(range, L, P);
    const bool inside = P > pa && P < pb;
    const double sqrt_p = std::sqrt(P);
    const double lvr = inside ? vol * vol * L * sqrt_p / 4.0 : 0.0;
    const double fee_income = inside ? fee_apr * in.capital[i] : 0.0;
    const double s = vol * std::sqrt(T);
    out.liquidity[i] = L;
    out.value[i] = in.capital[i];
    out.delta[i] = a.amount0;
    out.gamma[i] = inside ? -L / (2.0 * P * sqrt_p) : 0.0;
    out.lvr_rate_annual[i] = lvr;
    out.theta_per_day[i] = (fee_income - lvr) / 365.0;
    out.expected_il[i] = expected_value_impl(pa, pb, L, P, s) - (a.amount0 * P + a.amount1);
    out.vega_il[i] = expected_value_vega_impl(pa, pb, L, P, vol, T);
    out.fee_implied_vol[i] = inside && fee_apr > 0.0 ? std::sqrt(4.0 * fee_apr * vpl / sqrt_p) : kNaN;
  }
}

}  // namespace alvh::risk
