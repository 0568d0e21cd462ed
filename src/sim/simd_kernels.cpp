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
  return hn::Set(du, (hn::GetLane(a) & 0xffffffffull) * std::uint64_t{m});  // low word x m, as MulEven
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

// Philox-4x32-10 on 64-bit lanes holding 32-bit words (Salmon et al. 2011; philox.hpp), U
// independent evaluations interleaved round by round (the rounds are a dependent multiply-xor
// chain; interleaving fills the pipeline). The rounds never clear the high halves: MulEven
// reads only the low 32 bits of c0 and c2, and c1, c3 reach the next products only through the
// xor into c0, c2, so the low words are those of the reference at every round. On return the
// high halves hold garbage; philox_clean() masks them for consumers that read whole lanes.
template <int U>
HWY_INLINE void philox_n(VU (&c)[U][4], const PhiloxKeys& keys) {
  for (int r = 0; r < 10; ++r) {
    for (int u = 0; u < U; ++u) {
      const VU p0 = mul_wide(c[u][0], detail::kPhiloxM0);
      const VU p1 = mul_wide(c[u][2], detail::kPhiloxM1);
      c[u][0] = hn::Xor(hn::Xor(hn::ShiftRight<32>(p1), c[u][1]), keys.k0[r]);
      c[u][2] = hn::Xor(hn::Xor(hn::ShiftRight<32>(p0), c[u][3]), keys.k1[r]);
      c[u][1] = p1;
      c[u][3] = p0;
    }
  }
}

