#pragma once
// LiquidityMath (v3-core) and LiquidityAmounts (v3-periphery contracts/libraries/
// LiquidityAmounts.sol, commit 06823871).
#include "alvh/amm/uint256.hpp"

namespace alvh::amm {

// x + y for uint128 x and int128 y; reverts "LS" on underflow, "LA" on overflow.
u128 add_delta(u128 x, i128 y);

// LiquidityAmounts (all round DOWN: the liquidity a deposit buys, the amounts it is worth).
// A > B is allowed and swapped, as in the library. Liquidity casts revert if >= 2^128.
u128 get_liquidity_for_amount0(U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96, const U256& amount0);
u128 get_liquidity_for_amount1(U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96, const U256& amount1);
u128 get_liquidity_for_amounts(const U256& sqrt_ratio_x96, U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96,
                               const U256& amount0, const U256& amount1);
U256 get_amount0_for_liquidity(U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96, u128 liquidity);
U256 get_amount1_for_liquidity(U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96, u128 liquidity);
struct Amounts {
  U256 amount0;
  U256 amount1;
};
Amounts get_amounts_for_liquidity(const U256& sqrt_ratio_x96, U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96,
                                  u128 liquidity);

}  // namespace alvh::amm
