// TickMath port (Uniswap v3-core contracts/libraries/TickMath.sol, commit d8b1c635).
#include "alvh/amm/tick_math.hpp"

#include <cmath>
#include <string>

#include "limb_div.hpp"

namespace alvh::amm {
namespace {

constexpr u128 h(std::uint64_t hi64, std::uint64_t lo64) { return (u128(hi64) << 64) | lo64; }

// 2^128 / sqrt(1.0001)^(2^i) in Q128.128 for i = 0..19 (TickMath.sol's magic constants).
constexpr u128 kRatio[20] = {
    h(0xfffcb933bd6fad37ULL, 0xaa2d162d1a594001ULL), h(0xfff97272373d4132ULL, 0x59a46990580e213aULL),
    h(0xfff2e50f5f656932ULL, 0xef12357cf3c7fdccULL), h(0xffe5caca7e10e4e6ULL, 0x1c3624eaa0941cd0ULL),
    h(0xffcb9843d60f6159ULL, 0xc9db58835c926644ULL), h(0xff973b41fa98c081ULL, 0x472e6896dfb254c0ULL),
    h(0xff2ea16466c96a38ULL, 0x43ec78b326b52861ULL), h(0xfe5dee046a99a2a8ULL, 0x11c461f1969c3053ULL),
    h(0xfcbe86c7900a88aeULL, 0xdcffc83b479aa3a4ULL), h(0xf987a7253ac41317ULL, 0x6f2b074cf7815e54ULL),
    h(0xf3392b0822b70005ULL, 0x940c7a398e4b70f3ULL), h(0xe7159475a2c29b74ULL, 0x43b29c7fa6e889d9ULL),
    h(0xd097f3bdfd2022b8ULL, 0x845ad8f792aa5825ULL), h(0xa9f746462d870fdfULL, 0x8a65dc1f90e061e5ULL),
    h(0x70d869a156d2a1b8ULL, 0x90bb3df62baf32f7ULL), h(0x31be135f97d08fd9ULL, 0x81231505542fcfa6ULL),
    h(0x09aa508b5b7a84e1ULL, 0xc677de54f3e99bc9ULL), h(0x005d6af8dedb8119ULL, 0x6699c329225ee604ULL),
    h(0x00002216e584f5faULL, 0x1ea926041bedfe98ULL), h(0x00000000048a1703ULL, 0x91f7dc42444e8fa2ULL),
};

// (a * b) >> 128 for a, b < 2^128.
constexpr u128 mul_shr128(u128 a, u128 b) { return mul_wide(a, b).hi; }

// TickMath processes the bits of |tick| from bit 0 upwards, so the ratio after bits 0..9
// depends only on |tick| mod 1024: tabulate it exactly (16 KiB, computed at compile time with
// the same roundings). Entry 0 stands for the initial 2^128 (the identity), flagged by 0.
constexpr int kLowBits = 10;
struct LowBitsTable {
  u128 ratio[1 << kLowBits];
};
constexpr LowBitsTable make_low_bits_table() {
  LowBitsTable t{};
  for (unsigned low = 0; low < (1u << kLowBits); ++low) {
    u128 ratio = 0;  // 0 = still 2^128
    for (int i = 0; i < kLowBits; ++i)
      if ((low >> i) & 1u) ratio = ratio == 0 ? kRatio[i] : mul_shr128(ratio, kRatio[i]);
    t.ratio[low] = ratio;
  }
  return t;
}
constexpr LowBitsTable kLowBitsTable = make_low_bits_table();

}  // namespace

U256 sqrt_ratio_at_tick_generic(std::int32_t tick) {
  const std::uint32_t abs_tick = tick < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(tick))
                                          : static_cast<std::uint32_t>(tick);
  if (abs_tick > static_cast<std::uint32_t>(MAX_TICK))
    throw Revert("T", "tick " + std::to_string(tick) + " outside [-887272, 887272]");
  // ratio starts at 2^128 (one bit too wide for u128); it drops below 2^128 at the first
  // multiplication, so we keep a flag until then. Every step rounds down (>> 128).
  bool ratio_is_one = true;
  u128 ratio = 0;
  for (int i = 0; i < 20; ++i) {
    if ((abs_tick >> i) & 1u) {
      ratio = ratio_is_one ? kRatio[i] : mul_shr128(ratio, kRatio[i]);
      ratio_is_one = false;
    }
  }
  U256 r = ratio_is_one ? U256::pow2(128) : U256(ratio);
  if (tick > 0) r = U256::max() / r;  // invert: rounds down
  // Back to Q64.96, rounding up so that tick_at_sqrt_ratio(sqrt_ratio_at_tick(t)) == t.
  const bool round = (r.lo & ((u128(1) << 32) - 1)) != 0;
  return (r >> 32) + U256(round ? 1 : 0);
}

