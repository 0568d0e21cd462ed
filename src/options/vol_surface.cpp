// Raw SVI slices and the volatility surface.
// Sources: J. Gatheral, "A parsimonious arbitrage-free implied volatility parameterization",
// Global Derivatives (Madrid, 2004); J. Gatheral, A. Jacquier, "Arbitrage-free SVI volatility
// surfaces", Quantitative Finance 14(1) (2014), sections 2-3; Zeliade Systems, "Quasi-explicit
// calibration of Gatheral's SVI model" (white paper, 2009); R. Lee, "The moment formula for
// implied volatility at extreme strikes", Math. Finance 14 (2004).
#include "alvh/options/vol_surface.hpp"

#include <fmt/format.h>
#include <nlopt.h>

#include <algorithm>
#include <cmath>

#include "alvh/core/error.hpp"
#include "alvh/options/implied_vol.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wextra"
#include <Eigen/Dense>
#include <unsupported/Eigen/LevenbergMarquardt>
#pragma GCC diagnostic pop

namespace alvh::options {

void validate(const SviParams& p) {
  require(std::isfinite(p.a), "SVI a", "a finite number", p.a);
  require(std::isfinite(p.b) && p.b >= 0.0, "SVI b", "a finite number >= 0", p.b);
  require(std::isfinite(p.rho) && std::abs(p.rho) < 1.0, "SVI rho", "a number in (-1, 1)", p.rho);
  require(std::isfinite(p.m), "SVI m", "a finite number", p.m);
  require(std::isfinite(p.sigma) && p.sigma > 0.0, "SVI sigma", "a finite number > 0", p.sigma);
  const double min_w = p.a + p.b * p.sigma * std::sqrt(1.0 - p.rho * p.rho);
  require(min_w >= -1e-14, "SVI minimum total variance a + b sigma sqrt(1 - rho^2)", ">= 0", min_w);
}

double svi_total_variance(const SviParams& p, double k) noexcept {
  const double d = k - p.m;
  return p.a + p.b * (p.rho * d + std::sqrt(d * d + p.sigma * p.sigma));
}

double svi_dw(const SviParams& p, double k) noexcept {
  const double d = k - p.m;
  return p.b * (p.rho + d / std::sqrt(d * d + p.sigma * p.sigma));
}

double svi_d2w(const SviParams& p, double k) noexcept {
  const double d = k - p.m;
  const double r2 = d * d + p.sigma * p.sigma;
  return p.b * p.sigma * p.sigma / (r2 * std::sqrt(r2));
}

double svi_g(const SviParams& p, double k) noexcept {
  const double w = svi_total_variance(p, k), w1 = svi_dw(p, k), w2 = svi_d2w(p, k);
  const double u = 1.0 - k * w1 / (2.0 * w);
  return u * u - 0.25 * w1 * w1 * (1.0 / w + 0.25) + 0.5 * w2;
}

ButterflyCheck check_butterfly(const SviParams& p, double k_lo, double k_hi, int n) {
  ButterflyCheck c{true, std::numeric_limits<double>::infinity(), 0.0, true};
  for (int i = 0; i < n; ++i) {
    const double k = k_lo + (k_hi - k_lo) * i / (n - 1);
    const double w = svi_total_variance(p, k);
    const double g = w > 0.0 ? svi_g(p, k) : -std::numeric_limits<double>::infinity();
    if (g < c.min_g) {
      c.min_g = g;
      c.k_at_min_g = k;
    }
  }
  c.lee_bound_ok = p.b * (1.0 + std::abs(p.rho)) <= 2.0;
  c.arbitrage_free = c.min_g >= 0.0 && c.lee_bound_ok;
  return c;
}

// ---- fit ---------------------------------------------------------------------------------
namespace {

struct FitData {
  std::span<const double> k, w, wt;
  SviParams best{};
};

// Inner problem of the quasi-explicit method: for fixed (m, sigma), w = a + p (k - m) + b R
// with R = sqrt((k-m)^2 + sigma^2) is linear in (a, p = b rho, b). Weighted least squares;
// returns the weighted SSE and the parameters (rho clamped into (-1, 1), b >= 0).
double inner_fit(const FitData& d, double m, double sigma, SviParams& out) {
  const std::size_t n = d.k.size();
  Eigen::MatrixXd A(n, 3);
  Eigen::VectorXd y(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double sw = std::sqrt(d.wt[i]);
    const double dk = d.k[i] - m;
    A(static_cast<Eigen::Index>(i), 0) = sw;
    A(static_cast<Eigen::Index>(i), 1) = sw * dk;
    A(static_cast<Eigen::Index>(i), 2) = sw * std::sqrt(dk * dk + sigma * sigma);
    y(static_cast<Eigen::Index>(i)) = sw * d.w[i];
  }
  Eigen::Vector3d c = A.colPivHouseholderQr().solve(y);
  double b = std::max(c(2), 0.0);
  double rho = b > 0.0 ? std::clamp(c(1) / b, -0.999999, 0.999999) : 0.0;
  out = {c(0), b, rho, m, sigma};
  double sse = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = svi_total_variance(out, d.k[i]) - d.w[i];
    sse += d.wt[i] * r * r;
  }
  return sse;
}

double outer_objective(unsigned /*n*/, const double* x, double* /*grad*/, void* data) {
  auto* d = static_cast<FitData*>(data);
  SviParams p{};
  return inner_fit(*d, x[0], x[1], p);
}

// Residuals sqrt(wt_i) (w(k_i) - w_i) and their analytic Jacobian for Eigen's LM.
struct SviResiduals : Eigen::DenseFunctor<double> {
  const FitData* d;
  SviResiduals(const FitData* data, int n) : Eigen::DenseFunctor<double>(5, n), d(data) {}
  static SviParams params(const Eigen::VectorXd& x) { return {x(0), x(1), x(2), x(3), x(4)}; }
  int operator()(const Eigen::VectorXd& x, Eigen::VectorXd& f) const {
    const SviParams p = params(x);
    for (Eigen::Index i = 0; i < f.size(); ++i) {
      const auto u = static_cast<std::size_t>(i);
      f(i) = std::sqrt(d->wt[u]) * (svi_total_variance(p, d->k[u]) - d->w[u]);
    }
    return 0;
  }
  int df(const Eigen::VectorXd& x, Eigen::MatrixXd& J) const {
    const SviParams p = params(x);
    for (Eigen::Index i = 0; i < J.rows(); ++i) {
      const auto u = static_cast<std::size_t>(i);
      const double sw = std::sqrt(d->wt[u]);
      const double dk = d->k[u] - p.m, R = std::sqrt(dk * dk + p.sigma * p.sigma);
      J(i, 0) = sw;
      J(i, 1) = sw * (p.rho * dk + R);
      J(i, 2) = sw * p.b * dk;
      J(i, 3) = -sw * p.b * (p.rho + dk / R);
      J(i, 4) = sw * p.b * p.sigma / R;
    }
    return 0;
  }
};

}  // namespace

