// Highway kernels of the path engine (see alvh/sim/simd_kernels.hpp). Compiled once per SIMD
// target through hwy/foreach_target.h; HWY_DYNAMIC_DISPATCH picks the best at run time.
#undef HWY_TARGET_INCLUDE
// Path of this file as seen from the include directory (foreach_target.h re-includes it once
// per target).
#define HWY_TARGET_INCLUDE "../src/sim/simd_kernels.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cmath>

#include "alvh/sim/simd_kernels.hpp"

HWY_BEFORE_NAMESPACE();
namespace alvh::sim::simd::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<double>;
using DU = hn::RebindToUnsigned<D>;
using VD = hn::Vec<D>;
using VU = hn::Vec<DU>;

// 32x32 -> 64-bit products of the low words of 64-bit lanes (vpmuludq on x86).
HWY_INLINE VU mul_wide(VU a, std::uint32_t m) {
#if HWY_TARGET == HWY_SCALAR
  const DU du;
  return hn::Set(du, hn::GetLane(a) * std::uint64_t{m});  // one lane: plain 64-bit product
#else
  const hn::Repartition<std::uint32_t, DU> d32;
  return hn::MulEven(hn::BitCast(d32, a), hn::Set(d32, m));
#endif
}

// The 10 round keys of Philox-4x32-10 (the Weyl schedule), broadcast once per kernel call.
struct PhiloxKeys {
  VU k0[10], k1[10];
  explicit PhiloxKeys(PhiloxKey key) {
    const DU du;
    std::uint32_t a = key[0], b = key[1];
    for (int r = 0; r < 10; ++r) {
      k0[r] = hn::Set(du, a);
      k1[r] = hn::Set(du, b);
      a += detail::kPhiloxW0;
      b += detail::kPhiloxW1;
    }
  }
};

// Philox-4x32-10 on 64-bit lanes holding 32-bit words (Salmon et al. 2011; philox.hpp).
HWY_INLINE void philox(VU& c0, VU& c1, VU& c2, VU& c3, const PhiloxKeys& keys) {
  const DU du;
  const auto lo = hn::Set(du, 0xffffffffull);
  for (int r = 0; r < 10; ++r) {
    const VU p0 = mul_wide(c0, detail::kPhiloxM0);
    const VU p1 = mul_wide(c2, detail::kPhiloxM1);
    const VU n0 = hn::Xor(hn::Xor(hn::ShiftRight<32>(p1), c1), keys.k0[r]);
    const VU n2 = hn::Xor(hn::Xor(hn::ShiftRight<32>(p0), c3), keys.k1[r]);
    c0 = n0;
    c1 = hn::And(p1, lo);
    c2 = n2;
    c3 = hn::And(p0, lo);
  }
}

// (k + 1/2) 2^-32 exactly: 2^52 + k from the bit pattern, minus 2^52.
HWY_INLINE VD uniform_open(VU k) {
  const D d;
  const DU du;
  const VD kd = hn::Sub(hn::BitCast(d, hn::Or(k, hn::Set(du, 0x4330000000000000ull))), hn::Set(d, 0x1p52));
  return hn::Mul(hn::Add(kd, hn::Set(d, 0.5)), hn::Set(d, 0x1p-32));
}

template <std::size_t N>
HWY_INLINE VD horner(VD x, const double (&c)[N]) {  // c[0] + c[1] x + ... (highest last)
  const D d;
  VD acc = hn::Set(d, c[N - 1]);
  for (std::size_t i = N - 1; i-- > 0;) acc = hn::MulAdd(acc, x, hn::Set(d, c[i]));
  return acc;
}

