// Philox-4x32-10 against the Random123 known-answer vectors, AS 241 inversion against the
// normal CDF, and statistical checks of the engine's normal streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "alvh/sim/normal.hpp"
#include "alvh/sim/philox.hpp"

namespace alvh::sim {
namespace {

// Random123 1.14 tests/kat_vectors, the three "philox4x32 10" lines:
// counter (4 words), key (2 words) -> expected output (4 words).
TEST(SimPhilox, Random123KnownAnswerVectors) {
  struct Kat {
    PhiloxCounter ctr;
    PhiloxKey key;
    PhiloxCounter want;
  };
  const Kat kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const auto& k : kats) EXPECT_EQ(philox4x32(k.ctr, k.key), k.want);
  // It is also usable at compile time.
  static_assert(philox4x32(PhiloxCounter{0, 0, 0, 0}, PhiloxKey{0, 0})[0] == 0x6627e8d5u);
}

TEST(SimPhilox, UniformOpenNeverHitsTheEnds) {
  EXPECT_GT(uniform_open(0u), 0.0);
  EXPECT_LT(uniform_open(0xffffffffu), 1.0);
  EXPECT_DOUBLE_EQ(uniform_open(0x80000000u), 0.5 + 0.5 * 0x1p-32);
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Independent reference: the C library's erfc. AS 241 claims ~1e-16 relative accuracy.
TEST(SimNormal, InverseCdfRoundTripsTheCdf) {
  // Lower half only: there p = Phi(z) is stored to full relative precision (1 - p is not).
  for (double z = -8.0; z <= 0.0; z += 0.01) {
    const double p = normal_cdf(z);
    EXPECT_NEAR(inverse_normal_cdf(p), z, 2e-14 * std::max(1.0, std::fabs(z))) << "z=" << z;
  }
  // Upper half by symmetry of the construction: Phi^{-1}(1 - p) = -Phi^{-1}(p) for exact 1 - p.
  for (double p = 0.5; p < 1.0; p += 0.0078125) EXPECT_EQ(inverse_normal_cdf(p), -inverse_normal_cdf(1.0 - p));
  // Deep tail (third AS 241 region, r > 5): p = 1e-20.
  const double z = inverse_normal_cdf(1e-20);
  EXPECT_NEAR(normal_cdf(z) / 1e-20, 1.0, 1e-12);
  EXPECT_NEAR(inverse_normal_cdf(0.975), 1.959963984540054, 1e-15);  // textbook value
  EXPECT_EQ(inverse_normal_cdf(0.5), 0.0);
  EXPECT_TRUE(std::isnan(inverse_normal_cdf(1.5)));
  EXPECT_EQ(inverse_normal_cdf(0.0), -HUGE_VAL);
}

std::vector<double> stream_normals(std::uint64_t seed, std::uint64_t path, std::uint32_t stream, int blocks) {
  std::vector<double> z;
  for (int b = 0; b < blocks; ++b) {
    const auto r = philox4x32(philox_counter(path, stream, static_cast<std::uint32_t>(b)), philox_key(seed));
    for (auto w : r) z.push_back(inverse_normal_cdf(uniform_open(w)));
  }
  return z;
}

// Moments of 200,000 normals across paths (block 0, lane 0 of each path, as the engine draws
// them): mean 0 +- 4/sqrt(n), variance 1 +- 4 sqrt(2/n), skew 0 +- 4 sqrt(6/n), excess kurtosis
// 0 +- 4 sqrt(24/n).
TEST(SimNormal, MomentsAcrossPaths) {
  const int n = 200000;
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  for (int i = 0; i < n; ++i) {
    const auto r = philox4x32(philox_counter(static_cast<std::uint64_t>(i), 0, 0), philox_key(42));
    const double z = inverse_normal_cdf(uniform_open(r[0]));
    s1 += z;
    s2 += z * z;
    s3 += z * z * z;
    s4 += z * z * z * z;
  }
  const double dn = n;
  EXPECT_NEAR(s1 / dn, 0.0, 4.0 / std::sqrt(dn));
  EXPECT_NEAR(s2 / dn, 1.0, 4.0 * std::sqrt(2.0 / dn));
  EXPECT_NEAR(s3 / dn, 0.0, 4.0 * std::sqrt(6.0 / dn));
  EXPECT_NEAR(s4 / dn - 3.0, 0.0, 4.0 * std::sqrt(24.0 / dn));
}

// Kolmogorov-Smirnov on 50,000 normals along one path: D_n < 1.63/sqrt(n) (1% level).
TEST(SimNormal, KolmogorovSmirnovAlongAPath) {
  auto z = stream_normals(7, 12345, 0, 12500);
  std::sort(z.begin(), z.end());
  const double n = static_cast<double>(z.size());
  double d = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double f = normal_cdf(z[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  EXPECT_LT(d, 1.63 / std::sqrt(n));
}

// Streams of different paths, streams and seeds are uncorrelated.
TEST(SimNormal, StreamsAreUncorrelated) {
  const auto a = stream_normals(1, 0, 0, 5000), b = stream_normals(1, 1, 0, 5000), c = stream_normals(1, 0, 1, 5000),
             d = stream_normals(2, 0, 0, 5000);
  auto corr = [](const std::vector<double>& x, const std::vector<double>& y) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
    return s / static_cast<double>(x.size());
  };
  const double tol = 4.0 / std::sqrt(20000.0);
  EXPECT_NEAR(corr(a, b), 0.0, tol);
  EXPECT_NEAR(corr(a, c), 0.0, tol);
  EXPECT_NEAR(corr(a, d), 0.0, tol);
}

}  // namespace
}  // namespace alvh::sim

#include "alvh/sim/simd_kernels.hpp"

namespace alvh::sim {
namespace {

// The SIMD normals against the scalar twin (Philox + AS 241): identical words, so the normals
// agree to the rounding of FMA/log differences (~1e-15 relative), for paths that straddle
// vector boundaries and 32-bit path words.
TEST(SimSimd, NormalsMatchTheScalarTwin) {
  const std::size_t n = 37;
  std::vector<double> o[4];
  for (auto& v : o) v.assign(n, 0.0);
  const std::uint64_t first = (std::uint64_t{1} << 32) - 5;
  simd::philox_normals(first, n, 3, 17, philox_key(99), o[0].data(), o[1].data(), o[2].data(), o[3].data());
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = philox4x32(philox_counter(first + i, 3, 17), philox_key(99));
    for (std::size_t l = 0; l < 4; ++l) {
      const double z = inverse_normal_cdf(uniform_open(r[l]));
      EXPECT_NEAR(o[l][i], z, 1e-14 * std::max(1.0, std::fabs(z))) << "path " << i << " lane " << l;
    }
  }
  EXPECT_NE(std::string(simd::target_name()), "");
}

}  // namespace
}  // namespace alvh::sim