std::int32_t tick_at_sqrt_ratio_generic(const U256& sqrt_price_x96) {
  if (sqrt_price_x96 < MIN_SQRT_RATIO || sqrt_price_x96 >= MAX_SQRT_RATIO)
    throw Revert("R", "sqrtPriceX96 " + sqrt_price_x96.to_string() + " outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)");
  const U256 ratio = sqrt_price_x96 << 32;  // Q128.128, < 2^192
  const int msb = ratio.msb();
  // r: ratio normalised so its msb is bit 127 (fits u128).
  const u128 r0 = msb >= 128 ? (ratio >> static_cast<unsigned>(msb - 127)).lo : (ratio << static_cast<unsigned>(127 - msb)).lo;
  // log_2 as signed 64.64: integer part msb - 128, then 14 fractional bits by repeated squaring.
  i128 log_2 = static_cast<i128>(msb - 128) * (i128(1) << 64);
  u128 r = r0;
  for (int bit = 63; bit >= 50; --bit) {
    const U256 sq = mul_wide(r, r);  // r*r >> 127 is < 2^129
    const u128 f = sq.hi >> 127;     // bit 128 of (r*r >> 127)
    log_2 |= static_cast<i128>(f) << bit;
    r = f ? sq.hi : (sq.hi << 1) | (sq.lo >> 127);
  }
  // log_sqrt10001 = log_2 * 255738958999603826347141 (128.128 fixed point), in int256.
  const I256 log2_256(log_2);
  static const U256 k = U256::parse("255738958999603826347141");
  const U256 log_sqrt10001 = log2_256.bits * k;  // wrapping product == two's-complement product
  static const U256 lo_off = U256::parse("3402992956809132418596140100660247210");
  static const U256 hi_off = U256::parse("291339464771989622907027621153398088495");
  // Arithmetic >> 128 of an int256 = its high limb reinterpreted as int128.
  const auto tick_low = static_cast<std::int32_t>(static_cast<i128>((log_sqrt10001 - lo_off).hi));
  const auto tick_hi = static_cast<std::int32_t>(static_cast<i128>((log_sqrt10001 + hi_off).hi));
  if (tick_low == tick_hi) return tick_low;
  return sqrt_ratio_at_tick_generic(tick_hi) <= sqrt_price_x96 ? tick_hi : tick_low;
}


// ---- fast paths (tests/amm/fast_path_test.cpp: equal to the ports above on every tick, and on
// random and boundary prices).

U256 sqrt_ratio_at_tick(std::int32_t tick) {
  const std::uint32_t abs_tick = tick < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(tick))
                                          : static_cast<std::uint32_t>(tick);
  if (abs_tick > static_cast<std::uint32_t>(MAX_TICK))
    throw Revert("T", "tick " + std::to_string(tick) + " outside [-887272, 887272]");
  if (abs_tick == 0) return U256(u128(1) << 96);
  // The low 10 bits from the table; then each higher set bit multiplies, rounded down as on
  // chain. ratio == 0 stands for 2^128, and (2^128 * c) >> 128 == c exactly.
  u128 ratio = kLowBitsTable.ratio[abs_tick & ((1u << kLowBits) - 1)];
  std::uint32_t bits = abs_tick >> kLowBits;
  while (bits != 0) {
    const u128 c = kRatio[kLowBits + __builtin_ctz(bits)];
    ratio = ratio == 0 ? c : mul_shr128(ratio, c);
    bits &= bits - 1;
  }
  U256 r(ratio);
  if (tick > 0) {
    // type(uint256).max / ratio, rounded down: 4 limbs by the (1 or 2) live limbs of ratio
    using limb::u64;
    const u64 num[4] = {~u64(0), ~u64(0), ~u64(0), ~u64(0)};
    const u64 den[2] = {limb::lo64(ratio), limb::hi64(ratio)};
    u64 q[4] = {};
    limb::divrem(num, 4, den, den[1] != 0 ? 2 : 1, q, nullptr);
    r = limb::from_limbs(q);
  }
  const bool round = (r.lo & ((u128(1) << 32) - 1)) != 0;
  return (r >> 32) + U256(round ? 1 : 0);
}

std::int32_t tick_at_sqrt_ratio(const U256& sqrt_price_x96) {
  if (sqrt_price_x96 < MIN_SQRT_RATIO || sqrt_price_x96 >= MAX_SQRT_RATIO)
    throw Revert("R", "sqrtPriceX96 " + sqrt_price_x96.to_string() + " outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)");
  // Estimate t = log_sqrt(1.0001)(P / 2^96) in double from the top 64 bits of P. Its error is
  // below 1e-9 ticks, and sqrt_ratio_at_tick(t) differs from the real 2^96 * 1.0001^(t/2) by
  // less than 5e-6 ticks (20 products each rounded down by < 2^-64 relative, the final
  // ceil(ratio / 2^32) by < 2^-32 relative at MIN_TICK: 2 * 2^-32 / ln(1.0001) = 4.7e-6).
  // So unless the estimate is within 1e-4 of an integer k, its floor is the greatest tick with
  // sqrt_ratio_at_tick(tick) <= P, which is what TickMath.getTickAtSqrtRatio returns;
  // otherwise the answer is k or k - 1 and one exact sqrt_ratio_at_tick(k) decides.
  const int msb = sqrt_price_x96.msb();  // in [32, 159]
  const std::uint64_t top =
      static_cast<std::uint64_t>(msb >= 63 ? (sqrt_price_x96 >> static_cast<unsigned>(msb - 63)).lo
                                           : (sqrt_price_x96 << static_cast<unsigned>(63 - msb)).lo);
  constexpr double kTicksPerLog2 = 13863.636746827590710;  // 2 / log2(1.0001)
  const double estimate = (static_cast<double>(msb - 63 - 96) + std::log2(static_cast<double>(top))) * kTicksPerLog2;
  const double below = std::floor(estimate);
  const double frac = estimate - below;
  constexpr double kMargin = 1e-4;
  if (frac > kMargin && frac < 1.0 - kMargin) return static_cast<std::int32_t>(below);
  std::int32_t k = static_cast<std::int32_t>(frac <= kMargin ? below : below + 1.0);
  if (k > MAX_TICK) k = MAX_TICK;
  if (k <= MIN_TICK) return MIN_TICK;  // sqrt_ratio_at_tick(MIN_TICK) = MIN_SQRT_RATIO <= P
  return sqrt_ratio_at_tick(k) <= sqrt_price_x96 ? k : k - 1;
}

}  // namespace alvh::amm
