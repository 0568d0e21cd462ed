#pragma once
// Internal helpers shared by the options sources (not installed): exact-square Gaussian
// factors, the inverse normal CDF, and the normalised Black function's s-derivatives.
#include <cmath>

namespace alvh::options::detail {

inline constexpr double kInvSqrt2Pi = 0.398942280401432677939946059934;  // 1/sqrt(2 pi)
inline constexpr double kInvSqrt2 = 0.707106781186547524400844362105;
inline constexpr double kSqrt2Pi = 2.50662827463100050241576528481;

// exp(-z^2/2) with z^2 split exactly (fma), so the result carries no z^2 eps error.
inline double exp_minus_half_square(double z) noexcept {
  const double zz = z * z;
  const double lo = std::fma(z, z, -zz);
  return std::exp(-0.5 * zz) * (1.0 - 0.5 * lo);
}

// exp(-(z + zl)^2/2) for an unevaluated sum z + zl (|zl| <= ulp(z)).
inline double exp_minus_half_square(double z, double zl) noexcept {
  const double zz = z * z;
  const double lo = std::fma(z, z, -zz) + 2.0 * z * zl;
  return std::exp(-0.5 * zz) * (1.0 - 0.5 * lo);
}

// exp(-(h^2 + t^2)/2) with h = hh + hl (unevaluated) and both squares and their sum split
// exactly (FMA, two-sum): one exp for the normalised vega e^{-(h^2+t^2)/2}/sqrt(2 pi).
inline double exp_minus_half_sum_squares(double h, double hl, double t) noexcept {
  const double hh = h * h, hlo = std::fma(h, h, -hh) + 2.0 * h * hl;
  const double tt = t * t, tlo = std::fma(t, t, -tt);
  const double sum = hh + tt;
  const double bb = sum - hh;
  const double err = (hh - (sum - bb)) + (tt - bb);  // two-sum: hh + tt = sum + err exactly
  return std::exp(-0.5 * sum) * (1.0 - 0.5 * (err + hlo + tlo));
}

// Inverse standard normal CDF: P. J. Acklam's rational approximation (relative error
// < 1.15e-9) refined by one Halley step on erfc (full double precision), for 0 < p < 1.
double inverse_norm_cdf(double p) noexcept;

}  // namespace alvh::options::detail