HWY_INLINE void philox_clean(VU& c0, VU& c1, VU& c2, VU& c3) {
  const DU du;
  const auto lo = hn::Set(du, 0xffffffffull);
  c0 = hn::And(c0, lo);
  c1 = hn::And(c1, lo);
  c2 = hn::And(c2, lo);
  c3 = hn::And(c3, lo);
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

// Natural log of K vectors of positive normal floats (Cephes logf, S. L. Moshier: x = 2^e m with
// m in [sqrt(1/2), sqrt(2)), log(1 + f) = f - f^2/2 + f^3 P(f), ln 2 split as 0.693359375 -
// 2.12194440e-4). Multiplications and additions only (Highway's float Log divides); the K
// independent chains are interleaved stage by stage so that the FMA latency is hidden. Same
// operation sequence as normal.hpp's log_cephes: scalar and SIMD agree bit for bit where
// MulAdd is a fused FMA.
template <int K, class DF32>
HWY_INLINE void log_cephes(DF32 df, hn::Vec<DF32> (&x)[K]) {
  const hn::RebindToUnsigned<DF32> du;
  const hn::RebindToSigned<DF32> di;
  using VF = hn::Vec<DF32>;
  VF e[K], m[K], z[K], y[K];
  for (int k = 0; k < K; ++k) {
    const auto bits = hn::BitCast(du, x[k]);
    e[k] = hn::ConvertTo(df, hn::Sub(hn::BitCast(di, hn::ShiftRight<23>(bits)), hn::Set(di, 126)));
    m[k] = hn::BitCast(df, hn::Or(hn::And(bits, hn::Set(du, 0x007fffffu)), hn::Set(du, 0x3f000000u)));  // [1/2, 1)
    const auto small = hn::Lt(m[k], hn::Set(df, 0.707106781186547524f));
    e[k] = hn::Sub(e[k], hn::IfThenElseZero(small, hn::Set(df, 1.0f)));
    m[k] = hn::Sub(hn::Add(m[k], hn::IfThenElseZero(small, m[k])), hn::Set(df, 1.0f));
    z[k] = hn::Mul(m[k], m[k]);
    y[k] = hn::MulAdd(hn::Set(df, 7.0376836292e-2f), m[k], hn::Set(df, -1.1514610310e-1f));
  }
  static constexpr float c[7] = {1.1676998740e-1f, -1.2420140846e-1f, 1.4249322787e-1f, -1.6668057665e-1f,
                                 2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f};
  for (float ci : c)
    for (int k = 0; k < K; ++k) y[k] = hn::MulAdd(y[k], m[k], hn::Set(df, ci));
  for (int k = 0; k < K; ++k) {
    y[k] = hn::Mul(hn::Mul(y[k], m[k]), z[k]);
    y[k] = hn::MulAdd(hn::Set(df, -2.12194440e-4f), e[k], y[k]);
    y[k] = hn::MulAdd(hn::Set(df, -0.5f), z[k], y[k]);
    x[k] = hn::MulAdd(hn::Set(df, 0.693359375f), e[k], hn::Add(m[k], y[k]));
  }
}

// Fast normals (NormalMethod::Fast): z = sqrt(2) erfinv(2u - 1) in float32 by M. Giles,
// "Approximating the erfinv function", GPU Computing Gems Jade (2011), single-precision
// version: w = -log(1 - x^2); w < 5: polynomial in w - 2.5, else in sqrt(w) - 3; erfinv = x p(w).
// u = (k + 1/2) 2^-32 as for the exact method, so both methods map the same word to the same
// normal up to float rounding. 1 - |x| and |x| are formed from the integer k (no cancellation
// near u = 0, 1/2 or 1), so the reach is the exact method's: |z| <= 6.23. K vectors at once,
// interleaved (the log and the polynomial are FMA-latency chains).
template <int K, class DF32>
HWY_INLINE void normal_fast(DF32 df, const hn::Vec<hn::RebindToUnsigned<DF32>> (&k)[K], hn::Vec<DF32> (&z)[K]) {
  const hn::RebindToUnsigned<DF32> du;
  const hn::RebindToSigned<DF32> di;
  using VF = hn::Vec<DF32>;
  const auto low31 = hn::Set(du, 0x7fffffffu);
  const VF two_m31 = hn::Set(df, 0x1p-31f), two_m32 = hn::Set(df, 0x1p-32f);
  VF ax[K], w[K];
  for (int i = 0; i < K; ++i) {
    const auto upper = hn::BitCast(du, hn::ShiftRight<31>(hn::BitCast(di, k[i])));  // all ones if u > 1/2
    const auto m = hn::And(hn::Xor(k[i], upper), low31);  // min(k, 2^32 - 1 - k) < 2^31
    const auto c = hn::Sub(low31, m);                     // 2^31 - 1 - m
    const VF p = hn::MulAdd(hn::ConvertTo(df, hn::BitCast(di, m)), two_m31, two_m32);  // 1 - |x| = 2 min(u, 1-u)
    ax[i] = hn::MulAdd(hn::ConvertTo(df, hn::BitCast(di, c)), two_m31, two_m32);       // |x| = |2u - 1|
    w[i] = hn::Mul(p, hn::Sub(hn::Set(df, 2.0f), p));                                   // (1 - x)(1 + x)
  }
  log_cephes<K>(df, w);
  VF poly[K], wc[K];
  bool any_tail = false;
  for (int i = 0; i < K; ++i) {
    w[i] = hn::Neg(w[i]);
    any_tail |= !hn::AllFalse(df, hn::Ge(w[i], hn::Set(df, 5.0f)));  // |x| > 0.9966: 0.34 % of draws
    wc[i] = hn::Sub(w[i], hn::Set(df, 2.5f));
    poly[i] = hn::MulAdd(hn::Set(df, 2.81022636e-08f), wc[i], hn::Set(df, 3.43273939e-07f));
  }
  static constexpr float a[7] = {-3.5233877e-06f, -4.39150654e-06f, 0.00021858087f, -0.00125372503f,
                                 -0.00417768164f, 0.246640727f,     1.50140941f};
  for (float ai : a)
    for (int i = 0; i < K; ++i) poly[i] = hn::MulAdd(poly[i], wc[i], hn::Set(df, ai));
  bool any_far = false;
  if (HWY_UNLIKELY(any_tail)) {
    static constexpr float b[8] = {0.000100950558f, 0.00134934322f, -0.00367342844f, 0.00573950773f,
                                   -0.0076224613f,  0.00943887047f, 1.00167406f,     2.83297682f};
    for (int i = 0; i < K; ++i) {
      const auto tail = hn::Ge(w[i], hn::Set(df, 5.0f));
      if (hn::AllFalse(df, tail)) continue;
      any_far |= !hn::AllFalse(df, hn::Ge(w[i], hn::Set(df, kFastNormalFarW)));
      const VF wt = hn::Sub(hn::Sqrt(w[i]), hn::Set(df, 3.0f));
      VF pt = hn::Set(df, -0.000200214257f);
      for (float bi : b) pt = hn::MulAdd(pt, wt, hn::Set(df, bi));
      poly[i] = hn::IfThenElse(tail, pt, poly[i]);
    }
  }
  const auto sign_bit = hn::Set(du, 0x80000000u);
  for (int i = 0; i < K; ++i) {
    const VF z_abs = hn::Mul(hn::Mul(poly[i], hn::Set(df, 1.41421356237309504880f)), ax[i]);
    // Sign: + when u > 1/2 (top bit of k set).
    z[i] = hn::BitCast(df, hn::Or(hn::BitCast(du, z_abs), hn::AndNot(k[i], sign_bit)));
  }
  if (HWY_UNLIKELY(any_far)) {  // |z| > 5.25 (2e-7 of draws): AS 241 in double, rounded to float
    HWY_ALIGN float zs[hn::MaxLanes(df)];
    HWY_ALIGN float ws[hn::MaxLanes(df)];
    HWY_ALIGN std::uint32_t ks[hn::MaxLanes(df)];
    for (int i = 0; i < K; ++i) {
      hn::Store(z[i], df, zs);
      hn::Store(w[i], df, ws);
      hn::Store(k[i], du, ks);
      for (std::size_t l = 0; l < hn::Lanes(df); ++l)
        if (ws[l] >= kFastNormalFarW) zs[l] = static_cast<float>(inverse_normal_cdf(sim::uniform_open(ks[l])));
      z[i] = hn::Load(df, zs);
    }
  }
}

// Fast normals of the four words c[u][0..3] of U Philox outputs (u64 lanes holding 32-bit
// values), widened to double.
template <int U>
HWY_INLINE void normals_fast(const VU (&c)[U][4], VD (&z)[U][4]) {
  const D d;
#if HWY_TARGET == HWY_SCALAR
  const hn::Rebind<float, D> df;
  const hn::Rebind<std::uint32_t, D> du32;
  hn::Vec<decltype(du32)> k[4 * U];
  hn::Vec<decltype(df)> zf[4 * U];
  for (int u = 0; u < U; ++u)
    for (int l = 0; l < 4; ++l) k[4 * u + l] = hn::TruncateTo(du32, c[u][l]);
  normal_fast<4 * U>(df, k, zf);
  for (int u = 0; u < U; ++u)
    for (int l = 0; l < 4; ++l) z[u][l] = hn::PromoteTo(d, zf[4 * u + l]);
#else
  // Low words of two lanes' vectors in one float vector of twice the lanes.
  const hn::Repartition<float, D> df;
  const hn::RebindToUnsigned<decltype(df)> du32;
  const hn::Half<decltype(df)> dfh;
  hn::Vec<decltype(du32)> k[2 * U];
  hn::Vec<decltype(df)> zf[2 * U];
  for (int u = 0; u < U; ++u)
    for (int h = 0; h < 2; ++h)
      k[2 * u + h] = hn::ConcatEven(du32, hn::BitCast(du32, c[u][2 * h + 1]), hn::BitCast(du32, c[u][2 * h]));
  normal_fast<2 * U>(df, k, zf);
  for (int u = 0; u < U; ++u)
    for (int h = 0; h < 2; ++h) {
      z[u][2 * h] = hn::PromoteTo(d, hn::LowerHalf(dfh, zf[2 * u + h]));
      z[u][2 * h + 1] = hn::PromoteTo(d, hn::UpperHalf(dfh, zf[2 * u + h]));
    }
#endif
}

// e^x for |x| <= 708 (arguments are clamped to that range): x = k ln 2 + r, |r| <= ln 2 / 2,
// e^r = 1 + r + r^2 Q(r) with Highway's ExpPoly coefficients (degree 12, ~1 ulp), 2^k put into
// the exponent field from the rounding shifter's low bits (Muller, "Elementary Functions",
// 3rd ed., §11.3). Fewer operations than Highway's Exp, which also handles |x| > 708.
HWY_INLINE VD exp_clamped(VD x) {
  const D d;
  const DU du;
  x = hn::Min(hn::Max(x, hn::Set(d, -708.0)), hn::Set(d, 708.0));
  const VD shifter = hn::Set(d, 0x1.8p52);
  const VD t = hn::MulAdd(x, hn::Set(d, 1.4426950408889634074), shifter);  // k + 1.5 2^52
  const VD kd = hn::Sub(t, shifter);
  VD r = hn::NegMulAdd(kd, hn::Set(d, 0.6931471805596629565116018), x);  // ln 2 = hi + lo (Highway's split)
  r = hn::NegMulAdd(kd, hn::Set(d, 0.28235290563031577122588448175e-12), r);
  const VD r2 = hn::Mul(r, r), r4 = hn::Mul(r2, r2), r8 = hn::Mul(r4, r4);
  auto c = [&](double v) { return hn::Set(d, v); };
  // Estrin: q = k0 + k1 r + ... + k10 r^10.
  const VD q01 = hn::MulAdd(c(0.166666666666666851703837), r, c(0.5));
  const VD q23 = hn::MulAdd(c(0.00833333333331652721664984), r, c(0.0416666666666665047591422));
  const VD q45 = hn::MulAdd(c(0.000198412698960509205564975), r, c(0.00138888888889774492207962));
  const VD q67 = hn::MulAdd(c(2.75572362911928827629423e-6), r, c(2.4801587159235472998791e-5));
  const VD q89 = hn::MulAdd(c(2.51112930892876518610661e-8), r, c(2.75573911234900471893338e-7));
  const VD q0123 = hn::MulAdd(q23, r2, q01);
  const VD q4567 = hn::MulAdd(q67, r2, q45);
  const VD q8910 = hn::MulAdd(c(2.08860621107283687536341e-9), r2, q89);
  const VD q = hn::MulAdd(q8910, r8, hn::MulAdd(q4567, r4, q0123));
  const VD er = hn::Add(hn::MulAdd(q, r2, r), c(1.0));
  const VD two_k = hn::BitCast(d, hn::ShiftLeft<52>(hn::Add(hn::BitCast(du, t), hn::Set(du, 1023))));
  return hn::Mul(er, two_k);
}

// sqrt(P) carried along the path: sqrt(P_{j+1}) = sqrt(P_j) e^{dX/2}, dX = drift dt + vol sqrt(dt) Z.
// |Z| <= 6.34 for both generators (32-bit uniforms), so when |drift dt| + 6.34 vol sqrt(dt) <= 0.4
// the factor is the Taylor polynomial sum_{k <= 11} dX^k / (2^k k!), truncation < 1e-17
// (0.2^12 / 12!). Rounding accumulates as a random walk of ~1e-16 per step (tests/sim bound the
// drift against exp(X/2)); otherwise (few, large steps) each step takes exp_clamped(X/2).
inline constexpr double kHalfExpMaxStep = 0.4;
HWY_INLINE VD half_exp_step(VD dx) {
  const D d;
  static constexpr double c[12] = {1.0,
                                   0.5,
                                   0.125,
                                   0.020833333333333333333,
                                   0.0026041666666666666667,
                                   0.00026041666666666666667,
                                   2.1701388888888888889e-05,
                                   1.5500992063492063492e-06,
                                   9.6881200396825396825e-08,
                                   5.3822889109347442681e-09,
                                   2.6911444554673721340e-10,
                                   1.2232474797578964246e-11};
  VD acc = hn::Set(d, c[11]);
  for (int k = 10; k >= 0; --k) acc = hn::MulAdd(acc, dx, hn::Set(d, c[k]));
  return acc;
}

// Philox counters {block, stream, path_lo, path_hi} (philox.hpp) for U vectors of paths.
template <int U>
HWY_INLINE void philox_counters(const VU (&path)[U], std::uint32_t stream, std::uint32_t block, VU (&c)[U][4]) {
  const DU du;
  for (int u = 0; u < U; ++u) {
    c[u][0] = hn::Set(du, block);
    c[u][1] = hn::Set(du, stream);
    c[u][2] = hn::And(path[u], hn::Set(du, 0xffffffffull));
    c[u][3] = hn::ShiftRight<32>(path[u]);
  }
}

// Four normal vectors (steps 4 block .. 4 block + 3) for each of U vectors of paths.
template <bool kFast, int U>
HWY_INLINE void normals4(const VU (&path)[U], std::uint32_t stream, std::uint32_t block, const PhiloxKeys& keys,
                         VD (&z)[U][4]) {
  VU c[U][4];
  philox_counters<U>(path, stream, block, c);
  philox_n<U>(c, keys);
  if constexpr (kFast) {
    normals_fast<U>(c, z);
  } else {
    for (int u = 0; u < U; ++u) {
      philox_clean(c[u][0], c[u][1], c[u][2], c[u][3]);
      for (int l = 0; l < 4; ++l) z[u][l] = inverse_normal(uniform_open(c[u][l]));
    }
  }
}

template <bool kFast>
void PhiloxNormalsT(std::uint64_t first, std::size_t count, std::uint32_t stream, std::uint32_t block, PhiloxKey key,
                    double* o0, double* o1, double* o2, double* o3) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  constexpr int U = 4;
  HWY_ALIGN double buf[hn::MaxLanes(d)];
  const PhiloxKeys keys(key);
  double* outs[4] = {o0, o1, o2, o3};
  for (std::size_t v = 0; v < count; v += U * N) {
    VU path[U];
    for (int u = 0; u < U; ++u) path[u] = hn::Add(hn::Set(du, first + v + static_cast<std::size_t>(u) * N), hn::Iota(du, 0));
    VD z[U][4];
    normals4<kFast, U>(path, stream, block, keys, z);
    for (int u = 0; u < U; ++u) {
      const std::size_t base = v + static_cast<std::size_t>(u) * N;
      if (base >= count) break;
      const std::size_t n = std::min(N, count - base);
      for (int l = 0; l < 4; ++l) {
        if (n == N) {
          hn::StoreU(z[u][l], d, outs[l] + base);
        } else {
          hn::Store(z[u][l], d, buf);
          std::copy(buf, buf + n, outs[l] + base);
        }
      }
    }
  }
}