// Wichura AS 241 (PPND16), the two regions reachable from 32-bit uniforms (|z| <= 6.23).
HWY_INLINE VD inverse_normal(VD u) {
  static constexpr double a[8] = {3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                                  1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                  3.3430575583588128105e+4, 2.5090809287301226727e+3};
  static constexpr double b[8] = {1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
                                  2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4,
                                  5.2264952788528545610e+3};
  static constexpr double c[8] = {1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                                  3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                                  2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static constexpr double e[8] = {1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
                                  1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
                                  1.05075007164441684324e-9};
  const D d;
  const VD q = hn::Sub(u, hn::Set(d, 0.5));
  const auto central = hn::Le(hn::Abs(q), hn::Set(d, 0.425));
  const VD r = hn::NegMulAdd(q, q, hn::Set(d, 0.180625));
  VD z = hn::Div(hn::Mul(q, horner(r, a)), horner(r, b));
  if (HWY_UNLIKELY(!hn::AllTrue(d, central))) {
    const VD pm = hn::Min(u, hn::Sub(hn::Set(d, 1.0), u));
    const VD t = hn::Sub(hn::Sqrt(hn::Neg(hn::Log(d, pm))), hn::Set(d, 1.6));
    VD zt = hn::Div(horner(t, c), horner(t, e));
    zt = hn::IfThenElse(hn::Lt(q, hn::Zero(d)), hn::Neg(zt), zt);
    z = hn::IfThenElse(central, z, zt);
  }
  return z;
}

// Four normal vectors (steps 4 block .. 4 block + 3) for the paths in `path`.
HWY_INLINE void normals4(VU path, std::uint32_t stream, std::uint32_t block, const PhiloxKeys& key, VD (&z)[4]) {
  const DU du;
  VU c0 = hn::Set(du, block), c1 = hn::Set(du, stream);
  VU c2 = hn::And(path, hn::Set(du, 0xffffffffull)), c3 = hn::ShiftRight<32>(path);
  philox(c0, c1, c2, c3, key);
  z[0] = inverse_normal(uniform_open(c0));
  z[1] = inverse_normal(uniform_open(c1));
  z[2] = inverse_normal(uniform_open(c2));
  z[3] = inverse_normal(uniform_open(c3));
}

void PhiloxNormals(std::uint64_t first, std::size_t count, std::uint32_t stream, std::uint32_t block, PhiloxKey key,
                   double* o0, double* o1, double* o2, double* o3) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  HWY_ALIGN double buf[4][hn::MaxLanes(d)];
  const PhiloxKeys keys(key);
  for (std::size_t v = 0; v < count; v += N) {
    const VU path = hn::Add(hn::Set(du, first + v), hn::Iota(du, 0));
    VD z[4];
    normals4(path, stream, block, keys, z);
    double* outs[4] = {o0, o1, o2, o3};
    const std::size_t n = std::min(N, count - v);
    for (int l = 0; l < 4; ++l) {
      hn::Store(z[l], d, buf[l]);
      std::copy(buf[l], buf[l] + n, outs[l] + v);
    }
  }
}

