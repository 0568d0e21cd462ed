// alvh backtest: run every strategy side by side over a bar history (docs/backtest.md).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "alvh/backtest/backtest.hpp"
#include "alvh/core/atomic_file.hpp"
#include "alvh/core/error.hpp"
#include "alvh/signals/event_calendar.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {
namespace {

struct BacktestArgs {
  std::string config, data, iv, bars, csv_dir;
  bool json = false;
};

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json strategy_json(const backtest::StrategyResult& s) {
  const auto& m = s.metrics;
  const auto& a = s.attribution;
  return {{"name", s.name},
          {"metrics",
           {{"final_nav", m.final_nav},
            {"total_return", m.total_return},
            {"apr", m.apr},
            {"irr", finite_or_null(m.irr)},
            {"vol", m.vol},
            {"sharpe", m.sharpe},
            {"sortino", m.sortino},
            {"max_drawdown", m.max_drawdown},
            {"cvar", m.cvar},
            {"hedge_cost_pct_of_fees", m.hedge_cost_pct_of_fees},
            {"years", m.years}}},
          {"attribution",
           {{"fees", a.fees},
            {"market", a.market},
            {"il_lvr", a.il_lvr},
            {"hedge_pnl", a.hedge_pnl},
            {"option_costs", a.option_costs},
            {"perp_pnl", a.perp_pnl},
            {"perp_funding", a.perp_funding},
            {"perp_fees", a.perp_fees},
            {"borrow_interest", a.borrow_interest},
            {"gas", a.gas},
            {"mev", a.mev},
            {"slippage", a.slippage},
            {"liquidation", a.liquidation},
            {"total", a.total()},
            {"premium_paid", a.premium_paid}}},
          {"regime_irr",
           {{"low", finite_or_null(s.regime.irr[0])},
            {"mid", finite_or_null(s.regime.irr[1])},
            {"high", finite_or_null(s.regime.irr[2])},
            {"years", s.regime.years},
            {"dispersion", finite_or_null(s.regime.dispersion)}}},
          {"trades", s.trades.size()},
          {"gate_skips", s.gate_skips}};
}

void write_csvs(const std::filesystem::path& dir, const backtest::BacktestResult& r) {
  std::filesystem::create_directories(dir);
  write_file_atomically(dir / "equity.csv", [&](std::ostream& o) {
    o << "time,price";
    for (const auto& s : r.strategies) o << ',' << s.name;
    o << '\n';
    for (std::size_t i = 0; i < r.time.size(); ++i) {
      o << signals::format_utc(r.time[i]) << ',' << fmt::format("{:.10g}", r.price[i]);
      for (const auto& s : r.strategies) o << ',' << fmt::format("{:.12g}", s.nav[i]);
      o << '\n';
    }
  });
  write_file_atomically(dir / "trades.csv", [&](std::ostream& o) {
    o << "strategy,time,bar,kind,layer,quantity,price,strike,cost\n";
    for (const auto& s : r.strategies)
      for (const auto& t : s.trades)
        o << fmt::format("{},{},{},{},{},{:.10g},{:.10g},{:.10g},{:.10g}\n", s.name, signals::format_utc(t.time), t.bar,
                         backtest::trade_kind_name(t.kind), static_cast<int>(t.layer), t.quantity, t.price, t.strike,
                         t.cost);
  });
}

std::string pct(double v) { return std::isfinite(v) ? fmt::format("{:.2f}%", 100 * v) : "n/a"; }
std::string money(double v) { return fmt::format("{:.0f}", v); }

void run(const BacktestArgs& a, const GlobalOptions& g) {
  backtest::BacktestConfig cfg = a.config.empty() ? backtest::BacktestConfig{} : backtest::load_config(a.config);
  if (!a.data.empty()) cfg.data_file = a.data;
  if (!a.iv.empty()) cfg.iv_file = a.iv;
  if (!a.bars.empty()) {
    backtest::parse_bar_interval(a.bars);
    cfg.bars = a.bars;
  }
  const auto bars = backtest::bars_for_config(cfg);
  ProgressBar bar(progress_enabled(g.quiet) && !(a.json || g.json));
  const auto r = backtest::run_backtest(cfg, bars, [&](std::size_t d, std::size_t n) { bar.update(d, n); });
  if (!a.csv_dir.empty()) write_csvs(a.csv_dir, r);

  if (a.json || g.json) {
    nlohmann::json strategies = nlohmann::json::array();
    for (const auto& s : r.strategies) strategies.push_back(strategy_json(s));
    print_json("backtest", {{"data",
                             {{"source", r.data_source},
                              {"bars", bars.size()},
                              {"bar_seconds", bars.bar_seconds},
                              {"start", signals::format_utc(bars.time.front())},
                              {"end", signals::format_utc(bars.time.back())},
                              {"fees_modelled", r.fees_modelled}}},
                            {"capital", cfg.lp.capital},
                            {"regime_vol_terciles", r.regime_vol_terciles},
                            {"notes", r.notes},
                            {"csv_dir", a.csv_dir.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.csv_dir)},
                            {"strategies", strategies}});
    return;
  }
  fmt::print("Backtest on {} ({} bars of {} s, {} .. {}), capital {} per strategy\n", r.data_source, bars.size(),
             bars.bar_seconds, signals::format_utc(bars.time.front()), signals::format_utc(bars.time.back()),
             num(cfg.lp.capital));
  if (r.fees_modelled) fmt::print("FEES MODELLED: the data has no pool fees; see the note below.\n");
  fmt::print("\n");
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : r.strategies) {
    const auto& m = s.metrics;
    rows.push_back({s.name, money(m.final_nav), pct(m.irr), pct(m.apr), pct(m.vol), fmt::format("{:.2f}", m.sharpe),
                    fmt::format("{:.2f}", m.sortino), pct(m.max_drawdown), pct(m.cvar),
                    s.attribution.fees > 0 ? fmt::format("{:.1f}%", m.hedge_cost_pct_of_fees) : "-"});
  }
  print_table({"strategy", "final NAV", "IRR", "APR", "vol", "Sharpe", "Sortino", "max DD", "CVaR(d)", "hedge/fees"}, rows);
  fmt::print("\nP&L attribution (numeraire):\n");
  rows.clear();
  for (const auto& s : r.strategies) {
    const auto& x = s.attribution;
    rows.push_back({s.name, money(x.fees), money(x.market), money(x.il_lvr), money(x.hedge_pnl), money(x.option_costs),
                    money(x.perp_pnl + x.perp_funding + x.perp_fees), money(x.borrow_interest), money(x.gas),
                    money(x.mev + x.slippage), money(x.liquidation), money(x.premium_paid)});
  }
  print_table({"strategy", "fees", "market", "IL/LVR", "hedge", "opt costs", "perp", "borrow", "gas", "MEV+slip", "liq",
               "premium"},
              rows);
  fmt::print("\nIRR by volatility regime (windows of {} days; realized-vol terciles {} / {}):\n",
             num(cfg.metrics.regime_window_days), pct(r.regime_vol_terciles[0]), pct(r.regime_vol_terciles[1]));
  rows.clear();
  for (const auto& s : r.strategies)
    rows.push_back({s.name, pct(s.regime.irr[0]), pct(s.regime.irr[1]), pct(s.regime.irr[2]), pct(s.regime.dispersion),
                    std::to_string(s.trades.size()), std::to_string(s.gate_skips)});
  print_table({"strategy", "low vol", "mid vol", "high vol", "dispersion", "trades", "gate skips"}, rows);
  fmt::print("\nNotes:\n");
  for (const auto& n : r.notes) fmt::print("  - {}\n", n);
  if (!a.csv_dir.empty()) fmt::print("\nWrote {}/equity.csv and {}/trades.csv\n", a.csv_dir, a.csv_dir);
}

