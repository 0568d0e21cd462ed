// Exact pool simulator against Uniswap v3's UniswapV3Pool swap snapshot (all 240 cases of
// ../shared/vectors/uniswap-v3/pool_swaps/uniswap_v3_pool_swaps.json: 15 pool set-ups x 16 swaps,
// "expected" verbatim from the Uniswap snapshot, "exactPort" the exact sqrt prices and step
// counts of an exact port), plus hand-derived mint/burn/collect cases, atomic reverts,
// fee-growth conservation and agreement with the closed-form position model.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "alvh/amm/pool.hpp"
#include "alvh/amm/position_model.hpp"
#include "alvh/amm/sqrt_price_math.hpp"
#include "alvh/amm/tick_math.hpp"
#include "test_support.hpp"

namespace alvh::amm {
namespace {

U256 U(const std::string& s) { return U256::parse(s); }
const U256 kOneToOne = U("79228162514264337593543950336");  // encodePriceSqrt(1, 1) = 2^96

TEST(AmmPoolSnapshot, All240SwapCases) {
  ALVH_REQUIRE_SHARED(path, "vectors/uniswap-v3/pool_swaps/uniswap_v3_pool_swaps.json");
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  int cases = 0, reverts = 0;
  for (const auto& pj : doc.at("pools")) {
    const std::string pool_name = pj.at("description");
    Pool base(pj.at("fee").get<std::uint32_t>(), pj.at("tickSpacing").get<std::int32_t>());
    base.initialize(U(pj.at("startingSqrtPriceX96")));
    U256 bal0, bal1;
    for (const auto& pos : pj.at("positions")) {
      const auto r = base.mint("callee", pos.at("tickLower"), pos.at("tickUpper"), U(pos.at("liquidity")).lo);
      bal0 += r.amount0;
      bal1 += r.amount1;
    }
    EXPECT_EQ(base.tick(), pj.at("initialTick").get<int>()) << pool_name;
    EXPECT_EQ(to_string(base.liquidity()), pj.at("initialLiquidity").get<std::string>()) << pool_name;
    EXPECT_EQ(bal0.to_string(), pj.at("initialBalance0").get<std::string>()) << pool_name;
    EXPECT_EQ(bal1.to_string(), pj.at("initialBalance1").get<std::string>()) << pool_name;

    for (const auto& sj : pj.at("swaps")) {
      ++cases;
      const std::string key = sj.at("snapshotKey");
      const auto& exp = sj.at("expected");
      Pool pool = base;  // every snapshot case starts from the freshly minted pool
      const bool reverted = exp.at("reverted").get<bool>();
      const I256 amount = I256::parse(sj.at("amountSpecified").get<std::string>());
      const U256 limit = U(sj.at("sqrtPriceLimitX96"));
      if (reverted) {
        ++reverts;
        const std::string err = exp.at("swapError");
        const std::string reason = err.substr(err.rfind(' ') + 1);  // "... revert SPL"
        try {
          pool.swap(sj.at("zeroForOne"), amount, limit);
          ADD_FAILURE() << key << ": expected revert " << reason;
        } catch (const Revert& e) {
          EXPECT_EQ(e.reason(), reason) << key;
        }
        EXPECT_EQ(pool.sqrt_price_x96(), base.sqrt_price_x96()) << key;  // unchanged
        continue;
      }
      EXPECT_EQ(exp.at("amount0Before").get<std::string>(), bal0.to_string()) << key;
      EXPECT_EQ(exp.at("amount1Before").get<std::string>(), bal1.to_string()) << key;
      EXPECT_EQ(pool.tick(), exp.at("tickBefore").get<int>()) << key;
      const SwapResult r = pool.swap(sj.at("zeroForOne"), amount, limit);
      EXPECT_EQ(r.amount0.to_string(), exp.at("amount0Delta").get<std::string>()) << key;
      EXPECT_EQ(r.amount1.to_string(), exp.at("amount1Delta").get<std::string>()) << key;
      EXPECT_EQ(pool.fee_growth_global0_x128().to_string(), exp.at("feeGrowthGlobal0X128Delta").get<std::string>())
          << key;
      EXPECT_EQ(pool.fee_growth_global1_x128().to_string(), exp.at("feeGrowthGlobal1X128Delta").get<std::string>())
          << key;
      EXPECT_EQ(pool.tick(), exp.at("tickAfter").get<int>()) << key;
      const auto& port = sj.at("exactPort");
      EXPECT_EQ(pool.sqrt_price_x96().to_string(), port.at("sqrtPriceX96After").get<std::string>()) << key;
      EXPECT_EQ(to_string(pool.liquidity()), port.at("liquidityAfter").get<std::string>()) << key;
      EXPECT_EQ(r.steps, port.at("swapLoopSteps").get<int>()) << key;
      // poolPriceAfter: (sqrtP/2^96)^2 to 5 significant digits (loose, as the README says)
      const double p = std::pow(pool.sqrt_price_x96().to_double() / 79228162514264337593543950336.0, 2);
      const double snap = std::stod(exp.at("poolPriceAfter").get<std::string>());
      if (snap > 1e-300 && std::isfinite(p)) {
        EXPECT_NEAR(p / snap, 1.0, 1e-4) << key;
      }
    }
  }
  EXPECT_EQ(cases, 240);
  EXPECT_EQ(reverts, 50);
}

// Hand-derived: price 1 (tick 0), range [-60, 60], L = 10^6. Whitepaper eq. 6.29-6.30:
// x = L (1/sqrt(P) - 1/sqrt(pb)) = 10^6 (1 - 1.0001^-30) = 2995.51..., rounded up -> 2996;
// y = L (sqrt(P) - sqrt(pa)) = 10^6 (1 - 1.0001^-30) -> 2996 (symmetric).
TEST(AmmPool, MintBurnCollectHandDerived) {
  Pool pool(3000, 60);
  pool.initialize(kOneToOne);
  const auto m = pool.mint("a", -60, 60, 1000000);
  EXPECT_EQ(m.amount0, U256(2996));
  EXPECT_EQ(m.amount1, U256(2996));
  EXPECT_EQ(pool.liquidity(), u128(1000000));
  EXPECT_EQ(pool.tick_info(-60).liquidity_net, i128(1000000));
  EXPECT_EQ(pool.tick_info(60).liquidity_net, -i128(1000000));
  EXPECT_TRUE(pool.tick_bitmap().is_initialized(-60, 60));
  // burning rounds down: 2995 each, credited to tokens owed, then collected
  const auto b = pool.burn("a", -60, 60, 1000000);
  EXPECT_EQ(b.amount0, U256(2995));
  EXPECT_EQ(b.amount1, U256(2995));
  EXPECT_EQ(pool.liquidity(), u128(0));
  EXPECT_FALSE(pool.tick_bitmap().is_initialized(-60, 60));
  EXPECT_FALSE(pool.tick_info(-60).initialized);  // cleared
  const auto c = pool.collect("a", -60, 60);
  EXPECT_EQ(c.amount0, u128(2995));
  EXPECT_EQ(c.amount1, u128(2995));
  EXPECT_EQ(pool.collect("a", -60, 60).amount0, u128(0));
}

TEST(AmmPool, SwapFeesGoToTheInRangePosition) {
  // 1000 token0 exact in at fee 0.3%: fee = 1000 - amountIn where amountIn is what the curve
  // takes; all of it accrues to the only position (L = 10^6), up to 1 wei of rounding.
  Pool pool(3000, 60);
  pool.initialize(kOneToOne);
  pool.mint("a", -60, 60, 1000000);
  const SwapResult r = pool.swap(true, I256(1000), MIN_SQRT_RATIO + U256(1));
  EXPECT_EQ(r.amount0, I256(1000));
  EXPECT_TRUE(r.amount1.is_negative());
  EXPECT_EQ(r.fee_amount, U256(3));  // ceil(997 * 3000 / 997000) = 3: 997 in + 3 fee
  pool.burn("a", -60, 60, 0);        // poke
  // fee growth += floor(3 * 2^128 / 10^6); owed = floor(growth * 10^6 / 2^128) = 3 - 1 wei,
  // because the first floor makes growth * 10^6 slightly less than 3 * 2^128.
  EXPECT_EQ(pool.position("a", -60, 60).tokens_owed0, u128(2));
}

TEST(AmmPool, RevertsWithReasonsAndLeavesThePoolUnchanged) {
  Pool pool(3000, 60);
  auto reason = [&](auto&& f) {
    try {
      f();
    } catch (const Revert& e) {
      return e.reason();
    }
    return std::string("no revert");
  };
  EXPECT_EQ(reason([&] { pool.mint("a", -60, 60, 1); }), "LOK");  // not initialised
  pool.initialize(kOneToOne);
  EXPECT_EQ(reason([&] { pool.initialize(kOneToOne); }), "AI");
  EXPECT_EQ(reason([&] { pool.mint("a", 60, -60, 1); }), "TLU");
  EXPECT_EQ(reason([&] { pool.mint("a", -887280, 60, 1); }), "TLM");
  EXPECT_EQ(reason([&] { pool.mint("a", -60, 887280, 1); }), "TUM");
  EXPECT_EQ(reason([&] { pool.mint("a", -60, 60, 0); }), "mint amount == 0");
  EXPECT_EQ(reason([&] { pool.mint("a", -61, 60, 1); }), "tick not spaced");
  EXPECT_EQ(reason([&] { pool.mint("a", -60, 60, pool.max_liquidity_per_tick() + 1); }), "LO");
  EXPECT_EQ(reason([&] { pool.burn("a", -60, 60, 0); }), "NP");
  pool.mint("a", -60, 60, 1000);
  const Pool before = pool;
  EXPECT_EQ(reason([&] { pool.burn("a", -60, 60, 1001); }), "LS");
  EXPECT_EQ(reason([&] { pool.swap(true, I256(0), MIN_SQRT_RATIO + U256(1)); }), "AS");
  EXPECT_EQ(reason([&] { pool.swap(true, I256(10), kOneToOne + U256(1)); }), "SPL");
  EXPECT_EQ(reason([&] { pool.swap(false, I256(10), MAX_SQRT_RATIO); }), "SPL");
  EXPECT_EQ(pool.liquidity(), before.liquidity());
  EXPECT_EQ(pool.position("a", -60, 60).liquidity, u128(1000));
  EXPECT_EQ(pool.tick_info(-60).liquidity_gross, u128(1000));
  EXPECT_EQ(reason([&] { pool.set_fee_protocol(3, 0); }), "setFeeProtocol");
}

TEST(AmmPool, NextInitializedTickWithinOneWordMatchesTickBitmapSpec) {
  // TickBitmap.spec.ts fixture: ticks -200, -55, -4, 70, 78, 84, 139, 240, 535 initialised, spacing 1.
  TickBitmap bm;
  for (int t : {-200, -55, -4, 70, 78, 84, 139, 240, 535}) bm.flip_tick(t, 1);
  using P = std::pair<std::int32_t, bool>;
  // lte = false
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(78, 1, false), P(84, true));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(-55, 1, false), P(-4, true));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(77, 1, false), P(78, true));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(-56, 1, false), P(-55, true));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(255, 1, false), P(511, false));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(-257, 1, false), P(-200, true));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(340, 1, false), P(511, false));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(328, 1, false), P(511, false));
  // lte = true
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(78, 1, true), P(78, true));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(79, 1, true), P(78, true));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(258, 1, true), P(256, false));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(256, 1, true), P(256, false));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(72, 1, true), P(70, true));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(-257, 1, true), P(-512, false));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(1023, 1, true), P(768, false));
  EXPECT_EQ(bm.next_initialized_tick_within_one_word(900, 1, true), P(768, false));
}

