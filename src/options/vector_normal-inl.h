// Vector normal-distribution kernels shared by the SIMD batch pricer (batch.cpp) and the SIMD
// implied-vol kernel (implied_vol_batch.cpp). Highway per-target header: included after
// <hwy/foreach_target.h>, once per SIMD target (the guard toggles with HWY_TARGET_TOGGLE).
//
// erfc / erfcx: W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969) 631-637, coefficients as published in netlib SPECFUN CALERF (1990):
//   z <= 0.46875:     erfc(z)  = 1 - z P1(z^2)/Q1(z^2)                  (4/4)
//   0.46875 < z <= 4: erfcx(z) = P2(z)/Q2(z)                            (8/8)
//   z > 4:            erfcx(z) = (1/sqrt(pi) - y P3(y)/Q3(y))/z, y = 1/z^2 (5/5)
// A form is evaluated when some lane of the vector needs it (no per-lane branches) and each
// lane selects its numerator/denominator pair before the one division. The third form is multiplied through by z^10 so that no
// 1/z^2 is formed. Maximum relative error of this arrangement in double precision: 6.8e-16
// (scripts/options_erfcx_check.py against mpmath at 40 digits, z in [0, 1e6]).
// On AVX-512 targets a piecewise polynomial table (erfcx_table.inc) replaces the first two forms
// (ErfcRatio below).
#if defined(ALVH_OPTIONS_VECTOR_NORMAL_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ALVH_OPTIONS_VECTOR_NORMAL_INL_H_
#undef ALVH_OPTIONS_VECTOR_NORMAL_INL_H_
#else
#define ALVH_OPTIONS_VECTOR_NORMAL_INL_H_
#endif

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include "vector_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace alvh::options::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Cody's third form, erfcx(z) = num/den for z > 4: with w = z^2, N~(w) = P5 + P0 w + P1 w^2 + ...
// + P4 w^5, D~(w) = 1 + Q0 w + ... + Q4 w^5 (Cody's rational in 1/z^2 times z^10);
// erfcx = (w D~/sqrt(pi) - N~)/(z w D~).
template <class D, class V = hn::Vec<D>>
HWY_INLINE void CodyLargeForm(D d, V z, V z2, V& num, V& den) {
  V p3 = hn::MulAdd(hn::Set(d, 6.58749161529837803e-4), z2, hn::Set(d, 1.60837851487422766e-2));
  p3 = hn::MulAdd(p3, z2, hn::Set(d, 1.25781726111229246e-1));
  p3 = hn::MulAdd(p3, z2, hn::Set(d, 3.60344899949804439e-1));
  p3 = hn::MulAdd(p3, z2, hn::Set(d, 3.05326634961232344e-1));
  p3 = hn::MulAdd(p3, z2, hn::Set(d, 1.63153871373020978e-2));
  V q3 = hn::MulAdd(hn::Set(d, 2.33520497626869185e-3), z2, hn::Set(d, 6.05183413124413191e-2));
  q3 = hn::MulAdd(q3, z2, hn::Set(d, 5.27905102951428412e-1));
  q3 = hn::MulAdd(q3, z2, hn::Set(d, 1.87295284992346047e00));
  q3 = hn::MulAdd(q3, z2, hn::Set(d, 2.56852019228982242e00));
  q3 = hn::MulAdd(q3, z2, hn::Set(d, 1.0));
  const V wq3 = hn::Mul(z2, q3);
  num = hn::MulSub(wq3, hn::Set(d, 0.5641895835477562869480794515607725858440), p3);
  den = hn::Mul(z, wq3);
}

// ErfcRatio(z) for z >= 0 sets `small` and returns erfc(z) in the small lanes, erfcx(z) in the
// others. kErfcRatioHasSmall is false where no lane is ever small (the AVX-512 table form).
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
// AVX-512: erfcx(z) for z < 8 from the piecewise degree-13 polynomial of erfcx_table.inc
// (16 intervals of width 1/2; scripts/gen_erfcx_table.py, max relative error 2.1e-16 against
// mpmath), each lane's 14 coefficients picked from the table by VPERMT2PD (one operation per
// coefficient, no gather); z >= 8 lanes use Cody's third form when a vector has any. About 32
// operations per vector against ~50 for the three Cody forms of the other targets, whose lanes
// are mixed across the forms in a typical batch.
#include "erfcx_table.inc"
inline constexpr bool kErfcRatioHasSmall = false;

