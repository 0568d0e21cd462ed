// alvh tick: exact Uniswap v3 TickMath from the command line.
//   alvh tick TICK [--decimals0 D0 --decimals1 D1]   -> sqrtPriceX96 (exact) and the human price
//   alvh tick --sqrt-price-x96 N                     -> the tick (tick_at_sqrt_ratio) and price
#include <fmt/format.h>

#include <charconv>
#include <memory>
#include <string>

#include "alvh/amm/price_conversion.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/core/error.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {
namespace {

struct TickArgs {
  std::string tick;  // parsed here so that "-887272" and out-of-range values get a clear message
  std::string sqrt_price_x96;
  int decimals0 = 0;
  int decimals1 = 0;
};

std::int32_t parse_tick(const std::string& s) {
  long long v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    throw DomainError("TICK: expected an integer, got '" + s + "'");
  if (v < amm::MIN_TICK || v > amm::MAX_TICK)
    throw DomainError("TICK: expected an integer in [-887272, 887272], got " + s);
  return static_cast<std::int32_t>(v);
}

void run_tick(const TickArgs& a, const GlobalOptions& g) {
  const bool have_tick = !a.tick.empty(), have_sqrt = !a.sqrt_price_x96.empty();
  if (have_tick == have_sqrt) throw DomainError("tick: give exactly one of TICK or --sqrt-price-x96 N");
  const amm::TokenDecimals dec{a.decimals0, a.decimals1};
  std::int32_t tick = 0;
  amm::U256 sqrt_price;
  double price = 0.0;
  if (have_tick) {
    tick = parse_tick(a.tick);
    sqrt_price = amm::sqrt_ratio_at_tick(tick);
    price = amm::price_from_tick(tick, dec);
  } else {
    try {
      sqrt_price = amm::U256::parse(a.sqrt_price_x96);
    } catch (const DomainError& e) {
      throw DomainError(std::string("--sqrt-price-x96: ") + e.what());
    }
    tick = amm::tick_at_sqrt_ratio(sqrt_price);  // reverts "R" outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)
    price = amm::price_from_sqrt_price_x96(sqrt_price, dec);
  }
  if (g.json) {
    print_json("tick", {{"tick", tick},
                        {"sqrt_price_x96", sqrt_price.to_string()},
                        {"price", price},
                        {"decimals0", a.decimals0},
                        {"decimals1", a.decimals1}});
    return;
  }
  print_kv({{"tick", std::to_string(tick)},
            {"sqrt_price_x96", sqrt_price.to_string()},
            {"price (token1 per token0)", num(price, 10)},
            {"1/price (token0 per token1)", num(1.0 / price, 10)},
            {"decimals (token0, token1)", fmt::format("{}, {}", a.decimals0, a.decimals1)}});
}

const RegisterCommand reg(40, [](CLI::App& app, const GlobalOptions& g) {
  auto args = std::make_shared<TickArgs>();
  auto* sub = app.add_subcommand("tick", "Exact Uniswap v3 tick <-> sqrtPriceX96 <-> price (TickMath)");
  sub->footer(
      "Examples:\n  alvh tick -887272 --json\n  alvh tick 195701 --decimals0 6 --decimals1 18   (USDC/WETH: price is "
      "WETH per USDC; 1/price is USDC per ETH)\n  alvh tick --sqrt-price-x96 79228162514264337593543950336");
  sub->add_option("TICK", args->tick, "Tick in [-887272, 887272] (negative values are fine)");
  sub->add_option("--sqrt-price-x96", args->sqrt_price_x96, "sqrtPriceX96 as a decimal integer: print its tick");
  sub->add_option("--decimals0", args->decimals0, "Decimals of token0 (for the human price)")->capture_default_str();
  sub->add_option("--decimals1", args->decimals1, "Decimals of token1 (for the human price)")->capture_default_str();
  sub->callback([args, &g] { run_tick(*args, g); });
});

}  // namespace
}  // namespace alvh::cli