const RegisterCommand reg(60, [](CLI::App& app, const GlobalOptions& g) {
  auto a = std::make_shared<BacktestArgs>();
  auto* sub = app.add_subcommand("backtest", "Backtest HODL, promoter, static L1, steward (L1-L3) and perp hedge side by side");
  sub->footer(
      "Examples:\n"
      "  alvh backtest                                   # embedded synthetic regime-switching history\n"
      "  alvh backtest --config examples/backtest.toml --data ../shared/data/binance_ethusdt_1h_2017-2021.csv\n"
      "  alvh backtest --data ../shared/data/uniswap_v3_polygon_usdc_weth_005_minute.csv.gz --bars hour --csv-dir out\n"
      "Every config key and its default: docs/backtest.md, examples/backtest.toml.");
  sub->add_option("--config", a->config, "TOML config (unknown keys are errors)")->check(CLI::ExistingFile);
  sub->add_option("--data", a->data, "Bars file: Uniswap minute bars (.csv.gz), Binance hourly or Yahoo daily OHLCV");
  sub->add_option("--iv", a->iv, "Deribit DVOL hourly CSV for option marking");
  sub->add_option("--bars", a->bars, "Resample to minute | hour | day (default: config data.bars = hour)");
  sub->add_option("--csv-dir", a->csv_dir, "Write equity.csv and trades.csv here (atomically)");
  sub->add_flag("--json", a->json, "JSON output (same as the global --json)");
  sub->callback([a, &g] { run(*a, g); });
});

}  // namespace
}  // namespace alvh::cli