void PhiloxNormals(std::uint64_t first, std::size_t count, std::uint32_t stream, std::uint32_t block, PhiloxKey key,
                   bool fast, double* o0, double* o1, double* o2, double* o3) {
  if (fast) PhiloxNormalsT<true>(first, count, stream, block, key, o0, o1, o2, o3);
  else PhiloxNormalsT<false>(first, count, stream, block, key, o0, o1, o2, o3);
}

void PhiloxUniforms(std::uint64_t first, std::size_t count, std::uint32_t stream, std::uint32_t block, PhiloxKey key,
                    double* o0, double* o1, double* o2, double* o3) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  HWY_ALIGN double buf[4][hn::MaxLanes(d)];
  const PhiloxKeys keys(key);
  double* outs[4] = {o0, o1, o2, o3};
  constexpr int U = 3;
  for (std::size_t v = 0; v < count; v += U * N) {
    VU c[U][4];
    for (int k = 0; k < U; ++k) {
      const VU path = hn::Add(hn::Set(du, first + v + static_cast<std::size_t>(k) * N), hn::Iota(du, 0));
      c[k][0] = hn::Set(du, block);
      c[k][1] = hn::Set(du, stream);
      c[k][2] = hn::And(path, hn::Set(du, 0xffffffffull));
      c[k][3] = hn::ShiftRight<32>(path);
    }
    philox_n<U>(c, keys);
    for (int k = 0; k < U; ++k) {
      const std::size_t base = v + static_cast<std::size_t>(k) * N;
      if (base >= count) break;
      philox_clean(c[k][0], c[k][1], c[k][2], c[k][3]);
      const std::size_t n = std::min(N, count - base);
      for (int l = 0; l < 4; ++l) {
        const VD u = uniform_open(c[k][l]);
        if (n == N) {
          hn::StoreU(u, d, outs[l] + base);
        } else {
          hn::Store(u, d, buf[l]);
          std::copy(buf[l], buf[l] + n, outs[l] + base);
        }
      }
    }
  }
}

