// SIMD batch BSM pricing (Highway dynamic dispatch: AVX-512 (AVX3) or AVX2+FMA, as the CPU has). The
// formulas are those of black.cpp (Haug 2007 ch. 1; normalised Black function of Jäckel 2015),
// evaluated per vector of options with no per-element branches:
//   F = S e^{(r-q)T}, D = e^{-rT}, x = ln(F/K), s = vol sqrt T, h = x/s, t = s/2;
//   one exp for E = exp(-(h^2 + t^2)/2) gives phi(d1) = E e^{-x/2}/sqrt(2 pi) and, with the two
//   erfc/erfcx ratios of vector_normal-inl.h (Cody's forms, or the erfcx table on AVX-512), every N(+-d1), N(+-d2) as a tail value
//   (never 1 - N of a large N) and the out-of-the-money time value (NormalisedOtm);
//   e^{+-x/2} = sqrt(F/K) and its inverse (no extra exp).
// Per option: 3 exp (D, F/S, E; vector_math-inl.h), 1 log, 2 sqrt, 5 divisions.
// Lanes the vector formulas do not cover to 1e-13 (expiry or zero vol, the two terms of the
// time value cancelling beyond kCancelLimit, exponents near underflow, invalid input) are
// recomputed by the scalar pricer (which also throws the typed error for invalid input).
#undef HWY_TARGET_INCLUDE
// Highway re-includes this file once per SIMD target; the path is relative to include/.
#define HWY_TARGET_INCLUDE "../src/options/batch.cpp"
// Compile for AVX3 (AVX-512: 8 lanes, with the erfcx table and exp of vector_normal-inl.h and
// vector_math-inl.h), AVX2 and the portable baseline only: AVX3_DL, SSE4 and SSSE3 copies of
// these large inlined kernels would add compile time for CPUs that the other targets serve.
#ifndef HWY_DISABLED_TARGETS
#define HWY_DISABLED_TARGETS (HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#endif
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "alvh/options/batch.hpp"
#include "vector_normal-inl.h"

#ifndef ALVH_OPTIONS_BATCH_DECLS
#define ALVH_OPTIONS_BATCH_DECLS
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

// The kernel runs in three passes over blocks of kBlock options (loop fission): each pass is
// a short chain of vector operations with independent iterations, so the out-of-order core
// overlaps several vectors, where one long chain per vector (exp -> log -> exp -> erfcx ->
// greeks, ~250 cycles of latency) would leave it waiting. Pass results live in L1 scratch.
inline constexpr std::size_t kBlock = 64;

struct Scratch {
  HWY_ALIGN double sqrtT[kBlock], inv_Ss[kBlock], D[kBlock], G[kBlock], x[kBlock], m[kBlock];
  HWY_ALIGN double b[kBlock], N_u1[kBlock], C_u1[kBlock], T2[kBlock], E[kBlock], rsqrt_m[kBlock], sqrt_m[kBlock], bad[kBlock];
};

// Pass 1: discounting, forward, log-moneyness (two exp, one log, one sqrt, two divisions).
template <class DF>
HWY_INLINE void Pass1(DF d, const batch_detail::KernelArgs& a, std::size_t i, Scratch& w, std::size_t j) {
  using V = hn::Vec<DF>;
  const V one = hn::Set(d, 1.0), zero = hn::Zero(d), inf = hn::Set(d, HUGE_VAL);
  const V S = hn::LoadU(d, a.S + i), K = hn::LoadU(d, a.K + i), T = hn::LoadU(d, a.T + i);
  const V r = hn::LoadU(d, a.r + i), q = hn::LoadU(d, a.q + i), vol = hn::LoadU(d, a.vol + i);
  // Domain (black.cpp's check_inputs): S, K > 0; T, vol >= 0; all finite (NaN fails every test;
  // a false alarm from a huge sum only sends the lane to the scalar path).
  const auto positive = hn::And(hn::And(hn::Gt(S, zero), hn::Gt(K, zero)), hn::And(hn::Ge(T, zero), hn::Ge(vol, zero)));
  const V sum_inputs = hn::Add(hn::Add(hn::Add(S, K), hn::Add(T, vol)), hn::Add(hn::Abs(r), hn::Abs(q)));
  const V sqrtT = hn::Sqrt(T);
  const V s = hn::Mul(vol, sqrtT);
  const auto ok = hn::And(hn::And(positive, hn::Lt(sum_inputs, inf)), hn::Gt(s, zero));
  hn::Store(sqrtT, d, w.sqrtT + j);
  hn::Store(hn::Div(one, hn::Mul(S, s)), d, w.inv_Ss + j);  // 1/(S s): gamma's factor; 1/s = S/(S s)
  hn::Store(ExpFast(d, hn::Neg(hn::Mul(r, T))), d, w.D + j);
  const V G = ExpFast(d, hn::Mul(hn::Sub(r, q), T));  // F/S
  hn::Store(G, d, w.G + j);
  const V m = hn::Div(hn::Mul(S, G), K);  // F/K
  hn::Store(m, d, w.m + j);
  hn::Store(hn::Log(d, m), d, w.x + j);
  hn::Store(hn::IfThenZeroElse(ok, one), d, w.bad + j);
}

