// The fast kernels against the exact reference ports they replace, bit for bit:
//  - FullMath mul_div / mul_div_rounding_up / divmod (live-limb Knuth D) vs reference::* (the
//    session-1 512-bit Knuth D, itself checked against Uniswap's FullMath cases and a
//    schoolbook division in uniswap_math_test.cpp);
//  - compute_swap_step (fused fast path) vs compute_swap_step_generic (the line-by-line port of
//    SwapMath.computeSwapStep, checked against every swapmath.csv row);
//  - sqrt_ratio_at_tick on every tick of [MIN_TICK, MAX_TICK] and tick_at_sqrt_ratio on tick
//    boundaries, boundary - 1 and random prices vs the TickMath.sol ports.
// Inputs are drawn over all operand size classes (0, 1, max, 2^k - 1 / 2^k / 2^k + 1, random
// bit lengths, the 2^128 class boundary of the swap fast path), plus amounts placed exactly at
// the "target reached" boundary and divisions with remainder 0. A revert must be the same
// revert (same what()).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "alvh/amm/sqrt_price_math.hpp"
#include "alvh/amm/swap_math.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/amm/uint256.hpp"

namespace alvh::amm {
namespace {

// Random U256 below 2^bits (bits in [0, 256]) in one of several shapes.
U256 draw(std::mt19937_64& rng, unsigned bits) {
  if (bits == 0) return {};
  const U256 mask = bits >= 256 ? U256::max() : U256::pow2(bits) - U256(1);
  switch (rng() % 8) {
    case 0: return U256(u128(rng() % 3));                                  // 0, 1, 2
    case 1: return mask;                                                   // 2^bits - 1
    case 2: return U256::pow2(static_cast<unsigned>(rng() % bits));        // a power of two
    case 3: return U256::pow2(static_cast<unsigned>(rng() % bits)) - U256(1) + U256(u128(rng() % 3));
    default: {
      const U256 x((u128(rng()) << 64) | rng(), (u128(rng()) << 64) | rng());
      const unsigned len = 1 + static_cast<unsigned>(rng() % bits);  // random bit length
      return len >= 256 ? x : x & (U256::pow2(len) - U256(1));
    }
  }
}

template <class F>
std::string outcome(F&& f) {
  try {
    return f();
  } catch (const Revert& e) {
    return std::string("revert: ") + e.what();
  }
}

std::string str(const DivMod256& d) { return d.quotient.to_string() + "," + d.remainder.to_string(); }
std::string str(const SwapStep& s) {
  return s.sqrt_ratio_next_x96.to_string() + "," + s.amount_in.to_string() + "," + s.amount_out.to_string() + "," +
         s.fee_amount.to_string();
}

TEST(AmmFastPath, MulDivEqualsReferenceOverAllSizeClasses) {
  std::mt19937_64 rng(41);
  int reverts = 0;
  for (int i = 0; i < 100000; ++i) {
    const U256 a = draw(rng, static_cast<unsigned>(rng() % 257)), b = draw(rng, static_cast<unsigned>(rng() % 257));
    U256 d = draw(rng, static_cast<unsigned>(rng() % 257));
    if (i % 7 == 0 && !a.is_zero()) d = a;  // exact quotient b, remainder 0
    const std::string want = outcome([&] { return reference::mul_div(a, b, d).to_string(); });
    ASSERT_EQ(outcome([&] { return mul_div(a, b, d).to_string(); }), want)
        << a.to_string() << " * " << b.to_string() << " / " << d.to_string();
    ASSERT_EQ(outcome([&] { return mul_div_rounding_up(a, b, d).to_string(); }),
              outcome([&] { return reference::mul_div_rounding_up(a, b, d).to_string(); }))
        << a.to_string() << " * " << b.to_string() << " / " << d.to_string();
    ASSERT_EQ(outcome([&] { return str(divmod(a, d)); }), outcome([&] { return str(reference::divmod(a, d)); }))
        << a.to_string() << " / " << d.to_string();
    reverts += want.rfind("revert", 0) == 0 ? 1 : 0;
  }
  EXPECT_GT(reverts, 1000);  // the overflow and zero-denominator reverts were exercised
}

// Quotient digits equal to 2^64 - 1 and partial remainders whose top two limbs equal the
// divisor's (the 3-by-2 step's excluded case, Möller-Granlund / GMP mpn_sbpi1_div_qr): numerators
// d * (2^64 - 1) * 2^(64k) + e and d * 2^(64k) - e next to multiples of the divisor.
TEST(AmmFastPath, DivisionAtDigitBoundaries) {
  std::mt19937_64 rng(45);
  int cases = 0;
  for (int i = 0; i < 20000; ++i) {
    const unsigned dbits = 65 + static_cast<unsigned>(rng() % 126);  // 2..3 limbs, room for the factors
    U256 d = draw(rng, dbits) | U256::pow2(dbits - 1 - static_cast<unsigned>(rng() % 2));
    if (d.is_zero()) continue;
    const unsigned room = 256 - static_cast<unsigned>(d.msb()) - 1;
    for (unsigned shift = 0; shift + 64 <= room; shift += 64) {
      const U256 base = (d * U256(~std::uint64_t(0))) << shift;  // digit 2^64 - 1
      for (const U256& e : {U256(), U256(1), d - U256(1), d, d + U256(1)}) {
        for (const U256& a : {base + e, base - e, (d << (shift + 64)) - e}) {
          ASSERT_EQ(outcome([&] { return str(divmod(a, d)); }), outcome([&] { return str(reference::divmod(a, d)); }))
              << a.to_string() << " / " << d.to_string();
          const U256 b = U256::pow2(static_cast<unsigned>(rng() % 128)) + U256(u128(rng() % 3));
          ASSERT_EQ(outcome([&] { return mul_div_rounding_up(a, b, d).to_string(); }),
                    outcome([&] { return reference::mul_div_rounding_up(a, b, d).to_string(); }))
              << a.to_string() << " * " << b.to_string() << " / " << d.to_string();
          ++cases;
        }
      }
    }
  }
  EXPECT_GT(cases, 100000);
}

// Sqrt prices: mostly inside the fast class (< 2^128), also on and past its edge, near
// MIN/MAX_SQRT_RATIO, powers of two (exact divisions), and arbitrary 160-bit values.
U256 draw_price(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0: return U256::pow2(32 + static_cast<unsigned>(rng() % 128));
    case 1: return U256::pow2(128) - U256(u128(rng() % 3));  // 2^128 - 2 .. 2^128 (class edge)
    case 2: return U256::pow2(128) + U256(u128(rng() % 1000));
    case 3: return draw(rng, 160);
    case 4: return MIN_SQRT_RATIO + U256(u128(rng() % 1000));
    case 5: return MAX_SQRT_RATIO - U256(u128(1 + rng() % 1000));
    default: return sqrt_ratio_at_tick(static_cast<std::int32_t>(rng() % 1774545) - MAX_TICK) + U256(u128(rng() % 5));
  }
}

u128 draw_liquidity(std::mt19937_64& rng) {
  const U256 l = draw(rng, static_cast<unsigned>(rng() % 129));
  return l.lo;
}

std::uint32_t draw_fee(std::mt19937_64& rng) {
  constexpr std::uint32_t kFees[] = {0, 1, 100, 500, 3000, 10000, 999999};
  return rng() % 2 ? kFees[rng() % 7] : static_cast<std::uint32_t>(rng() % 1000000);
}

void expect_same_step(const U256& cur, const U256& tgt, u128 l, const I256& amount, std::uint32_t fee) {
  const std::string want = outcome([&] { return str(compute_swap_step_generic(cur, tgt, l, amount, fee)); });
  const std::string got = outcome([&] { return str(compute_swap_step(cur, tgt, l, amount, fee)); });
  ASSERT_EQ(got, want) << "current " << cur.to_string() << " target " << tgt.to_string() << " L " << to_string(l)
                       << " amountRemaining " << amount.to_string() << " fee " << fee;
}

TEST(AmmFastPath, ComputeSwapStepEqualsGenericOverAllSizeClasses) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 100000; ++i) {
    const U256 cur = draw_price(rng);
    // target: random, or a few ticks away (the swap loop's shape), or equal to current
    U256 tgt;
    switch (rng() % 4) {
      case 0: tgt = draw_price(rng); break;
      case 1: tgt = cur; break;
      default: {
        const U256 step = cur >> static_cast<unsigned>(5 + rng() % 60);
        tgt = rng() % 2 ? cur + step : cur - step;
      }
    }
    const u128 l = draw_liquidity(rng);
    U256 mag = draw(rng, static_cast<unsigned>(rng() % 257));
    if ((mag.hi >> 127) != 0) mag = mag >> 1;  // keep within int256
    const I256 amount = rng() % 2 ? I256(mag) : -I256(mag);
    ASSERT_NO_FATAL_FAILURE(expect_same_step(cur, tgt, l, amount, draw_fee(rng)));
  }
}

