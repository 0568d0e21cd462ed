// SIMD implied volatility over arrays (Highway dynamic dispatch: AVX-512 or AVX2+FMA, as the
// CPU has): the scalar solver of implied_vol.cpp (Jäckel, "Let's Be Rational", Wilmott 2015)
// evaluated on vectors of options, with masks instead of branches:
//   - normalisation to the out-of-the-money call beta = time value/sqrt(F K), x = -|ln(F/K)|
//     (vector exp/log: beta and x may differ from the scalar solver's by an ulp or two, which moves
//     the vol only where the price does not determine it, i.e. vega vol/price < 1e-2);
//   - the same four-branch initial guess (Delbourgo-Gregory rational cubics on the middle
//     branches, the lower map f_l = (2 pi |x|/(3 sqrt 3)) N(z)^3 and the upper map N(-s/2) on
//     the outer ones, inverted through Acklam's inverse normal CDF plus one Halley step): all
//     branches share one normalised-Black evaluation at s_c = sqrt(2|x|), one at the branch
//     end point s_l or s_u, one normal CDF for the outer map and one inverse normal CDF;
//   - Householder(3) steps on the branch objective (lower 1/ln b, middle b, upper
//     ln(bmax - b)) with the normalised Black function from one exp and two Cody erfcx
//     (vector_normal-inl.h), until each lane's last step is below 1e-5 relative (then the next
//     would change nothing at double precision: the scalar solver's rule).
// Lanes the vector path does not cover go to the scalar solver, which gives the identical
// accuracy and the typed errors: invalid input, prices within 1e-12 of the upper bound or (in
// the money) of intrinsic,
// x = 0, normalised prices below 1e-280, or no convergence in kMaxSteps steps. Lanes whose final
// normalised price cancelled beyond 90% (the scalar series/quadrature is needed there) continue
// the scalar Householder iteration from the vector s on their branch (code 2 + branch).
// (Stopping at 1e-4 instead of 1e-5 is safe, order 4: measured in docs/options.md, not kept.)
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "../src/options/implied_vol_batch.cpp"
// Compile for AVX3 (AVX-512), AVX2 and the portable baseline only (as batch.cpp): AVX3_DL, SSE4
// and SSSE3 copies of these large inlined kernels would add compile time for CPUs that the
// other targets serve.
#ifndef HWY_DISABLED_TARGETS
#define HWY_DISABLED_TARGETS (HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#endif
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "alvh/options/implied_vol.hpp"
#include "vector_normal-inl.h"

#ifndef ALVH_OPTIONS_IV_BATCH_DECLS
#define ALVH_OPTIONS_IV_BATCH_DECLS
namespace alvh::options::iv_detail {
struct IvArgs {
  const double *beta, *x, *bmax;  // normalised OTM price, -|ln(F/K)|, e^{x/2} (NormaliseKernel)
  double* s;                      // out: vol sqrt(T)
  unsigned char* scalar;          // in/out: 1 = row for the scalar solver
  std::size_t n;
  std::size_t* steps_histogram;  // [0..kMaxSteps]: vectors by Householder steps taken (may be null)
};
struct NormaliseArgs {
  const unsigned char* call;
  const double *price, *S, *K, *T, *r, *q;
  double *beta, *x, *bmax;  // out
  unsigned char* scalar;    // out: 1 = row for the scalar solver
  std::size_t n;
};
inline constexpr int kMaxSteps = 4;
}  // namespace alvh::options::iv_detail
#endif

HWY_BEFORE_NAMESPACE();
namespace alvh::options::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Lanes whose final-step normalised price cancels beyond this go to the scalar solver: the
// scalar pricer's threshold (black.cpp), so b(s) keeps ~1e-15 relative accuracy.
inline constexpr double kIvCancelLimit = 0.9;

// Stop a lane once its (accurate) Householder(3) step is below this relative size: the scalar
// solver's rule (implied_vol.cpp's iterate).
inline constexpr double kIvStopStep = 1e-5;

// Normal CDF N(z) and exp(-z^2/2) (square split exactly), any sign of z.
template <class D, class V = hn::Vec<D>>
HWY_INLINE void NormCdfAndGauss(D d, V z, V& N, V& gauss) {
  const V zz = hn::Mul(z, z);
  const V lo = hn::MulSub(z, z, zz);
  gauss = hn::Mul(ExpFast(d, hn::Mul(hn::Set(d, -0.5), zz)), hn::NegMulAdd(hn::Set(d, 0.5), lo, hn::Set(d, 1.0)));
  hn::Mask<D> small;
  const V R = ErfcRatio(d, hn::Mul(hn::Abs(z), hn::Set(d, 0.707106781186547524400844362105)), small);
  const V tail = hn::Mul(hn::Set(d, 0.5), hn::IfThenElse(small, R, hn::Mul(gauss, R)));
  N = hn::IfThenElse(hn::Lt(z, hn::Zero(d)), tail, hn::Sub(hn::Set(d, 1.0), tail));
}