// Pass 2: h = x/s, E = exp(-(h^2+t^2)/2), the two Cody ratios and the normalised OTM price.
template <class DF>
HWY_INLINE void Pass2(DF d, const batch_detail::KernelArgs& a, std::size_t i, Scratch& w, std::size_t j) {
  using V = hn::Vec<DF>;
  const V one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), zero = hn::Zero(d);
  const V S = hn::LoadU(d, a.S + i), vol = hn::LoadU(d, a.vol + i);
  const V sqrtT = hn::Load(d, w.sqrtT + j), x = hn::Load(d, w.x + j), m = hn::Load(d, w.m + j);
  const V s = hn::Mul(vol, sqrtT);
  const V inv_s = hn::Mul(S, hn::Load(d, w.inv_Ss + j));
  const V sqrt_m = hn::Sqrt(m);  // e^{x/2}
  const V rsqrt_m = hn::Div(one, sqrt_m);
  const V h = hn::Mul(x, inv_s);
  const V hl = hn::Mul(hn::NegMulAdd(h, s, x), inv_s);  // x/s = h + hl to O(ulp^2)
  const V t = hn::Mul(half, s);
  const auto x_le0 = hn::Le(x, zero);
  const V ex = hn::IfThenElse(x_le0, rsqrt_m, sqrt_m);  // e^{|x|/2}
  const V ex_inv = hn::IfThenElse(x_le0, sqrt_m, rsqrt_m);
  const auto o = NormalisedOtm(d, h, hl, t, ex, ex_inv);
  hn::Store(o.b, d, w.b + j);
  hn::Store(o.N_u1, d, w.N_u1 + j);
  hn::Store(o.C_u1, d, w.C_u1 + j);
  hn::Store(o.T2, d, w.T2 + j);
  hn::Store(o.E, d, w.E + j);
  hn::Store(rsqrt_m, d, w.rsqrt_m + j);
  hn::Store(sqrt_m, d, w.sqrt_m + j);
  const auto bad = hn::Or(o.cancel, hn::Lt(o.E, hn::Set(d, 1e-290)));
  hn::Store(hn::Add(hn::Load(d, w.bad + j), hn::IfThenElseZero(bad, one)), d, w.bad + j);
}

