// Tick / sqrt price / human price conversions (Uniswap v3 whitepaper §6.1).
#include "alvh/amm/price_conversion.hpp"

#include <cmath>
#include <string>

#include "alvh/amm/tick_math.hpp"
#include "alvh/core/error.hpp"

namespace alvh::amm {
namespace {
const double kLogTickBase = std::log1p(1e-4);  // ln(1.0001)
double decimals_factor(TokenDecimals d) { return std::pow(10.0, d.decimals0 - d.decimals1); }
void check_decimals(TokenDecimals d) {
  if (d.decimals0 < 0 || d.decimals0 > 77 || d.decimals1 < 0 || d.decimals1 > 77)
    throw DomainError("token decimals: expected 0..77, got " + std::to_string(d.decimals0) + " and " +
                      std::to_string(d.decimals1));
}
}  // namespace

double price_from_tick(std::int32_t tick, TokenDecimals dec) {
  check_decimals(dec);
  if (tick < MIN_TICK || tick > MAX_TICK)
    throw DomainError("tick: expected [-887272, 887272], got " + std::to_string(tick));
  // 10^(d0-d1) folded into the exponent to avoid underflow/overflow of the two factors
  return std::exp(tick * kLogTickBase + (dec.decimals0 - dec.decimals1) * std::log(10.0));
}

std::int32_t tick_from_price(double price, TokenDecimals dec) {
  check_decimals(dec);
  require(std::isfinite(price) && price > 0.0, "price", "a finite number > 0", price);
  const double raw_log = std::log(price) - (dec.decimals0 - dec.decimals1) * std::log(10.0);
  double t = std::floor(raw_log / kLogTickBase);
  // correct the floor's +-1 slips near a boundary using the same formula as price_from_tick
  if (t + 1 <= MAX_TICK && (t + 1) * kLogTickBase <= raw_log) t += 1;
  if (t * kLogTickBase > raw_log) t -= 1;
  if (t < MIN_TICK) return MIN_TICK;
  if (t > MAX_TICK) return MAX_TICK;
  return static_cast<std::int32_t>(t);
}

double price_from_sqrt_price_x96(const U256& sqrt_price_x96, TokenDecimals dec) {
  check_decimals(dec);
  const double s = sqrt_price_x96.to_double() / 79228162514264337593543950336.0;
  return s * s * decimals_factor(dec);
}

U256 sqrt_price_x96_from_price(double price, TokenDecimals dec) {
  check_decimals(dec);
  require(std::isfinite(price) && price > 0.0, "price", "a finite number > 0", price);
  double s = std::round(std::sqrt(price / decimals_factor(dec)) * 79228162514264337593543950336.0);
  // MIN_SQRT_RATIO is sqrt(1.0001^MIN_TICK) * 2^96 rounded UP: the exact MIN_TICK price lands
  // just below it, so allow one unit of slack there.
  if (s < MIN_SQRT_RATIO.to_double() && s >= MIN_SQRT_RATIO.to_double() - 1.5) s = MIN_SQRT_RATIO.to_double();
  if (!(s >= MIN_SQRT_RATIO.to_double() && s <= MAX_SQRT_RATIO.to_double()))
    throw DomainError("price " + std::to_string(price) + " is outside the Uniswap v3 price range");
  // exact conversion of the double s (an integer times a power of two) to U256
  int exp = 0;
  const double m = std::frexp(s, &exp);  // s = m * 2^exp, m in [0.5, 1)
  const auto mant = static_cast<std::uint64_t>(std::ldexp(m, 53));
  U256 v(mant);
  return exp >= 53 ? v << static_cast<unsigned>(exp - 53) : v >> static_cast<unsigned>(53 - exp);
}

std::int32_t snap_tick(std::int32_t tick, std::int32_t s, SnapMode mode) {
  if (s <= 0) throw DomainError("tick spacing: expected > 0, got " + std::to_string(s));
  std::int32_t down = (tick / s) * s;
  if (down > tick) down -= s;  // floor for negatives
  std::int32_t r = down;
  if (mode == SnapMode::Up && down != tick) r = down + s;
  if (mode == SnapMode::Nearest && tick - down >= s - (tick - down)) r = (down == tick) ? down : down + s;
  const std::int32_t lo = -((-MIN_TICK) / s) * s, hi = (MAX_TICK / s) * s;
  return r < lo ? lo : (r > hi ? hi : r);
}

TickRange snap_price_range(double lower, double upper, std::int32_t s, TokenDecimals dec) {
  require(std::isfinite(lower) && lower > 0.0, "range lower price", "a finite number > 0", lower);
  require(std::isfinite(upper) && upper > lower, "range upper price", "a finite number > lower", upper);
  std::int32_t t_up = tick_from_price(upper, dec);
  if (t_up < MAX_TICK && price_from_tick(t_up, dec) < upper) ++t_up;  // ceil: the range must contain `upper`
  TickRange r{snap_tick(tick_from_price(lower, dec), s, SnapMode::Down), snap_tick(t_up, s, SnapMode::Up)};
  if (r.tick_upper == r.tick_lower) r.tick_upper += s;
  return r;
}

}  // namespace alvh::amm
