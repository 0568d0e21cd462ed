#pragma once
// Exact Uniswap v3 pool simulator: a port of UniswapV3Pool.sol (v3-core d8b1c635) without the
// oracle, callbacks and token transfers. Ticks with liquidityNet/Gross and fee growth outside,
// a TickBitmap that reproduces nextInitializedTickWithinOneWord's word-by-word stepping,
// positions with fee growth inside and tokens owed, and the optional protocol fee.
//
// Every operation is atomic like a transaction: if it reverts (alvh::amm::Revert with the
// contract's reason), the pool is left exactly as it was.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alvh/amm/uint256.hpp"

namespace alvh::amm {

// Tick.Info (without the oracle fields).
struct TickInfo {
  u128 liquidity_gross = 0;  // total position liquidity referencing this tick
  i128 liquidity_net = 0;    // liquidity added when the price crosses the tick left to right
  U256 fee_growth_outside0_x128;
  U256 fee_growth_outside1_x128;
  bool initialized = false;
};

// Position.Info.
struct PositionInfo {
  u128 liquidity = 0;
  U256 fee_growth_inside0_last_x128;
  U256 fee_growth_inside1_last_x128;
  u128 tokens_owed0 = 0;
  u128 tokens_owed1 = 0;
};

// TickBitmap.sol: one bit per initialized tick / tickSpacing, in 256-bit words.
class TickBitmap {
 public:
  // flipTick; reverts unless tick % tick_spacing == 0.
  void flip_tick(std::int32_t tick, std::int32_t tick_spacing);
  // nextInitializedTickWithinOneWord: the next initialized tick at or left of `tick` (lte)
  // or right of it, searching only the 256-bit word holding it; if none, the word's edge.
  std::pair<std::int32_t, bool> next_initialized_tick_within_one_word(std::int32_t tick, std::int32_t tick_spacing,
                                                                      bool lte) const;
  bool is_initialized(std::int32_t tick, std::int32_t tick_spacing) const;

 private:
  std::unordered_map<std::int32_t, U256> words_;
};

struct ModifyResult {
  U256 amount0;  // mint: owed to the pool (rounded up); burn: credited to the position (rounded down)
  U256 amount1;
};

struct CollectResult {
  u128 amount0 = 0;
  u128 amount1 = 0;
};

struct SwapResult {
  I256 amount0;  // pool balance change: > 0 paid in, < 0 paid out
  I256 amount1;
  U256 fee_amount;    // total fee charged in the input token (incl. the protocol's share)
  U256 protocol_fee;  // protocol's share of fee_amount
  int steps = 0;      // iterations of the swap loop
};

class Pool {
 public:
  // fee in pips (3000 = 0.3%), tick spacing as in UniswapV3Factory (1..16383).
  Pool(std::uint32_t fee, std::int32_t tick_spacing);

  // initialize(sqrtPriceX96): reverts "AI" if already initialised, "R" if out of range.
  void initialize(const U256& sqrt_price_x96);

  // mint: adds `amount` liquidity to owner's [tick_lower, tick_upper) position and returns the
  // tokens owed to the pool. Reverts "TLU"/"TLM"/"TUM", "LO", misaligned ticks, amount == 0.
  ModifyResult mint(const std::string& owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount);
  // burn: removes liquidity (0 = poke to update fees); the tokens are credited to tokens owed.
  ModifyResult burn(const std::string& owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount);
  // collect: withdraws up to the requested tokens owed.
  CollectResult collect(const std::string& owner, std::int32_t tick_lower, std::int32_t tick_upper,
                        u128 amount0_requested = ~u128(0), u128 amount1_requested = ~u128(0));
  // swap: amount_specified > 0 exact input, < 0 exact output. Reverts "AS", "SPL", "LOK".
  SwapResult swap(bool zero_for_one, const I256& amount_specified, const U256& sqrt_price_limit_x96);

  // setFeeProtocol: each 0 or in [4, 10] (a fee share of 1/N); reverts otherwise.
  void set_fee_protocol(std::uint8_t fee_protocol0, std::uint8_t fee_protocol1);
  CollectResult collect_protocol(u128 amount0_requested = ~u128(0), u128 amount1_requested = ~u128(0));

  std::uint32_t fee() const noexcept { return fee_; }
  std::int32_t tick_spacing() const noexcept { return tick_spacing_; }
  u128 max_liquidity_per_tick() const noexcept { return max_liquidity_per_tick_; }
  const U256& sqrt_price_x96() const noexcept { return sqrt_price_x96_; }
  std::int32_t tick() const noexcept { return tick_; }
  u128 liquidity() const noexcept { return liquidity_; }
  const U256& fee_growth_global0_x128() const noexcept { return fee_growth_global0_x128_; }
  const U256& fee_growth_global1_x128() const noexcept { return fee_growth_global1_x128_; }
  u128 protocol_fees0() const noexcept { return protocol_fees0_; }
  u128 protocol_fees1() const noexcept { return protocol_fees1_; }
  bool initialized() const noexcept { return !sqrt_price_x96_.is_zero(); }

  // Tick state (a default TickInfo if not initialised) and position state.
  TickInfo tick_info(std::int32_t tick) const;
  PositionInfo position(const std::string& owner, std::int32_t tick_lower, std::int32_t tick_upper) const;
  const TickBitmap& tick_bitmap() const noexcept { return bitmap_; }
  // Fee growth inside [lower, upper) at the current tick (Tick.getFeeGrowthInside).
  std::pair<U256, U256> fee_growth_inside(std::int32_t tick_lower, std::int32_t tick_upper) const;

 private:
  using PositionKey = std::tuple<std::string, std::int32_t, std::int32_t>;
  // _modifyPosition: returns the signed token deltas (> 0 owed to the pool).
  std::pair<I256, I256> modify_position(const std::string& owner, std::int32_t tick_lower, std::int32_t tick_upper,
                                        i128 liquidity_delta);
  void require_initialized() const;

  std::uint32_t fee_;
  std::int32_t tick_spacing_;
  u128 max_liquidity_per_tick_;
  U256 sqrt_price_x96_;
  std::int32_t tick_ = 0;
  std::uint8_t fee_protocol_ = 0;  // feeProtocol0 + (feeProtocol1 << 4)
  u128 liquidity_ = 0;
  U256 fee_growth_global0_x128_;
  U256 fee_growth_global1_x128_;
  u128 protocol_fees0_ = 0;
  u128 protocol_fees1_ = 0;
  // Tick.Info plus sqrt_ratio_at_tick(tick), cached when the tick is initialized so the swap
  // loop does not recompute it at every initialized tick it steps to.
  struct TickState {
    TickInfo info;
    U256 sqrt_price_x96;
  };
  struct Crossed {
    std::int32_t tick;
    TickState* state;  // element pointers of unordered_map are stable; no inserts during a swap
    U256 fee_growth_global;
  };
  std::unordered_map<std::int32_t, TickState> ticks_;
  TickBitmap bitmap_;
  std::map<PositionKey, PositionInfo> positions_;
  std::vector<Crossed> crossed_;  // scratch: ticks crossed by the current swap
};

// Tick.tickSpacingToMaxLiquidityPerTick.
u128 tick_spacing_to_max_liquidity_per_tick(std::int32_t tick_spacing);

}  // namespace alvh::amm