// Pass 3: price and greeks, stores; returns the lanes for the scalar path.
template <bool kGreeks, class DF>
HWY_INLINE hn::Mask<DF> Pass3(DF d, const batch_detail::KernelArgs& a, std::size_t i, const Scratch& w,
                             std::size_t j) {
  using V = hn::Vec<DF>;
  const V one = hn::Set(d, 1.0), half = hn::Set(d, 0.5), zero = hn::Zero(d), inf = hn::Set(d, HUGE_VAL);
  const V S = hn::LoadU(d, a.S + i), K = hn::LoadU(d, a.K + i);
  // type_is_call bytes -> +1 (call) / -1 (put).
  const hn::Rebind<uint8_t, DF> d8;
  const hn::Rebind<int32_t, DF> di32;
  const auto is_call = hn::Ne(hn::PromoteTo(d, hn::PromoteTo(di32, hn::LoadU(d8, a.call + i))), zero);
  const V theta_sign = hn::IfThenElse(is_call, one, hn::Neg(one));
  const V D = hn::Load(d, w.D + j), G = hn::Load(d, w.G + j);
  const V F = hn::Mul(S, G);
  const V sqrtFK = hn::Mul(K, hn::Load(d, w.sqrt_m + j));
  const V intrinsic = hn::Max(hn::Mul(theta_sign, hn::Sub(F, K)), zero);
  const V price = hn::Mul(D, hn::MulAdd(hn::Load(d, w.b + j), sqrtFK, intrinsic));
  auto bad = hn::Or(hn::Gt(hn::Load(d, w.bad + j), zero), hn::Not(hn::Lt(hn::Abs(price), inf)));
  auto put = [&](double* dst, V v) HWY_ATTR {
    if (dst) hn::StoreU(v, d, dst + i);
  };
  put(a.price, price);
  if constexpr (kGreeks) {
    const V T = hn::LoadU(d, a.T + i), r = hn::LoadU(d, a.r + i), q = hn::LoadU(d, a.q + i);
    const V vol = hn::LoadU(d, a.vol + i);
    const V sqrtT = hn::Load(d, w.sqrtT + j), inv_Ss = hn::Load(d, w.inv_Ss + j), x = hn::Load(d, w.x + j);
    const V N_u1 = hn::Load(d, w.N_u1 + j), C_u1 = hn::Load(d, w.C_u1 + j), T2 = hn::Load(d, w.T2 + j);
    const V inv_s = hn::Mul(S, inv_Ss);
    const V s = hn::Mul(vol, sqrtT);
    const V h = hn::Mul(x, inv_s), t = hn::Mul(half, s);
    const auto x_le0 = hn::Le(x, zero);
    // N(+-d1), N(+-d2) from the OTM parts: for x <= 0, (u1, u2) = (d1, d2); else (-d2, -d1).
    const V one_m_T2 = hn::Sub(one, T2);
    const V N_d1 = hn::IfThenElse(x_le0, N_u1, one_m_T2), N_md1 = hn::IfThenElse(x_le0, C_u1, T2);
    const V N_d2 = hn::IfThenElse(x_le0, T2, C_u1), N_md2 = hn::IfThenElse(x_le0, one_m_T2, N_u1);
    const V Nth_d1 = hn::IfThenElse(is_call, N_d1, N_md1);  // N(theta d1)
    const V Nth_d2 = hn::IfThenElse(is_call, N_d2, N_md2);
    const V d1 = hn::Add(h, t), d2 = hn::Sub(h, t);
    // phi(d1) = E e^{-x/2}/sqrt(2 pi)
    const V pdf = hn::Mul(hn::Set(d, 0.398942280401432677939946059934),
                          hn::Mul(hn::Load(d, w.E + j), hn::Load(d, w.rsqrt_m + j)));
    const V Dq = hn::Mul(D, G);
    const V Dq_pdf = hn::Mul(Dq, pdf);
    const V delta = hn::Mul(theta_sign, hn::Mul(Dq, Nth_d1));
    const V gamma = hn::Mul(Dq_pdf, inv_Ss);
    const V vega = hn::Mul(hn::Mul(S, Dq_pdf), sqrtT);
    const V inv_vol = hn::Mul(sqrtT, inv_s);
    // theta = r V - D F (phi vol/(2 sqrtT) + (r - q) theta N(theta d1)), 1/sqrtT = vol/s.
    const V th = hn::Sub(hn::Mul(r, price),
                         hn::Mul(hn::Mul(D, F), hn::MulAdd(hn::Mul(hn::Mul(pdf, vol), hn::Mul(half, vol)), inv_s,
                                                           hn::Mul(hn::Sub(r, q), hn::Mul(theta_sign, Nth_d1)))));
    const V rho = hn::Mul(theta_sign, hn::Mul(hn::Mul(K, T), hn::Mul(D, Nth_d2)));
    const V vanna = hn::Neg(hn::Mul(hn::Mul(Dq_pdf, d2), inv_vol));
    const V volga = hn::Mul(hn::Mul(vega, hn::Mul(d1, d2)), inv_vol);
    bad = hn::Or(bad, hn::Not(hn::Lt(hn::Abs(hn::Add(gamma, volga)), inf)));
    put(a.delta, delta);
    put(a.gamma, gamma);
    put(a.vega, vega);
    put(a.theta, th);
    put(a.rho, rho);
    put(a.vanna, vanna);
    put(a.volga, volga);
  }
  return bad;
}

