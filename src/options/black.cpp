// Black-76 / BSM prices and greeks through the normalised Black function.
// Sources: F. Black, "The pricing of commodity contracts", JFE 3 (1976); E. G. Haug, The Complete
// Guide to Option Pricing Formulas (2007), ch. 1; P. Jäckel, "Let's Be Rational", Wilmott (2015),
// sections 2-3 (normalised Black function b(x, s), put-call symmetry b_put(x) = b_call(-x)).
#include "alvh/options/black.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <numbers>

#include "alvh/core/error.hpp"
#include "normal_detail.hpp"

namespace alvh::options {
namespace {

using detail::exp_minus_half_square;
using detail::kInvSqrt2;
using detail::kInvSqrt2Pi;
constexpr double kInvSqrtPi = 0.564189583547756286948079451561;

// 20-point Gauss-Laguerre rule (nodes, weights) for int_0^inf e^{-y} f(y) dy: roots of L_20
// refined by Newton in mpmath at 50 digits (tests/options/gen_fixtures.py --laguerre). For the
// integrand below (singularity at y = -h^2/2 <= -8) it is exact to double precision
// (checked against mpmath quadrature: 4e-15 with 16 nodes already).
constexpr std::array<std::array<double, 2>, 20> kLaguerre = {
    {{0.07053988969198875, 0.16874680185111388},  {0.37212681800161146, 0.2912543620060683},
     {0.9165821024832735, 0.2666861028670013},    {1.707306531028344, 0.16600245326950683},
     {2.749199255309432, 0.07482606466879237},    {4.048925313850887, 0.02496441730928322},
     {5.6151749708616165, 0.006202550844572237},  {7.459017453671064, 0.0011449623864769082},
     {9.594392869581096, 0.00015574177302781197}, {12.038802546964316, 1.5401440865224915e-05},
     {14.81429344263074, 1.0864863665179824e-06}, {17.948895520519375, 5.3301209095567146e-08},
     {21.47878824028501, 1.757981179050582e-09},  {25.451702793186904, 3.7255024025123206e-11},
     {29.93255463170061, 4.767529251578191e-13},  {35.013434240479, 3.3728442433624386e-15},
     {40.83305705672857, 1.1550143395003989e-17}, {47.6199940473465, 1.5395221405823435e-20},
     {55.810795750063896, 5.286442725569158e-24}, {66.52441652561575, 1.6564566124990233e-28}}};

// Small-t expansion of the OTM normalised price at fixed h = x/s (x < 0), t = s/2:
//   b = e^{h t} N(h + t) - e^{-h t} N(h - t) = 2 sum_{k odd} c_k t^k,
//   c_k = sum_{m<=k} h^m/m! * N^{(k-m)}(h)/(k-m)!,  N^{(j)}(h) = (-1)^{j-1} He_{j-1}(h) phi(h).
// Used for |h| < 4 when t is small enough that the two terms of b nearly cancel.
double otm_small_t(double h, double t) noexcept {
  constexpr int kMax = 60;
  const double phi = kInvSqrt2Pi * exp_minus_half_square(h);
  const double Y = std::numbers::sqrt2 / (2.0 * kInvSqrtPi) * erfcx(-h * kInvSqrt2);  // N(h)/phi(h)
  // e_j = N^{(j)}(h)/(j! phi(h)) for j >= 1, e_0 = Y; hm_m = h^m/m!. Both tables grow with k
  // (the series usually stops after a handful of odd terms).
  std::array<double, kMax + 2> e{};
  std::array<double, kMax + 2> hm{};
  e[0] = Y;
  hm[0] = 1.0;
  double he_prev = 0.0, he = 1.0;  // He_{j-2}, He_{j-1} (He_{-1} = 0, He_0 = 1)
  double fact = 1.0;
  int built = 0;
  auto extend = [&](int upto) {
    for (int j = built + 1; j <= upto; ++j) {
      fact *= j;
      e[static_cast<std::size_t>(j)] = ((j - 1) % 2 == 0 ? 1.0 : -1.0) * he / fact;
      const double next = h * he - (j - 1) * he_prev;  // He_j = h He_{j-1} - (j-1) He_{j-2}
      he_prev = he;
      he = next;
      hm[static_cast<std::size_t>(j)] = hm[static_cast<std::size_t>(j - 1)] * h / j;
    }
    built = upto;
  };
  double sum = 0.0, tk = t;
  const double t2 = t * t;
  int small_terms = 0;
  for (int k = 1; k <= kMax; k += 2) {
    extend(k);
    double c = 0.0;
    for (int m = 0; m <= k; ++m) c += hm[static_cast<std::size_t>(m)] * e[static_cast<std::size_t>(k - m)];
    const double term = c * tk;
    sum += term;
    // Stop after two consecutive negligible terms.
    small_terms = std::abs(term) < 1e-17 * std::abs(sum) ? small_terms + 1 : 0;
    if (small_terms == 2) break;
    tk *= t2;
  }
  return 2.0 * phi * sum;
}

// Integral form of the OTM normalised price, from b = int_0^s (normalised vega) ds' with the
// substitution (s/s')^2 = 1 + 2y/h^2 (derived in docs/options.md):
//   b = (2 t phi(h)/h^2) int_0^inf e^{-y} (1 + 2y/h^2)^{-3/2} exp(-t^2/(2(1 + 2y/h^2))) dy.
// The integrand is positive (no cancellation) and smooth on the scale h^2/2; used for
// |h| >= 4 with t <= |h|/2, where Gauss-Laguerre converges to double precision.
double otm_laguerre(double h, double hl, double t) noexcept {
  const double a = 2.0 / (h * h);
  const double ht2 = 0.5 * t * t;
  double sum = 0.0;
  for (std::size_t i = kLaguerre.size(); i-- > 0;) {  // smallest terms first
    const double u = 1.0 / (1.0 + a * kLaguerre[i][0]);
    sum += kLaguerre[i][1] * u * std::sqrt(u) * std::exp(-ht2 * u);
  }
  const double phi = kInvSqrt2Pi * exp_minus_half_square(h, hl);
  return 2.0 * t * phi / (h * h) * sum;
}

void check_inputs(double underlying, const char* uname, double strike, double t_years, double vol) {
  require(std::isfinite(underlying) && underlying > 0.0, uname, "a finite number > 0", underlying);
  require(std::isfinite(strike) && strike > 0.0, "strike", "a finite number > 0", strike);
  require(std::isfinite(t_years) && t_years >= 0.0, "t_years", "a finite number >= 0", t_years);
  require(std::isfinite(vol) && vol >= 0.0, "vol", "a finite number >= 0", vol);
}

}  // namespace

double norm_pdf(double z) noexcept {
  return kInvSqrt2Pi * exp_minus_half_square(z);
}

double norm_cdf(double z) noexcept {
  return 0.5 * std::erfc(-z * kInvSqrt2);
}

double erfcx(double z) noexcept {
  if (z < 0.0) {
    if (z < -26.6) return std::numeric_limits<double>::infinity();
    // erfcx(z) = 2 exp(z^2) - erfcx(-z), exp(z^2) with the square split exactly.
    const double zz = z * z;
    const double lo = std::fma(z, z, -zz);
    return 2.0 * std::exp(zz) * (1.0 + lo) - erfcx(-z);
  }
  if (z < 26.0) {
    const double zz = z * z;
    const double lo = std::fma(z, z, -zz);
    return std::exp(zz) * (1.0 + lo) * std::erfc(z);
  }
  // Asymptotic series erfcx(z) ~ 1/(z sqrt(pi)) sum_m (-1)^m (2m-1)!!/(2z^2)^m (A&S 7.1.23);
  // at z >= 26 the terms fall below 1e-17 by m = 6.
  const double r = 1.0 / (2.0 * z * z);
  double term = 1.0, sum = 1.0;
  for (int m = 1; m <= 8; ++m) {
    term *= -(2.0 * m - 1.0) * r;
    sum += term;
  }
  return kInvSqrtPi / z * sum;
}

double normalised_black_otm(double x, double s) noexcept {
  if (!(s > 0.0)) return 0.0;
  x = -std::abs(x);
  const double t = 0.5 * s;
  if (x == 0.0) return std::erf(t * kInvSqrt2);  // N(t) - N(-t)
  const double h = x / s;                        // < 0
  const double hl = std::fma(-h, s, x) / s;      // x/s = h + hl to ~2 ulp
  const double ah = -h;
  // Two-term form b = (1/2) e^{-(h^2+t^2)/2} [erfcx(-(h+t)/sqrt2) - erfcx(-(h-t)/sqrt2)]
  // (Jäckel 2015, eq. (2.4) rewritten with erfcx); both terms are computed to full relative
  // precision, so the only loss is the cancellation A - B, measured by B/A. When B/A >= 0.9
  // (t small against |h|) the integral (|h| >= 4) or the small-t series (|h| < 4) takes over.
  const double hp = h + t, hm = h - t;
  if (hp < 0.0) {
    const double A = erfcx(-hp * kInvSqrt2);
    const double B = erfcx(-hm * kInvSqrt2);
    if (B < 0.9 * A) return 0.5 * detail::exp_minus_half_sum_squares(h, hl, t) * (A - B);
    return ah >= 4.0 ? otm_laguerre(h, hl, t) : otm_small_t(h, t);
  }
  // h + t >= 0: b = e^{x/2} N(h+t) - e^{-x/2} N(h-t) directly (both terms O(1) or the second small).
  const double A = std::exp(0.5 * x) * norm_cdf(hp);
  const double B = std::exp(-0.5 * x) * norm_cdf(hm);
  if (B < 0.9 * A) return A - B;
  return ah >= 4.0 ? otm_laguerre(h, hl, t) : otm_small_t(h, t);
}

double normalised_black_call(double x, double s) noexcept {
  const double otm = normalised_black_otm(x, s);
  if (x > 0.0) return 2.0 * std::sinh(0.5 * x) + otm;
  return otm;
}

double black76_price(OptionType type, double forward, double strike, double t_years, double vol, double discount) {
  check_inputs(forward, "forward", strike, t_years, vol);
  require(std::isfinite(discount) && discount > 0.0, "discount", "a finite number > 0", discount);
  const double x = std::log(forward / strike);
  const double s = vol * std::sqrt(t_years);
  const double otm = normalised_black_otm(x, s) * std::sqrt(forward) * std::sqrt(strike);
  // ITM = intrinsic + OTM time value (put-call symmetry); intrinsic computed as F - K directly.
  double intrinsic = 0.0;
  if (type == OptionType::Call && forward > strike) intrinsic = forward - strike;
  if (type == OptionType::Put && strike > forward) intrinsic = strike - forward;
  return discount * (intrinsic + otm);
}

double bsm_price(OptionType type, double spot, double strike, double t_years, double rate, double yield, double vol) {
  check_inputs(spot, "spot", strike, t_years, vol);
  require(std::isfinite(rate), "rate", "a finite number", rate);
  require(std::isfinite(yield), "yield", "a finite number", yield);
  const double forward = spot * std::exp((rate - yield) * t_years);
  return black76_price(type, forward, strike, t_years, vol, std::exp(-rate * t_years));
}

namespace {

// Greeks on the forward (Black-76) at discount D, plus what BSM needs.
struct ForwardGreeks {
  double price;   // D * E[payoff]
  double nd1;     // N(+-d1) signed: call N(d1), put -N(-d1)  (= dV/dF / D)
  double pdf_d1;  // phi(d1)
  double d1, d2, s;
};

ForwardGreeks forward_greeks(OptionType type, double F, double K, double T, double vol, double D) {
  ForwardGreeks g{};
  g.price = black76_price(type, F, K, T, vol, D);
  g.s = vol * std::sqrt(T);
  const double x = std::log(F / K);
  if (!(g.s > 0.0)) {
    // At expiry (or zero vol): delta is the step, the other greeks vanish (docs/options.md).
    const bool itm = type == OptionType::Call ? F > K : K > F;
    g.nd1 = itm ? (type == OptionType::Call ? 1.0 : -1.0) : 0.0;
    g.pdf_d1 = 0.0;
    g.d1 = g.d2 = 0.0;
    return g;
  }
  const double h = x / g.s, t = 0.5 * g.s;
  g.d1 = h + t;
  g.d2 = h - t;
  g.nd1 = type == OptionType::Call ? norm_cdf(g.d1) : -norm_cdf(-g.d1);
  g.pdf_d1 = norm_pdf(g.d1);
  return g;
}

}  // namespace

Greeks black76_greeks(OptionType type, double forward, double strike, double t_years, double vol, double discount) {
  const ForwardGreeks f = forward_greeks(type, forward, strike, t_years, vol, discount);
  Greeks g{};
  g.price = f.price;
  g.delta = discount * f.nd1;
  if (f.s > 0.0) {
    const double sqrtT = std::sqrt(t_years);
    const double r = t_years > 0.0 ? -std::log(discount) / t_years : 0.0;
    g.gamma = discount * f.pdf_d1 / (forward * f.s);
    g.vega = discount * forward * f.pdf_d1 * sqrtT;
    g.theta = r * f.price - discount * forward * f.pdf_d1 * vol / (2.0 * sqrtT);
    g.vanna = -discount * f.pdf_d1 * f.d2 / vol;
    g.volga = g.vega * f.d1 * f.d2 / vol;
  }
  g.rho = -t_years * f.price;
  return g;
}

Greeks bsm_greeks(OptionType type, double spot, double strike, double t_years, double rate, double yield, double vol) {
  check_inputs(spot, "spot", strike, t_years, vol);
  require(std::isfinite(rate), "rate", "a finite number", rate);
  require(std::isfinite(yield), "yield", "a finite number", yield);
  const double D = std::exp(-rate * t_years);
  const double Dq = std::exp(-yield * t_years);
  const double F = spot * std::exp((rate - yield) * t_years);
  const ForwardGreeks f = forward_greeks(type, F, strike, t_years, vol, D);
  Greeks g{};
  g.price = f.price;
  g.delta = Dq * f.nd1;
  // rho = dV/dr (q fixed) = K T D N(d2) for a call; written as T (F D N(d1) - V) to reuse N(d1)
  // would cancel in the tails, so use N(+-d2) directly.
  if (f.s > 0.0) {
    const double sqrtT = std::sqrt(t_years);
    g.gamma = Dq * f.pdf_d1 / (spot * f.s);
    g.vega = spot * Dq * f.pdf_d1 * sqrtT;
    // Theta (Haug 2007, 1.1.6) rearranged without tail cancellation:
    //   call: r V - D [F phi(d1) vol/(2 sqrtT) + (r - q) F N(d1)]
    //   put:  r V - D [F phi(d1) vol/(2 sqrtT) - (r - q) F N(-d1)]
    g.theta = rate * f.price - D * F * (f.pdf_d1 * vol / (2.0 * sqrtT) + (rate - yield) * f.nd1);
    g.vanna = -Dq * f.pdf_d1 * f.d2 / vol;
    g.volga = g.vega * f.d1 * f.d2 / vol;
    g.rho = type == OptionType::Call ? strike * t_years * D * norm_cdf(f.d2) : -strike * t_years * D * norm_cdf(-f.d2);
  } else {
    // At expiry / zero vol: V = D (F - K)^+; rho = T * K * D * 1{ITM} (sign by type).
    const bool itm = type == OptionType::Call ? F > strike : strike > F;
    g.rho = itm ? (type == OptionType::Call ? 1.0 : -1.0) * strike * t_years * D : 0.0;
    // Theta of the discounted intrinsic at zero vol: d/dt of D (F-K)^+ with F = S e^{(r-q)T}.
    g.theta = itm ? rate * f.price - D * F * (rate - yield) * f.nd1 : 0.0;
  }
  return g;
}

Deltas bsm_deltas(OptionType type, double spot, double strike, double t_years, double rate, double yield, double vol) {
  const Greeks g = bsm_greeks(type, spot, strike, t_years, rate, yield, vol);
  // dV/dF at fixed discount = (dV/dS) / (dF/dS) = delta * S / F.
  const double F = spot * std::exp((rate - yield) * t_years);
  return {g.delta, g.delta * spot / F};
}

namespace {

// Linear greeks -> coin-settled (inverse) greeks for underlying U (spot or forward).
Greeks to_inverse(const Greeks& g, double spot) {
  const double v_over_s = g.price / spot;
  Greeks c{};
  c.price = v_over_s;
  c.delta = g.delta - v_over_s;
  c.gamma = g.gamma - (g.delta - v_over_s) / spot;
  c.vanna = g.vanna - g.vega / spot;
  c.vega = g.vega / spot;
  c.theta = g.theta / spot;
  c.rho = g.rho / spot;
  c.volga = g.volga / spot;
  return c;
}

}  // namespace

Greeks bsm_greeks(OptionType type, double spot, double strike, double t_years, double rate, double yield, double vol,
                  Settlement settlement) {
  const Greeks g = bsm_greeks(type, spot, strike, t_years, rate, yield, vol);
  return settlement == Settlement::Linear ? g : to_inverse(g, spot);
}

Greeks black76_greeks(OptionType type, double forward, double strike, double t_years, double vol, double discount,
                      Settlement settlement) {
  const Greeks g = black76_greeks(type, forward, strike, t_years, vol, discount);
  return settlement == Settlement::Linear ? g : to_inverse(g, forward);
}

}  // namespace alvh::options