template <bool kFast, bool kCarry>
void GbmLpPathsT(const GbmLpParams& p, const GbmLpOutputs& out) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  constexpr int U = 4;  // independent vectors of paths in flight: hides the Exp and normal latency
  const VD drift = hn::Set(d, p.drift_dt), vsd = hn::Set(d, p.vol_sqdt), half = hn::Set(d, 0.5);
  const VD pa = hn::Set(d, p.pa), pb = hn::Set(d, p.pb), one = hn::Set(d, 1.0);
  HWY_ALIGN double buf[4][hn::MaxLanes(d)];
  const int blocks = (p.steps + 3) / 4;
  const PhiloxKeys keys(p.key);
  for (std::size_t v = 0; v < p.count; v += U * N) {
    VU path[U];
    // In-range sums over the steps: sum_sqrt = sum sqrt(P_j), sum_price = sum P_j, n_in = count.
    VD logp[U], sp[U], sum_sqrt[U], sum_price[U], n_in[U];
    for (int u = 0; u < U; ++u) {
      path[u] = hn::Add(hn::Set(du, p.first_path + v + static_cast<std::size_t>(u) * N), hn::Iota(du, 0));
      logp[u] = hn::Set(d, p.log_p0);
      sp[u] = exp_clamped(hn::Mul(half, logp[u]));
      sum_sqrt[u] = sum_price[u] = n_in[u] = hn::Zero(d);
    }
    for (int b = 0; b < blocks; ++b) {
      VD z[U][4];
      normals4<kFast, U>(path, 0, static_cast<std::uint32_t>(b), keys, z);
      for (int lane = 0; lane < 4; ++lane) {
        const int j = 4 * b + lane;
        if (j >= p.steps) break;
        for (int u = 0; u < U; ++u) {
          // Left point of the step (engine.hpp): in range, V = L (2 sqrt(P) - sa - P/sb) and
          // the LVR rate is linear in sqrt(P), so fees and LVR follow from the in-range sums.
          const VD price = hn::Mul(sp[u], sp[u]);
          const auto in = hn::And(hn::Gt(price, pa), hn::Lt(price, pb));
          sum_sqrt[u] = hn::Add(sum_sqrt[u], hn::IfThenElseZero(in, sp[u]));
          sum_price[u] = hn::Add(sum_price[u], hn::IfThenElseZero(in, price));
          n_in[u] = hn::Add(n_in[u], hn::IfThenElseZero(in, one));
          const VD dx = hn::MulAdd(vsd, z[u][lane], drift);
          logp[u] = hn::Add(logp[u], dx);
          sp[u] = kCarry ? hn::Mul(sp[u], half_exp_step(dx)) : exp_clamped(hn::Mul(half, logp[u]));
        }
        if (p.step_has_extra && p.step_has_extra[j]) {
          for (int u = 0; u < U; ++u) {
            const std::size_t base = v + static_cast<std::size_t>(u) * N;
            if (base >= p.count) break;
            hn::Store(logp[u], d, buf[0]);
            p.extra(p.extra_ctx, j, p.first_path + base, base, buf[0], N);
            logp[u] = hn::Load(d, buf[0]);
            sp[u] = exp_clamped(hn::Mul(half, logp[u]));  // events moved the log price
          }
        }
      }
    }
    // fees = fee_apr dt L (2 sum_sqrt - sa n_in - sum_price / sb); LVR = sigma^2 L dt / 4 sum_sqrt.
    const VD fee_l = hn::Set(d, p.fee_dt * p.L), sa = hn::Set(d, p.sa), inv_sb = hn::Set(d, p.inv_sb),
             lvr_dt = hn::Set(d, p.lvr_dt);
    for (int u = 0; u < U; ++u) {
      const std::size_t base = v + static_cast<std::size_t>(u) * N;
      if (base >= p.count) break;
      const VD value_sum = hn::NegMulAdd(sum_price[u], inv_sb, hn::NegMulAdd(sa, n_in[u], hn::Add(sum_sqrt[u], sum_sqrt[u])));
      const VD outs[4] = {logp[u], hn::Mul(fee_l, value_sum), hn::Mul(lvr_dt, sum_sqrt[u]), n_in[u]};
      double* dst[4] = {out.logp, out.fees, out.lvr, out.in_range};
      const std::size_t n = std::min(N, p.count - base);
      for (int k = 0; k < 4; ++k) {
        if (n == N) {
          hn::StoreU(outs[k], d, dst[k] + base);
        } else {
          hn::Store(outs[k], d, buf[k]);
          std::copy(buf[k], buf[k] + n, dst[k] + base);
        }
      }
    }
  }
}