void GbmLpPaths(const GbmLpParams& p, const GbmLpOutputs& out) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  const VD drift = hn::Set(d, p.drift_dt), vsd = hn::Set(d, p.vol_sqdt), half = hn::Set(d, 0.5);
  const VD L = hn::Set(d, p.L), pa = hn::Set(d, p.pa), pb = hn::Set(d, p.pb), sa = hn::Set(d, p.sa),
           inv_sb = hn::Set(d, p.inv_sb), fee_dt = hn::Set(d, p.fee_dt),
           lvr_dt = hn::Set(d, p.lvr_dt), one = hn::Set(d, 1.0);
  // Value per unit price below the range and the value above it (unused lanes for v2).
  const VD below = hn::Set(d, p.sa > 0.0 ? p.L * (1.0 / p.sa - p.inv_sb) : 0.0);
  const VD above = hn::Set(d, std::isinf(p.sb) ? 0.0 : p.L * (p.sb - p.sa));
  HWY_ALIGN double buf[4][hn::MaxLanes(d)];
  const int blocks = (p.steps + 3) / 4;
  const PhiloxKeys keys(p.key);
  for (std::size_t v = 0; v < p.count; v += N) {
    const VU path = hn::Add(hn::Set(du, p.first_path + v), hn::Iota(du, 0));
    VD logp = hn::Set(d, p.log_p0), fees = hn::Zero(d), lvr = hn::Zero(d), inr = hn::Zero(d);
    for (int b = 0; b < blocks; ++b) {
      VD z[4];
      normals4(path, 0, static_cast<std::uint32_t>(b), keys, z);
      for (int lane = 0; lane < 4; ++lane) {
        const int j = 4 * b + lane;
        if (j >= p.steps) break;
        // Accrual at the left point (engine.hpp): V = L (s - sa) + L (1/s - 1/sb) P, s = clamp(sqrt P).
        const VD sp = hn::Exp(d, hn::Mul(half, logp));
        const VD price = hn::Mul(sp, sp);
        const auto in = hn::And(hn::Gt(price, pa), hn::Lt(price, pb));
        // In range V = L (2 sqrt(P) - sa - P/sb); below it all X: V = L (1/sa - 1/sb) P; above it
        // all Y: V = L (sb - sa). Same value as the clamped formula, without a division.
        const VD v_in = hn::Mul(L, hn::Sub(hn::Sub(hn::Add(sp, sp), sa), hn::Mul(price, inv_sb)));
        const VD value = hn::IfThenElse(in, v_in,
                                        hn::IfThenElse(hn::Le(price, pa), hn::Mul(below, price), above));
        fees = hn::Add(fees, hn::IfThenElseZero(in, hn::Mul(fee_dt, value)));
        lvr = hn::Add(lvr, hn::IfThenElseZero(in, hn::Mul(lvr_dt, sp)));
        inr = hn::Add(inr, hn::IfThenElseZero(in, one));
        logp = hn::Add(logp, hn::MulAdd(vsd, z[lane], drift));
        if (p.step_has_extra && p.step_has_extra[j]) {
          hn::Store(logp, d, buf[0]);
          p.extra(p.extra_ctx, j, p.first_path + v, v, buf[0], N);
          logp = hn::Load(d, buf[0]);
        }
      }
    }
    hn::Store(logp, d, buf[0]);
    hn::Store(fees, d, buf[1]);
    hn::Store(lvr, d, buf[2]);
    hn::Store(inr, d, buf[3]);
    const std::size_t n = std::min(N, p.count - v);
    std::copy(buf[0], buf[0] + n, out.logp + v);
    std::copy(buf[1], buf[1] + n, out.fees + v);
    std::copy(buf[2], buf[2] + n, out.lvr + v);
    std::copy(buf[3], buf[3] + n, out.in_range + v);
  }
}

double GbmLpMirrorSum(std::uint64_t first, std::size_t count, int steps, PhiloxKey key, double log_p0, double drift_dt,
                      double vol_sqdt, double Lq, double sa_, double sb_) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  constexpr int U = 2;  // two independent vectors of paths in flight: hides the Exp/Log latency
  const VD drift = hn::Set(d, drift_dt), vsd = hn::Set(d, vol_sqdt), half = hn::Set(d, 0.5), L = hn::Set(d, Lq),
           sa = hn::Set(d, sa_), sb = hn::Set(d, sb_), inv_sb = hn::Set(d, 1.0 / sb_);
  HWY_ALIGN double buf[hn::MaxLanes(d)];
  const int blocks = (steps + 3) / 4;
  const PhiloxKeys keys(key);
  double total = 0.0;
  for (std::size_t v = 0; v < count; v += U * N) {
    VU path[U];
    VD logp[U], acc[U];
    for (int u = 0; u < U; ++u) {
      path[u] = hn::Add(hn::Set(du, first + v + static_cast<std::size_t>(u) * N), hn::Iota(du, 0));
      logp[u] = hn::Set(d, log_p0);
      acc[u] = hn::Zero(d);
    }
    for (int b = 0; b < blocks; ++b) {
      VD z[U][4];
      for (int u = 0; u < U; ++u) normals4(path[u], 0, static_cast<std::uint32_t>(b), keys, z[u]);
      for (int lane = 0; lane < 4 && 4 * b + lane < steps; ++lane)
        for (int u = 0; u < U; ++u) {
          logp[u] = hn::Add(logp[u], hn::MulAdd(vsd, z[u][lane], drift));
          const VD s = hn::Min(hn::Max(hn::Exp(d, hn::Mul(half, logp[u])), sa), sb);
          // L (s^2 (1/s - 1/sb) + s - sa) = L (2 s - s^2/sb - sa): the same value, no division.
          acc[u] = hn::Add(acc[u], hn::Mul(L, hn::Sub(hn::NegMulAdd(hn::Mul(s, s), inv_sb, hn::Add(s, s)), sa)));
        }
    }
    for (int u = 0; u < U; ++u) {
      hn::Store(acc[u], d, buf);
      const std::size_t base = v + static_cast<std::size_t>(u) * N;
      const std::size_t n = base < count ? std::min(N, count - base) : 0;
      for (std::size_t k = 0; k < n; ++k) total += buf[k];
    }
  }
  return total;
}