SviParams fit_svi(std::span<const double> k, std::span<const double> total_variance, std::span<const double> weights) {
  const std::size_t n = k.size();
  if (total_variance.size() != n || weights.size() != n)
    throw DomainError("fit_svi: k, total_variance and weights must have the same length");
  if (n < 5) throw DomainError(fmt::format("fit_svi: need at least 5 points, got {}", n));
  for (std::size_t i = 0; i < n; ++i) {
    require(std::isfinite(k[i]), "fit_svi k", "a finite number", k[i]);
    require(std::isfinite(total_variance[i]) && total_variance[i] >= 0.0, "fit_svi total variance",
            "a finite number >= 0", total_variance[i]);
    require(std::isfinite(weights[i]) && weights[i] >= 0.0, "fit_svi weight", "a finite number >= 0", weights[i]);
  }
  FitData d{k, total_variance, weights, {}};
  const auto [kmin_it, kmax_it] = std::minmax_element(k.begin(), k.end());
  const double kmin = *kmin_it, kmax = *kmax_it, span = std::max(kmax - kmin, 1e-3);
  const std::size_t imin =
      static_cast<std::size_t>(std::min_element(total_variance.begin(), total_variance.end()) - total_variance.begin());

  // Outer (m, sigma) by BOBYQA from a few starts (the objective can have local minima).
  double lb[2] = {kmin - span, 1e-4};
  double ub[2] = {kmax + span, 2.0 * span + 1.0};
  double best_sse = std::numeric_limits<double>::infinity();
  double best_x[2] = {k[imin], 0.1 * span};
  const double starts[][2] = {
      {k[imin], 0.1 * span}, {k[imin], 0.5 * span}, {0.5 * (kmin + kmax), 0.2 * span}, {k[imin], 0.02 * span}};
  for (const auto& s0 : starts) {
    nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, 2);
    nlopt_set_lower_bounds(opt, lb);
    nlopt_set_upper_bounds(opt, ub);
    nlopt_set_min_objective(opt, outer_objective, &d);
    nlopt_set_xtol_rel(opt, 1e-12);
    nlopt_set_ftol_abs(opt, 0.0);
    nlopt_set_maxeval(opt, 4000);
    double x[2] = {std::clamp(s0[0], lb[0], ub[0]), std::clamp(s0[1], lb[1], ub[1])};
    double f = 0.0;
    nlopt_optimize(opt, x, &f);  // a non-success code still leaves the best point found
    nlopt_destroy(opt);
    if (f < best_sse) {
      best_sse = f;
      best_x[0] = x[0];
      best_x[1] = x[1];
    }
  }
  SviParams p{};
  inner_fit(d, best_x[0], best_x[1], p);

  // Polish all five parameters with Levenberg-Marquardt; keep the result only if it is valid
  // and no worse.
  SviResiduals f(&d, static_cast<int>(n));
  Eigen::LevenbergMarquardt<SviResiduals> lm(f);
  lm.setXtol(1e-15);
  lm.setFtol(1e-15);
  lm.setMaxfev(2000);
  Eigen::VectorXd x(5);
  x << p.a, p.b, p.rho, p.m, p.sigma;
  lm.minimize(x);
  const SviParams q = SviResiduals::params(x);
  auto sse = [&](const SviParams& s) {
    double acc = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double r = svi_total_variance(s, k[i]) - total_variance[i];
      acc += weights[i] * r * r;
    }
    return acc;
  };
  const bool q_valid = q.b >= 0.0 && std::abs(q.rho) < 1.0 && q.sigma > 0.0 &&
                       q.a + q.b * q.sigma * std::sqrt(1.0 - q.rho * q.rho) >= 0.0 && std::isfinite(q.a);
  if (q_valid && sse(q) <= sse(p)) p = q;
  return p;
}

