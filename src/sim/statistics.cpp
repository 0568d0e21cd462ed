#include "alvh/sim/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "alvh/core/error.hpp"

namespace alvh::sim {

double stable_sum(std::span<const double> x) {
  double s = 0.0, c = 0.0;  // Neumaier's improved Kahan summation
  for (double v : x) {
    const double t = s + v;
    c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return s + c;
}

double mean(std::span<const double> x) { return x.empty() ? 0.0 : stable_sum(x) / static_cast<double>(x.size()); }

double sorted_quantile(std::span<const double> sorted, double level) {
  require(!sorted.empty(), "quantile sample size", "at least 1", 0.0);
  require(level >= 0.0 && level <= 1.0, "quantile level", "a number in [0, 1]", level);
  const double h = (static_cast<double>(sorted.size()) - 1.0) * level;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

DistributionStats summarize(std::span<const double> terminal, double v0, double t_years,
                            const std::vector<double>& levels) {
  require(!terminal.empty(), "number of paths", "at least 1", 0.0);
  require(t_years > 0.0, "horizon t_years", "a number > 0", t_years);
  const auto n = terminal.size();
  const double dn = static_cast<double>(n);
  DistributionStats s;
  s.mean = mean(terminal);
  std::vector<double> dev(n);
  for (std::size_t i = 0; i < n; ++i) dev[i] = (terminal[i] - s.mean) * (terminal[i] - s.mean);
  s.stdev = n > 1 ? std::sqrt(stable_sum(dev) / (dn - 1.0)) : 0.0;
  s.std_error = s.stdev / std::sqrt(dn);

  std::vector<double> sorted(terminal.begin(), terminal.end());
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  for (double q : levels) s.quantiles.emplace_back(q, sorted_quantile(sorted, q));
  auto tail = [&](double alpha, double& var, double& cvar) {
    var = v0 - sorted_quantile(sorted, 1.0 - alpha);
    const auto k = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil((1.0 - alpha) * dn - 1e-9)));
    cvar = v0 - mean(std::span<const double>(sorted.data(), k));
  };
  tail(0.95, s.var95, s.cvar95);
  tail(0.99, s.var99, s.cvar99);
  s.prob_loss = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), v0) - sorted.begin()) / dn;

  // IRR: ln(V_T/V_0)/T is monotone in V_T, so its quantiles are those of V_T mapped.
  auto irr = [&](double v) {
    return v > 0.0 ? std::log(v / v0) / t_years : -std::numeric_limits<double>::infinity();
  };
  for (std::size_t i = 0; i < n; ++i) dev[i] = irr(terminal[i]);
  s.irr_mean = mean(dev);
  for (double q : levels) s.irr_quantiles.emplace_back(q, irr(sorted_quantile(sorted, q)));
  return s;
}

}  // namespace alvh::sim
