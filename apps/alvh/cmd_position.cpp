// alvh position: the LP position as a short-volatility trade (alvh/risk/position_risk.hpp):
// amounts, value, greeks, LVR, theta, expected IL and its vega, IL at sigma moves, fee-implied
// vol against the market vol, break-even prices.
#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "alvh/amm/position_model.hpp"
#include "alvh/core/error.hpp"
#include "alvh/risk/position_risk.hpp"
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
  std::optional<double> fee_apr;       // fee income per year / value
  std::optional<double> fee_tier;      // with volume and TVL: fee APR = tier * volume * 365 / TVL
  std::optional<double> volume_per_day;
  std::optional<double> tvl;
  std::optional<double> tick_tvl;      // Lambert (2021) fee-implied IV needs the active tick's TVL
  double horizon_days = 30.0;
  double rate = 0.0;
};

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

void run_position(const PositionArgs& a, const GlobalOptions& g) {
  amm::PriceRange range = a.v2 ? amm::PriceRange::full() : amm::PriceRange{a.lower, a.upper};
  amm::validate(range);
  require(a.vol >= 0.0 && std::isfinite(a.vol), "--vol", "a finite number >= 0", a.vol);
  require(a.horizon_days > 0.0 && std::isfinite(a.horizon_days), "--horizon-days", "a finite number > 0",
          a.horizon_days);
  double fee_apr = a.fee_apr.value_or(0.0);
  if (!a.fee_apr && (a.fee_tier || a.volume_per_day || a.tvl)) {
    if (!(a.fee_tier && a.volume_per_day && a.tvl))
      throw DomainError("--fee-tier, --volume-per-day and --tvl must be given together (or give --fee-apr)");
    fee_apr = risk::fee_apr_from_volume(*a.fee_tier, *a.volume_per_day, *a.tvl);
  }
  double lambert_iv = risk::kNaN;
  if (a.tick_tvl) {
    if (!(a.fee_tier && a.volume_per_day)) throw DomainError("--tick-tvl needs --fee-tier and --volume-per-day");
    lambert_iv = risk::lambert_fee_implied_vol(*a.fee_tier, *a.volume_per_day, *a.tick_tvl);
  }
  risk::PositionInputs in;
  in.range = range;
  in.price = a.price;
  in.capital = a.capital;
  in.vol_annual = a.vol;
  in.fee_apr = fee_apr;
  in.horizon_years = a.horizon_days / 365.0;
  in.rate = a.rate;
  const auto rep = risk::risk_report(in);
  const double L = rep.liquidity;
  const double moves[] = {0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0};

  if (g.json) {
    nlohmann::json il = nlohmann::json::array();
    for (double m : moves)
      il.push_back({{"price", a.price * m}, {"il", amm::impermanent_loss(range, a.price, a.price * m)}});
    nlohmann::json il_sigma = nlohmann::json::object(), price_sigma = nlohmann::json::object();
    for (int k = -3; k <= 3; ++k) {
      il_sigma[std::to_string(k)] = rep.il_at_sigma[static_cast<std::size_t>(k + 3)];
      price_sigma[std::to_string(k)] = rep.price_at_sigma[static_cast<std::size_t>(k + 3)];
    }
    print_json("position", {{"inputs",
                             {{"price", a.price},
                              {"range_lower", range.lower},
                              {"range_upper", a.v2 ? nlohmann::json(nullptr) : nlohmann::json(range.upper)},
                              {"capital", a.capital},
                              {"vol", a.vol},
                              {"v2", a.v2},
                              {"fee_apr", fee_apr},
                              {"horizon_days", a.horizon_days},
                              {"rate", a.rate}}},
                            {"liquidity", L},
                            {"amount0", rep.amount0},
                            {"amount1", rep.amount1},
                            {"value", rep.value},
                            {"delta", rep.delta},
                            {"gamma", rep.gamma},
                            {"dollar_gamma", rep.dollar_gamma},
                            {"lvr_rate_annual", rep.lvr_rate_annual},
                            {"lvr_rate_annual_pct_of_value", rep.lvr_rate_annual / rep.value},
                            {"fee_income_annual", rep.fee_income_annual},
                            {"theta_per_day", rep.theta_per_day},
                            {"forward", rep.forward},
                            {"expected_lp_value", rep.expected_lp_value},
                            {"expected_hodl_value", rep.expected_hodl_value},
                            {"expected_il", rep.expected_il},
                            {"expected_il_pct", rep.expected_il_pct},
                            {"vega_il", rep.vega_il},
                            {"fees_horizon", rep.fees_horizon},
                            {"fee_implied_vol", json_number(rep.fee_implied_vol)},
                            {"fee_implied_vol_lambert", json_number(lambert_iv)},
                            {"market_vol", a.vol},
                            {"break_even_lower", json_number(rep.break_even_lower)},
                            {"break_even_upper", json_number(rep.break_even_upper)},
                            {"il_at_sigma", il_sigma},
                            {"price_at_sigma", price_sigma},
                            {"capital_efficiency", amm::capital_efficiency(range)},
                            {"il_at_price", il}});
    return;
  }
  fmt::print("Position: {} {}, capital {} at price {}; vol {:.0f}%, horizon {} days\n",
             a.v2 ? "Uniswap v2 (full range)" : "Uniswap v3",
             a.v2 ? std::string() : fmt::format("[{}, {}]", num(range.lower), num(range.upper)), num(a.capital),
             num(a.price), 100 * a.vol, num(a.horizon_days));
  auto pct = [](double x) { return std::isfinite(x) ? fmt::format("{:.2f}%", 100 * x) : std::string("n/a"); };
  print_kv({{"liquidity L", num(L, 10)},
            {"amount0 (risky, X)", num(rep.amount0, 10)},
            {"amount1 (numeraire, Y)", num(rep.amount1, 10)},
            {"value (Y)", num(rep.value, 10)},
            {"delta dV/dP (X)", num(rep.delta, 8)},
            {"gamma d2V/dP2", num(rep.gamma, 8)},
            {"LVR rate (Y/year)", fmt::format("{}  ({:.2f}% of value at vol {:.0f}%)", num(rep.lvr_rate_annual, 8),
                                              100 * rep.lvr_rate_annual / rep.value, 100 * a.vol)},
            {"fee income (Y/year)", fmt::format("{}  (fee APR {:.2f}%)", num(rep.fee_income_annual, 8), 100 * fee_apr)},
            {"theta = fees - LVR (Y/day)", num(rep.theta_per_day, 8)},
            {"expected IL at horizon (Y)", fmt::format("{}  ({})", num(rep.expected_il, 8), pct(rep.expected_il_pct))},
            {"vega of expected IL (Y per vol pt)", num(rep.vega_il / 100, 8)},
            {"fee-implied vol (Milionis)", fmt::format("{} vs market {}", pct(rep.fee_implied_vol), pct(a.vol))},
            {"fee-implied vol (Lambert)", pct(lambert_iv)},
            {"break-even prices (fees = IL)", fmt::format("{} / {}", num(rep.break_even_lower), num(rep.break_even_upper))},
            {"capital efficiency vs v2", num(amm::capital_efficiency(range), 6)}});
  fmt::print("\nImpermanent loss vs HODL at sigma moves over the horizon:\n");
  std::vector<std::vector<std::string>> rows;
  for (int k = -3; k <= 3; ++k) {
    const auto i = static_cast<std::size_t>(k + 3);
    rows.push_back({fmt::format("{:+d}", k), num(rep.price_at_sigma[i]), fmt::format("{:.4f}%", 100 * rep.il_at_sigma[i])});
  }
  print_table({"sigma", "price", "IL"}, rows);
  fmt::print("\nImpermanent loss vs HODL:\n");
  rows.clear();
  for (double m : moves)
    rows.push_back({num(a.price * m), fmt::format("{:.2f}", m),
                    fmt::format("{:.4f}%", 100 * amm::impermanent_loss(range, a.price, a.price * m))});
  print_table({"price", "P/P0", "IL"}, rows);
}