// ---- surface -------------------------------------------------------------------------------
VolSurface::VolSurface(double spot, std::vector<SviSlice> slices) : spot_(spot), slices_(std::move(slices)) {
  require(std::isfinite(spot) && spot > 0.0, "surface spot", "a finite number > 0", spot);
  if (slices_.empty()) throw DomainError("VolSurface: at least one SVI slice is needed");
  std::sort(slices_.begin(), slices_.end(), [](const SviSlice& a, const SviSlice& b) { return a.t_years < b.t_years; });
  for (std::size_t i = 0; i < slices_.size(); ++i) {
    const auto& s = slices_[i];
    require(std::isfinite(s.t_years) && s.t_years > 0.0, "slice t_years", "a finite number > 0", s.t_years);
    require(std::isfinite(s.forward) && s.forward > 0.0, "slice forward", "a finite number > 0", s.forward);
    validate(s.params);
    if (i > 0 && !(s.t_years > slices_[i - 1].t_years))
      throw DomainError(fmt::format("VolSurface: two slices with the same expiry t_years = {}", s.t_years));
  }
}

double VolSurface::forward(double t) const {
  require(std::isfinite(t) && t >= 0.0, "t_years", "a finite number >= 0", t);
  const auto& first = slices_.front();
  const auto& last = slices_.back();
  if (t <= first.t_years) return spot_ * std::pow(first.forward / spot_, t / first.t_years);
  if (t >= last.t_years) return spot_ * std::pow(last.forward / spot_, t / last.t_years);
  const auto it =
      std::upper_bound(slices_.begin(), slices_.end(), t, [](double v, const SviSlice& s) { return v < s.t_years; });
  const auto& hi = *it;
  const auto& lo = *(it - 1);
  const double u = (t - lo.t_years) / (hi.t_years - lo.t_years);
  return lo.forward * std::pow(hi.forward / lo.forward, u);
}