bool carry_sqrt_price(double drift_dt, double vol_sqdt) {
  return std::fabs(drift_dt) + 6.34 * std::fabs(vol_sqdt) <= kHalfExpMaxStep;
}

void GbmLpPaths(const GbmLpParams& p, const GbmLpOutputs& out) {
  const bool carry = carry_sqrt_price(p.drift_dt, p.vol_sqdt);
  if (p.normals == NormalMethod::Fast) {
    if (carry) GbmLpPathsT<true, true>(p, out);
    else GbmLpPathsT<true, false>(p, out);
  } else {
    if (carry) GbmLpPathsT<false, true>(p, out);
    else GbmLpPathsT<false, false>(p, out);
  }
}

template <bool kFast, bool kCarry>
double GbmLpMirrorSumT(std::uint64_t first, std::size_t count, int steps, PhiloxKey key, double log_p0,
                       double drift_dt, double vol_sqdt, double Lq, double sa_, double sb_) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  constexpr int U = 4;  // two independent vectors of paths in flight: hides the Exp/Log latency
  const VD drift = hn::Set(d, drift_dt), vsd = hn::Set(d, vol_sqdt), half = hn::Set(d, 0.5), L = hn::Set(d, Lq),
           sa = hn::Set(d, sa_), sb = hn::Set(d, sb_), inv_sb = hn::Set(d, 1.0 / sb_), two = hn::Set(d, 2.0),
           steps_d = hn::Set(d, static_cast<double>(steps));
  HWY_ALIGN double buf[hn::MaxLanes(d)];
  const int blocks = (steps + 3) / 4;
  const PhiloxKeys keys(key);
  double total = 0.0;
  for (std::size_t v = 0; v < count; v += U * N) {
    VU path[U];
    VD logp[U], sp[U], acc[U];
    for (int u = 0; u < U; ++u) {
      path[u] = hn::Add(hn::Set(du, first + v + static_cast<std::size_t>(u) * N), hn::Iota(du, 0));
      logp[u] = hn::Set(d, log_p0);
      sp[u] = exp_clamped(hn::Mul(half, logp[u]));
      acc[u] = hn::Zero(d);
    }
    for (int b = 0; b < blocks; ++b) {
      VD z[U][4];
      normals4<kFast, U>(path, 0, static_cast<std::uint32_t>(b), keys, z);
      for (int lane = 0; lane < 4 && 4 * b + lane < steps; ++lane)
        for (int u = 0; u < U; ++u) {
          const VD dx = hn::MulAdd(vsd, z[u][lane], drift);
          logp[u] = hn::Add(logp[u], dx);
          sp[u] = kCarry ? hn::Mul(sp[u], half_exp_step(dx)) : exp_clamped(hn::Mul(half, logp[u]));
          const VD s = hn::Min(hn::Max(sp[u], sa), sb);
          // L (s^2 (1/s - 1/sb) + s - sa) = L (s (2 - s/sb) - sa): the same value without a
          // division; L and -sa are applied once per path at the end.
          acc[u] = hn::MulAdd(s, hn::NegMulAdd(s, inv_sb, two), acc[u]);
        }
    }
    for (int u = 0; u < U; ++u) {
      hn::Store(hn::Mul(L, hn::NegMulAdd(sa, steps_d, acc[u])), d, buf);
      const std::size_t base = v + static_cast<std::size_t>(u) * N;
      const std::size_t n = base < count ? std::min(N, count - base) : 0;
      for (std::size_t k = 0; k < n; ++k) total += buf[k];
    }
  }
  return total;
}

