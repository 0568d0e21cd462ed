// Black implied volatility after P. Jäckel, "Let's Be Rational", Wilmott (January 2015),
// written from the paper's description (sections 3-6): normalisation and reduction to an
// out-of-the-money call, the four-branch initial guess built from Delbourgo-Gregory rational
// cubic interpolation (R. Delbourgo, J. Gregory, "C2 rational quadratic spline
// interpolation to monotonic data", IMA J. Numer. Anal. 3 (1983)) of s(beta) on the middle
// branches and of the lower / upper asymptotic maps f_l, f_u on the outer branches, then
// Householder(3) steps on the branch's objective function.
#include "alvh/options/implied_vol.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "normal_detail.hpp"

namespace alvh::options {

namespace detail {

double inverse_norm_cdf(double p) noexcept {
  // P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
  // function" (2003): rational approximations on the central region and the two tails.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double z;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - p_low) {
    const double q = p - 0.5, r = q * q;
    z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    z = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // One Halley step on N(z) - p (Acklam's refinement), with the tail CDF from erfc.
  if (z < 0.0 || p < 0.5) {
    const double e = 0.5 * std::erfc(-z * kInvSqrt2) - p;
    const double u = e * kSqrt2Pi / exp_minus_half_square(z);
    z = z - u / (1.0 + 0.5 * z * u);
  } else {
    const double e = 0.5 * std::erfc(z * kInvSqrt2) - (1.0 - p);  // upper tail, as accurate as 1-p
    const double u = -e * kSqrt2Pi / exp_minus_half_square(z);
    z = z - u / (1.0 + 0.5 * z * u);
  }
  return z;
}

}  // namespace detail

namespace {

using detail::exp_minus_half_square;
using detail::inverse_norm_cdf;
using detail::kInvSqrt2Pi;

constexpr double kSqrt3 = 1.73205080756887729352744634151;
constexpr double kTwoPi = 6.28318530717958647692528676656;

// Normalised vega b'(s) = phi(x/s + s/2) e^{x/2} = exp(-(h^2 + t^2)/2)/sqrt(2 pi).
double normalised_vega(double x, double s) noexcept {
  const double h = x / s, hl = std::fma(-h, s, x) / s, t = 0.5 * s;
  return kInvSqrt2Pi * detail::exp_minus_half_sum_squares(h, hl, t);
}

// b_max - b(x, s) for x <= 0, without cancellation: e^{x/2} N(-h-t) + e^{-x/2} N(h-t).
double complement_of_otm(double x, double s) noexcept {
  const double h = x / s, t = 0.5 * s;
  return std::exp(0.5 * x) * norm_cdf(-h - t) + std::exp(-0.5 * x) * norm_cdf(h - t);
}

// Delbourgo-Gregory rational cubic on [xl, xr] with values yl, yr, slopes dl, dr and control
// parameter r (r = 3 is the cubic Hermite interpolant).
double rational_cubic(double x, double xl, double xr, double yl, double yr, double dl, double dr, double r) noexcept {
  const double h = xr - xl;
  if (!(std::abs(h) > 0.0)) return 0.5 * (yl + yr);
  const double t = (x - xl) / h, omt = 1.0 - t;
  const double t2 = t * t, omt2 = omt * omt;
  return (yr * t2 * t + (r * yr - h * dr) * t2 * omt + (r * yl + h * dl) * t * omt2 + yl * omt2 * omt) /
         (1.0 + (r - 3.0) * t * omt);
}

// Smallest control parameter that keeps the interpolant monotone and convex/concave when
// the data are (Delbourgo-Gregory 1983 conditions), used as a floor for the fitted r.
double minimum_control_parameter(double dl, double dr, double slope) noexcept {
  const bool monotone = dl * slope >= 0.0 && dr * slope >= 0.0;
  const bool convex = dl <= slope && slope <= dr;
  const bool concave = dl >= slope && slope >= dr;
  double r = 0.0;
  if (monotone && slope != 0.0) r = std::max(r, (dl + dr) / slope);
  if (convex || concave) {
    const double a = std::abs(dr - dl);
    const double b1 = std::abs(slope - dl), b2 = std::abs(dr - slope);
    if (b1 > 0.0) r = std::max(r, a / b1);
    if (b2 > 0.0) r = std::max(r, a / b2);
  }
  return std::isfinite(r) ? r : 1e12;
}

double control_to_fit_left(double h, double dl, double dr, double slope, double second_l) noexcept {
  const double den = slope - dl;
  double r = den != 0.0 ? (0.5 * h * second_l + (dr - dl)) / den : std::numeric_limits<double>::infinity();
  const double rmin = minimum_control_parameter(dl, dr, slope);
  if (!std::isfinite(r) || r < rmin) r = rmin;
  return std::min(r, 1e12);
}

double control_to_fit_right(double h, double dl, double dr, double slope, double second_r) noexcept {
  const double den = dr - slope;
  double r = den != 0.0 ? (0.5 * h * second_r + (dr - dl)) / den : std::numeric_limits<double>::infinity();
  const double rmin = minimum_control_parameter(dl, dr, slope);
  if (!std::isfinite(r) || r < rmin) r = rmin;
  return std::min(r, 1e12);
}

enum class Branch { Lower, Middle, Upper };

// One Householder(3) step x += nu (1 + nu h2/2)/(1 + nu (h2 + nu h3/6)) on the branch
// objective g(b(s)) (Jäckel 2015, section 5): lower g = 1/ln b - 1/ln beta, middle g = b - beta,
// upper g = ln((bmax - beta)/(bmax - b)). q = b''/b' and q' follow from
// ln b'(s) = -x^2/(2 s^2) - s^2/8 (normalised vega).
double householder_step(Branch branch, double x, double s, double beta, double bmax) noexcept {
  const double b1 = normalised_vega(x, s);
  const double xx_s3 = x * x / (s * s * s);
  const double q = xx_s3 - 0.25 * s;          // b''/b'
  const double qp = -3.0 * xx_s3 / s - 0.25;  // d/ds (b''/b')
  double nu, h2, h3;
  if (branch == Branch::Lower) {
    const double b = normalised_black_otm(x, s);
    if (!(b > 0.0)) return 2.0 * s;  // underflow: step towards larger vol
    const double lb = std::log(b), lbeta = std::log(beta);
    const double w = b1 / b;  // b'/b
    nu = (lbeta - lb) * (lb / lbeta) / w;
    const double g2 = -(lb + 2.0) / lb;                              // (G2/G1) * b
    const double g3 = (2.0 * lb * lb + 6.0 * lb + 6.0) / (lb * lb);  // (G3/G1) * b^2
    h2 = g2 * w + q;
    h3 = g3 * w * w + 3.0 * g2 * w * q + q * q + qp;
  } else if (branch == Branch::Middle) {
    const double b = normalised_black_otm(x, s);
    nu = (beta - b) / b1;
    h2 = q;
    h3 = q * q + qp;
  } else {
    const double cb = complement_of_otm(x, s);  // bmax - b(s)
    const double cbeta = bmax - beta;
    const double w = b1 / cb;
    nu = std::log(cb / cbeta) / w;
    h2 = w + q;
    h3 = 2.0 * w * w + 3.0 * w * q + q * q + qp;
  }
  if (!std::isfinite(nu)) return s;
  const double step = nu * (1.0 + 0.5 * h2 * nu) / (1.0 + nu * (h2 + nu * h3 / 6.0));
  double s_new = s + (std::isfinite(step) ? step : nu);
  if (!(s_new > 0.0)) s_new = 0.5 * s;
  return s_new;
}

// s = vol sqrt(T) for an OTM call with x <= 0 and 0 < beta < e^{x/2}.
// Householder(3) iterations from s0. The error after a step with relative size d is O(d^3),
// so once a step is below 1e-5 relative the next would change nothing: stop there. Jäckel's
// scheme needs two steps; this guess needs two on most inputs and up to kMaxIterations near
// the money at very small s (documented in docs/options.md; counted by `iterations`).
double iterate(Branch branch, double x, double s, double beta, double bmax, int* iterations) noexcept {
  constexpr int kMaxIterations = 10;
  int i = 0;
  while (i < kMaxIterations) {
    const double s_new = householder_step(branch, x, s, beta, bmax);
    ++i;
    const double d = std::abs(s_new - s);
    s = s_new;
    if (!(d > 1e-5 * s)) break;
  }
  if (iterations) *iterations = i;
  return s;
}

double otm_call_implied_s(double beta, double x, int* iterations) noexcept {
  const double bmax = std::exp(0.5 * x);
  if (x == 0.0) {
    // b(0, s) = erf(s/(2 sqrt 2)) = 1 - 2 N(-s/2). Above 1/2 invert the tail N(-s/2) = (1 - beta)/2
    // (upper objective); below, 1 - beta would lose beta's digits, so start from the series
    // b = s/sqrt(2 pi) (1 - s^2/24 + ...), i.e. s ~ sqrt(2 pi) beta (1 + pi beta^2/12).
    if (beta >= 0.5) {
      const double s = -2.0 * inverse_norm_cdf(0.5 * (bmax - beta));
      return iterate(Branch::Upper, x, s, beta, bmax, iterations);
    }
    const double s = detail::kSqrt2Pi * beta * (1.0 + 0.2617993877991494 * beta * beta);
    return iterate(Branch::Middle, x, s, beta, bmax, iterations);
  }
  const double ax = -x;
  const double sc = std::sqrt(2.0 * ax);
  const double bc = normalised_black_otm(x, sc);
  const double vc = normalised_vega(x, sc);
  double s;
  Branch branch;
  if (beta < bc) {
    const double sl = std::max(sc - bc / vc, 0.25 * sc);
    const double bl = normalised_black_otm(x, sl);
    if (beta < bl) {
      // Lower map f_l(s) = (2 pi |x|/(3 sqrt 3)) N(z)^3, z = -|x|/(sqrt 3 s), which equals b to
      // leading order as s -> 0; interpolate f(beta) on [0, bl] with f(0) = 0, f'(0) = 1.
      const double cl = kTwoPi * ax / (3.0 * kSqrt3);
      const double z = -ax / (kSqrt3 * sl);
      const double Nz = norm_cdf(z), pz = detail::kInvSqrt2Pi * exp_minus_half_square(z);
      const double fl = cl * Nz * Nz * Nz;
      const double fs = kTwoPi * ax * ax / (3.0 * sl * sl) * Nz * Nz * pz;  // df/ds
      const double fss = fs / sl * (z * z - 2.0 - 2.0 * z * pz / Nz);
      const double b1 = normalised_vega(x, sl);
      const double q = ax * ax / (sl * sl * sl) - 0.25 * sl;
      const double dr = fs / b1;
      const double f2 = (fss - fs * q) / (b1 * b1);  // d^2 f / d beta^2
      const double r = control_to_fit_right(bl, 1.0, dr, fl / bl, f2);
      const double f = rational_cubic(beta, 0.0, bl, 0.0, fl, 1.0, dr, r);
      if (f > 0.0) {
        const double p = std::cbrt(f / cl);
        const double zz = inverse_norm_cdf(std::min(p, 0.5 - 1e-16));
        s = ax / (kSqrt3 * std::abs(zz));
      } else {
        s = 0.5 * sl;
      }
      branch = Branch::Lower;
    } else {
      const double dl = 1.0 / normalised_vega(x, sl), dr = 1.0 / vc;
      const double r = control_to_fit_right(bc - bl, dl, dr, (sc - sl) / (bc - bl), 0.0);
      s = rational_cubic(beta, bl, bc, sl, sc, dl, dr, r);
      branch = Branch::Middle;
    }
  } else {
    const double su = sc + (bmax - bc) / vc;
    const double bu = normalised_black_otm(x, su);
    if (beta <= bu) {
      const double dl = 1.0 / vc, dr = 1.0 / normalised_vega(x, su);
      const double r = control_to_fit_left(bu - bc, dl, dr, (su - sc) / (bu - bc), 0.0);
      s = rational_cubic(beta, bc, bu, sc, su, dl, dr, r);
      branch = Branch::Middle;
    } else {
      // Upper map f_u(s) = N(-s/2); interpolate f(beta) on [bu, bmax] with f(bmax) = 0 and
      // f'(bmax) = -1/(2 cosh(x/2)) (the s -> infinity limit of (bmax - b)/N(-s/2)).
      const double fu = norm_cdf(-0.5 * su);
      const double pu = detail::kInvSqrt2Pi * exp_minus_half_square(0.5 * su);
      const double fs = -0.5 * pu, fss = 0.125 * su * pu;
      const double b1 = normalised_vega(x, su);
      const double q = ax * ax / (su * su * su) - 0.25 * su;
      const double dl = fs / b1;
      const double f2 = (fss - fs * q) / (b1 * b1);
      const double dr = -0.5 / std::cosh(0.5 * x);
      const double r = control_to_fit_left(bmax - bu, dl, dr, -fu / (bmax - bu), f2);
      const double f = rational_cubic(beta, bu, bmax, fu, 0.0, dl, dr, r);
      s = f > 0.0 && f < 0.5 ? -2.0 * inverse_norm_cdf(f) : 2.0 * su;
      branch = Branch::Upper;
    }
  }
  return iterate(branch, x, s, beta, bmax, iterations);
}

[[noreturn]] void bounds_error(const char* what, double price, double lo, double hi) {
  throw ArbitrageBoundsError(
      fmt::format("implied vol: {} price {} is outside the no-arbitrage bounds [{}, {}) (no finite volatility)", what,
                  price, lo, hi));
}

}  // namespace

double normalised_implied_vol(OptionType type, double beta, double x, int* iterations) {
  require(std::isfinite(x), "log-moneyness x", "a finite number", x);
  require(std::isfinite(beta), "normalised price", "a finite number", beta);
  const double theta = type == OptionType::Call ? 1.0 : -1.0;
  const double intrinsic = std::max(theta * 2.0 * std::sinh(0.5 * x), 0.0);
  const double upper = std::exp(0.5 * theta * x);
  if (beta < intrinsic || beta >= upper)
    bounds_error(type == OptionType::Call ? "call" : "put", beta, intrinsic, upper);
  const double otm = beta - intrinsic;
  if (otm == 0.0) return 0.0;
  return otm_call_implied_s(otm, -std::abs(x), iterations);
}

double implied_vol_black76(OptionType type, double price, double forward, double strike, double t_years,
                           double discount) {
  require(std::isfinite(forward) && forward > 0.0, "forward", "a finite number > 0", forward);
  require(std::isfinite(strike) && strike > 0.0, "strike", "a finite number > 0", strike);
  require(std::isfinite(t_years) && t_years > 0.0, "t_years", "a finite number > 0", t_years);
  require(std::isfinite(discount) && discount > 0.0, "discount", "a finite number > 0", discount);
  require(std::isfinite(price), "price", "a finite number", price);
  const double undiscounted = price / discount;
  const bool call = type == OptionType::Call;
  const double intrinsic = call ? std::max(forward - strike, 0.0) : std::max(strike - forward, 0.0);
  const double upper = call ? forward : strike;
  if (!(undiscounted >= intrinsic) || !(undiscounted < upper))
    bounds_error(call ? "call" : "put", price, discount * intrinsic, discount * upper);
  // Time value, normalised: subtract the intrinsic value in price units (not in beta units)
  // to lose nothing beyond what the price itself carries.
  const double otm = (undiscounted - intrinsic) / (std::sqrt(forward) * std::sqrt(strike));
  if (otm <= 0.0) return 0.0;
  const double x = std::log(forward / strike);
  const double bmax = std::exp(-0.5 * std::abs(x));
  if (!(otm < bmax)) bounds_error(call ? "call" : "put", price, discount * intrinsic, discount * upper);
  return otm_call_implied_s(otm, -std::abs(x), nullptr) / std::sqrt(t_years);
}

double implied_vol_bsm(OptionType type, double price, double spot, double strike, double t_years, double rate,
                       double yield) {
  require(std::isfinite(spot) && spot > 0.0, "spot", "a finite number > 0", spot);
  require(std::isfinite(rate), "rate", "a finite number", rate);
  require(std::isfinite(yield), "yield", "a finite number", yield);
  require(std::isfinite(t_years) && t_years > 0.0, "t_years", "a finite number > 0", t_years);
  return implied_vol_black76(type, price, spot * std::exp((rate - yield) * t_years), strike, t_years,
                             std::exp(-rate * t_years));
}

double implied_vol_bsm(OptionType type, double price, double spot, double strike, double t_years, double rate,
                       double yield, Settlement settlement) {
  const double usd = settlement == Settlement::Inverse ? price * spot : price;
  return implied_vol_bsm(type, usd, spot, strike, t_years, rate, yield);
}

// implied_vol_bsm_batch: SIMD kernel with this file's solver as the fallback (implied_vol_batch.cpp).

namespace detail {
// Batch rows the vector path converged on but whose last normalised price cancelled beyond the
// vector kernel's limit (far out of the money, |x|/s >= ~4, where the scalar pricer switches to its
// Gauss-Laguerre form): the scalar normalisation of implied_vol_black76, then the scalar
// Householder(3) iteration on the vector path's branch (0 lower, 1 middle, 2 upper) from the
// vector path's s, whose only error is that of the cancelling b, so one accurate step is
// normally all it takes (the same stopping rule as a solve from scratch). Valid rows only (the
// vector path admitted them); anything unexpected goes to the full solver.
double implied_vol_bsm_from_guess(OptionType type, double price, double spot, double strike, double t_years,
                                  double rate, double yield, int branch, double s_guess) {
  const double forward = spot * std::exp((rate - yield) * t_years);
  const double undiscounted = price / std::exp(-rate * t_years);
  const bool call = type == OptionType::Call;
  const double intrinsic = call ? std::max(forward - strike, 0.0) : std::max(strike - forward, 0.0);
  const double otm = (undiscounted - intrinsic) / (std::sqrt(forward) * std::sqrt(strike));
  const double x = -std::abs(std::log(forward / strike));
  const double bmax = std::exp(0.5 * x);
  if (!(otm > 0.0 && otm < bmax && x < 0.0 && s_guess > 0.0 && std::isfinite(s_guess) && branch >= 0 &&
        branch <= 2))
    return implied_vol_bsm(type, price, spot, strike, t_years, rate, yield);
  const Branch b = branch == 0 ? Branch::Lower : branch == 1 ? Branch::Middle : Branch::Upper;
  return iterate(b, x, s_guess, otm, bmax, nullptr) / std::sqrt(t_years);
}
}  // namespace detail

}  // namespace alvh::options
