// SIMD batch BSM pricing (Highway dynamic dispatch + SLEEF erfc). The formulas are those of
// black.cpp (Haug 2007 ch. 1), arranged so that every normal CDF value is a tail computed by
// erfc: e = N(-|d|) = erfc(|d|/sqrt 2)/2, then N(d) and N(-d) are e and 1 - e by the sign of d,
// and 1 - e >= 1/2 is exact to an ulp. Lanes at expiry or zero vol fall back to the scalar code.
#undef HWY_TARGET_INCLUDE
// Highway re-includes this file once per SIMD target; the path is relative to include/.
#define HWY_TARGET_INCLUDE "../src/options/batch.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ALVH_OPTIONS_X86 1
#endif

#include <cmath>
#include <cstddef>

#include "alvh/options/batch.hpp"

#ifndef ALVH_OPTIONS_BATCH_SLEEF_DECLS
#define ALVH_OPTIONS_BATCH_SLEEF_DECLS
#ifdef ALVH_OPTIONS_X86
// SLEEF's vector erfc (1.5 ulp). sleef.h only declares these under -mavx/-msse2 macros, so
// they are declared here for the per-target code that Highway compiles with target attributes.
extern "C" {
__m256d Sleef_erfcd4_u15avx2(__m256d);
__m128d Sleef_erfcd2_u15sse4(__m128d);
}
#endif
namespace alvh::options::batch_detail {
struct KernelArgs {
  const unsigned char* call;
  const double *S, *K, *T, *r, *q, *vol;
  double *price, *delta, *gamma, *vega, *theta, *rho, *vanna, *volga;  // may be null
  std::size_t n;
  std::size_t* fallback;  // indices of lanes needing the scalar path
  std::size_t* n_fallback;
};

}  // namespace alvh::options::batch_detail
#endif

HWY_BEFORE_NAMESPACE();
namespace alvh::options::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class D, class V>
HWY_INLINE V Erfc(D d, V x) {
#if defined(ALVH_OPTIONS_X86) && HWY_TARGET == HWY_AVX2
  (void)d;
  return V{Sleef_erfcd4_u15avx2(x.raw)};
#elif defined(ALVH_OPTIONS_X86) && HWY_TARGET == HWY_SSE4
  (void)d;
  return V{Sleef_erfcd2_u15sse4(x.raw)};
#else
  HWY_ALIGN double lanes[hn::MaxLanes(d)];
  hn::Store(x, d, lanes);
  for (std::size_t i = 0; i < hn::Lanes(d); ++i) lanes[i] = std::erfc(lanes[i]);
  return hn::Load(d, lanes);
#endif
}

