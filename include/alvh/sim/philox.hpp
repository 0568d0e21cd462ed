#pragma once
// Philox-4x32-10 counter-based random number generator.
//
// J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random numbers: as easy as
// 1, 2, 3", SC'11 (2011), §4.2 and Random123's philox.h: a 128-bit counter and a 64-bit key are
// mapped by 10 rounds of a keyed bijection to 128 random bits. Because the output depends only
// on (counter, key), path i's stream is a pure function of (seed, i): results do not depend on
// how paths are split across threads or chunks. Known-answer vectors: Random123 kat_vectors
// (tests/sim/rng_test.cpp).
#include <array>
#include <cstdint>

namespace alvh::sim {

using PhiloxCounter = std::array<std::uint32_t, 4>;
using PhiloxKey = std::array<std::uint32_t, 2>;

namespace detail {
inline constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u;  // round multipliers (Salmon et al. Table 2)
inline constexpr std::uint32_t kPhiloxM1 = 0xCD9E8D57u;
inline constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u;  // Weyl key increments (golden ratio, sqrt(3)-1)
inline constexpr std::uint32_t kPhiloxW1 = 0xBB67AE85u;

constexpr PhiloxCounter philox_round(const PhiloxCounter& c, const PhiloxKey& k) {
  const std::uint64_t p0 = std::uint64_t{kPhiloxM0} * c[0];
  const std::uint64_t p1 = std::uint64_t{kPhiloxM1} * c[2];
  return {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
          static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
}
}  // namespace detail

// Philox-4x32 with R rounds (R = 10 is the standard, crush-resistant choice).
template <int Rounds = 10>
constexpr PhiloxCounter philox4x32(PhiloxCounter ctr, PhiloxKey key) {
  ctr = detail::philox_round(ctr, key);
  for (int r = 1; r < Rounds; ++r) {
    key[0] += detail::kPhiloxW0;
    key[1] += detail::kPhiloxW1;
    ctr = detail::philox_round(ctr, key);
  }
  return ctr;
}

// The key for a 64-bit seed.
constexpr PhiloxKey philox_key(std::uint64_t seed) {
  return {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}

// Counter layout used by the engine: {block, stream, path_lo, path_hi}. `block` counts groups of
// four draws along a path's time axis, `stream` separates independent variates of one path
// (diffusion normal, variance normal, jump count, ...). Every draw has a unique address
// (seed, path, stream, block, lane).
constexpr PhiloxCounter philox_counter(std::uint64_t path, std::uint32_t stream, std::uint32_t block) {
  return {block, stream, static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(path >> 32)};
}

// A 32-bit random word mapped to the open interval (0, 1): (k + 1/2) / 2^32. Never 0 or 1, so
// the inverse normal CDF is finite (|z| <= 6.23).
constexpr double uniform_open(std::uint32_t k) { return (static_cast<double>(k) + 0.5) * 0x1p-32; }

}  // namespace alvh::sim
