// Uniswap v3 integer math against Uniswap's own test expectations (../shared/vectors/uniswap-v3,
// README there: spec literals, snapshot values, and rows of an exact Python port), plus
// hand-derived values and properties over random inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "alvh/amm/liquidity_math.hpp"
#include "alvh/amm/sqrt_price_math.hpp"
#include "alvh/amm/swap_math.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/amm/uint256.hpp"
#include "alvh/core/csv.hpp"
#include "test_support.hpp"

namespace alvh::amm {
namespace {

U256 U(const std::string& s) { return U256::parse(s); }
u128 L128(std::string_view s) {
  const U256 v = U256::parse(s);
  EXPECT_TRUE(v.fits_u128()) << s;
  return v.lo;
}

// ---------------------------------------------------------------- U256 (hand-derived)
TEST(AmmUint256, DecimalRoundTripAndLimits) {
  const std::string max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";  // 2^256-1
  EXPECT_EQ(U(max), U256::max());
  EXPECT_EQ(U256::max().to_string(), max);
  EXPECT_EQ(U("0").to_string(), "0");
  EXPECT_EQ(U("10000000000000000000").to_string(), "10000000000000000000");  // 10^19: chunk boundary
  EXPECT_EQ(U256::pow2(96).to_string(), "79228162514264337593543950336");
  EXPECT_THROW(U("115792089237316195423570985008687907853269984665640564039457584007913129639936"), DomainError);
  EXPECT_THROW(U("12a"), DomainError);
  EXPECT_THROW(U(""), DomainError);
  EXPECT_EQ(I256::parse("-5").to_string(), "-5");
  EXPECT_EQ(I256::min().to_string(),
            "-57896044618658097711785492504343953926634992332820282019728792003956564819968");
  EXPECT_THROW(I256::parse("57896044618658097711785492504343953926634992332820282019728792003956564819968"),
               DomainError);
}

TEST(AmmUint256, MulDivHandDerived) {
  // (2^255 * 8) / 2 = 2^257 overflows 256 bits -> revert; (2^255 * 2) / 4 = 2^254.
  EXPECT_THROW(mul_div(U256::pow2(255), U256(8), U256(2)), Revert);
  EXPECT_EQ(mul_div(U256::pow2(255), U256(2), U256(4)), U256::pow2(254));
  // FullMath.spec: mulDiv(Q128, 35*Q128, 8*Q128) = 4375/1000 * Q128 exactly
  const U256 q128 = U256::pow2(128);
  EXPECT_EQ(mul_div(q128, U256(35) * q128, U256(8) * q128), U256(4375) * q128 / U256(1000));
  // FullMath.spec: mulDiv(Q128, 1000*Q128, 3000*Q128) = floor(Q128/3); rounding up adds 1.
  EXPECT_EQ(mul_div(q128, U256(1000) * q128, U256(3000) * q128), q128 / U256(3));
  EXPECT_EQ(mul_div_rounding_up(q128, U256(1000) * q128, U256(3000) * q128), q128 / U256(3) + U256(1));
  // (2^256-1)^2 / (2^256-1) = 2^256-1 (full 512-bit intermediate)
  EXPECT_EQ(mul_div(U256::max(), U256::max(), U256::max()), U256::max());
  EXPECT_THROW(mul_div(U256(1), U256(1), U256(0)), Revert);
  // mulDivRoundingUp reverts when the rounded result would be 2^256 (FullMath.spec):
  // mulDivRoundingUp(535006138814359, 432862656469423142931042426214547535783388063929571229938474969, 2) overflows.
  EXPECT_THROW(mul_div_rounding_up(U("535006138814359"),
                                   U("432862656469423142931042426214547535783388063929571229938474969"), U256(2)),
               Revert);
  EXPECT_EQ(div_rounding_up(U256(7), U256(2)), U256(4));
  EXPECT_EQ(div_rounding_up(U256(8), U256(2)), U256(4));
  EXPECT_THROW(div_rounding_up(U256(8), U256(0)), Revert);
}

TEST(AmmUint256, DivisionMatchesSchoolbookOnRandomInputs) {
  // Invariant: q*b + r == a with r < b, over random widths (exercises every Knuth D branch).
  std::mt19937_64 rng(42);
  auto rnd = [&] {
    U256 v(u128(rng()) << 64 | rng(), u128(rng()) << 64 | rng());
    return v >> static_cast<unsigned>(rng() % 256);
  };
  for (int i = 0; i < 20000; ++i) {
    const U256 a = rnd(), b = rnd();
    if (b.is_zero()) continue;
    const auto qr = divmod(a, b);
    EXPECT_LT(qr.remainder, b);
    ASSERT_EQ(qr.quotient * b + qr.remainder, a) << a.to_string() << " / " << b.to_string();
    // mul_div(a, b, c) * c <= a*b checked through mulmod-free identity for b = 1
    EXPECT_EQ(mul_div(a, U256(1), b), qr.quotient);
  }
}

// ---------------------------------------------------------------- TickMath
TEST(AmmTickMath, EveryVectorRow) {
  ALVH_REQUIRE_SHARED(path, "vectors/uniswap-v3/tickmath.csv");
  CsvReader csv(path.string());
  const auto fn = csv.column("function"), tick = csv.column("tick"), sqrt = csv.column("sqrtPriceX96"),
             rev = csv.column("expected_revert");
  int rows = 0;
  while (csv.next()) {
    ++rows;
    const std::string where = path.string() + ":" + std::to_string(csv.line());
    const std::string reason(csv.field(rev));
    if (csv.field(fn) == "getSqrtRatioAtTick") {
      const auto t = static_cast<std::int32_t>(csv.get_int(tick));
      if (!reason.empty()) {
        try {
          sqrt_ratio_at_tick(t);
          ADD_FAILURE() << where << " expected revert";
        } catch (const Revert& e) {
          EXPECT_EQ(e.reason(), reason) << where;
        }
      } else {
        EXPECT_EQ(sqrt_ratio_at_tick(t).to_string(), csv.field(sqrt)) << where;
      }
    } else {
      ASSERT_EQ(csv.field(fn), "getTickAtSqrtRatio") << where;
      const U256 p = U(std::string(csv.field(sqrt)));
      if (!reason.empty()) {
        try {
          tick_at_sqrt_ratio(p);
          ADD_FAILURE() << where << " expected revert";
        } catch (const Revert& e) {
          EXPECT_EQ(e.reason(), reason) << where;
        }
      } else {
        EXPECT_EQ(tick_at_sqrt_ratio(p), csv.get_int(tick)) << where;
      }
    }
  }
  EXPECT_EQ(rows, 984);  // README: 984 rows
}

TEST(AmmTickMath, BoundsAndConstants) {
  EXPECT_EQ(sqrt_ratio_at_tick(MIN_TICK), MIN_SQRT_RATIO);
  EXPECT_EQ(sqrt_ratio_at_tick(MAX_TICK), MAX_SQRT_RATIO);
  EXPECT_EQ(sqrt_ratio_at_tick(0), kQ96);  // 1.0001^0 = 1 -> 2^96 exactly
  EXPECT_EQ(tick_at_sqrt_ratio(MIN_SQRT_RATIO), MIN_TICK);
  EXPECT_EQ(tick_at_sqrt_ratio(MAX_SQRT_RATIO - U256(1)), MAX_TICK - 1);
}

TEST(AmmTickMath, RoundTripAndMonotonicOnRandomTicks) {
  // Property (TickMath.sol's contract): tick_at(sqrt_at(t)) == t and tick_at(sqrt_at(t) - 1) == t - 1.
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int32_t> d(MIN_TICK + 1, MAX_TICK - 1);
  for (int i = 0; i < 3000; ++i) {
    const std::int32_t t = d(rng);
    const U256 s = sqrt_ratio_at_tick(t);
    ASSERT_EQ(tick_at_sqrt_ratio(s), t);
    ASSERT_EQ(tick_at_sqrt_ratio(s - U256(1)), t - 1);
    ASSERT_LT(s, sqrt_ratio_at_tick(t + 1));
    // exp(t/2 log1p(1e-4)) * 2^96 in double (log1p avoids the representation error of 1.0001) agrees to ~1e-12 relative plus the 1-unit rounding of the
    // Q64.96 result (which dominates near MIN_TICK, where sqrtPriceX96 ~ 2^32).
    const double expect = std::exp(t / 2.0 * std::log1p(1e-4)) * 79228162514264337593543950336.0;
    ASSERT_NEAR(s.to_double(), expect, 1.0 + 1e-12 * expect) << t;
  }
}

// ---------------------------------------------------------------- SqrtPriceMath
bool flag(std::string_view s) { return s == "true"; }

TEST(AmmSqrtPriceMath, EveryVectorRow) {
  ALVH_REQUIRE_SHARED(path, "vectors/uniswap-v3/sqrtpricemath.csv");
  CsvReader csv(path.string());
  const auto fn = csv.column("function"), pa = csv.column("sqrtPriceX96_or_sqrtRatioAX96"),
             pb = csv.column("sqrtRatioBX96"), liq = csv.column("liquidity"), amt = csv.column("amount"),
             fl = csv.column("zeroForOne_or_roundUp"), exp = csv.column("expected"), rev = csv.column("expected_revert");
  int rows = 0, reverts = 0;
  while (csv.next()) {
    ++rows;
    const std::string where = path.string() + ":" + std::to_string(csv.line()) + " " + std::string(csv.field(fn));
    const std::string f(csv.field(fn));
    auto run = [&]() -> U256 {
      const U256 a = U(std::string(csv.field(pa)));
      const u128 L = L128(csv.field(liq));
      const bool b = flag(csv.field(fl));
      if (f == "getNextSqrtPriceFromInput") return get_next_sqrt_price_from_input(a, L, U(std::string(csv.field(amt))), b);
      if (f == "getNextSqrtPriceFromOutput") return get_next_sqrt_price_from_output(a, L, U(std::string(csv.field(amt))), b);
      if (f == "getAmount0Delta") return get_amount0_delta(a, U(std::string(csv.field(pb))), L, b);
      if (f == "getAmount1Delta") return get_amount1_delta(a, U(std::string(csv.field(pb))), L, b);
      throw std::runtime_error("unknown function " + f);
    };
    if (!csv.field(rev).empty()) {
      ++reverts;
      EXPECT_THROW(run(), Revert) << where;
    } else {
      EXPECT_EQ(run().to_string(), csv.field(exp)) << where;
    }
  }
  EXPECT_EQ(rows, 277);
  EXPECT_GT(reverts, 0);
}

TEST(AmmSqrtPriceMath, SignedDeltasRoundTowardsThePool) {
  // Adding liquidity (L > 0) is owed rounded up; removing (L < 0) is paid rounded down.
  const U256 a = sqrt_ratio_at_tick(-600), b = sqrt_ratio_at_tick(600);
  const I256 add0 = get_amount0_delta(a, b, i128(1000000007));
  const I256 rem0 = get_amount0_delta(a, b, -i128(1000000007));
  EXPECT_EQ(add0.bits, get_amount0_delta(a, b, 1000000007u, true));
  EXPECT_EQ((-rem0).bits, get_amount0_delta(a, b, 1000000007u, false));
  EXPECT_EQ(add0 + rem0, I256(1));  // not an exact multiple: ceil - floor = 1
}

// ---------------------------------------------------------------- SwapMath
TEST(AmmSwapMath, EveryVectorRow) {
  ALVH_REQUIRE_SHARED(path, "vectors/uniswap-v3/swapmath.csv");
  CsvReader csv(path.string());
  const auto cur = csv.column("sqrtRatioCurrentX96"), tgt = csv.column("sqrtRatioTargetX96"),
             liq = csv.column("liquidity"), rem = csv.column("amountRemaining"), fee = csv.column("feePips"),
             en = csv.column("expected_sqrtRatioNextX96"), ei = csv.column("expected_amountIn"),
             eo = csv.column("expected_amountOut"), ef = csv.column("expected_feeAmount");
  int rows = 0;
  while (csv.next()) {
    ++rows;
    const std::string where = path.string() + ":" + std::to_string(csv.line());
    const SwapStep s = compute_swap_step(U(std::string(csv.field(cur))), U(std::string(csv.field(tgt))),
                                         L128(csv.field(liq)), I256::parse(csv.field(rem)),
                                         static_cast<std::uint32_t>(csv.get_int(fee)));
    EXPECT_EQ(s.sqrt_ratio_next_x96.to_string(), csv.field(en)) << where;
    EXPECT_EQ(s.amount_in.to_string(), csv.field(ei)) << where;
    EXPECT_EQ(s.amount_out.to_string(), csv.field(eo)) << where;
    EXPECT_EQ(s.fee_amount.to_string(), csv.field(ef)) << where;
  }
  EXPECT_EQ(rows, 97);
}

TEST(AmmSwapMath, RoundingFavoursThePoolAndExactInOutAgree) {
  std::mt19937_64 rng(2024);
  std::uniform_int_distribution<std::int32_t> dt(-200000, 200000);
  const std::uint32_t fees[] = {100, 500, 3000, 10000};
  for (int i = 0; i < 3000; ++i) {
    const U256 cur = sqrt_ratio_at_tick(dt(rng)), tgt = sqrt_ratio_at_tick(dt(rng));
    if (cur == tgt) continue;
    const u128 L = (u128(rng() >> 4) << 20) + 1;
    const U256 amount(u128(rng() >> static_cast<unsigned>(rng() % 40)) + 1);
    const std::uint32_t fee = fees[i % 4];
    const bool zfo = cur >= tgt;
    const SwapStep s = compute_swap_step(cur, tgt, L, I256(amount), fee);
    // never spends more than offered
    ASSERT_LE(s.amount_in + s.fee_amount, amount);
    // price moves towards the target and not past it
    if (zfo) {
      ASSERT_TRUE(s.sqrt_ratio_next_x96 <= cur && s.sqrt_ratio_next_x96 >= tgt);
    } else {
      ASSERT_TRUE(s.sqrt_ratio_next_x96 >= cur && s.sqrt_ratio_next_x96 <= tgt);
    }
    // the input pays at least the exact curve amount (the ceiling; ceil(ceil(n/b)/a) = ceil(n/(ab)))
    // and the output is at most the exact curve amount (the floor)
    const U256 in_exact_ceil = zfo ? get_amount0_delta(s.sqrt_ratio_next_x96, cur, L, true)
                                   : get_amount1_delta(cur, s.sqrt_ratio_next_x96, L, true);
    const U256 out_exact_floor = zfo ? get_amount1_delta(s.sqrt_ratio_next_x96, cur, L, false)
                                     : get_amount0_delta(cur, s.sqrt_ratio_next_x96, L, false);
    ASSERT_GE(s.amount_in, in_exact_ceil);
    ASSERT_LE(s.amount_out, out_exact_floor);
    ASSERT_GE(s.fee_amount, mul_div(s.amount_in, U256(fee), U256(1000000 - fee)));
    // exact-out for what exact-in produced needs no more input than exact-in paid
    if (!s.amount_out.is_zero()) {
      const SwapStep o = compute_swap_step(cur, tgt, L, -I256(s.amount_out), fee);
      ASSERT_EQ(o.amount_out, s.amount_out);
      ASSERT_LE(o.amount_in, s.amount_in);
      ASSERT_LE(o.amount_in + o.fee_amount, amount);
    }
  }
}

// ---------------------------------------------------------------- LiquidityMath / LiquidityAmounts
TEST(AmmLiquidityMath, AddDeltaReverts) {
  EXPECT_EQ(add_delta(1, 0), u128(1));
  EXPECT_EQ(add_delta(1, -1), u128(0));
  EXPECT_EQ(add_delta(1, 1), u128(2));
  try {
    add_delta(0, -1);
    ADD_FAILURE();
  } catch (const Revert& e) {
    EXPECT_EQ(e.reason(), "LS");
  }
  try {
    add_delta(~u128(0) - 14, 15);
    ADD_FAILURE();
  } catch (const Revert& e) {
    EXPECT_EQ(e.reason(), "LA");
  }
}

TEST(AmmLiquidityAmounts, EveryVectorRow) {
  ALVH_REQUIRE_SHARED(path, "vectors/uniswap-v3/liquidityamounts.csv");
  CsvReader csv(path.string());
  const auto fn = csv.column("function"), p = csv.column("sqrtRatioX96"), a = csv.column("sqrtRatioAX96"),
             b = csv.column("sqrtRatioBX96"), a0 = csv.column("amount0"), a1 = csv.column("amount1"),
             liq = csv.column("liquidity"), el = csv.column("expected_liquidity"), e0 = csv.column("expected_amount0"),
             e1 = csv.column("expected_amount1");
  int rows = 0;
  while (csv.next()) {
    ++rows;
    const std::string where = path.string() + ":" + std::to_string(csv.line());
    const U256 P = U(std::string(csv.field(p))), A = U(std::string(csv.field(a))), B = U(std::string(csv.field(b)));
    if (csv.field(fn) == "getLiquidityForAmounts") {
      const u128 l = get_liquidity_for_amounts(P, A, B, U(std::string(csv.field(a0))), U(std::string(csv.field(a1))));
      EXPECT_EQ(to_string(l), csv.field(el)) << where;
    } else {
      const Amounts r = get_amounts_for_liquidity(P, A, B, L128(csv.field(liq)));
      EXPECT_EQ(r.amount0.to_string(), csv.field(e0)) << where;
      EXPECT_EQ(r.amount1.to_string(), csv.field(e1)) << where;
    }
  }
  EXPECT_EQ(rows, 163);
}

}  // namespace
}  // namespace alvh::amm
