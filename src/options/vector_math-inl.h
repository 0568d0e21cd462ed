// e^x for the SIMD option kernels (batch.cpp, implied_vol_batch.cpp, vector_normal-inl.h).
// Highway per-target header: included after <hwy/foreach_target.h>, once per SIMD target (the
// guard toggles with HWY_TARGET_TOGGLE).
//
// On AVX-512 cores the E/erfcx pass of the price + greeks kernel is bound by the two 512-bit
// FMA/shuffle ports (p0, p5), so operation count matters there: this exp takes 18 operations
// where hwy::Exp takes ~30. (Divisions and square roots stay on the hardware divider: replacing
// them by VRCP14PD/VRSQRT14PD plus FMA refinements was measured no faster; docs/options.md.)
#if defined(ALVH_OPTIONS_VECTOR_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef ALVH_OPTIONS_VECTOR_MATH_INL_H_
#undef ALVH_OPTIONS_VECTOR_MATH_INL_H_
#else
#define ALVH_OPTIONS_VECTOR_MATH_INL_H_
#endif

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace alvh::options::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// e^x for the kernels. On AVX3: k = round(x / ln 2), r = x - k ln 2 in two FMA steps (ln 2 split
// as fdlibm's ln2_hi + ln2_lo, so k ln2_hi is exact for |k| < 2^20), e^r by its degree-13 Taylor
// polynomial (|r| <= ln2/2: truncation below 4e-18 relative), then VSCALEFPD multiplies by 2^k
// with correct overflow to +inf and gradual underflow to 0. 18 vector operations against ~30
// for hwy::Exp (which builds 2^k from integer lanes), within 1 ulp + Horner rounding.
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ExpFast(D d, V x) {
  static_assert(sizeof(hn::TFromD<D>) == 8 && hn::MaxLanes(D()) == 8, "ExpFast: full AVX-512 double vectors");
  const V k = V{_mm512_roundscale_pd(hn::Mul(x, hn::Set(d, 1.4426950408889634073599246810019)).raw,
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)};
  V r = hn::NegMulAdd(k, hn::Set(d, 6.93147180369123816490e-01), x);
  r = hn::NegMulAdd(k, hn::Set(d, 1.90821492927058770002e-10), r);
  // 1/n! for n = 13 .. 0.
  V p = hn::Set(d, 1.0 / 6227020800.0);
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 479001600.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 39916800.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 3628800.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 362880.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 40320.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 5040.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 720.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 120.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 24.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0 / 6.0));
  p = hn::MulAdd(p, r, hn::Set(d, 0.5));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0));
  p = hn::MulAdd(p, r, hn::Set(d, 1.0));
  return V{_mm512_scalef_pd(p.raw, k.raw)};
}
#else
template <class D, class V = hn::Vec<D>>
HWY_INLINE V ExpFast(D d, V x) {
  return hn::Exp(d, x);
}
#endif

}  // namespace alvh::options::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
