#pragma once
// Uniswap v2 constant-product pair with the 0.3% fee: UniswapV2Library.getAmountOut/getAmountIn
// (v2-periphery) and UniswapV2Pair.mint/burn/swap (v2-core), protocol fee off. Integer-exact;
// reverts carry the contracts' strings ("UniswapV2: K", "UniswapV2Library: INSUFFICIENT_...").
#include "alvh/amm/uint256.hpp"

namespace alvh::amm {

// amountOut = amountIn*997*reserveOut / (reserveIn*1000 + amountIn*997), rounded down.
U256 v2_get_amount_out(const U256& amount_in, const U256& reserve_in, const U256& reserve_out);
// amountIn = reserveIn*amountOut*1000 / ((reserveOut - amountOut)*997) + 1 (rounds up, +1).
U256 v2_get_amount_in(const U256& amount_out, const U256& reserve_in, const U256& reserve_out);
// Babylonian integer square root (Math.sqrt in v2-core): floor(sqrt(y)).
U256 isqrt(const U256& y);

inline constexpr unsigned kV2MinimumLiquidity = 1000;

class V2Pair {
 public:
  const U256& reserve0() const noexcept { return reserve0_; }
  const U256& reserve1() const noexcept { return reserve1_; }
  const U256& total_supply() const noexcept { return total_supply_; }

  // Deposit amount0/amount1 and mint LP tokens: sqrt(a0 a1) - 1000 for the first deposit
  // (the 1000 are locked forever), else min(a0 S / r0, a1 S / r1).
  U256 mint(const U256& amount0, const U256& amount1);
  struct Amounts {
    U256 amount0;
    U256 amount1;
  };
  // Burn LP tokens for their pro-rata share of the reserves (rounded down).
  Amounts burn(const U256& liquidity);
  // Router-style swaps: exact input (returns output) or exact output (returns input).
  U256 swap_exact_in(bool zero_for_one, const U256& amount_in);
  U256 swap_exact_out(bool zero_for_one, const U256& amount_out);
  // UniswapV2Pair.swap: send amounts out against amounts in, checking the fee-adjusted K.
  void swap(const U256& amount0_in, const U256& amount1_in, const U256& amount0_out, const U256& amount1_out);

 private:
  void update(const U256& balance0, const U256& balance1);
  U256 reserve0_, reserve1_, total_supply_;
};

}  // namespace alvh::amm
