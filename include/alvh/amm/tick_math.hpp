#pragma once
// TickMath: sqrt(1.0001^tick) * 2^96 and back, bit-exact with Uniswap v3-core
// contracts/libraries/TickMath.sol (commit d8b1c635).
#include <cstdint>

#include "alvh/amm/uint256.hpp"

namespace alvh::amm {

inline constexpr std::int32_t MIN_TICK = -887272;
inline constexpr std::int32_t MAX_TICK = 887272;
// getSqrtRatioAtTick(MIN_TICK) and getSqrtRatioAtTick(MAX_TICK).
inline constexpr U256 MIN_SQRT_RATIO = U256(u128(4295128739u));
inline constexpr U256 MAX_SQRT_RATIO =
    U256(u128(0xfffd8963ULL), (u128(0xefd1fc6a50648849ULL) << 64) | u128(0x5d951d5263988d26ULL));

// sqrt(1.0001^tick) as Q64.96, rounded up (the final `+ (ratio % 2^32 != 0)`).
// Reverts "T" unless |tick| <= MAX_TICK.
U256 sqrt_ratio_at_tick(std::int32_t tick);

// Greatest tick with sqrt_ratio_at_tick(tick) <= sqrt_price_x96.
// Reverts "R" unless MIN_SQRT_RATIO <= sqrt_price_x96 < MAX_SQRT_RATIO.
std::int32_t tick_at_sqrt_ratio(const U256& sqrt_price_x96);

// The line-by-line ports of TickMath.sol (20 conditional products and a 256-bit division;
// the binary logarithm by 14 squarings then the +-1 check). The functions above are fast
// versions with identical results (the loop over set bits only and a 4-by-2-limb division; a
// double log2 estimate with an exact check near tick boundaries); these are the references
// they are tested against.
U256 sqrt_ratio_at_tick_generic(std::int32_t tick);
std::int32_t tick_at_sqrt_ratio_generic(const U256& sqrt_price_x96);

}  // namespace alvh::amm