template <class D, class V = hn::Vec<D>>
HWY_INLINE V ErfcRatio(D d, V z, hn::Mask<D>& small) {
  static_assert(hn::MaxLanes(D()) == 8, "ErfcRatio (AVX-512): full double vectors");
  small = hn::Lt(z, z);  // none
  const V fl = V{_mm512_roundscale_pd(hn::Min(hn::Add(z, z), hn::Set(d, 15.0)).raw,
                                      _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)};
  const __m512i idx = _mm512_cvttpd_epi64(fl.raw);
  const V w = hn::MulAdd(z, hn::Set(d, 4.0), hn::NegMulAdd(fl, hn::Set(d, 2.0), hn::Set(d, -1.0)));
  auto coef = [&](int k) HWY_ATTR {
    return V{_mm512_permutex2var_pd(_mm512_load_pd(kErfcxTable[k]), idx, _mm512_load_pd(kErfcxTable[k] + 8))};
  };
  V r = coef(kErfcxDegree);
  for (int k = kErfcxDegree - 1; k >= 0; --k) r = hn::MulAdd(r, w, coef(k));
  const auto large = hn::Ge(z, hn::Set(d, 8.0));
  if (!hn::AllFalse(d, large)) {
    V num, den;
    CodyLargeForm(d, z, hn::Mul(z, z), num, den);
    r = hn::IfThenElse(large, hn::Div(num, den), r);
  }
  return r;
}
#else
// W. J. Cody's three forms (see the head of this file). Below kCodySmallZ the first (erf) form
// is used and the result is erfc(z) itself, not erfcx(z).
inline constexpr bool kErfcRatioHasSmall = true;
inline constexpr double kCodySmallZ = 0.46875;

template <class D, class V = hn::Vec<D>>
HWY_INLINE V ErfcRatio(D d, V z, hn::Mask<D>& small) {
  const V one = hn::Set(d, 1.0);
  const V z2 = hn::Mul(z, z);
  small = hn::Le(z, hn::Set(d, kCodySmallZ));
  const auto large = hn::Gt(z, hn::Set(d, 4.0));
  // A form is evaluated only when some lane of the vector needs it (a per-vector test, no
  // per-lane branch); lanes then select their own form.
  V num = one, den = one;
  if (!hn::AllTrue(d, hn::Or(small, large))) {
    // Second interval: erfcx(z) = (C8 z^8 + C0 z^7 + ... + C7)/(z^8 + D0 z^7 + ... + D7).
    V p2 = hn::MulAdd(hn::Set(d, 2.15311535474403846e-8), z, hn::Set(d, 5.64188496988670089e-1));
    p2 = hn::MulAdd(p2, z, hn::Set(d, 8.88314979438837594e00));
    p2 = hn::MulAdd(p2, z, hn::Set(d, 6.61191906371416295e01));
    p2 = hn::MulAdd(p2, z, hn::Set(d, 2.98635138197400131e02));
    p2 = hn::MulAdd(p2, z, hn::Set(d, 8.81952221241769090e02));
    p2 = hn::MulAdd(p2, z, hn::Set(d, 1.71204761263407058e03));
    p2 = hn::MulAdd(p2, z, hn::Set(d, 2.05107837782607147e03));
    p2 = hn::MulAdd(p2, z, hn::Set(d, 1.23033935479799725e03));
    V q2 = hn::Add(z, hn::Set(d, 1.57449261107098347e01));
    q2 = hn::MulAdd(q2, z, hn::Set(d, 1.17693950891312499e02));
    q2 = hn::MulAdd(q2, z, hn::Set(d, 5.37181101862009858e02));
    q2 = hn::MulAdd(q2, z, hn::Set(d, 1.62138957456669019e03));
    q2 = hn::MulAdd(q2, z, hn::Set(d, 3.29079923573345963e03));
    q2 = hn::MulAdd(q2, z, hn::Set(d, 4.36261909014324716e03));
    q2 = hn::MulAdd(q2, z, hn::Set(d, 3.43936767414372164e03));
    q2 = hn::MulAdd(q2, z, hn::Set(d, 1.23033935480374942e03));
    num = p2;
    den = q2;
  }
  if (!hn::AllFalse(d, large)) {
    V n3, d3;
    CodyLargeForm(d, z, z2, n3, d3);
    num = hn::IfThenElse(large, n3, num);
    den = hn::IfThenElse(large, d3, den);
  }
  if (!hn::AllFalse(d, small)) {
    // First interval: erf(z) = z (A4 z^8 + A0 z^6 + A1 z^4 + A2 z^2 + A3)/(z^8 + B0 z^6 + B1 z^4 + B2 z^2 + B3).
    V p1 = hn::MulAdd(hn::Set(d, 1.85777706184603153e-1), z2, hn::Set(d, 3.16112374387056560e00));
    p1 = hn::MulAdd(p1, z2, hn::Set(d, 1.13864154151050156e02));
    p1 = hn::MulAdd(p1, z2, hn::Set(d, 3.77485237685302021e02));
    p1 = hn::MulAdd(p1, z2, hn::Set(d, 3.20937758913846947e03));
    V q1 = hn::Add(z2, hn::Set(d, 2.36012909523441209e01));
    q1 = hn::MulAdd(q1, z2, hn::Set(d, 2.44024637934444173e02));
    q1 = hn::MulAdd(q1, z2, hn::Set(d, 1.28261652607737228e03));
    q1 = hn::MulAdd(q1, z2, hn::Set(d, 2.84423683343917062e03));
    num = hn::IfThenElse(small, hn::NegMulAdd(z, p1, q1), num);  // Q1 - z P1: erfc = that/Q1
    den = hn::IfThenElse(small, q1, den);
  }
  return hn::Div(num, den);
}
#endif