double GbmLpMirrorSum(std::uint64_t first, std::size_t count, int steps, PhiloxKey key, double log_p0, double drift_dt,
                      double vol_sqdt, double Lq, double sa_, double sb_, bool fast) {
  const bool carry = carry_sqrt_price(drift_dt, vol_sqdt);
  if (fast)
    return carry ? GbmLpMirrorSumT<true, true>(first, count, steps, key, log_p0, drift_dt, vol_sqdt, Lq, sa_, sb_)
                 : GbmLpMirrorSumT<true, false>(first, count, steps, key, log_p0, drift_dt, vol_sqdt, Lq, sa_, sb_);
  return carry ? GbmLpMirrorSumT<false, true>(first, count, steps, key, log_p0, drift_dt, vol_sqdt, Lq, sa_, sb_)
               : GbmLpMirrorSumT<false, false>(first, count, steps, key, log_p0, drift_dt, vol_sqdt, Lq, sa_, sb_);
}

// Fast normals of word 0 only of U Philox outputs (U even on multi-lane targets: two vectors of
// paths share one float vector).
template <int U>
HWY_INLINE void normals_fast_word0(const VU (&c)[U][4], VD (&z)[U]) {
  const D d;
#if HWY_TARGET == HWY_SCALAR
  const hn::Rebind<float, D> df;
  const hn::Rebind<std::uint32_t, D> du32;
  hn::Vec<decltype(du32)> k[U];
  hn::Vec<decltype(df)> zf[U];
  for (int u = 0; u < U; ++u) k[u] = hn::TruncateTo(du32, c[u][0]);
  normal_fast<U>(df, k, zf);
  for (int u = 0; u < U; ++u) z[u] = hn::PromoteTo(d, zf[u]);
#else
  static_assert(U % 2 == 0);
  const hn::Repartition<float, D> df;
  const hn::RebindToUnsigned<decltype(df)> du32;
  const hn::Half<decltype(df)> dfh;
  hn::Vec<decltype(du32)> k[U / 2];
  hn::Vec<decltype(df)> zf[U / 2];
  for (int h = 0; h < U / 2; ++h)
    k[h] = hn::ConcatEven(du32, hn::BitCast(du32, c[2 * h + 1][0]), hn::BitCast(du32, c[2 * h][0]));
  normal_fast<U / 2>(df, k, zf);
  for (int h = 0; h < U / 2; ++h) {
    z[2 * h] = hn::PromoteTo(d, hn::LowerHalf(dfh, zf[h]));
    z[2 * h + 1] = hn::PromoteTo(d, hn::UpperHalf(dfh, zf[h]));
  }
#endif
}

