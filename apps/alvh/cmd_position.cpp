// alvh position: closed-form analysis of a Uniswap v3 (or v2) position.
#include <fmt/format.h>

#include <cmath>

#include "alvh/amm/position_model.hpp"
#include "alvh/core/error.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {
namespace {

// Embedded default example (docs/conventions.md, "Embedded default"): an ETH/USDC v3 position
// of 100,000 USDC at 3,000 USDC/ETH on a [2,400, 3,750] range, ETH vol 70%.
struct PositionArgs {
  double price = 3000.0;
  double lower = 2400.0;
  double upper = 3750.0;
  double capital = 100000.0;
  double vol = 0.70;
  bool v2 = false;
};

void run_position(const PositionArgs& a, const GlobalOptions& g) {
  amm::PriceRange range = a.v2 ? amm::PriceRange::full() : amm::PriceRange{a.lower, a.upper};
  amm::validate(range);
  require(a.vol >= 0.0 && std::isfinite(a.vol), "--vol", "a finite number >= 0", a.vol);
  const double L = amm::liquidity_for_capital(range, a.capital, a.price);
  const auto amt = amm::amounts_for_liquidity(range, L, a.price);
  const double value = amm::lp_value(range, L, a.price);
  const double delta = amm::lp_delta(range, L, a.price);
  const double gamma = amm::lp_gamma(range, L, a.price);
  const double lvr = amm::lvr_rate(range, L, a.price, a.vol);
  const double moves[] = {0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0};

  if (g.json) {
    nlohmann::json il = nlohmann::json::array();
    for (double m : moves)
      il.push_back({{"price", a.price * m}, {"il", amm::impermanent_loss(range, a.price, a.price * m)}});
    print_json("position", {{"inputs",
                             {{"price", a.price},
                              {"range_lower", range.lower},
                              {"range_upper", a.v2 ? nlohmann::json(nullptr) : nlohmann::json(range.upper)},
                              {"capital", a.capital},
                              {"vol", a.vol},
                              {"v2", a.v2}}},
                            {"liquidity", L},
                            {"amount0", amt.amount0},
                            {"amount1", amt.amount1},
                            {"value", value},
                            {"delta", delta},
                            {"gamma", gamma},
                            {"dollar_gamma", 0.5 * gamma * a.price * a.price},
                            {"lvr_rate_annual", lvr},
                            {"lvr_rate_annual_pct_of_value", lvr / value},
                            {"capital_efficiency", amm::capital_efficiency(range)},
                            {"il_at_price", il}});
    return;
  }
  fmt::print("Position: {} {}, capital {} at price {}\n", a.v2 ? "Uniswap v2 (full range)" : "Uniswap v3",
             a.v2 ? std::string() : fmt::format("[{}, {}]", num(range.lower), num(range.upper)), num(a.capital),
             num(a.price));
  print_kv({{"liquidity L", num(L, 10)},
            {"amount0 (risky, X)", num(amt.amount0, 10)},
            {"amount1 (numeraire, Y)", num(amt.amount1, 10)},
            {"value (Y)", num(value, 10)},
            {"delta dV/dP (X)", num(delta, 8)},
            {"gamma d2V/dP2", num(gamma, 8)},
            {"LVR rate (Y/year)", fmt::format("{}  ({:.2f}% of value at vol {:.0f}%)", num(lvr, 8), 100 * lvr / value,
                                              100 * a.vol)},
            {"capital efficiency vs v2", num(amm::capital_efficiency(range), 6)}});
  fmt::print("\nImpermanent loss vs HODL:\n");
  std::vector<std::vector<std::string>> rows;
  for (double m : moves)
    rows.push_back({num(a.price * m), fmt::format("{:.2f}", m),
                    fmt::format("{:.4f}%", 100 * amm::impermanent_loss(range, a.price, a.price * m))});
  print_table({"price", "P/P0", "IL"}, rows);
}

const RegisterCommand reg(10, [](CLI::App& app, const GlobalOptions& g) {
  auto args = std::make_shared<PositionArgs>();
  auto* sub = app.add_subcommand("position", "Analyse an LP position: amounts, value, greeks, IL, LVR");
  sub->footer(
      "Example:\n  alvh position --price 3000 --range-lower 2400 --range-upper 3750 --capital 100000 --vol 0.7\n"
      "With no flags it analyses the embedded default ETH/USDC position shown above.");
  sub->add_option("--price", args->price, "Current price P (token1 per token0, e.g. USDC per ETH)")->capture_default_str();
  sub->add_option("--range-lower", args->lower, "Lower price of the range pa")->capture_default_str();
  sub->add_option("--range-upper", args->upper, "Upper price of the range pb")->capture_default_str();
  sub->add_option("--capital", args->capital, "Capital deposited, in token1")->capture_default_str();
  sub->add_option("--vol", args->vol, "Annualised volatility of P (0.7 = 70%)")->capture_default_str();
  sub->add_flag("--v2", args->v2, "Uniswap v2 full-range position (ignores the range)");
  sub->callback([args, &g] { run_position(*args, g); });
});

}  // namespace
}  // namespace alvh::cli
