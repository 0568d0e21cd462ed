#pragma once
// The LP position as a short-volatility trade: greeks, expected impermanent loss under a
// lognormal terminal price, its vega, theta (fees minus LVR), IL at sigma moves, fee-implied
// volatility and break-even moves. Built on alvh/amm/position_model.hpp.
//
// Conventions (docs/risk-hedge.md): X = risky token0, Y = numeraire token1, P = Y per X;
// money in Y; vol annualised; time in years (ACT/365); the position is opened now at P, so
// HODL keeps the amounts (x0, y0) held at P. "IL" in Y is V_LP(S_T) - V_HODL(S_T) <= 0.
// Under the pricing measure S_T is lognormal with forward F = P e^{rT} and vol sigma.
#include <array>
#include <cstddef>
#include <limits>
#include <span>

#include "alvh/amm/position_model.hpp"

namespace alvh::risk {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct PositionInputs {
  amm::PriceRange range;          // PriceRange::full() for Uniswap v2
  double price = kNaN;            // current price P (Y per X)
  double capital = kNaN;          // Y deposited; used when liquidity is not > 0
  double liquidity = 0.0;         // L; overrides capital when > 0
  double vol_annual = kNaN;       // sigma of P, annualised
  double fee_apr = 0.0;           // expected fee income per year as a fraction of position value, while in range
  double horizon_years = 30.0 / 365.0;
  double rate = 0.0;              // continuously compounded; forward F = P e^{rT}
};

// Throws DomainError naming the field on invalid inputs (price <= 0, vol < 0, horizon <= 0, ...).
void validate(const PositionInputs& in);

struct RiskReport {
  double liquidity = 0, amount0 = 0, amount1 = 0, value = 0;
  double delta = 0;              // dV/dP = x (X units)
  double gamma = 0;              // d2V/dP2 (X per Y)
  double dollar_gamma = 0;       // gamma P^2 / 2 (Y)
  double lvr_rate_annual = 0;    // Milionis et al. (2022): sigma^2 L sqrt(P)/4 in range (Y/year)
  double fee_income_annual = 0;  // fee_apr * value (Y/year)
  double theta_per_day = 0;      // (fee income - LVR)/365 (Y/day)
  double forward = 0;            // F = P e^{rT}
  double expected_lp_value = 0;    // E[V_LP(S_T)] (undiscounted, Y)
  double expected_hodl_value = 0;  // E[V_HODL(S_T)] = x0 F + y0
  double expected_il = 0;          // E[V_LP - V_HODL] at the horizon (Y, <= 0 for r = 0)
  double expected_il_pct = 0;      // expected_il / value
  double vega_il = 0;              // d expected_il / d sigma (Y per 1.00 vol)
  double fees_horizon = 0;         // fee_apr * value * T (Y)
  std::array<double, 7> price_at_sigma{};  // P exp(k sigma sqrt(T)), k = -3..3
  std::array<double, 7> il_at_sigma{};     // V_LP/V_HODL - 1 at those prices
  double fee_implied_vol = kNaN;   // vol at which fee income = LVR (NaN out of range / no fees)
  double break_even_lower = kNaN;  // price below P where fees over the horizon = |IL| (NaN: none)
  double break_even_upper = kNaN;  // price above P where fees over the horizon = |IL| (NaN: none)
};

RiskReport risk_report(const PositionInputs& in);

// E[V_LP(S_T)] in closed form for lognormal S_T (forward F, total std dev s = sigma sqrt(T)),
// from the partial moments E[S^p 1{S<K}] = F^p e^{p(p-1)s^2/2} N((ln(K/F) + (1/2 - p) s^2)/s)
// with p = 0, 1/2, 1 on the three pieces of V (REFERENCES.md §4b, §4d).
double expected_lp_value(const amm::PriceRange& range, double liquidity, double forward, double vol_annual,
                         double t_years);

// d E[V_LP(S_T)] / d sigma in closed form: -(L/2) sqrt(F) sqrt(T) s e^{-s^2/8}
// [N(ln(F/pa)/s) - N(ln(F/pb)/s)] (the Carr-Madan strip's vega, integrated analytically).
double expected_lp_value_vega(const amm::PriceRange& range, double liquidity, double forward, double vol_annual,
                              double t_years);

// The same expectation by n-point Gauss-Legendre quadrature of the payoff against the normal
// density in z = (ln(S/F) + s^2/2)/s on [-12, 12], split at the range ends (a cross-check).
double expected_lp_value_quadrature(const amm::PriceRange& range, double liquidity, double forward,
                                    double vol_annual, double t_years, std::size_t n_per_piece = 64);

// Fee-implied vol (Milionis et al. 2022): fees fee_apr*V equal LVR sigma^2 L sqrt(P)/4 when
// sigma = sqrt(4 fee_apr V / (L sqrt P)); for v2 (V = 2 L sqrt P) this is sqrt(8 fee_apr).
// NaN when the price is outside the range (no LVR, no fees).
double fee_implied_vol(const amm::PriceRange& range, double price, double fee_apr);

// Lambert (2021), "On-chain Volatility and Uniswap v3" (REFERENCES.md §4e):
// IV_annual = 2 gamma sqrt(volume_per_day / tick_tvl) sqrt(365), gamma = fee tier (fraction).
double lambert_fee_implied_vol(double fee_tier, double volume_per_day, double tick_tvl);

// Pool fee APR from volume and TVL: fee_tier * volume_per_day * 365 / tvl (v2: every LP earns it).
double fee_apr_from_volume(double fee_tier, double volume_per_day, double tvl);

// Prices below/above P at which V_LP - V_HODL + fees = 0 (closed form: in range
// sqrt(S) = sqrt(P) -/+ sqrt(fees sqrt(P) / L) from V_LP - V_HODL = -L (sqrt S - sqrt P)^2 / sqrt P,
// linear beyond the range ends). NaN when there is none (fees cover the bounded downside).
struct BreakEven {
  double lower = kNaN, upper = kNaN;
};
BreakEven break_even_prices(const amm::PriceRange& range, double liquidity, double price, double fees);

// ---- vectorised report for many positions (structure of arrays) -----------------------------
// range_upper = +inf and range_lower = 0 give a v2 position. All spans have the same length.
struct PositionBatchIn {
  std::span<const double> price, range_lower, range_upper, capital, vol_annual, fee_apr, horizon_years;
};
struct PositionBatchOut {
  std::span<double> liquidity, value, delta, gamma, lvr_rate_annual, theta_per_day, expected_il, vega_il,
      fee_implied_vol;
};
// Fills out[i] for i in [begin, end) with rate 0 (F = P); no allocation, no exceptions: an invalid row gives NaN in
// every output (validate with validate() at the edge when a clear error is wanted).
void risk_report_batch(const PositionBatchIn& in, const PositionBatchOut& out, std::size_t begin, std::size_t end);

}  // namespace alvh::risk