// exp(-(h^2 + t^2)/2) for h = hh + hl (unevaluated, |hl| <= ulp(h)): both squares and their sum
// split exactly (FMA, two-sum) as detail::exp_minus_half_sum_squares (normal_detail.hpp), so the
// exponent carries no rounding error of h^2 (which is ~1400 for prices near 1e-300).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ExpMinusHalfSumSquares(D d, V h, V hl, V t) {
  const V hh = hn::Mul(h, h);
  const V hlo = hn::MulAdd(hn::Add(h, h), hl, hn::MulSub(h, h, hh));
  const V tt = hn::Mul(t, t);
  const V tlo = hn::MulSub(t, t, tt);
  const V sum = hn::Add(hh, tt);
  const V bb = hn::Sub(sum, hh);
  const V err = hn::Add(hn::Sub(hh, hn::Sub(sum, bb)), hn::Sub(tt, bb));
  const V half = hn::Set(d, 0.5);
  return hn::Mul(ExpFast(d, hn::Mul(hn::Set(d, -0.5), sum)),
                 hn::NegMulAdd(half, hn::Add(err, hn::Add(hlo, tlo)), hn::Set(d, 1.0)));
}

// The normalised out-of-the-money Black price and the normal CDF values around it, from one
// exp and two Cody ratios. With h = x/s (+ hl), t = s/2 and a = -|h|:
//   u1 = a + t, u2 = a - t (<= 0); E = exp(-(h^2 + t^2)/2); e^{|x|/2} = ex, e^{-|x|/2} = ex_inv;
//   exp(-u1^2/2) = E ex, exp(-u2^2/2) = E ex_inv (since |h| t = |x|/2);
//   T1 = N(-|u1|), T2 = N(u2) = 0.5 E ex_inv erfcx(|u2|/sqrt 2);
//   b = ex_inv N(u1) - ex N(u2)    (normalised OTM price b(-|x|, s), Jäckel 2015 eq. (2.4)),
// and when u1 is in the erfcx range the same b = 0.5 E (erfcx(|u1|/sqrt2) - erfcx(|u2|/sqrt2))
// without the factors ex, ex_inv (the form of black.cpp). `cancel` flags lanes where the two
// terms cancel beyond cancel_limit: there, for |h| < 4, the small-t series replaces b (as in
// black.cpp); `cancel` stays set (scalar path: black.cpp's Gauss-Laguerre form) for |h| >= 4
// or where 12 series terms do not converge.
template <class V, class M>
struct OtmParts {
  V b;          // normalised OTM price b(-|x|, s) >= 0
  V N_u1, C_u1;  // N(u1), N(-u1)
  V T2;         // N(u2) = N(-|h| - t)
  V E;          // exp(-(h^2 + t^2)/2)
  M cancel;
};

