#pragma once
// The adaptive backtester: one pass over a bar series runs every configured strategy side by
// side on the same data (HODL, the unhedged LP "promoter", LP + static Layer 1, LP + full ALVH
// "steward" with Layers 1-3, LP + perp delta hedge), marks each at full NAV at every bar, and
// returns equity curves, P&L attribution, metrics and the IRR per volatility regime.
//
// Separation (hftbacktest-style): feed (BarSeries) -> market model (signals, option marking,
// cost policies) -> strategy decisions at the close of bar i using only bars 0..i -> ledger
// (cash, LP, options, perp, debt). Formulas, conventions and sources: docs/backtest.md.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "alvh/backtest/bars.hpp"
#include "alvh/backtest/config.hpp"
#include "alvh/options/black.hpp"

namespace alvh::backtest {

enum class StrategyKind { Hodl, Promoter, StaticL1, Steward, PerpHedge };
const char* strategy_name(StrategyKind k);
StrategyKind parse_strategy(const std::string& name);  // InputError-free: throws DomainError naming the name

// P&L attribution, numeraire; components sum to final NAV - initial capital (to rounding).
struct Attribution {
  double fees = 0;           // LP fee income
  double market = 0;         // delta P&L of the held tokens / LP delta: x(P_{i-1}) (P_i - P_{i-1})
  double il_lvr = 0;         // LP value change beyond its delta P&L (discrete LVR / IL)
  double hedge_pnl = 0;      // option marks from trade to expiry or exit, at model value
  double option_costs = 0;   // half-spreads and exchange fees paid on option trades (<= 0)
  double perp_pnl = 0;       // perp price P&L
  double perp_funding = 0;   // funding received (+) or paid (-)
  double perp_fees = 0;      // perp trading fees (<= 0)
  double borrow_interest = 0;  // Layer 3 debt interest (<= 0)
  double gas = 0;            // (<= 0)
  double mev = 0;            // sandwich/MEV cost on swaps (<= 0)
  double slippage = 0;       // swap slippage (<= 0)
  double liquidation = 0;    // liquidation penalties (<= 0)
  double premium_paid = 0;   // informational: gross premium paid net of premium received (not a NAV component)
  double total() const {
    return fees + market + il_lvr + hedge_pnl + option_costs + perp_pnl + perp_funding + perp_fees +
           borrow_interest + gas + mev + slippage + liquidation;
  }
};

struct Metrics {
  double final_nav = 0;
  double total_return = 0;     // NAV_T / NAV_0 - 1
  double apr = 0;              // simple annualised: total_return / years
  double irr = 0;              // XIRR of the cash flows (-capital at t0, +NAV at T)
  double vol = 0;              // annualised std of per-bar log returns of NAV
  double sharpe = 0, sortino = 0;
  double max_drawdown = 0;     // >= 0, fraction of the running peak
  double cvar = 0;             // expected loss of the worst (1 - level) daily returns, as a positive fraction
  double hedge_cost_pct_of_fees = 0;  // -(hedge_pnl + option_costs + borrow + perp terms) / fees, %
  double years = 0;
};

// IRR per volatility regime: the history is cut into windows (metrics.regime_window_days), each
// window is labelled low/mid/high by the terciles of its realized vol, and per strategy the
// growth of NAV over the windows of each regime is annualised over their total length.
struct RegimeIrr {
  std::array<double, 3> irr{};        // low, mid, high vol
  std::array<double, 3> years{};      // time spent in each regime
  double dispersion = 0;              // population std of the three regime IRRs
};

enum class TradeKind : std::uint8_t {
  LpOpen, LpRecentre, OptionBuy, OptionSell, OptionExpire, PerpTrade, Borrow, Repay, Liquidation, GateSkip, Deferred
};
const char* trade_kind_name(TradeKind k);

struct Trade {
  std::int64_t time;
  std::uint32_t bar;
  TradeKind kind;
  std::uint8_t layer;   // 0 = LP/perp/debt, 1..3 = hedge layer
  double quantity;      // option/perp units of ETH (signed), LP: new liquidity, debt: amount
  double price;         // option price per unit, or spot
  double strike;        // options; 0 otherwise
  double cost;          // costs charged (gas + spread + fees + MEV + slippage), numeraire, >= 0
};

struct StrategyResult {
  StrategyKind kind;
  std::string name;
  std::vector<double> nav;         // full NAV after the decisions of each bar
  std::vector<double> attributed;  // cumulative attribution total at each bar (nav[i] - capital, to rounding)
  Attribution attribution;
  Metrics metrics;
  RegimeIrr regime;
  std::vector<Trade> trades;
  std::size_t gate_skips = 0;
};

struct BacktestResult {
  std::vector<std::int64_t> time;
  std::vector<double> price;
  std::vector<StrategyResult> strategies;
  std::array<double, 2> regime_vol_terciles{};  // realized-vol boundaries between low/mid/high windows
  bool fees_modelled = false;  // pool fees were missing: the fee-APR model was used (flag it in outputs)
  std::string data_source;
  std::vector<std::string> notes;  // plain-language caveats (modelled fees, marking model, ...)
};

using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

BacktestResult run_backtest(const BacktestConfig& cfg, const BarSeries& bars, const ProgressFn& progress = {});

// Black-76 price used to mark options every bar (erfc form, absolute accuracy ~1e-15 x forward).
double black76_mark(options::OptionType type, double forward, double strike, double t_years, double vol, double discount);

// Bars for a config: the data file (resampled to cfg.bars, IV joined) or the synthetic history.
BarSeries bars_for_config(const BacktestConfig& cfg);

}  // namespace alvh::backtest