template <bool kGreeks>
HWY_INLINE void BsmKernel(const batch_detail::KernelArgs& a) {
  const hn::ScalableTag<double> d;
  const std::size_t N = hn::Lanes(d);
  std::size_t nf = 0;
  HWY_ALIGN double flags[hn::MaxLanes(d)];
  Scratch w;
  auto record = [&](hn::Mask<decltype(d)> bad, std::size_t base, std::size_t count) HWY_ATTR {
    if (hn::AllFalse(d, bad)) return;
    hn::Store(hn::IfThenElseZero(bad, hn::Set(d, 1.0)), d, flags);
    for (std::size_t k = 0; k < count; ++k)
      if (flags[k] != 0.0) a.fallback[nf++] = base + k;
  };
  // Runs the three passes on options [base, base + len) of args (len a multiple of N,
  // <= kBlock); `first` is the row index reported for args' offset 0.
  auto block = [&](const batch_detail::KernelArgs& args, std::size_t base, std::size_t len, std::size_t count,
                   std::size_t first) HWY_ATTR {
    for (std::size_t j = 0; j < len; j += N) Pass1(d, args, base + j, w, j);
    for (std::size_t j = 0; j < len; j += N) Pass2(d, args, base + j, w, j);
    for (std::size_t j = 0; j < len; j += N)
      record(Pass3<kGreeks>(d, args, base + j, w, j), first + base + j, std::min(N, count - j));
  };
  std::size_t i = 0;
  const std::size_t full = a.n / N * N;
  for (; i < full; i += kBlock) {
    const std::size_t len = std::min(kBlock, full - i);
    block(a, i, len, len, 0);
  }
  if (full < a.n) {
    // Last partial vector: copy into padded buffers (a harmless ATM option in the unused lanes).
    const std::size_t count = a.n - full;
    HWY_ALIGN double in[6][hn::MaxLanes(d)];
    HWY_ALIGN double out[8][hn::MaxLanes(d)];
    unsigned char call[16] = {};  // >= MaxLanes; LoadU of the call bytes reads N of them
    const double* src[6] = {a.S, a.K, a.T, a.r, a.q, a.vol};
    const double pad[6] = {1.0, 1.0, 1.0, 0.0, 0.0, 0.2};
    for (std::size_t k = 0; k < N; ++k) {
      for (int c = 0; c < 6; ++c) in[c][k] = k < count ? src[c][full + k] : pad[c];
      call[k] = k < count ? a.call[full + k] : 1;
    }
    double* dst[8] = {a.price, a.delta, a.gamma, a.vega, a.theta, a.rho, a.vanna, a.volga};
    auto o = [&](int c) { return dst[c] ? out[c] : nullptr; };
    const batch_detail::KernelArgs t{call, in[0], in[1], in[2], in[3], in[4], in[5], o(0), o(1),
                                     o(2), o(3),  o(4),  o(5),  o(6),  o(7),  N,     nullptr, nullptr};
    block(t, 0, N, count, full);
    for (int c = 0; c < 8; ++c)
      if (dst[c])
        for (std::size_t k = 0; k < count; ++k) dst[c][full + k] = out[c][k];
  }
  *a.n_fallback = nf;
}

void GreeksKernel(const batch_detail::KernelArgs& a) {
  BsmKernel<true>(a);
}