template <bool kFast>
void EuropeanGbmSumsT(std::uint64_t first, std::size_t count, PhiloxKey key, double log_s0, double drift_t,
                      double vol_sqrt_t, double strike, bool call, double* sums) {
  const D d;
  const DU du;
  const std::size_t N = hn::Lanes(d);
  constexpr int U = 4;  // interleaved vectors of paths
  const PhiloxKeys keys(key);
  const VD ls0 = hn::Set(d, log_s0), drift = hn::Set(d, drift_t), vst = hn::Set(d, vol_sqrt_t), k = hn::Set(d, strike);
  VD s1 = hn::Zero(d), s2 = hn::Zero(d);
  HWY_ALIGN double buf[2][hn::MaxLanes(d)];
  for (std::size_t v = 0; v < count; v += U * N) {
    VU path[U];
    for (int u = 0; u < U; ++u) path[u] = hn::Add(hn::Set(du, first + v + static_cast<std::size_t>(u) * N), hn::Iota(du, 0));
    VU c[U][4];
    philox_counters<U>(path, 0, 0, c);  // block 0, stream 0, word 0: the engine's one-step GBM draw
    philox_n<U>(c, keys);
    VD z[U];
    if constexpr (kFast) {
      normals_fast_word0<U>(c, z);
    } else {
      for (int u = 0; u < U; ++u) {
        philox_clean(c[u][0], c[u][1], c[u][2], c[u][3]);
        z[u] = inverse_normal(uniform_open(c[u][0]));
      }
    }
    for (int u = 0; u < U; ++u) {
      const std::size_t base = v + static_cast<std::size_t>(u) * N;
      if (base >= count) break;
      const VD st = exp_clamped(hn::Add(ls0, hn::MulAdd(vst, z[u], drift)));
      VD pay = hn::ZeroIfNegative(call ? hn::Sub(st, k) : hn::Sub(k, st));
      if (base + N > count) pay = hn::IfThenElseZero(hn::FirstN(d, count - base), pay);  // lanes past the end
      s1 = hn::Add(s1, pay);
      s2 = hn::MulAdd(pay, pay, s2);
    }
  }
  hn::Store(s1, d, buf[0]);
  hn::Store(s2, d, buf[1]);
  sums[0] = sums[1] = 0.0;
  for (std::size_t l = 0; l < N; ++l) {
    sums[0] += buf[0][l];
    sums[1] += buf[1][l];
  }
}

