// SwapMath.computeSwapStep port (Uniswap v3-core contracts/libraries/SwapMath.sol, d8b1c635).
//
// compute_swap_step_generic is the line-by-line port on U256. compute_swap_step runs a fast
// path for the operand class that covers mainnet pools (both sqrt prices < 2^128, i.e. ticks
// within about +-443636, and |amountRemaining| < 2^128; liquidity is always < 2^128) and falls
// back to the generic port for anything else, including every input that could revert, so the
// generic code raises the contract's revert. The fast path computes the same integers by:
//  - fusing getAmount0Delta's two roundings: divRoundingUp(mulDivRoundingUp(L<<96, b-a, b), a)
//    = ceil(L*(b-a)*2^96 / (a*b)), because ceil(ceil(x)/n) = ceil(x/n) and
//    floor(floor(x)/n) = floor(x/n) for real x >= 0 and integer n >= 1 (Graham, Knuth,
//    Patashnik, Concrete Mathematics, eq. 3.11); the inner mulDiv cannot overflow since
//    L*2^96*(b-a)/b < L*2^96 < 2^224;
//  - deciding "target reached" (amountRemainingLessFee >= ceil(N/D)) by the product
//    comparison amountRemainingLessFee * D >= N, so a step that stops inside the range needs no
//    division for the amount at the target; for exact output, amountOut >= floor(N/D) <=>
//    (amountOut+1)*D > N;
//  - where the contract's second division has a known answer, checking it by one product
//    instead of dividing, or taking it from the first division's remainder (proofs at the call
//    sites);
//  - dividing by 1e6 and 1e6 - fee limb by limb with the hardware divq (short division), and
//    only the live 64-bit limbs elsewhere (limb::divrem) instead of a 512-bit buffer.
// tests/amm/fast_path_test.cpp checks fast == generic over every operand size class.
#include "alvh/amm/swap_math.hpp"

#include "alvh/amm/sqrt_price_math.hpp"
#include "limb_div.hpp"

