#pragma once
// Performance metrics over an equity curve, and XIRR. Conventions: returns per bar are log
// returns of NAV; annualisation by bars per year (ACT/365); XIRR uses ACT/365 year fractions and
// annual compounding (the spreadsheet XIRR convention).
#include <cstdint>
#include <span>
#include <vector>

namespace alvh::backtest {

struct CashFlow {
  double t_years;  // from any origin
  double amount;   // + received, - paid
};

// Rate r with sum_k amount_k / (1+r)^(t_k - t_0) = 0 (Newton with bisection fallback). Throws
// DomainError when the flows do not change sign or no root exists in (-0.9999, 1e6).
double xirr(std::span<const CashFlow> flows);

double annualised_vol(std::span<const double> nav, double bars_per_year);
double sharpe_ratio(std::span<const double> nav, double bars_per_year, double risk_free);
double sortino_ratio(std::span<const double> nav, double bars_per_year, double risk_free);
double max_drawdown(std::span<const double> nav);
// Expected shortfall of simple returns over `step` bars at `level` (e.g. 0.95), as a positive loss.
double cvar(std::span<const double> nav, std::size_t step, double level);

}  // namespace alvh::backtest