// Inverse normal CDF for 0 < p <= 1/2 (the only range the solver needs): P. J. Acklam's
// rational approximation and one Halley step on N(z) - p, as detail::inverse_norm_cdf.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V InverseNormCdfLower(D d, V p) {
  const V one = hn::Set(d, 1.0);
  // Tail p < 0.02425: q = sqrt(-2 ln p).
  const V qt = hn::Sqrt(hn::Mul(hn::Set(d, -2.0), hn::Log(d, p)));
  V nt = hn::MulAdd(hn::Set(d, -7.784894002430293e-03), qt, hn::Set(d, -3.223964580411365e-01));
  nt = hn::MulAdd(nt, qt, hn::Set(d, -2.400758277161838e+00));
  nt = hn::MulAdd(nt, qt, hn::Set(d, -2.549732539343734e+00));
  nt = hn::MulAdd(nt, qt, hn::Set(d, 4.374664141464968e+00));
  nt = hn::MulAdd(nt, qt, hn::Set(d, 2.938163982698783e+00));
  V dt = hn::MulAdd(hn::Set(d, 7.784695709041462e-03), qt, hn::Set(d, 3.224671290700398e-01));
  dt = hn::MulAdd(dt, qt, hn::Set(d, 2.445134137142996e+00));
  dt = hn::MulAdd(dt, qt, hn::Set(d, 3.754408661907416e+00));
  dt = hn::MulAdd(dt, qt, one);
  // Central: q = p - 1/2, r = q^2.
  const V qc = hn::Sub(p, hn::Set(d, 0.5)), rc = hn::Mul(qc, qc);
  V nc = hn::MulAdd(hn::Set(d, -3.969683028665376e+01), rc, hn::Set(d, 2.209460984245205e+02));
  nc = hn::MulAdd(nc, rc, hn::Set(d, -2.759285104469687e+02));
  nc = hn::MulAdd(nc, rc, hn::Set(d, 1.383577518672690e+02));
  nc = hn::MulAdd(nc, rc, hn::Set(d, -3.066479806614716e+01));
  nc = hn::MulAdd(nc, rc, hn::Set(d, 2.506628277459239e+00));
  nc = hn::Mul(nc, qc);
  V dc = hn::MulAdd(hn::Set(d, -5.447609879822406e+01), rc, hn::Set(d, 1.615858368580409e+02));
  dc = hn::MulAdd(dc, rc, hn::Set(d, -1.556989798598866e+02));
  dc = hn::MulAdd(dc, rc, hn::Set(d, 6.680131188771972e+01));
  dc = hn::MulAdd(dc, rc, hn::Set(d, -1.328068155288572e+01));
  dc = hn::MulAdd(dc, rc, one);
  const auto tail = hn::Lt(p, hn::Set(d, 0.02425));
  V z = hn::Div(hn::IfThenElse(tail, nt, nc), hn::IfThenElse(tail, dt, dc));
  // Halley: u = (N(z) - p) sqrt(2 pi)/exp(-z^2/2); z -= u/(1 + z u/2).
  V N, gauss;
  NormCdfAndGauss(d, z, N, gauss);
  const V u = hn::Div(hn::Mul(hn::Sub(N, p), hn::Set(d, 2.50662827463100050241576528481)), gauss);
  return hn::Sub(z, hn::Div(u, hn::MulAdd(hn::Mul(hn::Set(d, 0.5), z), u, one)));
}

// Delbourgo-Gregory rational cubic (implied_vol.cpp's rational_cubic).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V RationalCubic(D d, V x, V xl, V xr, V yl, V yr, V dl, V dr, V r) {
  const V one = hn::Set(d, 1.0);
  const V h = hn::Sub(xr, xl);
  const V t = hn::Div(hn::Sub(x, xl), h), omt = hn::Sub(one, t);
  const V t2 = hn::Mul(t, t), omt2 = hn::Mul(omt, omt);
  const V num = hn::Add(hn::Add(hn::Mul(hn::Mul(yr, t2), t), hn::Mul(hn::NegMulAdd(h, dr, hn::Mul(r, yr)), hn::Mul(t2, omt))),
                        hn::Add(hn::Mul(hn::MulAdd(h, dl, hn::Mul(r, yl)), hn::Mul(t, omt2)), hn::Mul(hn::Mul(yl, omt2), omt)));
  const V den = hn::MulAdd(hn::Sub(r, hn::Set(d, 3.0)), hn::Mul(t, omt), one);
  const V v = hn::Div(num, den);
  return hn::IfThenElse(hn::Gt(hn::Abs(h), hn::Zero(d)), v, hn::Mul(hn::Set(d, 0.5), hn::Add(yl, yr)));
}

// minimum_control_parameter of implied_vol.cpp.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V MinimumControl(D d, V dl, V dr, V slope) {
  const V zero = hn::Zero(d);
  const auto monotone = hn::And(hn::Ge(hn::Mul(dl, slope), zero), hn::Ge(hn::Mul(dr, slope), zero));
  const auto convex = hn::And(hn::Le(dl, slope), hn::Le(slope, dr));
  const auto concave = hn::And(hn::Ge(dl, slope), hn::Ge(slope, dr));
  V r = zero;
  r = hn::IfThenElse(hn::And(monotone, hn::Ne(slope, zero)), hn::Max(r, hn::Div(hn::Add(dl, dr), slope)), r);
  const V a = hn::Abs(hn::Sub(dr, dl));
  const V b1 = hn::Abs(hn::Sub(slope, dl)), b2 = hn::Abs(hn::Sub(dr, slope));
  const auto cc = hn::Or(convex, concave);
  r = hn::IfThenElse(hn::And(cc, hn::Gt(b1, zero)), hn::Max(r, hn::Div(a, b1)), r);
  r = hn::IfThenElse(hn::And(cc, hn::Gt(b2, zero)), hn::Max(r, hn::Div(a, b2)), r);
  return hn::IfThenElse(hn::Lt(hn::Abs(r), hn::Set(d, HUGE_VAL)), r, hn::Set(d, 1e12));
}