// Amounts placed on the "reached the target" boundary, where the fused product comparison
// replaces a rounded division: remainingLessFee == amountIn(target) + {-1, 0, 1}, and exact
// output == amountOut(target) + {-1, 0, 1}.
TEST(AmmFastPath, ComputeSwapStepAtTheTargetBoundary) {
  std::mt19937_64 rng(43);
  int cases = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::int32_t t = static_cast<std::int32_t>(rng() % 800000) - 400000;
    const std::int32_t dt = static_cast<std::int32_t>(rng() % 2000) - 1000;
    if (t + dt < MIN_TICK || t + dt > MAX_TICK) continue;
    const U256 cur = sqrt_ratio_at_tick(t) + U256(u128(rng() % 3)), tgt = sqrt_ratio_at_tick(t + dt);
    const u128 l = rng() % 4 == 0 ? u128(1) << (rng() % 127) : (u128(rng()) << (rng() % 64)) | 1;
    const std::uint32_t fee = draw_fee(rng);
    const bool zero_for_one = cur >= tgt;
    const U256 in = zero_for_one ? get_amount0_delta(tgt, cur, l, true) : get_amount1_delta(cur, tgt, l, true);
    const U256 out = zero_for_one ? get_amount1_delta(tgt, cur, l, false) : get_amount0_delta(cur, tgt, l, false);
    for (int k = -1; k <= 1; ++k) {
      // exact input: the gross amount whose fee-less part is in + k
      const U256 net = in + U256(u128(k + 1)) - U256(1);
      if (fee < 1000000u && net.fits_u128()) {
        const U256 gross = mul_div_rounding_up(net, U256(1000000u), U256(1000000u - fee));
        if (gross.fits_u128()) {
          ASSERT_NO_FATAL_FAILURE(expect_same_step(cur, tgt, l, I256(gross), fee));
        }
      }
      const U256 want = out + U256(u128(k + 1)) - U256(1);
      if (!want.is_zero() && want.fits_u128()) {
        ASSERT_NO_FATAL_FAILURE(expect_same_step(cur, tgt, l, -I256(want), fee));
      }
      ++cases;
    }
  }
  EXPECT_GT(cases, 50000);
}