// B/A above this goes to the scalar path (pricing, 1e-12 target). Relative error of b = A - B is
// at most (eps_A + eps_B)/(1 - limit): with the AVX-512 erfcx table (2.1e-16) and ~3e-16 on
// A and B that is 6e-13 at 0.999 (3 digits lost); Cody's forms (6.8e-16) keep 0.995 (~2.3
// digits, 3e-13). BatchGreeks.CancellingBandAgainstScalar tests the band. The implied-vol
// kernel, whose round trip must hold to 1e-14, uses the scalar pricer's limit 0.9 (one digit).
inline constexpr double kCancelLimit = kErfcRatioHasSmall ? 0.995 : 0.999;

// Small-t expansion of the OTM normalised price at fixed h = a + al <= 0 (black.cpp's
// otm_small_t, the same series with a fixed number of terms):
//   b = 2 phi(h) sum_{k odd} c_k t^k,  c_k = sum_{m<=k} h^m/m! e_{k-m},
//   e_0 = N(h)/phi(h), e_j = (-1)^{j-1} He_{j-1}(h)/j!  (j >= 1, Hermite recursion).
// `converged` marks lanes whose last two terms are below 1e-17 of the sum (the scalar rule).
inline constexpr int kSeriesMaxK = 23;  // odd powers t^1 .. t^23 (12 terms)

template <class D, class V = hn::Vec<D>>
HWY_INLINE V SmallTSeries(D d, V a, V al, V t, hn::Mask<D> need, hn::Mask<D>& converged) {
  const V zero = hn::Zero(d);
  const V gauss = ExpMinusHalfSumSquares(d, a, al, zero);  // exp(-h^2/2)
  const V phi = hn::Mul(hn::Set(d, 0.398942280401432677939946059934), gauss);
  hn::Mask<D> small;
  const V R = ErfcRatio(d, hn::Mul(hn::Neg(a), hn::Set(d, 0.707106781186547524400844362105)), small);
  // N(h)/phi(h): small lanes R = erfc, N = R/2; others R = erfcx, N = gauss R/2.
  V Y = hn::Mul(hn::Set(d, 1.25331413731550025120788264241), R);  // sqrt(pi/2)
  if constexpr (kErfcRatioHasSmall) Y = hn::IfThenElse(small, hn::Div(hn::Mul(hn::Set(d, 0.5), R), phi), Y);
  V e[kSeriesMaxK + 1], hm[kSeriesMaxK + 1];
  e[0] = Y;
  hm[0] = hn::Set(d, 1.0);
  V he_prev = zero, he = hn::Set(d, 1.0);
  double inv_fact = 1.0;
  const V t2 = hn::Mul(t, t);
  V sum = zero, tk = t, term = zero, prev_term = zero;
  converged = hn::Lt(zero, zero);
  // One pass: e_j, h^j/j! and, at odd j, the term c_j t^j; stop as soon as every lane in `need`
  // has its last two terms below 1e-17 of the sum (small t needs few of the 12 terms).
  for (int j = 1; j <= kSeriesMaxK; ++j) {
    inv_fact /= j;
    e[j] = hn::Mul(he, hn::Set(d, ((j - 1) % 2 == 0 ? 1.0 : -1.0) * inv_fact));
    const V next = hn::NegMulAdd(hn::Set(d, static_cast<double>(j - 1)), he_prev, hn::Mul(a, he));
    he_prev = he;
    he = next;
    hm[j] = hn::Mul(hm[j - 1], hn::Mul(a, hn::Set(d, 1.0 / j)));
    if (j % 2 == 0) continue;
    V c = hn::Mul(hm[0], e[j]);
    for (int m = 1; m <= j; ++m) c = hn::MulAdd(hm[m], e[j - m], c);
    prev_term = term;
    term = hn::Mul(c, tk);
    sum = hn::Add(sum, term);
    tk = hn::Mul(tk, t2);
    if (j >= 3) {
      const V tiny = hn::Mul(hn::Set(d, 1e-17), hn::Abs(sum));
      converged = hn::And(hn::Lt(hn::Abs(term), tiny), hn::Lt(hn::Abs(prev_term), tiny));
      if (hn::AllTrue(d, hn::Or(hn::Not(need), converged))) break;
    }
  }
  return hn::Mul(hn::Add(phi, phi), sum);
}