void EuropeanGbmSums(std::uint64_t first, std::size_t count, PhiloxKey key, double log_s0, double drift_t,
                     double vol_sqrt_t, double strike, bool call, bool fast, double* sums) {
  if (fast) EuropeanGbmSumsT<true>(first, count, key, log_s0, drift_t, vol_sqrt_t, strike, call, sums);
  else EuropeanGbmSumsT<false>(first, count, key, log_s0, drift_t, vol_sqrt_t, strike, call, sums);
}

const char* TargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace alvh::sim::simd::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace alvh::sim::simd {
HWY_EXPORT(GbmLpPaths);
HWY_EXPORT(GbmLpMirrorSum);
HWY_EXPORT(PhiloxNormals);
HWY_EXPORT(PhiloxUniforms);
HWY_EXPORT(TargetName);
HWY_EXPORT(EuropeanGbmSums);

EuropeanSums european_gbm_sums(std::uint64_t first_path, std::size_t count, PhiloxKey key, double spot,
                               double drift, double vol, double t_years, double strike, bool call,
                               NormalMethod normals) {
  double s[2];
  HWY_DYNAMIC_DISPATCH(EuropeanGbmSums)(first_path, count, key, std::log(spot), (drift - 0.5 * vol * vol) * t_years,
                                        vol * std::sqrt(t_years), strike, call, normals == NormalMethod::Fast, s);
  return {s[0], s[1]};
}

EuropeanSums european_gbm_sums(std::uint64_t first_path, std::size_t count, PhiloxKey key, double spot,
                               double drift, double vol, double t_years, double strike, bool call) {
  return european_gbm_sums(first_path, count, key, spot, drift, vol, t_years, strike, call, NormalMethod::Exact);
}

void gbm_lp_paths(const GbmLpParams& p, const GbmLpOutputs& out) { HWY_DYNAMIC_DISPATCH(GbmLpPaths)(p, out); }

double gbm_lp_mirror_sum(std::uint64_t first_path, std::size_t count, int steps, PhiloxKey key, double log_p0,
                         double drift_dt, double vol_sqdt, double L, double sa, double sb, NormalMethod normals) {
  return HWY_DYNAMIC_DISPATCH(GbmLpMirrorSum)(first_path, count, steps, key, log_p0, drift_dt, vol_sqdt, L, sa, sb,
                                              normals == NormalMethod::Fast);
}

double gbm_lp_mirror_sum(std::uint64_t first_path, std::size_t count, int steps, PhiloxKey key, double log_p0,
                         double drift_dt, double vol_sqdt, double L, double sa, double sb) {
  return gbm_lp_mirror_sum(first_path, count, steps, key, log_p0, drift_dt, vol_sqdt, L, sa, sb, NormalMethod::Exact);
}

void philox_normals(std::uint64_t first_path, std::size_t count, std::uint32_t stream, std::uint32_t block,
                    PhiloxKey key, NormalMethod normals, double* o0, double* o1, double* o2, double* o3) {
  HWY_DYNAMIC_DISPATCH(PhiloxNormals)(first_path, count, stream, block, key, normals == NormalMethod::Fast, o0, o1,
                                      o2, o3);
}

void philox_normals(std::uint64_t first_path, std::size_t count, std::uint32_t stream, std::uint32_t block,
                    PhiloxKey key, double* o0, double* o1, double* o2, double* o3) {
  philox_normals(first_path, count, stream, block, key, NormalMethod::Exact, o0, o1, o2, o3);
}

void philox_uniforms(std::uint64_t first_path, std::size_t count, std::uint32_t stream, std::uint32_t block,
                     PhiloxKey key, double* o0, double* o1, double* o2, double* o3) {
  HWY_DYNAMIC_DISPATCH(PhiloxUniforms)(first_path, count, stream, block, key, o0, o1, o2, o3);
}

const char* target_name() { return HWY_DYNAMIC_DISPATCH(TargetName)(); }
}  // namespace alvh::sim::simd
#endif
