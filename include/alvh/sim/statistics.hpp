#pragma once
// Distribution statistics of per-path terminal values.
//
// Sign conventions (docs/sim.md): P&L = V_T - V_0 with V_0 the initial capital. VaR_a and
// CVaR_a are reported as POSITIVE LOSSES relative to the initial capital: VaR_a = V_0 -
// q_{1-a}(V_T) (negative when even the (1-a) quantile is a gain), CVaR_a = V_0 - mean of the
// worst ceil((1-a) n) terminal values (expected shortfall, Acerbi and Tasche 2002). Quantiles
// use linear interpolation between order statistics (Hyndman-Fan type 7, numpy's default).
// The IRR of a path is the annualised log return ln(V_T/V_0)/T (continuously compounded; -inf
// if V_T <= 0). All sums run in path order, so results do not depend on threads.
#include <span>
#include <utility>
#include <vector>

namespace alvh::sim {

struct DistributionStats {
  double mean = 0.0;
  double stdev = 0.0;      // sample standard deviation (n - 1)
  double std_error = 0.0;  // stdev / sqrt(n)
  double min = 0.0;
  double max = 0.0;
  std::vector<std::pair<double, double>> quantiles;  // (level, value)
  double var95 = 0.0, cvar95 = 0.0, var99 = 0.0, cvar99 = 0.0;
  double prob_loss = 0.0;  // P(V_T < V_0)
  double irr_mean = 0.0;   // mean annualised log return
  std::vector<std::pair<double, double>> irr_quantiles;
};

// Default quantile levels reported by the CLI.
inline const std::vector<double>& default_quantile_levels() {
  static const std::vector<double> levels{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
  return levels;
}

// Compensated (Neumaier) sum in index order.
double stable_sum(std::span<const double> x);
double mean(std::span<const double> x);

// Type-7 quantile of already sorted data, 0 <= level <= 1.
double sorted_quantile(std::span<const double> sorted, double level);

// Summary of terminal values against initial value v0 over horizon t_years (> 0).
// Throws DomainError on an empty sample.
DistributionStats summarize(std::span<const double> terminal, double v0, double t_years,
                            const std::vector<double>& quantile_levels = default_quantile_levels());

}  // namespace alvh::sim
