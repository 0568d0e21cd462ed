// LiquidityMath (v3-core, d8b1c635) and LiquidityAmounts (v3-periphery, 06823871) ports.
#include "alvh/amm/liquidity_math.hpp"

#include <algorithm>
#include <utility>

namespace alvh::amm {

u128 add_delta(u128 x, i128 y) {
  if (y < 0) {
    const u128 d = static_cast<u128>(-y);
    if (d > x) throw Revert("LS", "liquidity underflow");
    return x - d;
  }
  const u128 z = x + static_cast<u128>(y);
  if (z < x) throw Revert("LA", "liquidity overflow");
  return z;
}

namespace {
u128 to_uint128(const U256& x) {
  if (!x.fits_u128()) throw Revert("LiquidityAmounts toUint128", "liquidity >= 2^128");
  return x.lo;
}
}  // namespace

u128 get_liquidity_for_amount0(U256 a, U256 b, const U256& amount0) {
  if (a > b) std::swap(a, b);
  const U256 intermediate = mul_div(a, b, kQ96);
  return to_uint128(mul_div(amount0, intermediate, b - a));
}

u128 get_liquidity_for_amount1(U256 a, U256 b, const U256& amount1) {
  if (a > b) std::swap(a, b);
  return to_uint128(mul_div(amount1, kQ96, b - a));
}

u128 get_liquidity_for_amounts(const U256& p, U256 a, U256 b, const U256& amount0, const U256& amount1) {
  if (a > b) std::swap(a, b);
  if (p <= a) return get_liquidity_for_amount0(a, b, amount0);
  if (p < b) return std::min(get_liquidity_for_amount0(p, b, amount0), get_liquidity_for_amount1(a, p, amount1));
  return get_liquidity_for_amount1(a, b, amount1);
}

U256 get_amount0_for_liquidity(U256 a, U256 b, u128 liquidity) {
  if (a > b) std::swap(a, b);
  return mul_div(U256(liquidity) << kResolution96, b - a, b) / a;
}

U256 get_amount1_for_liquidity(U256 a, U256 b, u128 liquidity) {
  if (a > b) std::swap(a, b);
  return mul_div(U256(liquidity), b - a, kQ96);
}

Amounts get_amounts_for_liquidity(const U256& p, U256 a, U256 b, u128 liquidity) {
  if (a > b) std::swap(a, b);
  Amounts r;
  if (p <= a) {
    r.amount0 = get_amount0_for_liquidity(a, b, liquidity);
  } else if (p < b) {
    r.amount0 = get_amount0_for_liquidity(p, b, liquidity);
    r.amount1 = get_amount1_for_liquidity(a, p, liquidity);
  } else {
    r.amount1 = get_amount1_for_liquidity(a, b, liquidity);
  }
  return r;
}

}  // namespace alvh::amm