void GreeksKernel(const batch_detail::KernelArgs& a) {
  const hn::ScalableTag<double> d;
  const std::size_t N = hn::Lanes(d);
  const auto one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), zero = hn::Zero(d);
  const auto inv_sqrt2 = hn::Set(d, 0.707106781186547524400844362105);
  const auto inv_sqrt2pi = hn::Set(d, 0.398942280401432677939946059934);
  std::size_t nf = 0;
  HWY_ALIGN double callmask[hn::MaxLanes(d)] = {};
  std::size_t i = 0;
  auto body = [&](std::size_t base, std::size_t count) {
    // Full vectors load in place; the last partial vector is padded with a harmless ATM
    // option whose lanes are not stored.
    HWY_ALIGN double buf[7][hn::MaxLanes(d)] = {};
    const double* src[6] = {a.S, a.K, a.T, a.r, a.q, a.vol};
    const double pad[6] = {1.0, 1.0, 1.0, 0.0, 0.0, 0.2};
    for (std::size_t j = 0; j < N; ++j) callmask[j] = (j < count ? a.call[base + j] : 1) ? 1.0 : -1.0;
    auto load = [&](int k) {
      if (count == N) return hn::LoadU(d, src[k] + base);
      for (std::size_t j = 0; j < N; ++j) buf[k][j] = j < count ? src[k][base + j] : pad[k];
      return hn::Load(d, buf[k]);
    };
    const auto S = load(0), K = load(1), T = load(2), r = load(3), q = load(4), vol = load(5);
    const auto theta_sign = hn::Load(d, callmask);
    const auto sqrtT = hn::Sqrt(T);
    const auto s = hn::Mul(vol, sqrtT);
    const auto D = hn::Exp(d, hn::Neg(hn::Mul(r, T)));
    const auto Dq = hn::Exp(d, hn::Neg(hn::Mul(q, T)));
    const auto F = hn::Div(hn::Mul(S, Dq), D);
    const auto x = hn::Log(d, hn::Div(F, K));
    const auto h = hn::Div(x, s);
    const auto t = hn::Mul(half, s);
    const auto d1 = hn::Add(h, t), d2 = hn::Sub(h, t);
    // Tails e = N(-|d|).
    const auto e1 = hn::Mul(half, Erfc(d, hn::Mul(hn::Abs(d1), inv_sqrt2)));
    const auto e2 = hn::Mul(half, Erfc(d, hn::Mul(hn::Abs(d2), inv_sqrt2)));
    const auto c1 = hn::Sub(one, e1), c2 = hn::Sub(one, e2);
    const auto N_d1 = hn::IfThenElse(hn::Lt(d1, zero), e1, c1), N_md1 = hn::IfThenElse(hn::Lt(d1, zero), c1, e1);
    const auto N_d2 = hn::IfThenElse(hn::Lt(d2, zero), e2, c2), N_md2 = hn::IfThenElse(hn::Lt(d2, zero), c2, e2);
    // Out-of-the-money time value: call side when F <= K, put side otherwise.
    const auto otm_call = hn::Le(x, zero);
    const auto tv = hn::IfThenElse(otm_call, hn::Sub(hn::Mul(F, N_d1), hn::Mul(K, N_d2)),
                                   hn::Sub(hn::Mul(K, N_md2), hn::Mul(F, N_md1)));
    const auto is_call = hn::Gt(theta_sign, zero);
    const auto intrinsic = hn::Max(hn::Mul(theta_sign, hn::Sub(F, K)), zero);
    const auto V = hn::Mul(D, hn::Add(intrinsic, hn::Max(tv, zero)));
    const auto Nth_d1 = hn::IfThenElse(is_call, N_d1, N_md1);  // N(theta d1)
    const auto Nth_d2 = hn::IfThenElse(is_call, N_d2, N_md2);
    const auto pdf = hn::Mul(inv_sqrt2pi, hn::Exp(d, hn::Mul(hn::Set(d, -0.5), hn::Mul(d1, d1))));
    const auto delta = hn::Mul(theta_sign, hn::Mul(Dq, Nth_d1));
    const auto gamma = hn::Div(hn::Mul(Dq, pdf), hn::Mul(S, s));
    const auto vega = hn::Mul(hn::Mul(S, Dq), hn::Mul(pdf, sqrtT));
    // theta = r V - D F (phi vol/(2 sqrtT) + (r - q) theta N(theta d1))
    const auto th =
        hn::Sub(hn::Mul(r, V), hn::Mul(hn::Mul(D, F), hn::Add(hn::Div(hn::Mul(pdf, vol), hn::Add(sqrtT, sqrtT)),
                                                              hn::Mul(hn::Sub(r, q), hn::Mul(theta_sign, Nth_d1)))));
    const auto rho = hn::Mul(theta_sign, hn::Mul(hn::Mul(K, T), hn::Mul(D, Nth_d2)));
    const auto vanna = hn::Neg(hn::Div(hn::Mul(hn::Mul(Dq, pdf), d2), vol));
    const auto volga = hn::Div(hn::Mul(vega, hn::Mul(d1, d2)), vol);
    // Lanes with s == 0 (expiry, zero vol) or non-finite results go to the scalar path.
    const auto bad = hn::Or(hn::Not(hn::Gt(s, zero)), hn::Not(hn::Lt(hn::Abs(V), hn::Set(d, HUGE_VAL))));
    HWY_ALIGN double out[hn::MaxLanes(d)];
    auto put = [&](double* dst, decltype(V) v) {
      if (!dst) return;
      if (count == N) {
        hn::StoreU(v, d, dst + base);
      } else {
        hn::Store(v, d, out);
        for (std::size_t j = 0; j < count; ++j) dst[base + j] = out[j];
      }
    };
    put(a.price, V);
    put(a.delta, delta);
    put(a.gamma, gamma);
    put(a.vega, vega);
    put(a.theta, th);
    put(a.rho, rho);
    put(a.vanna, vanna);
    put(a.volga, volga);
    if (!hn::AllFalse(d, bad)) {
      hn::Store(hn::IfThenElseZero(bad, one), d, out);
      for (std::size_t j = 0; j < count; ++j)
        if (out[j] != 0.0) a.fallback[nf++] = base + j;
    }
  };
  for (; i + N <= a.n; i += N) body(i, N);
  if (i < a.n) body(i, a.n - i);
  *a.n_fallback = nf;
}