double VolSurface::total_variance(double k, double t) const {
  require(std::isfinite(t) && t >= 0.0, "t_years", "a finite number >= 0", t);
  require(std::isfinite(k), "log-moneyness k", "a finite number", k);
  const auto& first = slices_.front();
  const auto& last = slices_.back();
  if (t <= first.t_years) return svi_total_variance(first.params, k) * t / first.t_years;
  if (t >= last.t_years) return svi_total_variance(last.params, k) * t / last.t_years;
  const auto it =
      std::upper_bound(slices_.begin(), slices_.end(), t, [](double v, const SviSlice& s) { return v < s.t_years; });
  const auto& hi = *it;
  const auto& lo = *(it - 1);
  const double u = (t - lo.t_years) / (hi.t_years - lo.t_years);
  return (1.0 - u) * svi_total_variance(lo.params, k) + u * svi_total_variance(hi.params, k);
}

double VolSurface::implied_vol(double strike, double t) const {
  require(std::isfinite(strike) && strike > 0.0, "strike", "a finite number > 0", strike);
  require(std::isfinite(t) && t > 0.0, "t_years", "a finite number > 0", t);
  const double k = std::log(strike / forward(t));
  return std::sqrt(std::max(total_variance(k, t), 0.0) / t);
}

VolSurface VolSurface::shifted(double new_spot, StickyRule rule) const {
  require(std::isfinite(new_spot) && new_spot > 0.0, "new spot", "a finite number > 0", new_spot);
  const double ratio = new_spot / spot_;
  const double dk = std::log(ratio);
  std::vector<SviSlice> out = slices_;
  for (auto& s : out) {
    s.forward *= ratio;
    if (rule == StickyRule::Strike) {
      // sigma(K) fixed: w'(k') = w(k' + dk) with k' = ln(K/F'), so m' = m - dk.
      s.params.m -= dk;
      s.k_min -= dk;
      s.k_max -= dk;
    }
  }
  return VolSurface(new_spot, std::move(out));
}

VolSurface::CalendarCheck VolSurface::check_calendar(double k_lo, double k_hi, int n) const {
  CalendarCheck c{true, std::numeric_limits<double>::infinity(), 0.0, -1};
  for (std::size_t i = 0; i + 1 < slices_.size(); ++i) {
    for (int j = 0; j < n; ++j) {
      const double k = k_lo + (k_hi - k_lo) * j / (n - 1);
      const double gap = svi_total_variance(slices_[i + 1].params, k) - svi_total_variance(slices_[i].params, k);
      if (gap < c.worst_gap) {
        c.worst_gap = gap;
        c.k_at_worst = k;
        c.slice_at_worst = static_cast<int>(i);
      }
    }
  }
  if (slices_.size() < 2) c.worst_gap = 0.0;
  c.arbitrage_free = c.worst_gap >= 0.0;
  return c;
}