// control_to_fit_left / control_to_fit_right: r = (h second/2 + dr - dl)/den, floored.
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ControlToFit(D d, V den, V h, V dl, V dr, V slope, V second) {
  const V r0 = hn::Div(hn::MulAdd(hn::Mul(hn::Set(d, 0.5), h), second, hn::Sub(dr, dl)), den);
  const V rmin = MinimumControl(d, dl, dr, slope);
  const auto use_min = hn::Or(hn::Not(hn::Lt(hn::Abs(r0), hn::Set(d, HUGE_VAL))), hn::Lt(r0, rmin));
  return hn::Min(hn::IfThenElse(use_min, rmin, r0), hn::Set(d, 1e12));
}

// Normalised OTM Black price b(x, s) and parts, x <= 0 (ex = e^{-x/2}, ex_inv = e^{x/2}).
// kAccurate = false (initial guess, first Householder step, where a 1e-13 error in b is far
// below the iteration's own error) skips the small-t series in cancelling lanes.
template <bool kAccurate, class D, class V = hn::Vec<D>>
HWY_INLINE OtmParts<V, hn::Mask<D>> NormalisedAt(D d, V x, V s, V ex, V ex_inv) {
  const V h = hn::Div(x, s);
  const V hl = hn::Div(hn::NegMulAdd(h, s, x), s);
  return NormalisedOtm(d, h, hl, hn::Mul(hn::Set(d, 0.5), s), ex, ex_inv, kIvCancelLimit, kAccurate);
}

// The kernel runs in passes over blocks of kIvBlock rows (loop fission, as the pricing batch):
// the initial guess for every vector of the block, then each Householder step for every vector
// still iterating, so that the out-of-order core overlaps independent vectors instead of
// waiting on one long chain. Per-row state lives in L1 scratch. The pass functions are not
// inlined (one copy per target: the block runs for full vectors and for the padded tail), which
// keeps the compile time of this file reasonable, notably under ASan/UBSan.
inline constexpr std::size_t kIvBlock = 64;

struct IvScratch {
  HWY_ALIGN double s[kIvBlock], lower[kIvBlock], upper[kIvBlock], done[kIvBlock], last_cancel[kIvBlock];
  HWY_ALIGN double ln_beta[kIvBlock];
};

