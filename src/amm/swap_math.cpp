// SwapMath.computeSwapStep port (Uniswap v3-core contracts/libraries/SwapMath.sol, d8b1c635).
#include "alvh/amm/swap_math.hpp"

#include "alvh/amm/sqrt_price_math.hpp"

namespace alvh::amm {

SwapStep compute_swap_step(const U256& current, const U256& target, u128 liquidity, const I256& amount_remaining,
                           std::uint32_t fee_pips) {
  SwapStep s;
  const bool zero_for_one = current >= target;
  const bool exact_in = !amount_remaining.is_negative();
  const U256 fee(fee_pips), one_minus_fee(1000000u - fee_pips), million(1000000u);
  if (exact_in) {
    // input available for the curve after the fee, rounded down
    const U256 remaining_less_fee = mul_div(amount_remaining.bits, one_minus_fee, million);
    s.amount_in = zero_for_one ? get_amount0_delta(target, current, liquidity, true)
                               : get_amount1_delta(current, target, liquidity, true);
    s.sqrt_ratio_next_x96 = remaining_less_fee >= s.amount_in
                                ? target
                                : get_next_sqrt_price_from_input(current, liquidity, remaining_less_fee, zero_for_one);
  } else {
    s.amount_out = zero_for_one ? get_amount1_delta(target, current, liquidity, false)
                                : get_amount0_delta(current, target, liquidity, false);
    const U256 want = amount_remaining.abs();
    s.sqrt_ratio_next_x96 =
        want >= s.amount_out ? target : get_next_sqrt_price_from_output(current, liquidity, want, zero_for_one);
  }
  const bool max = target == s.sqrt_ratio_next_x96;
  // in rounds up, out rounds down
  if (zero_for_one) {
    if (!(max && exact_in)) s.amount_in = get_amount0_delta(s.sqrt_ratio_next_x96, current, liquidity, true);
    if (!(max && !exact_in)) s.amount_out = get_amount1_delta(s.sqrt_ratio_next_x96, current, liquidity, false);
  } else {
    if (!(max && exact_in)) s.amount_in = get_amount1_delta(current, s.sqrt_ratio_next_x96, liquidity, true);
    if (!(max && !exact_in)) s.amount_out = get_amount0_delta(current, s.sqrt_ratio_next_x96, liquidity, false);
  }
  // cap the output amount to not exceed the remaining output amount
  if (!exact_in && s.amount_out > amount_remaining.abs()) s.amount_out = amount_remaining.abs();
  if (exact_in && s.sqrt_ratio_next_x96 != target) {
    // didn't reach the target, so take the remainder of the maximum input as fee
    s.fee_amount = amount_remaining.bits - s.amount_in;
  } else {
    s.fee_amount = mul_div_rounding_up(s.amount_in, fee, one_minus_fee);
  }
  return s;
}

}  // namespace alvh::amm
