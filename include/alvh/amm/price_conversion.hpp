#pragma once
// Conversions between ticks, Q64.96 sqrt prices and human prices.
// Human price = token1 per token0 in whole tokens: P = 1.0001^tick * 10^(decimals0 - decimals1)
// (Uniswap v3 whitepaper §6.1; raw price = (sqrtPriceX96 / 2^96)^2 in base units).
// Example: mainnet USDC(6)/WETH(18) pool, tick 195701 -> P = 1.0001^195701 * 1e-12 WETH per USDC,
// i.e. 1/P = 3171.3 USDC per ETH.
#include <cstdint>

#include "alvh/amm/uint256.hpp"

namespace alvh::amm {

struct TokenDecimals {
  int decimals0 = 0;
  int decimals1 = 0;
};

// 1.0001^tick * 10^(d0-d1), via exp(tick * log1p(1e-4)) (relative error ~1e-15).
double price_from_tick(std::int32_t tick, TokenDecimals dec = {});
// Greatest tick whose price is <= `price` (DomainError unless price > 0 and finite; clamped
// to [MIN_TICK, MAX_TICK]). Exact at tick boundaries up to double rounding of `price`.
std::int32_t tick_from_price(double price, TokenDecimals dec = {});
// (sqrtPriceX96 / 2^96)^2 * 10^(d0-d1).
double price_from_sqrt_price_x96(const U256& sqrt_price_x96, TokenDecimals dec = {});
// round(sqrt(raw price) * 2^96) to double precision (53 significant bits); DomainError if the
// result is outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO].
U256 sqrt_price_x96_from_price(double price, TokenDecimals dec = {});

enum class SnapMode { Down, Up, Nearest };
// Snap a tick to a multiple of tick_spacing (Down = towards -inf), kept inside the usable
// range [ceil(MIN_TICK/s)*s, floor(MAX_TICK/s)*s].
std::int32_t snap_tick(std::int32_t tick, std::int32_t tick_spacing, SnapMode mode);

struct TickRange {
  std::int32_t tick_lower = 0;
  std::int32_t tick_upper = 0;
};
// Widest-inside-out snapping of a human price range [price_lower, price_upper]: the lower
// tick rounds down and the upper rounds up to the spacing, so the snapped range contains the
// requested one. DomainError if prices are not 0 < lower < upper.
TickRange snap_price_range(double price_lower, double price_upper, std::int32_t tick_spacing, TokenDecimals dec = {});

}  // namespace alvh::amm