template <class D, class V = hn::Vec<D>>
HWY_INLINE OtmParts<V, hn::Mask<D>> NormalisedOtm(D d, V h, V hl, V t, V ex, V ex_inv,
                                                  double cancel_limit = kCancelLimit, bool use_series = true) {
  const V half = hn::Set(d, 0.5), one = hn::Set(d, 1.0), zero = hn::Zero(d);
  const V inv_sqrt2 = hn::Set(d, 0.707106781186547524400844362105);
  const V a = hn::Neg(hn::Abs(h));
  const V u1 = hn::Add(a, t), u2 = hn::Sub(a, t);
  OtmParts<V, hn::Mask<D>> o;
  o.E = ExpMinusHalfSumSquares(d, h, hl, t);
  hn::Mask<D> small1, small2;
  const V R1 = ErfcRatio(d, hn::Mul(hn::Abs(u1), inv_sqrt2), small1);
  const V R2 = ErfcRatio(d, hn::Mul(hn::Neg(u2), inv_sqrt2), small2);
  V T1 = hn::Mul(hn::Mul(half, o.E), hn::Mul(ex, R1));
  o.T2 = hn::Mul(hn::Mul(half, o.E), hn::Mul(ex_inv, R2));
  if constexpr (kErfcRatioHasSmall) {
    T1 = hn::IfThenElse(small1, hn::Mul(half, R1), T1);
    o.T2 = hn::IfThenElse(small2, hn::Mul(half, R2), o.T2);
  }
  const auto u1_neg = hn::Lt(u1, zero);
  o.N_u1 = hn::IfThenElse(u1_neg, T1, hn::Sub(one, T1));
  o.C_u1 = hn::IfThenElse(u1_neg, hn::Sub(one, T1), T1);
  // General form: A - B with A = ex_inv N(u1), B = ex N(u2).
  const V A = hn::Mul(ex_inv, o.N_u1), B = hn::Mul(ex, o.T2);
  // Both in the erfcx range (u1 < -0.46875 sqrt 2): 0.5 E (R1 - R2).
  const auto tails = kErfcRatioHasSmall ? hn::AndNot(small1, u1_neg) : u1_neg;
  const V limit = hn::Set(d, cancel_limit);
  o.b = hn::Max(hn::IfThenElse(tails, hn::Mul(hn::Mul(half, o.E), hn::Sub(R1, R2)), hn::Sub(A, B)), zero);
  o.cancel = hn::Or(hn::And(tails, hn::Gt(R2, hn::Mul(limit, R1))), hn::AndNot(tails, hn::Gt(B, hn::Mul(limit, A))));
  // Cancelling lanes with |h| < 4: the small-t series (black.cpp's choice for that region).
  const auto series_lanes = hn::And(o.cancel, hn::Gt(a, hn::Set(d, -4.0)));
  if (use_series && !hn::AllFalse(d, series_lanes)) {
    const V al = hn::IfThenElse(hn::Gt(h, zero), hn::Neg(hl), hl);
    hn::Mask<D> converged;
    const V bs = SmallTSeries(d, a, al, t, series_lanes, converged);
    const auto use = hn::And(series_lanes, converged);
    o.b = hn::IfThenElse(use, hn::Max(bs, zero), o.b);
    o.cancel = hn::AndNot(use, o.cancel);
  }
  return o;
}

}  // namespace alvh::options::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
