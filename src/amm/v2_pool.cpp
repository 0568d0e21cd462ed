// Uniswap v2 ports: v2-periphery UniswapV2Library.sol, v2-core UniswapV2Pair.sol and Math.sol.
#include "alvh/amm/v2_pool.hpp"

#include <algorithm>

namespace alvh::amm {
namespace {
U256 mul_checked(const U256& a, const U256& b) {  // SafeMath.mul: 'ds-math-mul-overflow'
  if (a.is_zero() || b.is_zero()) return {};
  const U256 z = a * b;
  if (z / b != a) throw Revert("ds-math-mul-overflow");
  return z;
}
U256 sub_checked(const U256& a, const U256& b) {
  if (b > a) throw Revert("ds-math-sub-underflow");
  return a - b;
}
U256 add_checked(const U256& a, const U256& b) {
  const U256 z = a + b;
  if (z < a) throw Revert("ds-math-add-overflow");
  return z;
}
}  // namespace

U256 v2_get_amount_out(const U256& amount_in, const U256& reserve_in, const U256& reserve_out) {
  if (amount_in.is_zero()) throw Revert("UniswapV2Library: INSUFFICIENT_INPUT_AMOUNT");
  if (reserve_in.is_zero() || reserve_out.is_zero()) throw Revert("UniswapV2Library: INSUFFICIENT_LIQUIDITY");
  const U256 with_fee = mul_checked(amount_in, U256(997));
  const U256 numerator = mul_checked(with_fee, reserve_out);
  const U256 denominator = add_checked(mul_checked(reserve_in, U256(1000)), with_fee);
  return numerator / denominator;
}

U256 v2_get_amount_in(const U256& amount_out, const U256& reserve_in, const U256& reserve_out) {
  if (amount_out.is_zero()) throw Revert("UniswapV2Library: INSUFFICIENT_OUTPUT_AMOUNT");
  if (reserve_in.is_zero() || reserve_out.is_zero()) throw Revert("UniswapV2Library: INSUFFICIENT_LIQUIDITY");
  const U256 numerator = mul_checked(mul_checked(reserve_in, amount_out), U256(1000));
  const U256 denominator = mul_checked(sub_checked(reserve_out, amount_out), U256(997));
  return add_checked(numerator / denominator, U256(1));  // '/' reverts if amountOut == reserveOut
}

U256 isqrt(const U256& y) {
  // Math.sqrt (babylonian method), v2-core
  if (y > U256(3)) {
    U256 z = y;
    U256 x = y / U256(2) + U256(1);
    while (x < z) {
      z = x;
      x = (y / x + x) / U256(2);
    }
    return z;
  }
  return y.is_zero() ? U256() : U256(1);
}

void V2Pair::update(const U256& balance0, const U256& balance1) {
  const U256 max112 = U256::pow2(112) - U256(1);
  if (balance0 > max112 || balance1 > max112) throw Revert("UniswapV2: OVERFLOW");
  reserve0_ = balance0;
  reserve1_ = balance1;
}

U256 V2Pair::mint(const U256& amount0, const U256& amount1) {
  U256 liquidity;
  if (total_supply_.is_zero()) {
    liquidity = sub_checked(isqrt(mul_checked(amount0, amount1)), U256(kV2MinimumLiquidity));
  } else {
    liquidity = std::min(mul_checked(amount0, total_supply_) / reserve0_, mul_checked(amount1, total_supply_) / reserve1_);
  }
  if (liquidity.is_zero()) throw Revert("UniswapV2: INSUFFICIENT_LIQUIDITY_MINTED");
  const U256 supply = total_supply_.is_zero() ? U256(kV2MinimumLiquidity) + liquidity : total_supply_ + liquidity;
  update(add_checked(reserve0_, amount0), add_checked(reserve1_, amount1));
  total_supply_ = supply;
  return liquidity;
}

V2Pair::Amounts V2Pair::burn(const U256& liquidity) {
  if (liquidity > total_supply_) throw Revert("ds-math-sub-underflow");
  // using balances ensures pro-rata distribution
  const Amounts a{mul_checked(liquidity, reserve0_) / total_supply_, mul_checked(liquidity, reserve1_) / total_supply_};
  if (a.amount0.is_zero() || a.amount1.is_zero()) throw Revert("UniswapV2: INSUFFICIENT_LIQUIDITY_BURNED");
  update(reserve0_ - a.amount0, reserve1_ - a.amount1);
  total_supply_ -= liquidity;
  return a;
}

void V2Pair::swap(const U256& amount0_in, const U256& amount1_in, const U256& amount0_out, const U256& amount1_out) {
  if (amount0_out.is_zero() && amount1_out.is_zero()) throw Revert("UniswapV2: INSUFFICIENT_OUTPUT_AMOUNT");
  if (!(amount0_out < reserve0_ && amount1_out < reserve1_)) throw Revert("UniswapV2: INSUFFICIENT_LIQUIDITY");
  const U256 balance0 = add_checked(reserve0_, amount0_in) - amount0_out;
  const U256 balance1 = add_checked(reserve1_, amount1_in) - amount1_out;
  if (amount0_in.is_zero() && amount1_in.is_zero()) throw Revert("UniswapV2: INSUFFICIENT_INPUT_AMOUNT");
  // fee-adjusted invariant: (b0*1000 - in0*3)(b1*1000 - in1*3) >= r0 r1 1000^2
  const U256 adj0 = sub_checked(mul_checked(balance0, U256(1000)), mul_checked(amount0_in, U256(3)));
  const U256 adj1 = sub_checked(mul_checked(balance1, U256(1000)), mul_checked(amount1_in, U256(3)));
  if (mul_checked(adj0, adj1) < mul_checked(mul_checked(reserve0_, reserve1_), U256(1000000))) throw Revert("UniswapV2: K");
  update(balance0, balance1);
}

U256 V2Pair::swap_exact_in(bool zero_for_one, const U256& amount_in) {
  const U256 out = zero_for_one ? v2_get_amount_out(amount_in, reserve0_, reserve1_)
                                : v2_get_amount_out(amount_in, reserve1_, reserve0_);
  if (zero_for_one) swap(amount_in, U256(), U256(), out);
  else swap(U256(), amount_in, out, U256());
  return out;
}

U256 V2Pair::swap_exact_out(bool zero_for_one, const U256& amount_out) {
  const U256 in = zero_for_one ? v2_get_amount_in(amount_out, reserve0_, reserve1_)
                               : v2_get_amount_in(amount_out, reserve1_, reserve0_);
  if (zero_for_one) swap(in, U256(), U256(), amount_out);
  else swap(U256(), in, amount_out, U256());
  return in;
}

}  // namespace alvh::amm
