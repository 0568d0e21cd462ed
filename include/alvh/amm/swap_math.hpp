#pragma once
// SwapMath.computeSwapStep (Uniswap v3-core contracts/libraries/SwapMath.sol, d8b1c635):
// one step of a swap inside a single liquidity range, towards a target sqrt price.
#include <cstdint>

#include "alvh/amm/uint256.hpp"

namespace alvh::amm {

struct SwapStep {
  U256 sqrt_ratio_next_x96;
  U256 amount_in;   // excludes the fee
  U256 amount_out;
  U256 fee_amount;  // in the input token
};

// amount_remaining > 0: exact input; < 0: exact output. fee_pips in hundredths of a bip
// (3000 = 0.3%). Direction: zeroForOne = current >= target. Rounding: amountIn and the fee
// round up, amountOut rounds down (the pool never loses to rounding).
//
// Fast path (src/amm/swap_math.cpp) for sqrt prices < 2^128 and |amount_remaining| < 2^128-1,
// bit-identical to compute_swap_step_generic (tests/amm/fast_path_test.cpp); any other input,
// and every input that reverts, goes through the generic port.
SwapStep compute_swap_step(const U256& sqrt_ratio_current_x96, const U256& sqrt_ratio_target_x96, u128 liquidity,
                           const I256& amount_remaining, std::uint32_t fee_pips);
// The line-by-line port of SwapMath.computeSwapStep on U256 (reference and fallback).
SwapStep compute_swap_step_generic(const U256& sqrt_ratio_current_x96, const U256& sqrt_ratio_target_x96,
                                   u128 liquidity, const I256& amount_remaining, std::uint32_t fee_pips);

}  // namespace alvh::amm