// Initial guess for the vector at offset i (scratch offset j).
template <class DF>
HWY_NOINLINE void GuessVector(DF d, const iv_detail::IvArgs& a, std::size_t i, IvScratch& w, std::size_t j) {
  using V = hn::Vec<DF>;
  const V zero = hn::Zero(d), one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), quarter = hn::Set(d, 0.25);
  const V inf = hn::Set(d, HUGE_VAL);
  const V inv_sqrt2pi = hn::Set(d, 0.398942280401432677939946059934);
  const V beta = hn::LoadU(d, a.beta + i), x = hn::LoadU(d, a.x + i), bmax = hn::LoadU(d, a.bmax + i);
  const hn::Rebind<uint8_t, DF> d8;
  const hn::Rebind<int32_t, DF> di32;
  auto bad = hn::Ne(hn::PromoteTo(d, hn::PromoteTo(di32, hn::LoadU(d8, a.scalar + i))), zero);
  const V ex = hn::Div(one, bmax);  // e^{-x/2}
  hn::Store(hn::IfThenElseZero(bad, one), d, w.done + j);
  hn::Store(zero, d, w.last_cancel + j);
  if (hn::AllTrue(d, bad)) {
    hn::Store(one, d, w.s + j);
    hn::Store(zero, d, w.lower + j);
    hn::Store(zero, d, w.upper + j);
    hn::Store(zero, d, w.ln_beta + j);
    return;
  }
  const V ax = hn::Neg(x);
  // --- initial guess (implied_vol.cpp's otm_call_implied_s) ---
  const V sc = hn::Sqrt(hn::Add(ax, ax));
  const auto Bc = NormalisedAt<false>(d, x, sc, ex, bmax);
  const V bc = Bc.b, vc = hn::Mul(inv_sqrt2pi, Bc.E);
  const auto left = hn::Lt(beta, bc);
  const V sl = hn::Max(hn::Sub(sc, hn::Div(bc, vc)), hn::Mul(quarter, sc));
  const V su = hn::Add(sc, hn::Div(hn::Sub(bmax, bc), vc));
  const V s_side = hn::IfThenElse(left, sl, su);
  const auto Bs = NormalisedAt<false>(d, x, s_side, ex, bmax);
  const V b_side = Bs.b, v_side = hn::Mul(inv_sqrt2pi, Bs.E);
  const auto lower = hn::And(left, hn::Lt(beta, b_side));
  const auto upper_branch = hn::AndNot(left, hn::Gt(beta, b_side));
  // Middle branches: rational cubic of s(beta) between (b_side, s_side) and (bc, sc).
  const V inv_vc = hn::Div(one, vc), inv_vs = hn::Div(one, v_side);
  const V mxl = hn::IfThenElse(left, b_side, bc), mxr = hn::IfThenElse(left, bc, b_side);
  const V myl = hn::IfThenElse(left, s_side, sc), myr = hn::IfThenElse(left, sc, s_side);
  const V mdl = hn::IfThenElse(left, inv_vs, inv_vc), mdr = hn::IfThenElse(left, inv_vc, inv_vs);
  const V mh = hn::Sub(mxr, mxl);
  const V mslope = hn::Div(hn::Sub(myr, myl), mh);
  const V mden = hn::IfThenElse(left, hn::Sub(mdr, mslope), hn::Sub(mslope, mdl));
  const V mr = ControlToFit(d, mden, mh, mdl, mdr, mslope, zero);
  const V s_middle = RationalCubic(d, beta, mxl, mxr, myl, myr, mdl, mdr, mr);
  // The outer maps are evaluated only when a lane of the vector is on an outer branch.
  V s = s_middle;
  if (!hn::AllFalse(d, hn::Or(lower, upper_branch))) {
    // Outer maps: lower f_l(s) = cl N(z)^3 at z = -|x|/(sqrt3 s_l); upper f_u(s) = N(-s/2) at s_u.
    const V kSqrt3 = hn::Set(d, 1.73205080756887729352744634151), kTwoPi = hn::Set(d, 6.28318530717958647692528676656);
    const V zl = hn::Div(hn::Neg(ax), hn::Mul(kSqrt3, sl));
    const V zpt = hn::IfThenElse(left, zl, hn::Mul(hn::Set(d, -0.5), su));
    V Nz, gz;
    NormCdfAndGauss(d, zpt, Nz, gz);
    const V pz = hn::Mul(inv_sqrt2pi, gz);
    const V b1 = v_side;
    const V ss = s_side;
    const V qv = hn::Sub(hn::Div(hn::Mul(ax, ax), hn::Mul(hn::Mul(ss, ss), ss)), hn::Mul(quarter, ss));
    // lower map
    const V cl = hn::Div(hn::Mul(kTwoPi, ax), hn::Mul(hn::Set(d, 3.0), kSqrt3));
    const V fl = hn::Mul(cl, hn::Mul(hn::Mul(Nz, Nz), Nz));
    const V fs_l = hn::Mul(hn::Div(hn::Mul(kTwoPi, hn::Mul(ax, ax)), hn::Mul(hn::Set(d, 3.0), hn::Mul(ss, ss))),
                           hn::Mul(hn::Mul(Nz, Nz), pz));
    const V fss_l = hn::Mul(hn::Div(fs_l, ss),
                            hn::Sub(hn::Sub(hn::Mul(zpt, zpt), hn::Set(d, 2.0)), hn::Div(hn::Mul(hn::Add(zpt, zpt), pz), Nz)));
    // upper map
    const V fs_u = hn::Mul(hn::Set(d, -0.5), pz);
    const V fss_u = hn::Mul(hn::Mul(hn::Set(d, 0.125), ss), pz);
    const V fs = hn::IfThenElse(left, fs_l, fs_u), fss = hn::IfThenElse(left, fss_l, fss_u);
    const V f2 = hn::Div(hn::NegMulAdd(fs, qv, fss), hn::Mul(b1, b1));
    const V dfs = hn::Div(fs, b1);
    // lower: cubic on [0, b_l] from (0, 0) slope 1 to (b_l, f_l) slope dfs, fitted on the right;
    // upper: on [b_u, bmax] from (b_u, f_u) slope dfs to (bmax, 0) slope -1/(2 cosh(x/2)), on the left.
    const V oxl = hn::IfThenElse(left, zero, b_side), oxr = hn::IfThenElse(left, b_side, bmax);
    const V oyl = hn::IfThenElse(left, zero, Nz), oyr = hn::IfThenElse(left, fl, zero);
    const V odr_u = hn::Div(hn::Set(d, -1.0), hn::Add(ex, bmax));  // -0.5/cosh(x/2)
    const V odl = hn::IfThenElse(left, one, dfs), odr = hn::IfThenElse(left, dfs, odr_u);
    const V oh = hn::Sub(oxr, oxl);
    const V oslope = hn::Div(hn::Sub(oyr, oyl), oh);
    const V oden = hn::IfThenElse(left, hn::Sub(odr, oslope), hn::Sub(oslope, odl));
    const V orr = ControlToFit(d, oden, oh, odl, odr, oslope, f2);
    const V f = RationalCubic(d, beta, oxl, oxr, oyl, oyr, odl, odr, orr);
    // p for the inverse normal CDF: lower cbrt(f/cl) capped below 1/2, upper f.
    const V ratio = hn::Div(f, cl);
    V cb = half;
    if (!hn::AllFalse(d, lower)) {
      cb = ExpFast(d, hn::Mul(hn::Set(d, 1.0 / 3.0), hn::Log(d, ratio)));
      cb = hn::Sub(cb, hn::Mul(hn::Set(d, 1.0 / 3.0), hn::Sub(cb, hn::Div(ratio, hn::Mul(cb, cb)))));  // Newton
    }
    const V p_inv = hn::IfThenElse(left, hn::Min(cb, hn::Set(d, 0.5 - 1e-16)),
                                   hn::IfThenElse(hn::Gt(f, zero), hn::Min(f, hn::Set(d, 0.5)), half));
    const V zinv = InverseNormCdfLower(d, p_inv);
    const V s_lower = hn::IfThenElse(hn::Gt(f, zero), hn::Div(ax, hn::Mul(kSqrt3, hn::Abs(zinv))), hn::Mul(half, sl));
    const V s_upper =
        hn::IfThenElse(hn::And(hn::Gt(f, zero), hn::Lt(f, half)), hn::Mul(hn::Set(d, -2.0), zinv), hn::Add(su, su));
    s = hn::IfThenElse(lower, s_lower, hn::IfThenElse(upper_branch, s_upper, s_middle));
  }
  hn::Store(s, d, w.s + j);
  hn::Store(hn::IfThenElseZero(lower, one), d, w.lower + j);
  hn::Store(hn::IfThenElseZero(upper_branch, one), d, w.upper + j);
  hn::Store(hn::Log(d, beta), d, w.ln_beta + j);
  (void)inf;
}

