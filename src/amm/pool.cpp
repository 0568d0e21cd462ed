// UniswapV3Pool port (v3-core contracts/UniswapV3Pool.sol, libraries/Tick.sol, TickBitmap.sol,
// Position.sol at d8b1c635), minus the oracle, callbacks and ERC-20 transfers.
#include "alvh/amm/pool.hpp"

#include <string>

#include "alvh/amm/liquidity_math.hpp"
#include "alvh/amm/sqrt_price_math.hpp"
#include "alvh/amm/swap_math.hpp"
#include "alvh/amm/tick_math.hpp"
#include "limb_div.hpp"

namespace alvh::amm {
namespace {

// TickBitmap.position: word = compressed >> 8 (arithmetic), bit = compressed mod 256.
inline std::int32_t word_pos(std::int32_t compressed) { return compressed >> 8; }
inline unsigned bit_pos(std::int32_t compressed) { return static_cast<unsigned>(compressed & 255); }

i128 to_int128_checked_add(i128 a, i128 b, bool subtract) {
  i128 r;
  const bool overflow = subtract ? __builtin_sub_overflow(a, b, &r) : __builtin_add_overflow(a, b, &r);
  if (overflow) throw Revert("SafeCast toInt128", "liquidityNet overflows int128");
  return r;
}

// Tick.update on a copy of the tick's state; returns whether it flipped (un)initialised.
bool update_tick(TickInfo& info, std::int32_t tick, std::int32_t tick_current, i128 liquidity_delta, const U256& fg0,
                 const U256& fg1, bool upper, u128 max_liquidity) {
  const u128 before = info.liquidity_gross;
  const u128 after = add_delta(before, liquidity_delta);
  if (after > max_liquidity) throw Revert("LO", "liquidityGross of tick " + std::to_string(tick) + " above maxLiquidityPerTick");
  const bool flipped = (after == 0) != (before == 0);
  if (before == 0) {
    // by convention, all growth before a tick was initialized happened below the tick
    if (tick <= tick_current) {
      info.fee_growth_outside0_x128 = fg0;
      info.fee_growth_outside1_x128 = fg1;
    }
    info.initialized = true;
  }
  info.liquidity_gross = after;
  // when the lower (upper) tick is crossed left to right, liquidity must be added (removed)
  info.liquidity_net = to_int128_checked_add(info.liquidity_net, liquidity_delta, upper);
  return flipped;
}

// Tick.getFeeGrowthInside (all arithmetic wraps mod 2^256, as in the contract).
std::pair<U256, U256> growth_inside(const TickInfo& lower, const TickInfo& upper, std::int32_t tick_lower,
                                    std::int32_t tick_upper, std::int32_t tick_current, const U256& fg0,
                                    const U256& fg1) {
  U256 below0, below1, above0, above1;
  if (tick_current >= tick_lower) {
    below0 = lower.fee_growth_outside0_x128;
    below1 = lower.fee_growth_outside1_x128;
  } else {
    below0 = fg0 - lower.fee_growth_outside0_x128;
    below1 = fg1 - lower.fee_growth_outside1_x128;
  }
  if (tick_current < tick_upper) {
    above0 = upper.fee_growth_outside0_x128;
    above1 = upper.fee_growth_outside1_x128;
  } else {
    above0 = fg0 - upper.fee_growth_outside0_x128;
    above1 = fg1 - upper.fee_growth_outside1_x128;
  }
  return {fg0 - below0 - above0, fg1 - below1 - above1};
}

// Position.update on a copy.
void update_position(PositionInfo& p, i128 liquidity_delta, const U256& fgi0, const U256& fgi1) {
  u128 next;
  if (liquidity_delta == 0) {
    if (p.liquidity == 0) throw Revert("NP", "poke of a position with no liquidity");
    next = p.liquidity;
  } else {
    next = add_delta(p.liquidity, liquidity_delta);
  }
  // fees accrued since the last update, rounded down; uint128 truncation as on chain
  const u128 owed0 = mul_div(fgi0 - p.fee_growth_inside0_last_x128, U256(p.liquidity), kQ128).lo;
  const u128 owed1 = mul_div(fgi1 - p.fee_growth_inside1_last_x128, U256(p.liquidity), kQ128).lo;
  if (liquidity_delta != 0) p.liquidity = next;
  p.fee_growth_inside0_last_x128 = fgi0;
  p.fee_growth_inside1_last_x128 = fgi1;
  p.tokens_owed0 += owed0;  // overflow is acceptable on chain (must withdraw before 2^128)
  p.tokens_owed1 += owed1;
}

// FullMath.mulDiv(feeAmount, Q128, liquidity) for liquidity > 0: the numerator is feeAmount
// shifted by two limbs, divided by the one or two live limbs of L (no 512-bit product; the
// quotient always fits 256 bits when feeAmount < 2^128).
U256 fee_growth_delta(const U256& fee_amount, u128 liquidity) {
  if (!fee_amount.fits_u128()) return mul_div(fee_amount, kQ128, U256(liquidity));
  using limb::u64;
  const u64 num[4] = {0, 0, limb::lo64(fee_amount.lo), limb::hi64(fee_amount.lo)};
  const u64 den[2] = {limb::lo64(liquidity), limb::hi64(liquidity)};
  const int m = num[3] != 0 ? 4 : num[2] != 0 ? 3 : 0;
  const int n = den[1] != 0 ? 2 : 1;
  if (m < n) return {};
  u64 q[4] = {0, 0, 0, 0};
  limb::divrem(num, m, den, n, q, nullptr);
  return limb::from_limbs(q);
}

}  // namespace

// ------------------------------------------------------------------------------ TickBitmap
void TickBitmap::flip_tick(std::int32_t tick, std::int32_t tick_spacing) {
  if (tick % tick_spacing != 0)
    throw Revert("tick not spaced", "tick " + std::to_string(tick) + " is not a multiple of tickSpacing " +
                                        std::to_string(tick_spacing));
  const std::int32_t c = tick / tick_spacing;
  U256& w = words_[word_pos(c)];
  w = w ^ U256::pow2(bit_pos(c));
  if (w.is_zero()) words_.erase(word_pos(c));
}

bool TickBitmap::is_initialized(std::int32_t tick, std::int32_t tick_spacing) const {
  if (tick % tick_spacing != 0) return false;
  const std::int32_t c = tick / tick_spacing;
  const auto it = words_.find(word_pos(c));
  return it != words_.end() && !(it->second & U256::pow2(bit_pos(c))).is_zero();
}

std::pair<std::int32_t, bool> TickBitmap::next_initialized_tick_within_one_word(std::int32_t tick,
                                                                                std::int32_t tick_spacing,
                                                                                bool lte) const {
  std::int32_t compressed = tick / tick_spacing;
  if (tick < 0 && tick % tick_spacing != 0) --compressed;  // round towards negative infinity
  auto word = [&](std::int32_t wp) {
    const auto it = words_.find(wp);
    return it == words_.end() ? U256() : it->second;
  };
  if (lte) {
    const unsigned bp = bit_pos(compressed);
    // all the 1s at or to the right of the current bit position
    const U256 mask = U256::pow2(bp) - U256(1) + U256::pow2(bp);
    const U256 masked = word(word_pos(compressed)) & mask;
    const bool initialized = !masked.is_zero();
    const std::int32_t next = initialized ? (compressed - static_cast<std::int32_t>(bp - static_cast<unsigned>(masked.msb()))) * tick_spacing
                                          : (compressed - static_cast<std::int32_t>(bp)) * tick_spacing;
    return {next, initialized};
  }
  // start from the word of the next tick, since the current tick state doesn't matter
  const unsigned bp = bit_pos(compressed + 1);
  const U256 mask = ~(U256::pow2(bp) - U256(1));  // all the 1s at or to the left of bp
  const U256 masked = word(word_pos(compressed + 1)) & mask;
  const bool initialized = !masked.is_zero();
  const std::int32_t next = initialized
                                ? (compressed + 1 + static_cast<std::int32_t>(static_cast<unsigned>(masked.lsb()) - bp)) * tick_spacing
                                : (compressed + 1 + static_cast<std::int32_t>(255u - bp)) * tick_spacing;
  return {next, initialized};
}

// ------------------------------------------------------------------------------ Pool
u128 tick_spacing_to_max_liquidity_per_tick(std::int32_t tick_spacing) {
  const std::int32_t min_tick = (MIN_TICK / tick_spacing) * tick_spacing;
  const std::int32_t max_tick = (MAX_TICK / tick_spacing) * tick_spacing;
  const auto num_ticks = static_cast<std::uint32_t>((max_tick - min_tick) / tick_spacing) + 1u;
  return ~u128(0) / num_ticks;
}

Pool::Pool(std::uint32_t fee, std::int32_t tick_spacing) : fee_(fee), tick_spacing_(tick_spacing) {
  // UniswapV3Factory.enableFeeAmount: fee < 1000000, 0 < tickSpacing < 16384
  if (fee >= 1000000u) throw DomainError("pool fee: expected pips < 1000000, got " + std::to_string(fee));
  if (tick_spacing <= 0 || tick_spacing >= 16384)
    throw DomainError("pool tick spacing: expected 1..16383, got " + std::to_string(tick_spacing));
  max_liquidity_per_tick_ = tick_spacing_to_max_liquidity_per_tick(tick_spacing);
}

void Pool::initialize(const U256& sqrt_price_x96) {
  if (initialized()) throw Revert("AI", "pool already initialized");
  const std::int32_t t = tick_at_sqrt_ratio(sqrt_price_x96);
  sqrt_price_x96_ = sqrt_price_x96;
  tick_ = t;
}

void Pool::require_initialized() const {
  // slot0.unlocked is false until initialize(): the lock modifier reverts "LOK".
  if (!initialized()) throw Revert("LOK", "pool not initialized");
}

TickInfo Pool::tick_info(std::int32_t tick) const {
  const auto it = ticks_.find(tick);
  return it == ticks_.end() ? TickInfo{} : it->second.info;
}

PositionInfo Pool::position(const std::string& owner, std::int32_t lower, std::int32_t upper) const {
  const auto it = positions_.find(PositionKey{owner, lower, upper});
  return it == positions_.end() ? PositionInfo{} : it->second;
}

std::pair<U256, U256> Pool::fee_growth_inside(std::int32_t lower, std::int32_t upper) const {
  return growth_inside(tick_info(lower), tick_info(upper), lower, upper, tick_, fee_growth_global0_x128_,
                       fee_growth_global1_x128_);
}

std::pair<I256, I256> Pool::modify_position(const std::string& owner, std::int32_t tick_lower,
                                            std::int32_t tick_upper, i128 liquidity_delta) {
  require_initialized();
  // checkTicks
  if (tick_lower >= tick_upper)
    throw Revert("TLU", "tickLower " + std::to_string(tick_lower) + " >= tickUpper " + std::to_string(tick_upper));
  if (tick_lower < MIN_TICK) throw Revert("TLM", "tickLower " + std::to_string(tick_lower) + " < MIN_TICK");
  if (tick_upper > MAX_TICK) throw Revert("TUM", "tickUpper " + std::to_string(tick_upper) + " > MAX_TICK");

  // Compute on copies, commit at the end (a revert leaves the pool untouched).
  PositionInfo pos = position(owner, tick_lower, tick_upper);
  TickInfo lower = tick_info(tick_lower), upper = tick_info(tick_upper);
  bool flipped_lower = false, flipped_upper = false;
  if (liquidity_delta != 0) {
    flipped_lower = update_tick(lower, tick_lower, tick_, liquidity_delta, fee_growth_global0_x128_,
                                fee_growth_global1_x128_, false, max_liquidity_per_tick_);
    flipped_upper = update_tick(upper, tick_upper, tick_, liquidity_delta, fee_growth_global0_x128_,
                                fee_growth_global1_x128_, true, max_liquidity_per_tick_);
    TickBitmap check;  // flipTick's spacing requirement, checked before any state changes
    if (flipped_lower) check.flip_tick(tick_lower, tick_spacing_);
    if (flipped_upper) check.flip_tick(tick_upper, tick_spacing_);
  }
  const auto [fgi0, fgi1] = growth_inside(lower, upper, tick_lower, tick_upper, tick_, fee_growth_global0_x128_,
                                          fee_growth_global1_x128_);
  update_position(pos, liquidity_delta, fgi0, fgi1);

  u128 liquidity_next = liquidity_;
  I256 amount0, amount1;
  U256 sa, sb;
  if (liquidity_delta != 0) {
    sa = sqrt_ratio_at_tick(tick_lower);
    sb = sqrt_ratio_at_tick(tick_upper);
    if (tick_ < tick_lower) {
      // current tick is below the range: only token0 (it becomes token0 as price rises into it)
      amount0 = get_amount0_delta(sa, sb, liquidity_delta);
    } else if (tick_ < tick_upper) {
      amount0 = get_amount0_delta(sqrt_price_x96_, sb, liquidity_delta);
      amount1 = get_amount1_delta(sa, sqrt_price_x96_, liquidity_delta);
      liquidity_next = add_delta(liquidity_, liquidity_delta);
    } else {
      amount1 = get_amount1_delta(sa, sb, liquidity_delta);
    }
  }

  // ---- commit
  if (liquidity_delta != 0) {
    if (flipped_lower) bitmap_.flip_tick(tick_lower, tick_spacing_);
    if (flipped_upper) bitmap_.flip_tick(tick_upper, tick_spacing_);
    // ticks.clear when a burn un-initialises them
    if (liquidity_delta < 0 && flipped_lower) ticks_.erase(tick_lower); else ticks_[tick_lower] = {lower, sa};
    if (liquidity_delta < 0 && flipped_upper) ticks_.erase(tick_upper); else ticks_[tick_upper] = {upper, sb};
  }
  positions_[PositionKey{owner, tick_lower, tick_upper}] = pos;
  liquidity_ = liquidity_next;
  return {amount0, amount1};
}

ModifyResult Pool::mint(const std::string& owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount) {
  require_initialized();
  if (amount == 0) throw Revert("mint amount == 0", "liquidity must be > 0");
  if ((amount >> 127) != 0) throw Revert("SafeCast toInt128", "liquidity >= 2^127");
  const auto [a0, a1] = modify_position(owner, tick_lower, tick_upper, static_cast<i128>(amount));
  return {a0.bits, a1.bits};
}

ModifyResult Pool::burn(const std::string& owner, std::int32_t tick_lower, std::int32_t tick_upper, u128 amount) {
  require_initialized();
  if ((amount >> 127) != 0) throw Revert("SafeCast toInt128", "liquidity >= 2^127");
  const auto [a0, a1] = modify_position(owner, tick_lower, tick_upper, -static_cast<i128>(amount));
  const U256 amount0 = (-a0).bits, amount1 = (-a1).bits;
  PositionInfo& p = positions_[PositionKey{owner, tick_lower, tick_upper}];
  if (!amount0.is_zero() || !amount1.is_zero()) {
    p.tokens_owed0 += amount0.lo;  // uint128 casts as on chain
    p.tokens_owed1 += amount1.lo;
  }
  return {amount0, amount1};
}

CollectResult Pool::collect(const std::string& owner, std::int32_t tick_lower, std::int32_t tick_upper,
                            u128 amount0_requested, u128 amount1_requested) {
  require_initialized();
  const auto it = positions_.find(PositionKey{owner, tick_lower, tick_upper});
  if (it == positions_.end()) return {};
  PositionInfo& p = it->second;
  CollectResult r;
  r.amount0 = amount0_requested > p.tokens_owed0 ? p.tokens_owed0 : amount0_requested;
  r.amount1 = amount1_requested > p.tokens_owed1 ? p.tokens_owed1 : amount1_requested;
  p.tokens_owed0 -= r.amount0;
  p.tokens_owed1 -= r.amount1;
  return r;
}

void Pool::set_fee_protocol(std::uint8_t p0, std::uint8_t p1) {
  require_initialized();
  auto ok = [](std::uint8_t p) { return p == 0 || (p >= 4 && p <= 10); };
  if (!ok(p0) || !ok(p1)) throw Revert("setFeeProtocol", "each fee protocol must be 0 or in [4, 10]");
  fee_protocol_ = static_cast<std::uint8_t>(p0 + (p1 << 4));
}

CollectResult Pool::collect_protocol(u128 amount0_requested, u128 amount1_requested) {
  require_initialized();
  CollectResult r;
  r.amount0 = amount0_requested > protocol_fees0_ ? protocol_fees0_ : amount0_requested;
  r.amount1 = amount1_requested > protocol_fees1_ ? protocol_fees1_ : amount1_requested;
  // the contract leaves 1 wei in each slot to save gas on the next write
  if (r.amount0 > 0 && r.amount0 == protocol_fees0_) --r.amount0;
  if (r.amount1 > 0 && r.amount1 == protocol_fees1_) --r.amount1;
  protocol_fees0_ -= r.amount0;
  protocol_fees1_ -= r.amount1;
  return r;
}

SwapResult Pool::swap(bool zero_for_one, const I256& amount_specified, const U256& sqrt_price_limit_x96) {
  if (amount_specified.is_zero()) throw Revert("AS", "amountSpecified == 0");
  require_initialized();
  if (zero_for_one ? !(sqrt_price_limit_x96 < sqrt_price_x96_ && sqrt_price_limit_x96 > MIN_SQRT_RATIO)
                   : !(sqrt_price_limit_x96 > sqrt_price_x96_ && sqrt_price_limit_x96 < MAX_SQRT_RATIO))
    throw Revert("SPL", "sqrtPriceLimitX96 " + sqrt_price_limit_x96.to_string() + " on the wrong side of the price " +
                            sqrt_price_x96_.to_string() + " or outside (MIN_SQRT_RATIO, MAX_SQRT_RATIO)");
  const std::uint32_t fee_protocol = zero_for_one ? (fee_protocol_ % 16u) : (fee_protocol_ >> 4u);
  const bool exact_input = !amount_specified.is_negative();

  // SwapState
  I256 amount_specified_remaining = amount_specified;
  I256 amount_calculated;
  U256 sqrt_price = sqrt_price_x96_;
  std::int32_t tick = tick_;
  U256 fee_growth_global = zero_for_one ? fee_growth_global0_x128_ : fee_growth_global1_x128_;
  U256 protocol_fee;
  u128 liquidity = liquidity_;
  SwapResult res;
  crossed_.clear();

  // continue swapping as long as we haven't used the entire input/output and haven't reached the price limit
  while (!amount_specified_remaining.is_zero() && sqrt_price != sqrt_price_limit_x96) {
    ++res.steps;
    const U256 sqrt_price_start = sqrt_price;
    auto [tick_next, initialized] = bitmap_.next_initialized_tick_within_one_word(tick, tick_spacing_, zero_for_one);
    // the bitmap is not aware of the min/max tick bounds
    if (tick_next < MIN_TICK) tick_next = MIN_TICK;
    else if (tick_next > MAX_TICK) tick_next = MAX_TICK;
    // an initialized tick carries its sqrt price (cached at mint); word edges are computed
    TickState* next_state = nullptr;
    if (initialized) {
      const auto it = ticks_.find(tick_next);
      if (it != ticks_.end()) next_state = &it->second;
    }
    const U256 sqrt_price_next = next_state ? next_state->sqrt_price_x96 : sqrt_ratio_at_tick(tick_next);
    const U256 target = (zero_for_one ? sqrt_price_next < sqrt_price_limit_x96 : sqrt_price_next > sqrt_price_limit_x96)
                            ? sqrt_price_limit_x96
                            : sqrt_price_next;
    SwapStep step = compute_swap_step(sqrt_price, target, liquidity, amount_specified_remaining, fee_);
    sqrt_price = step.sqrt_ratio_next_x96;
    if (exact_input) {
      amount_specified_remaining = amount_specified_remaining - to_int256(step.amount_in + step.fee_amount);  // unchecked
      amount_calculated = checked_sub(amount_calculated, to_int256(step.amount_out));
    } else {
      amount_specified_remaining = amount_specified_remaining + to_int256(step.amount_out);  // unchecked
      amount_calculated = checked_add(amount_calculated, to_int256(step.amount_in + step.fee_amount));
    }
    res.fee_amount += step.fee_amount;
    // if the protocol fee is on, calculate how much is owed, decrement feeAmount, and increment protocolFee
    if (fee_protocol > 0) {
      const U256 delta = step.fee_amount / U256(fee_protocol);
      step.fee_amount -= delta;
      protocol_fee = U256(protocol_fee.lo + delta.lo);  // uint128 as on chain
    }
    // update global fee tracker: feeAmount * 2^128 / L, rounded down
    if (liquidity > 0) fee_growth_global += fee_growth_delta(step.fee_amount, liquidity);
    if (sqrt_price == sqrt_price_next) {
      // we reached the next tick: cross it if it's initialized
      if (initialized) {
        i128 liquidity_net = next_state ? next_state->info.liquidity_net : 0;
        crossed_.push_back({tick_next, next_state, fee_growth_global});
        if (zero_for_one) liquidity_net = -liquidity_net;  // moving leftward: liquidityNet is subtracted
        liquidity = add_delta(liquidity, liquidity_net);
      }
      tick = zero_for_one ? tick_next - 1 : tick_next;
    } else if (sqrt_price != sqrt_price_start) {
      // recompute unless we're on a lower tick boundary (already transitioned) and haven't moved
      tick = tick_at_sqrt_ratio(sqrt_price);
    }
  }

  // ---- commit: ticks.cross for every crossed tick, then slot0, liquidity, fee growth.
  for (const auto& [t, state, fg] : crossed_) {
    TickInfo& info = state ? state->info : ticks_[t].info;
    const U256 fg0 = zero_for_one ? fg : fee_growth_global0_x128_;
    const U256 fg1 = zero_for_one ? fee_growth_global1_x128_ : fg;
    info.fee_growth_outside0_x128 = fg0 - info.fee_growth_outside0_x128;
    info.fee_growth_outside1_x128 = fg1 - info.fee_growth_outside1_x128;
  }
  sqrt_price_x96_ = sqrt_price;
  tick_ = tick;
  liquidity_ = liquidity;
  if (zero_for_one) {
    fee_growth_global0_x128_ = fee_growth_global;
    protocol_fees0_ += protocol_fee.lo;
  } else {
    fee_growth_global1_x128_ = fee_growth_global;
    protocol_fees1_ += protocol_fee.lo;
  }
  res.protocol_fee = protocol_fee;
  if (zero_for_one == exact_input) {
    res.amount0 = amount_specified - amount_specified_remaining;
    res.amount1 = amount_calculated;
  } else {
    res.amount0 = amount_calculated;
    res.amount1 = amount_specified - amount_specified_remaining;
  }
  return res;
}

}  // namespace alvh::amm
