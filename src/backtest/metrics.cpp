// Metrics over equity curves; definitions in include/alvh/backtest/metrics.hpp.
#include "alvh/backtest/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "alvh/core/error.hpp"

namespace alvh::backtest {

double xirr(std::span<const CashFlow> flows) {
  bool pos = false, neg = false;
  for (const auto& f : flows) {
    pos |= f.amount > 0;
    neg |= f.amount < 0;
  }
  if (!pos || !neg) throw DomainError("xirr: cash flows must include both payments and receipts");
  const double t0 = flows[0].t_years;
  auto npv = [&](double r, double* d) {
    double v = 0, dv = 0;
    for (const auto& f : flows) {
      const double t = f.t_years - t0, disc = std::pow(1.0 + r, -t);
      v += f.amount * disc;
      dv += -t * f.amount * disc / (1.0 + r);
    }
    if (d) *d = dv;
    return v;
  };
  double r = 0.1;
  for (int it = 0; it < 50; ++it) {  // Newton
    double d = 0;
    const double v = npv(r, &d);
    if (std::abs(v) < 1e-12 * (1 + std::abs(flows[0].amount))) return r;
    if (d == 0 || !std::isfinite(d)) break;
    const double next = r - v / d;
    if (!(next > -0.9999) || !std::isfinite(next)) break;
    if (std::abs(next - r) < 1e-14) return next;
    r = next;
  }
  double lo = -0.9999, hi = 1e6;  // bisection on a bracketing interval
  double flo = npv(lo, nullptr), fhi = npv(hi, nullptr);
  if (flo * fhi > 0) throw DomainError("xirr: no rate in (-0.9999, 1e6) sets the NPV to zero");
  for (int it = 0; it < 300; ++it) {
    const double mid = 0.5 * (lo + hi), fm = npv(mid, nullptr);
    if ((fm < 0) == (flo < 0)) {
      lo = mid;
      flo = fm;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

namespace {
template <class F>
void for_log_returns(std::span<const double> nav, F&& f) {
  for (std::size_t i = 1; i < nav.size(); ++i)
    if (nav[i - 1] > 0 && nav[i] > 0) f(std::log(nav[i] / nav[i - 1]));
}
}  // namespace

double annualised_vol(std::span<const double> nav, double bars_per_year) {
  double s = 0, s2 = 0;
  std::size_t n = 0;
  for_log_returns(nav, [&](double r) {
    s += r;
    s2 += r * r;
    ++n;
  });
  if (n < 2) return 0.0;
  const double m = s / static_cast<double>(n);
  return std::sqrt(std::max(0.0, (s2 - static_cast<double>(n) * m * m) / static_cast<double>(n - 1)) * bars_per_year);
}

double sharpe_ratio(std::span<const double> nav, double bars_per_year, double risk_free) {
  double s = 0;
  std::size_t n = 0;
  for_log_returns(nav, [&](double r) {
    s += r;
    ++n;
  });
  const double vol = annualised_vol(nav, bars_per_year);
  if (n == 0 || vol == 0) return 0.0;
  return (s / static_cast<double>(n) * bars_per_year - risk_free) / vol;
}

double sortino_ratio(std::span<const double> nav, double bars_per_year, double risk_free) {
  double s = 0, down = 0;
  std::size_t n = 0;
  const double rf_bar = risk_free / bars_per_year;
  for_log_returns(nav, [&](double r) {
    s += r;
    const double e = std::min(0.0, r - rf_bar);
    down += e * e;
    ++n;
  });
  if (n == 0 || down == 0) return 0.0;
  const double dd = std::sqrt(down / static_cast<double>(n) * bars_per_year);  // downside deviation (Sortino & Price 1994)
  return (s / static_cast<double>(n) * bars_per_year - risk_free) / dd;
}

double max_drawdown(std::span<const double> nav) {
  double peak = -1e300, mdd = 0;
  for (double v : nav) {
    peak = std::max(peak, v);
    if (peak > 0) mdd = std::max(mdd, 1.0 - v / peak);
  }
  return mdd;
}

double cvar(std::span<const double> nav, std::size_t step, double level) {
  require(level > 0 && level < 1, "cvar level", "in (0, 1)", level);
  if (step == 0) step = 1;
  std::vector<double> r;
  for (std::size_t i = step; i < nav.size(); i += step)
    if (nav[i - step] > 0) r.push_back(nav[i] / nav[i - step] - 1.0);
  if (r.empty()) return 0.0;
  std::sort(r.begin(), r.end());
  const auto k = std::max<std::size_t>(1, static_cast<std::size_t>(std::floor((1.0 - level) * static_cast<double>(r.size()))));
  double s = 0;
  for (std::size_t i = 0; i < k; ++i) s += r[i];
  return -s / static_cast<double>(k);
}

}  // namespace alvh::backtest