// One Householder(3) step for the vector at offset i; returns whether lanes are still iterating.
template <bool kAccurate, class DF>
HWY_NOINLINE bool StepVector(DF d, const iv_detail::IvArgs& a, std::size_t i, IvScratch& w, std::size_t j) {
  using V = hn::Vec<DF>;
  const V zero = hn::Zero(d), one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), quarter = hn::Set(d, 0.25);
  const V inf = hn::Set(d, HUGE_VAL);
  const V inv_sqrt2pi = hn::Set(d, 0.398942280401432677939946059934);
  auto done = hn::Gt(hn::Load(d, w.done + j), zero);
  if (hn::AllTrue(d, done)) return false;
  const V beta = hn::LoadU(d, a.beta + i), x = hn::LoadU(d, a.x + i), bmax = hn::LoadU(d, a.bmax + i);
  const V ex = hn::Div(one, bmax);  // e^{-x/2}
  const auto lower = hn::Gt(hn::Load(d, w.lower + j), zero);
  const auto upper_branch = hn::Gt(hn::Load(d, w.upper + j), zero);
  auto last_cancel = hn::Gt(hn::Load(d, w.last_cancel + j), zero);
  V s = hn::Load(d, w.s + j);
  const V ln_beta = hn::Load(d, w.ln_beta + j);
  // --- Householder(3) steps on the branch objective (implied_vol.cpp's householder_step) ---
  const V cbeta = hn::Sub(bmax, beta);
  {
    const auto B = NormalisedAt<kAccurate>(d, x, s, ex, bmax);
    const V b = B.b;
    const V bv = hn::Mul(inv_sqrt2pi, B.E);  // b'(s)
    const V s2 = hn::Mul(s, s);
    const V xx_s3 = hn::Div(hn::Mul(x, x), hn::Mul(s2, s));
    const V qq = hn::Sub(xx_s3, hn::Mul(quarter, s));
    const V qp = hn::Sub(hn::Div(hn::Mul(hn::Set(d, -3.0), xx_s3), s), quarter);
    const V cbv = hn::MulAdd(bmax, B.C_u1, hn::Mul(ex, B.T2));  // bmax - b(s), no cancellation
    const V L = hn::Log(d, hn::IfThenElse(lower, b, hn::Div(cbv, cbeta)));
    // lower
    const V wl = hn::Div(bv, b);
    const V nu_l = hn::Div(hn::Mul(hn::Sub(ln_beta, L), hn::Div(L, ln_beta)), wl);
    const V g2 = hn::Div(hn::Neg(hn::Add(L, hn::Set(d, 2.0))), L);
    const V g3 = hn::Div(hn::MulAdd(hn::MulAdd(hn::Set(d, 2.0), L, hn::Set(d, 6.0)), L, hn::Set(d, 6.0)), hn::Mul(L, L));
    const V h2_l = hn::MulAdd(g2, wl, qq);
    const V h3_l = hn::Add(hn::MulAdd(hn::Mul(g3, wl), wl, hn::Mul(hn::Mul(hn::Set(d, 3.0), g2), hn::Mul(wl, qq))),
                           hn::MulAdd(qq, qq, qp));
    // middle
    const V nu_m = hn::Div(hn::Sub(beta, b), bv);
    const V h2_m = qq;
    const V h3_m = hn::MulAdd(qq, qq, qp);
    // upper
    const V wu = hn::Div(bv, cbv);
    const V nu_u = hn::Div(L, wu);
    const V h2_u = hn::Add(wu, qq);
    const V h3_u = hn::Add(hn::MulAdd(hn::Add(wu, wu), wu, hn::Mul(hn::Mul(hn::Set(d, 3.0), wu), qq)), hn::MulAdd(qq, qq, qp));
    const V nu = hn::IfThenElse(lower, nu_l, hn::IfThenElse(upper_branch, nu_u, nu_m));
    const V h2 = hn::IfThenElse(lower, h2_l, hn::IfThenElse(upper_branch, h2_u, h2_m));
    const V h3 = hn::IfThenElse(lower, h3_l, hn::IfThenElse(upper_branch, h3_u, h3_m));
    const V step = hn::Div(hn::Mul(nu, hn::MulAdd(hn::Mul(half, h2), nu, one)),
                           hn::MulAdd(nu, hn::MulAdd(nu, hn::Mul(h3, hn::Set(d, 1.0 / 6.0)), h2), one));
    const V step_f = hn::IfThenElse(hn::Lt(hn::Abs(step), inf), step, nu);
    V s_new = hn::IfThenElse(hn::Lt(hn::Abs(nu), inf), hn::Add(s, step_f), s);
    s_new = hn::IfThenElse(hn::Gt(s_new, zero), s_new, hn::Mul(half, s));
    // Lower branch with b underflowed to 0: step towards larger vol (the scalar rule).
    s_new = hn::IfThenElse(hn::And(lower, hn::Not(hn::Gt(b, zero))), hn::Add(s, s), s_new);
    // The first step's b may carry ~1e-13 (no series): convergence is only accepted from the
    // second step on, whose b is accurate.
    const auto converged = hn::And(hn::Not(hn::Gt(hn::Abs(hn::Sub(s_new, s)), hn::Mul(hn::Set(d, kIvStopStep), s_new))),
                                   kAccurate ? hn::Eq(zero, zero) : hn::Lt(zero, zero));
    const auto cancel = hn::Or(B.cancel, hn::Lt(B.E, hn::Set(d, 1e-290)));
    // Lanes still iterating take the step; record whether this step's b was reliable.
    s = hn::IfThenElse(done, s, s_new);
    last_cancel = hn::Or(hn::And(done, last_cancel), hn::AndNot(done, cancel));
    done = hn::Or(done, converged);
  }
  hn::Store(s, d, w.s + j);
  hn::Store(hn::IfThenElseZero(done, one), d, w.done + j);
  hn::Store(hn::IfThenElseZero(last_cancel, one), d, w.last_cancel + j);
  (void)inf;
  return !hn::AllTrue(d, done);
}

