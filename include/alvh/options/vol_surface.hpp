#pragma once
// Implied volatility surface from raw SVI slices (Gatheral 2004), fitted per expiry by
// weighted least squares, with Gatheral-Jacquier (2014) butterfly and calendar checks,
// interpolation in total variance across expiries, and sticky-strike / sticky-moneyness
// shifts. Conventions and extrapolation rules: docs/options.md, "Volatility surface".
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "alvh/options/chain.hpp"

namespace alvh::options {

// Raw SVI: total implied variance at log-forward-moneyness k = ln(K/F):
//   w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)).
// Valid when b >= 0, |rho| < 1, sigma > 0 and a + b sigma sqrt(1 - rho^2) >= 0 (min w >= 0).
struct SviParams {
  double a, b, rho, m, sigma;
};
void validate(const SviParams& p);  // DomainError naming the parameter
double svi_total_variance(const SviParams& p, double k) noexcept;
double svi_dw(const SviParams& p, double k) noexcept;   // w'(k)
double svi_d2w(const SviParams& p, double k) noexcept;  // w''(k)
// Gatheral-Jacquier (2014) eq. (2.1): g(k) = (1 - k w'/(2w))^2 - (w'^2/4)(1/w + 1/4) + w''/2;
// the slice is free of butterfly arbitrage iff g >= 0 everywhere (with the wing limit).
double svi_g(const SviParams& p, double k) noexcept;

// One expiry: time, forward and SVI parameters. k_min/k_max record the fitted range (infinite
// when built from parameters); they are informational, the SVI wings extrapolate.
struct SviSlice {
  double t_years;
  double forward;
  SviParams params;
  double k_min = -std::numeric_limits<double>::infinity();
  double k_max = std::numeric_limits<double>::infinity();
  double rmse_vol = 0.0;  // fit residual (implied vol units), 0 when built from parameters
  int n_quotes = 0;
};

// Weighted least-squares raw SVI fit to total variances w_i at log-moneyness k_i:
// quasi-explicit (Zeliade 2009): for fixed (m, sigma) the best (a, b rho, b) is a linear
// least-squares problem; (m, sigma) are found by NLopt (BOBYQA), then all five parameters are
// polished with Eigen's Levenberg-Marquardt. Needs >= 5 points. Weights >= 0.
SviParams fit_svi(std::span<const double> k, std::span<const double> total_variance, std::span<const double> weights);

// Butterfly check on a k grid (default [-3, 3] in 1201 points plus the Lee wing bound
// b (1 + |rho|) <= 2).
struct ButterflyCheck {
  bool arbitrage_free;
  double min_g;  // minimum of g over the grid
  double k_at_min_g;
  bool lee_bound_ok;  // b (1 + |rho|) <= 2 (Roger Lee's moment formula)
};
ButterflyCheck check_butterfly(const SviParams& p, double k_lo = -3.0, double k_hi = 3.0, int n = 1201);

enum class StickyRule { Strike, Moneyness };

class VolSurface {
 public:
  // Slices in any order (sorted by t here); t_years > 0 strictly increasing after sorting,
  // forward > 0, spot > 0, parameters valid: else DomainError.
  VolSurface(double spot, std::vector<SviSlice> slices);

  double spot() const noexcept { return spot_; }
  const std::vector<SviSlice>& slices() const noexcept { return slices_; }

  // Forward at t: log-linear between expiries; before the first, log-linear from spot at
  // t = 0; after the last, the last slice's carry rate ln(F_n/S)/t_n continues.
  double forward(double t_years) const;
  // Total variance at log-moneyness k = ln(K/F(t)): linear in t between slices at fixed k;
  // before the first slice w_1(k) t/t_1 and after the last w_n(k) t/t_n (flat implied vol
  // in time at fixed k). In k, the SVI wings (asymptotically linear) extrapolate.
  double total_variance(double k, double t_years) const;
  double implied_vol(double strike, double t_years) const;

  // Surface after the spot moves to new_spot. Sticky strike: sigma(K, t) unchanged (each
  // slice's m shifts by -ln(new/old)); sticky moneyness: sigma(K/F, t) unchanged. Forwards
  // scale by new_spot/spot in both.
  VolSurface shifted(double new_spot, StickyRule rule) const;

  // Calendar check (Gatheral-Jacquier 2014, section 2): w_{i+1}(k) >= w_i(k) on a k grid.
  struct CalendarCheck {
    bool arbitrage_free;
    double worst_gap;  // min over pairs and grid of w_{i+1}(k) - w_i(k)
    double k_at_worst;
    int slice_at_worst;  // i of the pair (i, i+1)
  };
  CalendarCheck check_calendar(double k_lo = -3.0, double k_hi = 3.0, int n = 1201) const;

 private:
  double spot_;
  std::vector<SviSlice> slices_;
};

// Fits one SVI slice per expiry of a chain. Per expiry: forward = the median of the quotes'
// underlying prices (Deribit's per-expiry future; else the chain spot), out-of-the-money
// quotes only (calls K >= F, puts K < F), vol = the quote's mark iv when present, else the
// implied vol of the mid (else the mark) price; total-variance residuals weighted by the
// normalised vega phi(d1) (floored at 1e-3) when weight_by_vega, else uniformly. Expiries with
// fewer than min_quotes usable quotes are skipped (listed in `skipped`).
struct SurfaceFitOptions {
  int min_quotes = 5;
  bool weight_by_vega = true;
  double min_t_years = 1.0 / 365.0;  // expiries closer than this are skipped
};
struct SurfaceFit {
  VolSurface surface;
  std::vector<std::string> skipped;  // "<expiry_years>: <reason>"
};
SurfaceFit fit_surface(const OptionChain& chain, const SurfaceFitOptions& options = {});

}  // namespace alvh::options