// The fee's short division on the product's four limbs (amountIn in [2^128, 2^192), which only
// exact-output steps over wide ranges with large liquidity reach) and on three.
TEST(AmmFastPath, ComputeSwapStepFeeOnWideAmountIn) {
  std::mt19937_64 rng(46);
  int wide = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::int32_t t = static_cast<std::int32_t>(rng() % 800000) - 400000;
    const std::int32_t dt = static_cast<std::int32_t>(rng() % 20000) - 10000;
    if (t + dt < MIN_TICK || t + dt > MAX_TICK) continue;
    const U256 cur = sqrt_ratio_at_tick(t), tgt = sqrt_ratio_at_tick(t + dt);
    const u128 l = ((u128(rng()) << 64) | rng()) >> (rng() % 128);
    const U256 want = U256((u128(rng()) << 64) | rng()) >> static_cast<unsigned>(rng() % 128);
    if (want.is_zero()) continue;
    const std::uint32_t fee = draw_fee(rng);
    ASSERT_NO_FATAL_FAILURE(expect_same_step(cur, tgt, l, -I256(want), fee));
    const SwapStep s = compute_swap_step_generic(cur, tgt, l, -I256(want), fee);
    wide += !s.amount_in.fits_u128() && (s.amount_in.hi >> 64) == 0 ? 1 : 0;
  }
  EXPECT_GT(wide, 500);
}

TEST(AmmFastPath, SqrtRatioAtTickEqualsPortOnEveryTick) {
  for (std::int32_t t = MIN_TICK; t <= MAX_TICK; ++t) {
    if (sqrt_ratio_at_tick(t) != sqrt_ratio_at_tick_generic(t)) {
      FAIL() << "tick " << t << ": " << sqrt_ratio_at_tick(t).to_string() << " vs "
             << sqrt_ratio_at_tick_generic(t).to_string();
    }
  }
  EXPECT_THROW(sqrt_ratio_at_tick(MIN_TICK - 1), Revert);
  EXPECT_THROW(sqrt_ratio_at_tick(MAX_TICK + 1), Revert);
}

TEST(AmmFastPath, TickAtSqrtRatioEqualsPortOnBoundariesAndRandomPrices) {
  std::mt19937_64 rng(44);
  auto check = [](const U256& p) {
    ASSERT_EQ(outcome([&] { return std::to_string(tick_at_sqrt_ratio(p)); }),
              outcome([&] { return std::to_string(tick_at_sqrt_ratio_generic(p)); }))
        << p.to_string();
  };
  // every 7th tick's boundary and its neighbours, plus both ends of the domain
  for (std::int32_t t = MIN_TICK; t <= MAX_TICK; t += 7) {
    const U256 s = sqrt_ratio_at_tick(t);
    ASSERT_NO_FATAL_FAILURE(check(s));
    ASSERT_NO_FATAL_FAILURE(check(s - U256(1)));
    ASSERT_NO_FATAL_FAILURE(check(s + U256(1)));
  }
  for (const U256& p : {MIN_SQRT_RATIO, MIN_SQRT_RATIO - U256(1), MAX_SQRT_RATIO, MAX_SQRT_RATIO - U256(1), U256(),
                        U256::max(), sqrt_ratio_at_tick(MAX_TICK - 1)})
    ASSERT_NO_FATAL_FAILURE(check(p));
  // random prices: uniform in [MIN, MAX) by bit length, and uniform inside one tick
  for (int i = 0; i < 100000; ++i) {
    U256 p;
    if (i % 2 == 0) {
      p = draw(rng, 32 + static_cast<unsigned>(rng() % 129));
    } else {
      const std::int32_t t = static_cast<std::int32_t>(rng() % 1774544) - MAX_TICK;
      const U256 lo = sqrt_ratio_at_tick(t), width = sqrt_ratio_at_tick(t + 1) - lo;
      p = lo + U256((u128(rng()) << 64 | rng())) % width;
    }
    ASSERT_NO_FATAL_FAILURE(check(p));
  }
}

}  // namespace
}  // namespace alvh::amm
