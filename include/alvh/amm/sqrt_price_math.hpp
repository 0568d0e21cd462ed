#pragma once
// SqrtPriceMath: next sqrt price from token amounts and token deltas between prices, with the
// on-chain rounding directions (Uniswap v3-core contracts/libraries/SqrtPriceMath.sol, d8b1c635).
// Prices are Q64.96 (< 2^160), liquidity is uint128, amounts uint256.
#include "alvh/amm/uint256.hpp"

namespace alvh::amm {

// sqrtP' = L*sqrtP / (L +- amount*sqrtP), rounded UP (the price must not move below the
// exact value when token0 is added, nor too little when removed). add=false reverts if the
// denominator would be <= 0 or the result >= 2^160.
U256 get_next_sqrt_price_from_amount0_rounding_up(const U256& sqrt_px96, u128 liquidity, const U256& amount, bool add);
// sqrtP' = sqrtP +- amount/L, rounded DOWN. Reverts on overflow or if sqrtP <= quotient.
U256 get_next_sqrt_price_from_amount1_rounding_down(const U256& sqrt_px96, u128 liquidity, const U256& amount, bool add);
// Price after adding amountIn of token0 (zeroForOne) or token1. Reverts if sqrtP or L is 0.
U256 get_next_sqrt_price_from_input(const U256& sqrt_px96, u128 liquidity, const U256& amount_in, bool zero_for_one);
// Price after removing amountOut of token1 (zeroForOne) or token0. Reverts if sqrtP or L is 0.
U256 get_next_sqrt_price_from_output(const U256& sqrt_px96, u128 liquidity, const U256& amount_out, bool zero_for_one);

// amount0 = L * (sqrtB - sqrtA) / (sqrtA * sqrtB) (2^96 scaled), rounded up or down.
U256 get_amount0_delta(U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96, u128 liquidity, bool round_up);
// amount1 = L * (sqrtB - sqrtA) / 2^96, rounded up or down.
U256 get_amount1_delta(U256 sqrt_ratio_a_x96, U256 sqrt_ratio_b_x96, u128 liquidity, bool round_up);
// Signed overloads (int128 liquidity): positive L rounds up (owed to the pool), negative L
// rounds down and returns a negative amount (paid by the pool).
I256 get_amount0_delta(const U256& sqrt_ratio_a_x96, const U256& sqrt_ratio_b_x96, i128 liquidity);
I256 get_amount1_delta(const U256& sqrt_ratio_a_x96, const U256& sqrt_ratio_b_x96, i128 liquidity);

}  // namespace alvh::amm
