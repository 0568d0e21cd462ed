#pragma once
// Standard normal variates by inversion: z = Phi^{-1}(u).
//
// M. J. Wichura, "Algorithm AS 241: The Percentage Points of the Normal Distribution",
// Applied Statistics 37(3), 477-484 (1988), PPND16: rational approximations in three regions,
// relative accuracy about 1e-16, so the inversion is exact to double precision (no rejection,
// one uniform per normal, which keeps the counter-based streams simple and the method
// monotone, good for antithetics and quasi-random use). With the 32-bit uniforms of
// philox.hpp, |z| <= 6.23 and the third region (r > 5) is never reached by the engine; the
// scalar function below still implements it for arbitrary p.
#include <cmath>
#include <cstdint>
#include <cstring>

namespace alvh::sim {

// How the engine turns a 32-bit Philox word k into a normal (both invert the CDF at the same
// u = (k + 1/2) 2^-32, so they agree word by word to float rounding; docs/sim.md):
//  - Exact: AS 241 in double (below), relative error ~1e-16.
//  - Fast: M. Giles, "Approximating the erfinv function" (GPU Computing Gems Jade, 2011),
//    single-precision version, z = sqrt(2) erfinv(2u - 1) evaluated in float32 on 8 SIMD lanes
//    and widened to double; |z - z_exact| <= 1e-6 max(1, |z|) (tests/sim/rng_test.cpp). Same
//    reach |z| <= 6.23. Log prices and all valuation stay in double.
enum class NormalMethod { Exact, Fast };

// Phi^{-1}(p) for 0 < p < 1 (AS 241 PPND16). Returns -inf/+inf at p = 0/1, NaN outside [0, 1].
inline double inverse_normal_cdf(double p) {
  if (!(p >= 0.0 && p <= 1.0)) return std::nan("");
  if (p == 0.0) return -HUGE_VAL;
  if (p == 1.0) return HUGE_VAL;
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
                4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
             1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) /
           (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
                2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
             4.2313330701600911252e+1) * r + 1.0);
  }
  double r = std::sqrt(-std::log(q < 0.0 ? p : 1.0 - p));
  double z;
  if (r <= 5.0) {
    r -= 1.6;
    z = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
             1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
          4.63033784615654529590e+0) * r + 1.42343711074968357734e+0) /
        (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
             1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
          2.05319162663775882187e+0) * r + 1.0);
  } else {
    r -= 5.0;
    z = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
             2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
          5.46378491116411436990e+0) * r + 6.65790464350110377720e+0) /
        (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
             7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
          5.99832206555887937690e-1) * r + 1.0);
  }
  return q < 0.0 ? -z : z;
}

// w = -log(1 - x^2) from which NormalMethod::Fast hands over to the exact inversion (|z| ~ 5.25).
inline constexpr float kFastNormalFarW = 15.0f;

// Natural log of a positive normal float by Cephes logf (S. L. Moshier): x = 2^e m, m in
// [sqrt(1/2), sqrt(2)), log(1 + f) = f - f^2/2 + f^3 P(f), ln 2 = 0.693359375 - 2.12194440e-4.
// Multiplications and additions only; the SIMD kernel runs the same sequence.
inline float log_cephes(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  float e = static_cast<float>(static_cast<std::int32_t>(bits >> 23) - 126);
  bits = (bits & 0x007fffffu) | 0x3f000000u;  // m in [1/2, 1)
  float m;
  std::memcpy(&m, &bits, sizeof m);
  if (m < 0.707106781186547524f) {
    e -= 1.0f;
    m = (m + m) - 1.0f;
  } else {
    m = m - 1.0f;
  }
  const float z = m * m;
  float y = std::fma(7.0376836292e-2f, m, -1.1514610310e-1f);
  for (float c : {1.1676998740e-1f, -1.2420140846e-1f, 1.4249322787e-1f, -1.6668057665e-1f, 2.0000714765e-1f,
                  -2.4999993993e-1f, 3.3333331174e-1f})
    y = std::fma(y, m, c);
  y = (y * m) * z;
  y = std::fma(-2.12194440e-4f, e, y);
  y = std::fma(-0.5f, z, y);
  return std::fma(0.693359375f, e, m + y);
}

// Scalar statement of NormalMethod::Fast for word k: the same operations as the SIMD kernel
// (simd_kernels.cpp), so the two agree bit for bit on targets with fused multiply-add.
inline float normal_fast(std::uint32_t k) {
  const bool upper = (k >> 31) != 0;                        // u > 1/2
  const std::uint32_t m = (upper ? ~k : k) & 0x7fffffffu;  // min(k, 2^32 - 1 - k)
  const std::uint32_t c = 0x7fffffffu - m;
  const float p = std::fma(static_cast<float>(static_cast<std::int32_t>(m)), 0x1p-31f, 0x1p-32f);   // 1 - |x|
  const float ax = std::fma(static_cast<float>(static_cast<std::int32_t>(c)), 0x1p-31f, 0x1p-32f);  // |2u - 1|
  const float w = -log_cephes(p * (2.0f - p));  // -log((1 - x)(1 + x))
  // Beyond Giles' float domain (|z| > 5.25, 2e-7 of draws) his tail polynomial drifts (4e-4 at
  // |z| = 6.3): those words take AS 241 in double, rounded to float.
  if (w >= kFastNormalFarW) return static_cast<float>(inverse_normal_cdf((static_cast<double>(k) + 0.5) * 0x1p-32));
  float poly;
  if (w < 5.0f) {
    const float x = w - 2.5f;
    poly = std::fma(2.81022636e-08f, x, 3.43273939e-07f);
    for (float coef : {-3.5233877e-06f, -4.39150654e-06f, 0.00021858087f, -0.00125372503f, -0.00417768164f,
                       0.246640727f, 1.50140941f})
      poly = std::fma(poly, x, coef);
  } else {
    const float x = std::sqrt(w) - 3.0f;
    poly = -0.000200214257f;
    for (float coef : {0.000100950558f, 0.00134934322f, -0.00367342844f, 0.00573950773f, -0.0076224613f,
                       0.00943887047f, 1.00167406f, 2.83297682f})
      poly = std::fma(poly, x, coef);
  }
  const float z = (poly * 1.41421356237309504880f) * ax;
  return upper ? z : -z;
}

}  // namespace alvh::sim