void EuropeanGbmSums(std::uint64_t first, std::size_t count, PhiloxKey key, double log_s0, double drift_t,
                     double vol_sqrt_t, double strike, bool call, double* sums) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  const PhiloxKeys keys(key);
  const VD ls0 = hn::Set(d, log_s0), drift = hn::Set(d, drift_t), vst = hn::Set(d, vol_sqrt_t), k = hn::Set(d, strike);
  VD s1 = hn::Zero(d), s2 = hn::Zero(d);
  HWY_ALIGN double buf[2][hn::MaxLanes(d)];
  for (std::size_t v = 0; v < count; v += N) {
    const VU path = hn::Add(hn::Set(du, first + v), hn::Iota(du, 0));
    VU c0 = hn::Zero(du), c1 = hn::Zero(du), c2 = hn::And(path, hn::Set(du, 0xffffffffull)), c3 = hn::ShiftRight<32>(path);
    philox(c0, c1, c2, c3, keys);  // block 0, stream 0, lane 0: the engine's one-step GBM draw
    const VD z = inverse_normal(uniform_open(c0));
    const VD st = hn::Exp(d, hn::Add(ls0, hn::MulAdd(vst, z, drift)));
    VD pay = hn::ZeroIfNegative(call ? hn::Sub(st, k) : hn::Sub(k, st));
    if (v + N > count) {  // lanes past the end: zero
      const std::size_t n = count - v;
      pay = hn::IfThenElseZero(hn::FirstN(d, n), pay);
    }
    s1 = hn::Add(s1, pay);
    s2 = hn::MulAdd(pay, pay, s2);
  }
  hn::Store(s1, d, buf[0]);
  hn::Store(s2, d, buf[1]);
  sums[0] = sums[1] = 0.0;
  for (std::size_t l = 0; l < N; ++l) {
    sums[0] += buf[0][l];
    sums[1] += buf[1][l];
  }
}

const char* TargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace alvh::sim::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace alvh::sim::simd {
HWY_EXPORT(GbmLpPaths);
HWY_EXPORT(GbmLpMirrorSum);
HWY_EXPORT(PhiloxNormals);
HWY_EXPORT(TargetName);
HWY_EXPORT(EuropeanGbmSums);

EuropeanSums european_gbm_sums(std::uint64_t first_path, std::size_t count, PhiloxKey key, double spot,
                               double drift, double vol, double t_years, double strike, bool call) {
  double s[2];
  HWY_DYNAMIC_DISPATCH(EuropeanGbmSums)(first_path, count, key, std::log(spot), (drift - 0.5 * vol * vol) * t_years,
                                        vol * std::sqrt(t_years), strike, call, s);
  return {s[0], s[1]};
}

void gbm_lp_paths(const GbmLpParams& p, const GbmLpOutputs& out) { HWY_DYNAMIC_DISPATCH(GbmLpPaths)(p, out); }

double gbm_lp_mirror_sum(std::uint64_t first_path, std::size_t count, int steps, PhiloxKey key, double log_p0,
                         double drift_dt, double vol_sqdt, double L, double sa, double sb) {
  return HWY_DYNAMIC_DISPATCH(GbmLpMirrorSum)(first_path, count, steps, key, log_p0, drift_dt, vol_sqdt, L, sa, sb);
}

void philox_normals(std::uint64_t first_path, std::size_t count, std::uint32_t stream, std::uint32_t block,
                    PhiloxKey key, double* o0, double* o1, double* o2, double* o3) {
  HWY_DYNAMIC_DISPATCH(PhiloxNormals)(first_path, count, stream, block, key, o0, o1, o2, o3);
}

const char* target_name() { return HWY_DYNAMIC_DISPATCH(TargetName)(); }
}  // namespace alvh::sim::simd
#endif