const char* TargetName() {
  return hwy::TargetName(HWY_TARGET);
}

}  // namespace alvh::options::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <fmt/format.h>

#include <vector>

#include "alvh/core/error.hpp"

namespace alvh::options {
HWY_EXPORT(GreeksKernel);
HWY_EXPORT(TargetName);

const char* batch_simd_target() {
  return HWY_DYNAMIC_DISPATCH(TargetName)();
}

void bsm_greeks_batch(std::span<const unsigned char> type_is_call, std::span<const double> spot,
                      std::span<const double> strike, std::span<const double> t_years, std::span<const double> rate,
                      std::span<const double> yield, std::span<const double> vol, const GreeksBatch& out) {
  const std::size_t n = spot.size();
  auto same = [n](std::size_t m) { return m == n; };
  if (!same(type_is_call.size()) || !same(strike.size()) || !same(t_years.size()) || !same(rate.size()) ||
      !same(yield.size()) || !same(vol.size()))
    throw DomainError("bsm_greeks_batch: all input spans must have the same length");
  for (auto o : {out.price, out.delta, out.gamma, out.vega, out.theta, out.rho, out.vanna, out.volga})
    if (!o.empty() && o.size() != n) throw DomainError("bsm_greeks_batch: output spans must be empty or of length n");
  for (std::size_t i = 0; i < n; ++i) {
    const bool ok = std::isfinite(spot[i]) && spot[i] > 0 && std::isfinite(strike[i]) && strike[i] > 0 &&
                    std::isfinite(t_years[i]) && t_years[i] >= 0 && std::isfinite(rate[i]) && std::isfinite(yield[i]) &&
                    std::isfinite(vol[i]) && vol[i] >= 0;
    if (!ok) {
      try {  // the scalar checks name the argument
        (void)bsm_price(OptionType::Call, spot[i], strike[i], t_years[i], rate[i], yield[i], vol[i]);
      } catch (const DomainError& e) {
        throw DomainError(fmt::format("row {}: {}", i, e.what()));
      }
    }
  }
  auto ptr = [](std::span<double> s) { return s.empty() ? nullptr : s.data(); };
  constexpr std::size_t kChunk = 4096;
  std::vector<std::size_t> fallback(kChunk);
  double* outs[8] = {ptr(out.price), ptr(out.delta), ptr(out.gamma), ptr(out.vega),
                     ptr(out.theta), ptr(out.rho),   ptr(out.vanna), ptr(out.volga)};
  for (std::size_t base = 0; base < n; base += kChunk) {
    const std::size_t m = std::min(kChunk, n - base);
    std::size_t nf = 0;
    auto off = [base](double* p) { return p ? p + base : nullptr; };
    const batch_detail::KernelArgs args{type_is_call.data() + base,
                                        spot.data() + base,
                                        strike.data() + base,
                                        t_years.data() + base,
                                        rate.data() + base,
                                        yield.data() + base,
                                        vol.data() + base,
                                        off(outs[0]),
                                        off(outs[1]),
                                        off(outs[2]),
                                        off(outs[3]),
                                        off(outs[4]),
                                        off(outs[5]),
                                        off(outs[6]),
                                        off(outs[7]),
                                        m,
                                        fallback.data(),
                                        &nf};
    HWY_DYNAMIC_DISPATCH(GreeksKernel)(args);
    for (std::size_t j = 0; j < nf; ++j) {
      const std::size_t i = base + fallback[j];
      const Greeks g = bsm_greeks(type_is_call[i] ? OptionType::Call : OptionType::Put, spot[i], strike[i], t_years[i],
                                  rate[i], yield[i], vol[i]);
      const double vals[8] = {g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.vanna, g.volga};
      for (int k = 0; k < 8; ++k)
        if (outs[k]) outs[k][i] = vals[k];
    }
  }
}

}  // namespace alvh::options
#endif
