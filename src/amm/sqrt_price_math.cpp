// SqrtPriceMath port (Uniswap v3-core contracts/libraries/SqrtPriceMath.sol, d8b1c635).
#include "alvh/amm/sqrt_price_math.hpp"

#include <utility>

namespace alvh::amm {

U256 get_next_sqrt_price_from_amount0_rounding_up(const U256& sqrt_px96, u128 liquidity, const U256& amount, bool add) {
  if (amount.is_zero()) return sqrt_px96;
  const U256 numerator1 = U256(liquidity) << kResolution96;
  U256 product;  // amount * sqrtP; product_ok <=> the contract's `product / amount == sqrtPX96`
  const bool product_ok = mul_no_overflow(amount, sqrt_px96, product);
  if (add) {
    if (product_ok) {
      const U256 denominator = numerator1 + product;
      if (denominator >= numerator1)  // no overflow: L*sqrtP / (L + x*sqrtP), rounded up
        return mul_div_rounding_up(numerator1, sqrt_px96, denominator);
    }
    // Fallback L / (L/sqrtP + x), rounded up; .add reverts on overflow.
    return div_rounding_up(numerator1, checked_add(numerator1 / sqrt_px96, amount));
  }
  if (!(product_ok && numerator1 > product))
    throw Revert("getNextSqrtPriceFromAmount0RoundingUp", "amount*sqrtP overflows or exceeds L*2^96");
  const U256 denominator = numerator1 - product;
  return to_uint160(mul_div_rounding_up(numerator1, sqrt_px96, denominator));
}

U256 get_next_sqrt_price_from_amount1_rounding_down(const U256& sqrt_px96, u128 liquidity, const U256& amount, bool add) {
  const U256 L(liquidity);
  static const U256 kU160Max = U256::pow2(160) - U256(1);
  if (add) {
    // quotient = amount * 2^96 / L, rounded down
    const U256 quotient = amount <= kU160Max ? (amount << kResolution96) / L : mul_div(amount, kQ96, L);
    return to_uint160(checked_add(sqrt_px96, quotient));
  }
  // quotient rounded up so the price moves at least far enough
  const U256 quotient =
      amount <= kU160Max ? div_rounding_up(amount << kResolution96, L) : mul_div_rounding_up(amount, kQ96, L);
  if (!(sqrt_px96 > quotient)) throw Revert("getNextSqrtPriceFromAmount1RoundingDown", "sqrtP <= amount/L");
  return sqrt_px96 - quotient;
}

U256 get_next_sqrt_price_from_input(const U256& sqrt_px96, u128 liquidity, const U256& amount_in, bool zero_for_one) {
  if (sqrt_px96.is_zero()) throw Revert("getNextSqrtPriceFromInput", "sqrtP == 0");
  if (liquidity == 0) throw Revert("getNextSqrtPriceFromInput", "liquidity == 0");
  return zero_for_one ? get_next_sqrt_price_from_amount0_rounding_up(sqrt_px96, liquidity, amount_in, true)
                      : get_next_sqrt_price_from_amount1_rounding_down(sqrt_px96, liquidity, amount_in, true);
}

U256 get_next_sqrt_price_from_output(const U256& sqrt_px96, u128 liquidity, const U256& amount_out, bool zero_for_one) {
  if (sqrt_px96.is_zero()) throw Revert("getNextSqrtPriceFromOutput", "sqrtP == 0");
  if (liquidity == 0) throw Revert("getNextSqrtPriceFromOutput", "liquidity == 0");
  return zero_for_one ? get_next_sqrt_price_from_amount1_rounding_down(sqrt_px96, liquidity, amount_out, false)
                      : get_next_sqrt_price_from_amount0_rounding_up(sqrt_px96, liquidity, amount_out, false);
}

U256 get_amount0_delta(U256 a, U256 b, u128 liquidity, bool round_up) {
  if (a > b) std::swap(a, b);
  const U256 numerator1 = U256(liquidity) << kResolution96;
  const U256 numerator2 = b - a;
  if (a.is_zero()) throw Revert("getAmount0Delta", "sqrtRatioAX96 == 0");
  return round_up ? div_rounding_up(mul_div_rounding_up(numerator1, numerator2, b), a)
                  : mul_div(numerator1, numerator2, b) / a;
}

U256 get_amount1_delta(U256 a, U256 b, u128 liquidity, bool round_up) {
  if (a > b) std::swap(a, b);
  return round_up ? mul_div_rounding_up(U256(liquidity), b - a, kQ96) : mul_div(U256(liquidity), b - a, kQ96);
}

I256 get_amount0_delta(const U256& a, const U256& b, i128 liquidity) {
  return liquidity < 0 ? -to_int256(get_amount0_delta(a, b, static_cast<u128>(-liquidity), false))
                       : to_int256(get_amount0_delta(a, b, static_cast<u128>(liquidity), true));
}

I256 get_amount1_delta(const U256& a, const U256& b, i128 liquidity) {
  return liquidity < 0 ? -to_int256(get_amount1_delta(a, b, static_cast<u128>(-liquidity), false))
                       : to_int256(get_amount1_delta(a, b, static_cast<u128>(liquidity), true));
}

}  // namespace alvh::amm