const RegisterCommand reg(10, [](CLI::App& app, const GlobalOptions& g) {
  auto args = std::make_shared<PositionArgs>();
  auto* sub = app.add_subcommand("position", "Analyse an LP position as a short-vol trade: greeks, IL, LVR, fee-implied vol");
  sub->footer(
      "Example:\n  alvh position --price 3000 --range-lower 2400 --range-upper 3750 --capital 100000 --vol 0.7 "
      "--fee-apr 0.25 --horizon-days 30\n"
      "With no flags it analyses the embedded default ETH/USDC position shown above.");
  add_position_flags(*sub, {&args->price, &args->lower, &args->upper, &args->capital, &args->v2});
  sub->add_option("--vol", args->vol, "Annualised (market implied) volatility of P (0.7 = 70%)")->capture_default_str();
  sub->add_option("--fee-apr", args->fee_apr, "Expected fee income per year as a fraction of value, while in range");
  sub->add_option("--fee-tier", args->fee_tier, "Pool fee tier as a fraction (0.003 = 0.3%)");
  sub->add_option("--volume-per-day", args->volume_per_day, "Pool volume per day (token1), for the fee APR");
  sub->add_option("--tvl", args->tvl, "Pool TVL (token1): fee APR = tier * volume * 365 / TVL");
  sub->add_option("--tick-tvl", args->tick_tvl, "TVL of the active tick (token1), for Lambert's fee-implied IV");
  sub->add_option("--horizon-days", args->horizon_days, "Horizon for expected IL and sigma moves (days)")
      ->capture_default_str();
  sub->add_option("--rate", args->rate, "Continuously compounded rate (forward = P e^{rT})")->capture_default_str();
  sub->callback([args, &g] { run_position(*args, g); });
});

}  // namespace
}  // namespace alvh::cli