SurfaceFit fit_surface(const OptionChain& chain, const SurfaceFitOptions& options) {
  require(std::isfinite(chain.spot) && chain.spot > 0.0, "chain spot", "a finite number > 0", chain.spot);
  // Group by expiry: quotes whose times to expiry differ by less than an hour belong to one
  // expiry (a snapshot's rows are stamped over a few minutes; listed expiries are days apart).
  std::vector<const OptionQuote*> sorted;
  for (const auto& q : chain.quotes) sorted.push_back(&q);
  std::sort(sorted.begin(), sorted.end(),
            [](const OptionQuote* a, const OptionQuote* b) { return a->expiry_years < b->expiry_years; });
  std::vector<std::vector<const OptionQuote*>> groups;
  for (const auto* q : sorted) {
    if (groups.empty() || q->expiry_years - groups.back().back()->expiry_years > 1.0 / (365.0 * 24.0))
      groups.emplace_back();
    groups.back().push_back(q);
  }
  std::vector<SviSlice> slices;
  std::vector<std::string> skipped;
  for (const auto& quotes : groups) {
    const double T = quotes[quotes.size() / 2]->expiry_years;
    if (!(T >= options.min_t_years)) {
      skipped.push_back(fmt::format("{:.6f}: expiry closer than {:.6f} years", T, options.min_t_years));
      continue;
    }
    // Forward: median of the quotes' underlying prices (Deribit quotes each expiry's future).
    std::vector<double> und;
    for (const auto* q : quotes)
      if (std::isfinite(q->underlying_price) && q->underlying_price > 0.0) und.push_back(q->underlying_price);
    double F = chain.spot;
    if (!und.empty()) {
      std::nth_element(und.begin(), und.begin() + static_cast<std::ptrdiff_t>(und.size() / 2), und.end());
      F = und[und.size() / 2];
    }
    std::vector<double> ks, ws, wts;
    double kmin = std::numeric_limits<double>::infinity(), kmax = -kmin;
    for (const auto* q : quotes) {
      const bool otm = q->type == OptionType::Call ? q->strike >= F : q->strike < F;
      if (!otm) continue;
      double vol = q->iv;
      if (!(std::isfinite(vol) && vol > 0.0)) {
        double px = std::numeric_limits<double>::quiet_NaN();
        if (std::isfinite(q->bid) && std::isfinite(q->ask) && q->bid > 0.0)
          px = 0.5 * (q->bid + q->ask);
        else if (std::isfinite(q->mark))
          px = q->mark;
        if (!std::isfinite(px)) continue;
        try {
          vol = implied_vol_black76(q->type, px, F, q->strike, T, 1.0);
        } catch (const DomainError&) {
          continue;  // a quote outside the bounds carries no vol
        }
      }
      if (!(vol > 0.0)) continue;
      const double k = std::log(q->strike / F);
      ks.push_back(k);
      ws.push_back(vol * vol * T);
      double wt = 1.0;
      if (options.weight_by_vega) {
        // Normalised vega phi(d1): a vol error costs price in proportion to it.
        const double s = vol * std::sqrt(T);
        wt = norm_pdf(-k / s + 0.5 * s);
        wt = std::max(wt, 1e-3);
      }
      wts.push_back(wt);
      kmin = std::min(kmin, k);
      kmax = std::max(kmax, k);
    }
    if (static_cast<int>(ks.size()) < options.min_quotes) {
      skipped.push_back(
          fmt::format("{:.6f}: {} usable out-of-the-money quotes (< {})", T, ks.size(), options.min_quotes));
      continue;
    }
    const SviParams p = fit_svi(ks, ws, wts);
    double se = 0.0;
    for (std::size_t i = 0; i < ks.size(); ++i) {
      const double v_fit = std::sqrt(std::max(svi_total_variance(p, ks[i]), 0.0) / T);
      const double v = std::sqrt(ws[i] / T);
      se += (v_fit - v) * (v_fit - v);
    }
    SviSlice s{T, F, p, kmin, kmax, std::sqrt(se / static_cast<double>(ks.size())), static_cast<int>(ks.size())};
    slices.push_back(s);
  }
  if (slices.empty()) throw DomainError("fit_surface: no expiry has enough usable quotes to fit an SVI slice");
  return SurfaceFit{VolSurface(chain.spot, std::move(slices)), std::move(skipped)};
}

}  // namespace alvh::options