void PriceKernel(const batch_detail::KernelArgs& a) {
  BsmKernel<false>(a);
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
HWY_EXPORT(PriceKernel);
HWY_EXPORT(TargetName);

const char* batch_simd_target() {
  return HWY_DYNAMIC_DISPATCH(TargetName)();
}

namespace {

std::size_t run_batch(bool greeks, std::span<const unsigned char> type_is_call, std::span<const double> spot,
                      std::span<const double> strike, std::span<const double> t_years, std::span<const double> rate,
                      std::span<const double> yield, std::span<const double> vol, const GreeksBatch& out,
                      const char* fn) {
  const std::size_t n = spot.size();
  auto same = [n](std::size_t m) { return m == n; };
  if (!same(type_is_call.size()) || !same(strike.size()) || !same(t_years.size()) || !same(rate.size()) ||
      !same(yield.size()) || !same(vol.size()))
    throw DomainError(fmt::format("{}: all input spans must have the same length", fn));
  for (auto o : {out.price, out.delta, out.gamma, out.vega, out.theta, out.rho, out.vanna, out.volga})
    if (!o.empty() && o.size() != n) throw DomainError(fmt::format("{}: output spans must be empty or of length n", fn));
  auto ptr = [](std::span<double> s) { return s.empty() ? nullptr : s.data(); };
  constexpr std::size_t kChunk = 4096;
  std::size_t fallback[kChunk];
  double* outs[8] = {ptr(out.price), ptr(out.delta), ptr(out.gamma), ptr(out.vega),
                     ptr(out.theta), ptr(out.rho),   ptr(out.vanna), ptr(out.volga)};
  std::size_t total_fallbacks = 0;
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
                                        fallback,
                                        &nf};
    if (greeks)
      HWY_DYNAMIC_DISPATCH(GreeksKernel)(args);
    else
      HWY_DYNAMIC_DISPATCH(PriceKernel)(args);
    total_fallbacks += nf;
    // Scalar path, in row order: the first invalid row throws the scalar pricer's error
    // (naming the argument), prefixed with the row.
    for (std::size_t j = 0; j < nf; ++j) {
      const std::size_t i = base + fallback[j];
      const OptionType type = type_is_call[i] ? OptionType::Call : OptionType::Put;
      try {
        if (greeks) {
          const Greeks g = bsm_greeks(type, spot[i], strike[i], t_years[i], rate[i], yield[i], vol[i]);
          const double vals[8] = {g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.vanna, g.volga};
          for (int k = 0; k < 8; ++k)
            if (outs[k]) outs[k][i] = vals[k];
        } else {
          outs[0][i] = bsm_price(type, spot[i], strike[i], t_years[i], rate[i], yield[i], vol[i]);
        }
      } catch (const DomainError& e) {
        throw DomainError(fmt::format("row {}: {}", i, e.what()));
      }
    }
  }
  return total_fallbacks;
}

}  // namespace

std::size_t bsm_greeks_batch_counted(std::span<const unsigned char> type_is_call, std::span<const double> spot,
                                     std::span<const double> strike, std::span<const double> t_years,
                                     std::span<const double> rate, std::span<const double> yield,
                                     std::span<const double> vol, const GreeksBatch& out) {
  return run_batch(true, type_is_call, spot, strike, t_years, rate, yield, vol, out, "bsm_greeks_batch");
}

void bsm_greeks_batch(std::span<const unsigned char> type_is_call, std::span<const double> spot,
                      std::span<const double> strike, std::span<const double> t_years, std::span<const double> rate,
                      std::span<const double> yield, std::span<const double> vol, const GreeksBatch& out) {
  (void)run_batch(true, type_is_call, spot, strike, t_years, rate, yield, vol, out, "bsm_greeks_batch");
}

std::size_t bsm_price_batch(std::span<const unsigned char> type_is_call, std::span<const double> spot,
                            std::span<const double> strike, std::span<const double> t_years,
                            std::span<const double> rate, std::span<const double> yield, std::span<const double> vol,
                            std::span<double> price) {
  GreeksBatch out{};
  out.price = price;
  if (price.size() != spot.size()) throw DomainError("bsm_price_batch: price must have the length of the inputs");
  return run_batch(false, type_is_call, spot, strike, t_years, rate, yield, vol, out, "bsm_price_batch");
}

}  // namespace alvh::options
#endif
