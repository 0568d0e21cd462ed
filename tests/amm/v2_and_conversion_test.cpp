// Uniswap v2 pair (hand-derived values; derivations in the comments) and price conversions.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "alvh/amm/price_conversion.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/amm/v2_pool.hpp"
#include "alvh/core/error.hpp"

namespace alvh::amm {
namespace {

TEST(AmmV2, GetAmountOutAndInHandDerived) {
  // out = 100*997*1000 / (1000*1000 + 100*997) = 99,700,000 / 1,099,700 = 90.66 -> 90
  EXPECT_EQ(v2_get_amount_out(U256(100), U256(1000), U256(1000)), U256(90));
  // in = 1000*90*1000 / ((1000-90)*997) + 1 = 90,000,000 / 907,270 + 1 = 99 + 1 = 100
  EXPECT_EQ(v2_get_amount_in(U256(90), U256(1000), U256(1000)), U256(100));
  // UniswapV2Router tests: 2 in against reserves 100/100 -> 1 out; getAmountIn(1, 100, 100) = 2
  EXPECT_EQ(v2_get_amount_out(U256(2), U256(100), U256(100)), U256(1));
  EXPECT_EQ(v2_get_amount_in(U256(1), U256(100), U256(100)), U256(2));
  EXPECT_THROW(v2_get_amount_out(U256(0), U256(100), U256(100)), Revert);
  EXPECT_THROW(v2_get_amount_out(U256(1), U256(0), U256(100)), Revert);
  EXPECT_THROW(v2_get_amount_in(U256(100), U256(100), U256(100)), Revert);  // all the reserve: / 0
  EXPECT_THROW(v2_get_amount_in(U256(101), U256(100), U256(100)), Revert);  // underflow
}

TEST(AmmV2, PairMintSwapBurn) {
  V2Pair pair;
  // first mint: sqrt(4e18 * 1e18) - 1000 = 2e18 - 1000 (1000 locked)
  const U256 e18(1000000000000000000ULL);
  EXPECT_EQ(pair.mint(U256(4) * e18, e18), U256(2) * e18 - U256(1000));
  EXPECT_EQ(pair.total_supply(), U256(2) * e18);
  // UniswapV2Pair.spec "swap:token0": 1e18 in against 5e18/10e18 reserves -> 1662497915624478906 out
  V2Pair p2;
  p2.mint(U256(5) * e18, U256(10) * e18);
  EXPECT_EQ(p2.swap_exact_in(true, e18), U256::parse("1662497915624478906"));
  EXPECT_EQ(p2.reserve0(), U256(6) * e18);
  // asking one more wei than getAmountOut allows fails the K check
  V2Pair p3;
  p3.mint(U256(5) * e18, U256(10) * e18);
  try {
    p3.swap(e18, U256(), U256(), U256::parse("1662497915624478907"));
    ADD_FAILURE();
  } catch (const Revert& e) {
    EXPECT_EQ(e.reason(), "UniswapV2: K");
  }
  // burning everything but the locked 1000 returns the reserves pro rata, rounded down
  const auto a = pair.burn(U256(2) * e18 - U256(1000));
  EXPECT_EQ(a.amount0, U256(4) * e18 - U256(2000));  // 4e18 * (2e18-1000)/2e18
  EXPECT_EQ(a.amount1, e18 - U256(500));
}

TEST(AmmV2, KNeverDecreasesAndExactOutCoversExactIn) {
  std::mt19937_64 rng(3);
  V2Pair pair;
  pair.mint(U256(u128(1) << 80), U256(u128(3) << 78));
  for (int i = 0; i < 500; ++i) {
    const U256 k0 = pair.reserve0() * pair.reserve1();
    const bool zfo = rng() & 1;
    const U256 amt(u128(rng() % (u128(1) << 60)) + 1);
    if (i % 2) {
      pair.swap_exact_in(zfo, amt);
    } else {
      const U256 in = pair.swap_exact_out(zfo, amt);
      // getAmountOut(getAmountIn(x)) >= x (rounding favours the pair)
      EXPECT_GE(v2_get_amount_out(in, zfo ? pair.reserve0() - in : pair.reserve1() - in,
                                  zfo ? pair.reserve1() + amt : pair.reserve0() + amt),
                amt);
    }
    EXPECT_GT(pair.reserve0() * pair.reserve1(), k0);  // the fee grows k
  }
}

TEST(AmmPriceConversion, TickPriceAndSqrtPrice) {
  // Whitepaper §6.1: p(i) = 1.0001^i. Tick 0 -> 1; tick 23028 -> 1.0001^23028 = 10.0000 (approx).
  EXPECT_DOUBLE_EQ(price_from_tick(0), 1.0);
  EXPECT_NEAR(price_from_tick(23028), std::pow(1.0001, 23028), 1e-9);
  // MIN_TICK price = 2.9389568e-39 (issue example): (4295128739 / 2^96)^2
  EXPECT_NEAR(price_from_tick(MIN_TICK) / 2.9389568e-39, 1.0, 1e-7);
  EXPECT_NEAR(price_from_sqrt_price_x96(MIN_SQRT_RATIO) / price_from_tick(MIN_TICK), 1.0, 1e-9);
  // USDC(6)/WETH(18), tick 195701 -> 3171.3085 USDC per ETH (shared swap file's first row)
  EXPECT_NEAR(1.0 / price_from_tick(195701, {6, 18}), 3171.3085, 1e-4);
  for (int t : {-887272, -500000, -1, 0, 1, 195701, 887271}) {
    EXPECT_EQ(tick_from_price(price_from_tick(t) * (1 + 1e-12)), t) << t;
    EXPECT_EQ(tick_from_price(price_from_tick(t) * (1 - 1e-12)), t - (t > MIN_TICK ? 1 : 0)) << t;
    const U256 s = sqrt_price_x96_from_price(price_from_tick(t));
    EXPECT_NEAR(s.to_double() / sqrt_ratio_at_tick(t).to_double(), 1.0, 1e-12) << t;
  }
  EXPECT_THROW(tick_from_price(-1.0), DomainError);
  EXPECT_THROW(price_from_tick(887273), DomainError);
  EXPECT_THROW(sqrt_price_x96_from_price(1e300), DomainError);
}

TEST(AmmPriceConversion, Snapping) {
  EXPECT_EQ(snap_tick(-61, 60, SnapMode::Down), -120);
  EXPECT_EQ(snap_tick(-61, 60, SnapMode::Up), -60);
  EXPECT_EQ(snap_tick(-61, 60, SnapMode::Nearest), -60);
  EXPECT_EQ(snap_tick(-91, 60, SnapMode::Nearest), -120);
  EXPECT_EQ(snap_tick(120, 60, SnapMode::Up), 120);
  EXPECT_EQ(snap_tick(MIN_TICK, 60, SnapMode::Down), -887220);  // usable bound
  EXPECT_EQ(snap_tick(MAX_TICK, 60, SnapMode::Up), 887220);
  const TickRange r = snap_price_range(0.9, 1.1, 60);
  EXPECT_EQ(r.tick_lower % 60, 0);
  EXPECT_EQ(r.tick_upper % 60, 0);
  EXPECT_LE(price_from_tick(r.tick_lower), 0.9);
  EXPECT_GE(price_from_tick(r.tick_upper), 1.1);
  EXPECT_GT(price_from_tick(r.tick_lower + 60), 0.9);  // tightest containing range
  EXPECT_LT(price_from_tick(r.tick_upper - 60), 1.1);
  EXPECT_THROW(snap_price_range(1.1, 0.9, 60), DomainError);
}

}  // namespace
}  // namespace alvh::amm