namespace alvh::amm {

SwapStep compute_swap_step_generic(const U256& current, const U256& target, u128 liquidity,
                                   const I256& amount_remaining, std::uint32_t fee_pips) {
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

namespace {

using limb::u64;
using limb::hi64;
using limb::lo64;

// (x << 96) of a 4-limb x into 6 limbs.
inline void shl96(const U256& x, u64* n) {
  const u64 w0 = lo64(x.lo), w1 = hi64(x.lo), w2 = lo64(x.hi), w3 = hi64(x.hi);
  n[0] = 0;
  n[1] = w0 << 32;
  n[2] = (w1 << 32) | (w0 >> 32);
  n[3] = (w2 << 32) | (w1 >> 32);
  n[4] = (w3 << 32) | (w2 >> 32);
  n[5] = w3 >> 32;
}

// getAmount0Delta for a < b (both < 2^128) as the fraction N / D with N = (L*(b-a)) << 96
// (6 limbs) and D = a*b (4 limbs).
struct Amount0Fraction {
  u64 n[6];
  u64 d[4];
};

inline Amount0Fraction amount0_fraction(u128 a, u128 b, u128 liquidity) {
  Amount0Fraction f;
  shl96(mul_wide(liquidity, b - a), f.n);
  limb::to_limbs(mul_wide(a, b), f.d);
  return f;
}

// The U256 of quotient digits q[0..nq) (nq >= 1; the caller knows the value is < 2^256).
inline U256 quotient(const u64* q, int nq) {
  const u64 q1 = nq > 1 ? q[1] : 0, q2 = nq > 2 ? q[2] : 0, q3 = nq > 3 ? q[3] : 0;
  return {(u128(q3) << 64) | q2, (u128(q1) << 64) | q[0]};
}

// floor or ceil of N / D (D != 0; the quotient is < 2^224, see the file comment).
inline U256 divide(const Amount0Fraction& f, bool round_up) {
  const int m = limb::live(f.n, 6), n = limb::live(f.d, 4);
  if (m < n) return U256(u128(round_up && m > 0 ? 1 : 0));
  u64 q[6];  // not cleared (GCC turns the clear into a slow rep stos): digits >= nq are zero
  const bool inexact = limb::divrem(f.n, m, f.d, n, q, nullptr);
  const U256 r = quotient(q, m - n + 1);
  return round_up && inexact ? r + U256(1) : r;
}

// x * D >= N (strict: x * D > N) for x < 2^128.
inline bool times_d_at_least_n(u128 x, const Amount0Fraction& f, bool strict) {
  const u64 xl[2] = {lo64(x), hi64(x)};
  u64 p[6];
  limb::mul_2x4(xl, f.d, p);
  const int c = limb::cmp(p, f.n, 6);
  return strict ? c > 0 : c >= 0;
}

// getAmount1Delta for a <= b: (L*(b-a)) >> 96, rounded.
inline U256 amount1(u128 a, u128 b, u128 liquidity, bool round_up) {
  const U256 p = mul_wide(liquidity, b - a);
  const U256 q = p >> 96;
  const bool inexact = (p.lo & ((u128(1) << 96) - 1)) != 0;
  return round_up && inexact ? q + U256(1) : q;
}

// floor or ceil of x * mul_by / divisor for x < 2^192 and mul_by, divisor in [1, 2^20): short
// division of the product's limbs from the top (TAOCP vol. 2 §4.3.1, exercise 16), one hardware
// divq per limb. The product's top limb is < 2^20, so its digit takes a 32-bit division.
inline U256 mul_small_div_small(const U256& x, std::uint32_t mul_by, std::uint32_t divisor, bool round_up) {
  const u128 t0 = u128(lo64(x.lo)) * mul_by;
  const u128 t1 = u128(hi64(x.lo)) * mul_by + hi64(t0);
  const u128 t2 = u128(lo64(x.hi)) * mul_by + hi64(t1);
  const bool wide = lo64(x.hi) != 0;  // x >= 2^128: four product limbs (never on mainnet)
  const u64 top = wide ? hi64(t2) : lo64(t2);
  const std::uint32_t q_top = static_cast<std::uint32_t>(top) / divisor;
  u64 rem = top - u64(q_top) * divisor;
  const u64 q2 = wide ? limb::div_2by1(rem, lo64(t2), divisor, rem) : 0;
  const u64 q1 = limb::div_2by1(rem, lo64(t1), divisor, rem);
  const u64 q0 = limb::div_2by1(rem, lo64(t0), divisor, rem);
  const U256 q = wide ? U256((u128(q_top) << 64) | q2, (u128(q1) << 64) | q0) : U256(u128(q_top), (u128(q1) << 64) | q0);
  return round_up && rem != 0 ? q + U256(1) : q;
}

// getNextSqrtPriceFromAmount0RoundingUp: ceil(L*2^96 * P / (L*2^96 +- x*P)). Returns false if
// the generic port must decide (its other branch, a revert, or a result >= 2^128).
// With excess != nullptr also sets *excess = next * denominator - N in [0, denominator), the
// amount by which the rounded-up price overshoots (0 if the division is exact).
inline bool next_from_amount0(u128 price, u128 liquidity, u128 x, bool add, u128& next, U256* excess = nullptr) {
  if (x == 0) {
    next = price;
    if (excess) *excess = U256();
    return true;
  }
  const U256 numerator1 = U256(liquidity) << 96;
  const U256 product = mul_wide(x, price);
  U256 denominator;
  if (add) {
    denominator = numerator1 + product;
    if (denominator < numerator1) return false;  // wraps: the contract takes its other branch
  } else {
    if (!(numerator1 > product)) return false;  // reverts
    denominator = numerator1 - product;
  }
  u64 n[6], d[4];
  shl96(mul_wide(liquidity, price), n);  // N = L * P << 96
  limb::to_limbs(denominator, d);
  const int m = limb::live(n, 6), nd = limb::live(d, 4);
  if (m < nd) {  // quotient 0, remainder N (> 0: L and P are)
    next = 1;
    if (excess) *excess = denominator - limb::from_limbs(n);
    return true;
  }
  u64 q[6], r[4] = {0, 0, 0, 0};
  const bool inexact = limb::divrem(n, m, d, nd, q, excess ? r : nullptr);
  if (excess) *excess = inexact ? denominator - limb::from_limbs(r) : U256();
  const int nq = m - nd + 1;
  if (nq > 2) {
    u64 high = 0;
    for (int i = 2; i < nq; ++i) high |= q[i];
    if (high != 0) return false;  // >= 2^128: leave it to the port
  }
  next = (u128(nq > 1 ? q[1] : 0) << 64) | q[0];
  if (inexact) {
    if (next == ~u128(0)) return false;
    ++next;
  }
  return true;
}

// q = floor(x * 2^96 / L) and whether it is inexact, for 2^64 <= L < 2^128, when q < 2^128 (false
// otherwise). The divisor is exactly two limbs, so two Möller-Granlund 3-by-2 digits
// (limb_div.hpp) give quotient and remainder with no multiply-subtract and no branch on
// operand lengths.
inline bool shl96_div_two_limbs(u128 x, u128 liquidity, u128& q, bool& inexact) {
  const int s = __builtin_clzll(hi64(liquidity));
  const u128 ln = liquidity << s;
  const u64 d1 = hi64(ln), d0 = lo64(ln);
  // x * 2^96 * 2^s = (x << (32 + s)) * 2^64: limbs (m3, m2, m1, 0)
  const U256 m = U256(x) << static_cast<unsigned>(32 + s);
  const u64 m3 = lo64(m.hi), m2 = hi64(m.lo), m1 = lo64(m.lo);
  if (hi64(m.hi) != 0 || !(m3 < d1 || (m3 == d1 && m2 < d0))) return false;  // q >= 2^128
  const u64 v = limb::reciprocal_3by2(d1, d0);
  u64 r1, r0;
  const u64 q1 = limb::div_3by2(m3, m2, m1, d1, d0, v, r1, r0);
  const u64 q0 = limb::div_3by2(r1, r0, 0, d1, d0, v, r1, r0);
  q = (u128(q1) << 64) | q0;
  inexact = (r1 | r0) != 0;
  return true;
}

// getNextSqrtPriceFromAmount1RoundingDown: P + floor(x*2^96/L) or P - ceil(x*2^96/L).
inline bool next_from_amount1(u128 price, u128 liquidity, u128 x, bool add, u128& next) {
  const U256 shifted = U256(x) << 96;  // < 2^224
  u64 n[4];
  const u64 d[2] = {lo64(liquidity), hi64(liquidity)};
  limb::to_limbs(shifted, n);
  const int m = limb::live(n, 4), nd = d[1] != 0 ? 2 : 1;
  U256 quotient;
  bool inexact = false;
  u128 q2;
  if (nd == 2 && shl96_div_two_limbs(x, liquidity, q2, inexact)) [[likely]] {
    quotient = U256(q2);
  } else if (m >= nd) {
    u64 q[4] = {0, 0, 0, 0};
    inexact = limb::divrem(n, m, d, nd, q, nullptr);
    quotient = limb::from_limbs(q);
  } else {
    inexact = m > 0;
  }
  if (add) {
    const U256 r = U256(price) + quotient;  // < 2^225: no uint256 overflow
    if (!r.fits_u128()) return false;       // may still be < 2^160, but outside the fast class
    next = r.lo;
    return true;
  }
  if (inexact) quotient += U256(1);
  if (!(U256(price) > quotient)) return false;  // reverts
  next = price - quotient.lo;
  return true;
}

// The fast path for one kind (exact input or output) and direction of step, on operands of the
// fast class (|amountRemaining| = amount). A separate function for each of the four: as one
// function, the four paths' values competed for registers and spilled (measured: the split
// makes the step 7-9% faster).
template <bool kExactIn, bool kZeroForOne>
[[gnu::noinline]] SwapStep fast_step(const U256& current, const U256& target, u128 liquidity,
                                     const I256& amount_remaining, std::uint32_t fee_pips, u128 amount) {
  const u128 cur = current.lo, tgt = target.lo;
  U256 amount_in, amount_out;  // not a default SwapStep: its 128-byte clear costs a rep stos
  u128 next = tgt;
  if constexpr (kExactIn) {
    const u128 remaining_less_fee = mul_small_div_small(U256(amount), 1000000u - fee_pips, 1000000u, false).lo;
    if constexpr (kZeroForOne) {
      const Amount0Fraction at_target = amount0_fraction(tgt, cur, liquidity);
      if (times_d_at_least_n(remaining_less_fee, at_target, false)) {
        amount_in = divide(at_target, true);
      } else {
        U256 excess;
        if (!next_from_amount0(cur, liquidity, remaining_less_fee, true, next, &excess))
          return compute_swap_step_generic(current, target, liquidity, amount_remaining, fee_pips);
        // amountIn = ceil(A*(P - next) / (P*next)) with A = L*2^96 and R = remainingLessFee. next
        // is ceil(A*P / Den), Den = A + R*P, so next*Den = A*P + e with the excess e in [0, Den);
        // then A*(P - next)*Den = A*(R*P^2 - e) and P*next*Den = P*(A*P + e), which give
        // A*(P - next)/(P*next) = R - e/(P*next) exactly: amountIn = R - floor(e / (P*next)),
        // and R itself whenever e < P*next (most steps).
        const U256 p_next = mul_wide(cur, next);
        amount_in = excess < p_next ? U256(remaining_less_fee)
                                    : U256(remaining_less_fee) - divmod(excess, p_next).quotient;
      }
      amount_out = amount1(next, cur, liquidity, false);
    } else {
      const U256 in_at_target = amount1(cur, tgt, liquidity, true);
      if (U256(remaining_less_fee) >= in_at_target) {
        amount_in = in_at_target;
      } else {
        if (!next_from_amount1(cur, liquidity, remaining_less_fee, true, next))
          return compute_swap_step_generic(current, target, liquidity, amount_remaining, fee_pips);
        amount_in = amount1(cur, next, liquidity, true);
      }
      amount_out = divide(amount0_fraction(cur, next, liquidity), false);
    }
  } else {
    if constexpr (kZeroForOne) {
      const U256 out_at_target = amount1(tgt, cur, liquidity, false);
      if (U256(amount) >= out_at_target) {
        amount_out = out_at_target;
      } else {
        if (!next_from_amount1(cur, liquidity, amount, false, next))
          return compute_swap_step_generic(current, target, liquidity, amount_remaining, fee_pips);
        // L*(P - next)/2^96 >= amount since P - next >= amount*2^96/L: the cap below binds
        amount_out = U256(amount);
      }
      amount_in = divide(amount0_fraction(next, cur, liquidity), true);
    } else {
      const Amount0Fraction at_target = amount0_fraction(cur, tgt, liquidity);
      // amount >= floor(N/D) <=> (amount + 1) * D > N (amount + 1 < 2^128: checked on entry)
      if (times_d_at_least_n(amount + 1, at_target, true)) {
        amount_out = divide(at_target, false);
      } else {
        if (!next_from_amount0(cur, liquidity, amount, false, next))
          return compute_swap_step_generic(current, target, liquidity, amount_remaining, fee_pips);
        // next >= L*2^96*P / (L*2^96 - amount*P) gives L*2^96/P - L*2^96/next >= amount, so
        // floor(L*2^96*(next - P) / (P*next)) >= amount and the cap below binds
        amount_out = U256(amount);
      }
      amount_in = amount1(cur, next, liquidity, true);
    }
    // cap the output amount to not exceed the remaining output amount
    if (amount_out > U256(amount)) amount_out = U256(amount);
  }
  U256 fee_amount;
  if (kExactIn && next != tgt) {
    fee_amount = U256(amount) - amount_in;  // didn't reach the target: the rest is fee
  } else {
    if ((amount_in.hi >> 64) != 0)  // keep amount_in * fee within 4 limbs
      return compute_swap_step_generic(current, target, liquidity, amount_remaining, fee_pips);
    fee_amount = mul_small_div_small(amount_in, fee_pips, 1000000u - fee_pips, true);
  }
  return SwapStep{U256(next), amount_in, amount_out, fee_amount};
}

}  // namespace

SwapStep compute_swap_step(const U256& current, const U256& target, u128 liquidity, const I256& amount_remaining,
                           std::uint32_t fee_pips) {
  const bool exact_in = !amount_remaining.is_negative();
  const U256 amount_abs = exact_in ? amount_remaining.bits : amount_remaining.abs();
  if (!(current.fits_u128() && target.fits_u128() && amount_abs.fits_u128() && fee_pips < 1000000u &&
        !current.is_zero() && !target.is_zero() && amount_abs.lo != ~u128(0) && liquidity != 0))
    return compute_swap_step_generic(current, target, liquidity, amount_remaining, fee_pips);
  const u128 amount = amount_abs.lo;
  const bool zero_for_one = current.lo >= target.lo;
  if (exact_in)
    return zero_for_one ? fast_step<true, true>(current, target, liquidity, amount_remaining, fee_pips, amount)
                        : fast_step<true, false>(current, target, liquidity, amount_remaining, fee_pips, amount);
  return zero_for_one ? fast_step<false, true>(current, target, liquidity, amount_remaining, fee_pips, amount)
                      : fast_step<false, false>(current, target, liquidity, amount_remaining, fee_pips, amount);
}

}  // namespace alvh::amm