// Final pass: store s, return each lane's code for the scalar side (below).
template <class DF>
HWY_NOINLINE hn::Vec<DF> FinishVector(DF d, const iv_detail::IvArgs& a, std::size_t i, const IvScratch& w,
                                     std::size_t j) {
  const auto zero = hn::Zero(d);
  const hn::Rebind<uint8_t, DF> d8;
  const hn::Rebind<int32_t, DF> di32;
  auto bad = hn::Ne(hn::PromoteTo(d, hn::PromoteTo(di32, hn::LoadU(d8, a.scalar + i))), zero);
  const auto s = hn::Load(d, w.s + j);
  bad = hn::Or(bad, hn::Not(hn::Gt(hn::Load(d, w.done + j), zero)));
  bad = hn::Or(bad, hn::Not(hn::Lt(hn::Abs(s), hn::Set(d, HUGE_VAL))));
  bad = hn::Or(bad, hn::Not(hn::Gt(s, zero)));
  const auto refine = hn::AndNot(bad, hn::Gt(hn::Load(d, w.last_cancel + j), zero));
  // Codes: 0 vector result; 1 scalar solver from scratch; 2 + branch (0 lower, 1 middle,
  // 2 upper): scalar Householder steps from this s (the final b cancelled).
  const auto lower = hn::Gt(hn::Load(d, w.lower + j), zero), upper = hn::Gt(hn::Load(d, w.upper + j), zero);
  const auto refine_code = hn::IfThenElse(lower, hn::Set(d, 2.0), hn::IfThenElse(upper, hn::Set(d, 4.0), hn::Set(d, 3.0)));
  hn::StoreU(s, d, a.s + i);
  return hn::IfThenElse(bad, hn::Set(d, 1.0), hn::IfThenElseZero(refine, refine_code));
}