TEST(AmmPool, FeeGrowthConservation) {
  // Invariant: the fees paid by swappers (minus the protocol's share) equal the fees owed to
  // all positions, to rounding: each poke floors once per position per token, and fee growth
  // floors once per step (each step loses < L/2^128 wei). Full-range position keeps L > 0.
  std::mt19937_64 rng(99);
  Pool pool(3000, 60);
  pool.initialize(kOneToOne);
  pool.set_fee_protocol(6, 4);
  struct Pos { std::string owner; int lo, hi; };
  std::vector<Pos> positions = {{"full", -887220, 887220}};
  pool.mint("full", -887220, 887220, 5000000000000000000ULL);
  for (int i = 0; i < 12; ++i) {
    const int lo = static_cast<int>(rng() % 200) * 60 - 6000;
    const int hi = lo + 60 * static_cast<int>(1 + rng() % 60);
    positions.push_back({std::string("p").append(std::to_string(i)), lo, hi});
    pool.mint(positions.back().owner, lo, hi, (u128(rng() % 1000) + 1) * 1000000000000000ULL);
  }
  U256 fees0, fees1, proto0, proto1;
  for (int i = 0; i < 200; ++i) {
    const bool zfo = (rng() & 1) != 0;
    const I256 amt = (rng() & 1) ? I256(i128(rng() % 100000000000000000ULL) + 1)
                                 : -I256(i128(rng() % 10000000000000000ULL) + 1);
    const U256 limit = zfo ? sqrt_ratio_at_tick(-7000) : sqrt_ratio_at_tick(7000);
    try {
      const SwapResult r = pool.swap(zfo, amt, limit);
      (zfo ? fees0 : fees1) += r.fee_amount;
      (zfo ? proto0 : proto1) += r.protocol_fee;
    } catch (const Revert& e) {
      EXPECT_EQ(e.reason(), "SPL");  // price already at the limit
    }
  }
  U256 owed0, owed1;
  for (const auto& p : positions) {
    pool.burn(p.owner, p.lo, p.hi, 0);
    owed0 += U256(pool.position(p.owner, p.lo, p.hi).tokens_owed0);
    owed1 += U256(pool.position(p.owner, p.lo, p.hi).tokens_owed1);
  }
  EXPECT_EQ(U256(pool.protocol_fees0()), proto0);
  EXPECT_EQ(U256(pool.protocol_fees1()), proto1);
  ASSERT_GT(fees0, U256(0));
  ASSERT_GT(fees1, U256(0));
  const U256 lp0 = fees0 - proto0, lp1 = fees1 - proto1;
  EXPECT_LE(owed0, lp0);
  EXPECT_LE(owed1, lp1);
  const U256 tol(positions.size() + 1);
  EXPECT_LE(lp0 - owed0, tol) << lp0.to_string() << " vs " << owed0.to_string();
  EXPECT_LE(lp1 - owed1, tol) << lp1.to_string() << " vs " << owed1.to_string();
}