namespace alvh::sim {
namespace {

bool target_has_fma() {
  const std::string t = simd::target_name();
  return t.find("AVX2") != std::string::npos || t.find("AVX3") != std::string::npos;
}

// NormalMethod::Fast: the SIMD generator against normal.hpp's scalar statement on the same
// Philox words, bit for bit where MulAdd is a fused FMA (AVX2/AVX-512), for paths that straddle
// vector boundaries and the 32-bit path word, over 64 blocks (1.2 M normals; the words include
// far-tail ones handled by the exact fallback).
TEST(SimFastNormal, SimdMatchesScalarStatement) {
  const std::size_t n = 4683;
  const std::uint64_t first = (std::uint64_t{1} << 32) - 2000;
  std::vector<double> o[4];
  for (auto& v : o) v.assign(n, 0.0);
  const bool exact_match = target_has_fma();
  std::size_t mismatches = 0;
  for (std::uint32_t block = 0; block < 64; ++block) {
    simd::philox_normals(first, n, 1, block, philox_key(2024), NormalMethod::Fast, o[0].data(), o[1].data(),
                         o[2].data(), o[3].data());
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = philox4x32(philox_counter(first + i, 1, block), philox_key(2024));
      for (std::size_t l = 0; l < 4; ++l) {
        const double want = normal_fast(r[l]);
        if (exact_match ? o[l][i] != want : std::fabs(o[l][i] - want) > 1e-6 * std::max(1.0, std::fabs(want)))
          ++mismatches;
      }
    }
  }
  EXPECT_EQ(mismatches, 0u) << simd::target_name();
}

// Accuracy against AS 241 at the same uniform u = (k + 1/2) 2^-32, over 2^32 / 65521 words
// spread over the whole range plus both ends (where 1 - |x| and |x| are smallest): relative
// error <= 4e-7 (float32 rounding; Giles reports ~1e-7 for his single-precision version; the
// far tail |z| > 5.25 takes the exact inversion).
TEST(SimFastNormal, MatchesExactInversion) {
  double worst = 0.0;
  auto check = [&](std::uint32_t k) {
    const double exact = inverse_normal_cdf(uniform_open(k));
    worst = std::max(worst, std::fabs(normal_fast(k) - exact) / std::max(1.0, std::fabs(exact)));
  };
  for (std::uint64_t k = 0; k < (std::uint64_t{1} << 32); k += 65521) check(static_cast<std::uint32_t>(k));
  for (std::uint32_t k = 0; k < 20000; ++k) {
    check(k);
    check(~k);
    check(0x80000000u + k);
    check(0x7fffffffu - k);
  }
  EXPECT_LT(worst, 4e-7);
  // Reach: the extreme words give the exact method's extremes, |z| = 6.3380 (u = 2^-33).
  EXPECT_NEAR(normal_fast(0u), -6.3379577545537886, 1e-6);
  EXPECT_NEAR(normal_fast(0xffffffffu), 6.3379577545537886, 1e-6);
  EXPECT_EQ(normal_fast(0x80000000u), -normal_fast(0x7fffffffu));  // symmetric by construction
}

// Distribution of 200,000 fast normals across paths (the engine's draws): moments as
// SimNormal.MomentsAcrossPaths, Kolmogorov-Smirnov D_n < 1.63/sqrt(n) (1% level) and the tail
// frequencies P(|Z| > 2), P(|Z| > 3) within 4 binomial standard errors of 2 Phi(-2), 2 Phi(-3).
TEST(SimFastNormal, DistributionAcrossPaths) {
  const std::size_t n = 200000;
  std::vector<double> o[4];
  for (auto& v : o) v.assign(n, 0.0);
  simd::philox_normals(0, n, 0, 0, philox_key(42), NormalMethod::Fast, o[0].data(), o[1].data(), o[2].data(),
                       o[3].data());
  std::vector<double> z = o[0];
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0, over2 = 0, over3 = 0;
  for (double x : z) {
    s1 += x;
    s2 += x * x;
    s3 += x * x * x;
    s4 += x * x * x * x;
    over2 += std::fabs(x) > 2.0 ? 1.0 : 0.0;
    over3 += std::fabs(x) > 3.0 ? 1.0 : 0.0;
  }
  const double dn = static_cast<double>(n);
  EXPECT_NEAR(s1 / dn, 0.0, 4.0 / std::sqrt(dn));
  EXPECT_NEAR(s2 / dn, 1.0, 4.0 * std::sqrt(2.0 / dn));
  EXPECT_NEAR(s3 / dn, 0.0, 4.0 * std::sqrt(6.0 / dn));
  EXPECT_NEAR(s4 / dn - 3.0, 0.0, 4.0 * std::sqrt(24.0 / dn));
  for (const auto& [count, q] : {std::pair{over2, 2.0 * normal_cdf(-2.0)}, std::pair{over3, 2.0 * normal_cdf(-3.0)}})
    EXPECT_NEAR(count / dn, q, 4.0 * std::sqrt(q * (1.0 - q) / dn)) << q;
  std::sort(z.begin(), z.end());
  double d = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double f = normal_cdf(z[i]);
    d = std::max({d, f - static_cast<double>(i) / dn, static_cast<double>(i + 1) / dn - f});
  }
  EXPECT_LT(d, 1.63 / std::sqrt(dn));
}

// The uniforms kernel equals philox.hpp's uniform_open word by word (exact: (k + 1/2) 2^-32).
TEST(SimSimd, UniformsMatchTheScalarTwin) {
  const std::size_t n = 29;
  std::vector<double> o[4];
  for (auto& v : o) v.assign(n, 0.0);
  const std::uint64_t first = (std::uint64_t{1} << 32) - 9;
  simd::philox_uniforms(first, n, 2, 5, philox_key(8), o[0].data(), o[1].data(), o[2].data(), o[3].data());
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = philox4x32(philox_counter(first + i, 2, 5), philox_key(8));
    for (std::size_t l = 0; l < 4; ++l) EXPECT_EQ(o[l][i], uniform_open(r[l]));
  }
}

}  // namespace
}  // namespace alvh::sim