// Normalisation as implied_vol_black76 (F = S e^{(r-q)T}, D = e^{-rT}, time value in price units,
// beta = time value/sqrt(F K), x = -|ln(F/K)|, bmax = e^{x/2}), with Highway's exp/log; rows
// outside the vector path's domain (invalid, within 1e-12 of a bound, x = 0, beta < 1e-280) are
// flagged for the scalar solver, which then decides and throws exactly as for a single call.
void NormaliseKernel(const iv_detail::NormaliseArgs& a) {
  const hn::ScalableTag<double> d;
  using V = hn::Vec<decltype(d)>;
  const std::size_t N = hn::Lanes(d);
  const V zero = hn::Zero(d), half = hn::Set(d, 0.5), inf = hn::Set(d, HUGE_VAL);
  HWY_ALIGN double flags[hn::MaxLanes(d)];
  auto one_vector = [&](const iv_detail::NormaliseArgs& b, std::size_t i, std::size_t count) HWY_ATTR {
    const V P = hn::LoadU(d, b.price + i), S = hn::LoadU(d, b.S + i), K = hn::LoadU(d, b.K + i);
    const V T = hn::LoadU(d, b.T + i), r = hn::LoadU(d, b.r + i), q = hn::LoadU(d, b.q + i);
    const hn::Rebind<uint8_t, decltype(d)> d8;
    const hn::Rebind<int32_t, decltype(d)> di32;
    const auto is_call = hn::Ne(hn::PromoteTo(d, hn::PromoteTo(di32, hn::LoadU(d8, b.call + i))), zero);
    const auto positive = hn::And(hn::And(hn::Gt(S, zero), hn::Gt(K, zero)), hn::Gt(T, zero));
    const V sum_inputs = hn::Add(hn::Add(hn::Add(S, K), hn::Add(T, hn::Abs(P))), hn::Add(hn::Abs(r), hn::Abs(q)));
    auto bad = hn::Not(hn::And(positive, hn::Lt(sum_inputs, inf)));
    const V F = hn::Mul(S, ExpFast(d, hn::Mul(hn::Sub(r, q), T)));
    const V D = ExpFast(d, hn::Neg(hn::Mul(r, T)));
    const V und = hn::Div(P, D);
    const V intrinsic = hn::Max(hn::IfThenElse(is_call, hn::Sub(F, K), hn::Sub(K, F)), zero);
    const V upper = hn::IfThenElse(is_call, F, K);
    const V margin = hn::Mul(hn::Set(d, 1e-12), upper);  // near a bound: the scalar solver decides
    // Out of the money (intrinsic 0) a tiny time value loses nothing (beta = und/sqrt(F K)): only
    // beta > 1e-280 below; in the money it is und - intrinsic, kept only 1e-12 upper away.
    const V margin_lo = hn::IfThenElse(hn::Gt(intrinsic, zero), margin, zero);
    bad = hn::Or(bad, hn::Not(hn::Gt(hn::Sub(und, intrinsic), margin_lo)));
    bad = hn::Or(bad, hn::Not(hn::Lt(hn::Add(und, margin), upper)));
    const V beta = hn::Div(hn::Sub(und, intrinsic), hn::Mul(hn::Sqrt(F), hn::Sqrt(K)));
    const V x = hn::Neg(hn::Abs(hn::Log(d, hn::Div(F, K))));
    const V bmax = ExpFast(d, hn::Mul(half, x));
    bad = hn::Or(bad, hn::Not(hn::Lt(x, zero)));
    bad = hn::Or(bad, hn::Not(hn::Lt(beta, hn::Mul(hn::Set(d, 1.0 - 1e-12), bmax))));
    bad = hn::Or(bad, hn::Not(hn::Gt(beta, hn::Set(d, 1e-280))));
    // Harmless values in flagged lanes (an OTM call with x = -0.1).
    hn::StoreU(hn::IfThenElse(bad, hn::Set(d, 0.01), beta), d, b.beta + i);
    hn::StoreU(hn::IfThenElse(bad, hn::Set(d, -0.1), x), d, b.x + i);
    hn::StoreU(hn::IfThenElse(bad, hn::Set(d, 0.951229424500714), bmax), d, b.bmax + i);
    hn::Store(hn::IfThenElseZero(bad, hn::Set(d, 1.0)), d, flags);
    for (std::size_t k = 0; k < count; ++k) b.scalar[i + k] = flags[k] != 0.0;
  };
  const std::size_t full = a.n / N * N;
  for (std::size_t i = 0; i < full; i += N) one_vector(a, i, N);
  if (full < a.n) {
    const std::size_t count = a.n - full;
    constexpr std::size_t kPad = 16;  // >= MaxLanes of every target
    HWY_ALIGN double in[6][kPad];
    HWY_ALIGN double out[3][kPad];
    unsigned char call[kPad] = {}, scalar[kPad] = {};
    const double* src[6] = {a.price, a.S, a.K, a.T, a.r, a.q};
    const double pad[6] = {8.0, 100.0, 110.0, 1.0, 0.0, 0.0};
    for (std::size_t k = 0; k < N; ++k) {
      for (int c = 0; c < 6; ++c) in[c][k] = k < count ? src[c][full + k] : pad[c];
      call[k] = k < count ? a.call[full + k] : 1;
    }
    const iv_detail::NormaliseArgs t{call, in[0], in[1], in[2], in[3], in[4], in[5], out[0], out[1], out[2], scalar, N};
    one_vector(t, 0, N);
    for (std::size_t k = 0; k < count; ++k) {
      a.beta[full + k] = out[0][k], a.x[full + k] = out[1][k], a.bmax[full + k] = out[2][k];
      a.scalar[full + k] = scalar[k];
    }
  }
}

void IvKernel(const iv_detail::IvArgs& a) {
  const hn::ScalableTag<double> d;
  const std::size_t N = hn::Lanes(d);
  HWY_ALIGN double flags[hn::MaxLanes(d)];
  IvScratch w;
  // Passes over args' rows [base, base + len) (len a multiple of N, <= kIvBlock); the flags of
  // the first `count` rows go to flags_out.
  auto block = [&](const iv_detail::IvArgs& args, std::size_t base, std::size_t len, std::size_t count,
                   unsigned char* flags_out, std::size_t* hist) HWY_ATTR {
    for (std::size_t j = 0; j < len; j += N) GuessVector(d, args, base + j, w, j);
    for (std::size_t j = 0; j < len; j += N) StepVector<false>(d, args, base + j, w, j);
    int steps = 1;
    bool any = true;
    while (any && steps < iv_detail::kMaxSteps) {
      any = false;
      for (std::size_t j = 0; j < len; j += N) any = StepVector<true>(d, args, base + j, w, j) || any;
      ++steps;
    }
    if (hist) hist[steps] += len;  // rows by the number of step passes their block ran
    for (std::size_t j = 0; j < len; j += N) {
      hn::Store(FinishVector(d, args, base + j, w, j), d, flags);
      for (std::size_t k = 0; k < N && j + k < count; ++k)
        flags_out[base + j + k] = static_cast<unsigned char>(flags[k]);
    }
  };
  const std::size_t full = a.n / N * N;
  for (std::size_t i = 0; i < full; i += kIvBlock) {
    const std::size_t len = std::min(kIvBlock, full - i);
    block(a, i, len, len, a.scalar, a.steps_histogram);
  }
  if (full < a.n) {
    // Last partial vector: padded copy (scalar-flagged lanes are not computed).
    const std::size_t count = a.n - full;
    constexpr std::size_t kPad = 16;  // >= MaxLanes of every target (sized apart from it, so
                                      // that the dead single-lane instance does not warn)
    HWY_ALIGN double in[3][kPad];
    HWY_ALIGN double out[kPad] = {};
    unsigned char scalar[kPad] = {};  // LoadU of the flag bytes reads N of them
    for (std::size_t k = 0; k < N; ++k) {
      in[0][k] = k < count ? a.beta[full + k] : 0.01;
      in[1][k] = k < count ? a.x[full + k] : -0.1;
      in[2][k] = k < count ? a.bmax[full + k] : std::exp(-0.05);
      scalar[k] = k < count ? a.scalar[full + k] : 1;
    }
    const iv_detail::IvArgs t{in[0], in[1], in[2], out, scalar, N, nullptr};
    block(t, 0, N, count, scalar, nullptr);
    for (std::size_t k = 0; k < count; ++k) {
      a.s[full + k] = out[k];
      a.scalar[full + k] = scalar[k];
    }
  }
}