TEST(AmmPool, MatchesClosedFormPositionModel) {
  // The integer pool's mint amounts, in raw units, vs position_model.hpp's closed form with
  // pa = 1.0001^tickLower, pb = 1.0001^tickUpper, P = (sqrtPriceX96/2^96)^2, within 1e-9.
  std::mt19937_64 rng(5);
  for (int i = 0; i < 200; ++i) {
    Pool pool(500, 10);
    const int t0 = static_cast<int>(rng() % 200000) - 100000;
    pool.initialize(sqrt_ratio_at_tick(t0) + U256(u128(rng() % 1000000)));
    const int lo = (t0 / 10) * 10 - 10 * static_cast<int>(1 + rng() % 500);
    const int hi = (t0 / 10) * 10 + 10 * static_cast<int>(1 + rng() % 500);
    const u128 L = u128(rng() % 1000000000000ULL + 1) * 1000000000000ULL;
    const auto m = pool.mint("a", lo, hi, L);
    const double sp = pool.sqrt_price_x96().to_double() / 79228162514264337593543950336.0;
    const PriceRange range{std::exp(lo * std::log1p(1e-4)), std::exp(hi * std::log1p(1e-4))};
    const auto cf = amounts_for_liquidity(range, static_cast<double>(L), sp * sp);
    EXPECT_NEAR(m.amount0.to_double() / cf.amount0, 1.0, 1e-9) << i;
    EXPECT_NEAR(m.amount1.to_double() / cf.amount1, 1.0, 1e-9) << i;
    const double value_int = m.amount0.to_double() * sp * sp + m.amount1.to_double();
    EXPECT_NEAR(value_int / lp_value(range, static_cast<double>(L), sp * sp), 1.0, 1e-9) << i;
  }
}

}  // namespace
}  // namespace alvh::amm