const char* IvTargetName() {
  return hwy::TargetName(HWY_TARGET);
}

}  // namespace alvh::options::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <fmt/format.h>

#include <algorithm>

namespace alvh::options {
namespace detail {
// implied_vol.cpp: the scalar iteration from the vector path's s on its branch.
double implied_vol_bsm_from_guess(OptionType type, double price, double spot, double strike, double t_years,
                                  double rate, double yield, int branch, double s_guess);
}  // namespace detail

HWY_EXPORT(IvKernel);
HWY_EXPORT(NormaliseKernel);
HWY_EXPORT(IvTargetName);

const char* implied_vol_batch_simd_target() {
  return HWY_DYNAMIC_DISPATCH(IvTargetName)();
}

std::size_t implied_vol_bsm_batch_counted(std::span<const unsigned char> type_is_call, std::span<const double> price,
                                          std::span<const double> spot, std::span<const double> strike,
                                          std::span<const double> t_years, std::span<const double> rate,
                                          std::span<const double> yield, std::span<double> vol,
                                          std::span<std::size_t> steps_histogram) {
  const std::size_t n = price.size();
  if (type_is_call.size() != n || spot.size() != n || strike.size() != n || t_years.size() != n || rate.size() != n ||
      yield.size() != n || vol.size() != n)
    throw DomainError("implied_vol_bsm_batch: all spans must have the same length");
  if (!steps_histogram.empty() && steps_histogram.size() != iv_detail::kMaxSteps + 1)
    throw DomainError(fmt::format("implied_vol_bsm_batch: steps histogram must have {} bins", iv_detail::kMaxSteps + 1));
  constexpr std::size_t kChunk = 1024;
  double beta[kChunk], xs[kChunk], bmax[kChunk], s[kChunk];
  unsigned char scalar[kChunk];
  std::size_t total = 0;
  for (std::size_t base = 0; base < n; base += kChunk) {
    const std::size_t m = std::min(kChunk, n - base);
    const iv_detail::NormaliseArgs norm{type_is_call.data() + base, price.data() + base, spot.data() + base,
                                        strike.data() + base,       t_years.data() + base, rate.data() + base,
                                        yield.data() + base,        beta, xs, bmax, scalar, m};
    HWY_DYNAMIC_DISPATCH(NormaliseKernel)(norm);
    const iv_detail::IvArgs args{beta, xs, bmax, s, scalar, m,
                                 steps_histogram.empty() ? nullptr : steps_histogram.data()};
    HWY_DYNAMIC_DISPATCH(IvKernel)(args);
    // Scalar solver, in row order: the first invalid row throws its typed error, prefixed.
    for (std::size_t j = 0; j < m; ++j) {
      const std::size_t i = base + j;
      if (!scalar[j]) {
        vol[i] = s[j] / std::sqrt(t_years[i]);
        continue;
      }
      ++total;
      try {
        const OptionType type = type_is_call[i] ? OptionType::Call : OptionType::Put;
        vol[i] = scalar[j] >= 2 ? detail::implied_vol_bsm_from_guess(type, price[i], spot[i], strike[i], t_years[i],
                                                                     rate[i], yield[i], scalar[j] - 2, s[j])
                                : implied_vol_bsm(type, price[i], spot[i], strike[i], t_years[i], rate[i], yield[i]);
      } catch (const ArbitrageBoundsError& e) {
        throw ArbitrageBoundsError(fmt::format("row {}: {}", i, e.what()));
      } catch (const DomainError& e) {
        throw DomainError(fmt::format("row {}: {}", i, e.what()));
      }
    }
  }
  return total;
}

void implied_vol_bsm_batch(std::span<const unsigned char> type_is_call, std::span<const double> price,
                           std::span<const double> spot, std::span<const double> strike,
                           std::span<const double> t_years, std::span<const double> rate, std::span<const double> yield,
                           std::span<double> vol) {
  (void)implied_vol_bsm_batch_counted(type_is_call, price, spot, strike, t_years, rate, yield, vol, {});
}

}  // namespace alvh::options
#endif
