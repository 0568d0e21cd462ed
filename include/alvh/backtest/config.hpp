#pragma once
// Backtest configuration. Every field has a documented default (docs/backtest.md and
// examples/backtest.toml); load_config reads TOML and rejects unknown keys, naming the key and
// the file. Units: fractions (0.05 = 5%), vols annualised, rates per year, times as named.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "alvh/backtest/bars.hpp"
#include "alvh/signals/stress.hpp"

namespace alvh::backtest {

struct LpConfig {
  double capital = 100000.0;        // numeraire, per strategy
  double range_width = 0.25;        // range [P/(1+w), P(1+w)] around the price at (re-)centre
  bool v2 = false;                  // full range (ignores range_width)
  double fee_tier = 0.0005;         // pool fee, for pool bars
  double fee_apr = 0.04;            // fee-APR model when pool fees are missing: a full-range position earns this on its value
  double hedge_reserve = 0.10;      // share of capital kept in cash (premium budget) by every strategy
  double recentre_after_hours = 24; // re-centre once out of range this long
  double recentre_band = 0.0;       // also re-centre when |ln(P/centre)| > band x ln(1+w) while in range; 0 = off
  double wide_range_width = 0.50;   // width used when realized vol > widen_vol (widening rule)
  double widen_vol = 1.0;           // annualised realized vol above which re-centres use wide_range_width
};

struct CostConfig {
  double gas_gwei = 20.0;
  std::array<double, 24> gas_profile{};  // multiplier per UTC hour (time-of-day profile); filled by defaults()
  double gas_units_mint = 400000, gas_units_burn = 250000, gas_units_swap = 150000;
  double gas_units_option_trade = 0;  // options on an off-chain venue (Deribit) by default
  double gas_units_borrow = 250000, gas_units_repay = 200000;
  double swap_slippage_bps = 5.0;
  double mev_bps = 10.0;
  bool private_rpc = false;
  double mev_bps_private_rpc = 1.0;
  double option_half_spread = 0.03;     // fraction of the model price paid over (or received under) mid
  double option_fee_underlying = 0.0003;  // Deribit-style fee per unit underlying, x spot ...
  double option_fee_cap = 0.125;          // ... capped at this fraction of the option price
  double perp_fee_bps = 5.0;
  bool low_gas_window = false;          // defer on-chain LP trades to hours with profile <= low_gas_threshold
  double low_gas_threshold = 0.8;
  double max_defer_hours = 12;
  static CostConfig defaults();
};

struct GateConfig {
  bool enabled = true;       // fees-ahead gate: skip a trade whose cost exceeds its expected benefit
  double horizon_days = 7;   // benefit horizon
};

struct MarkingConfig {
  bool use_implied_series = true;  // mark with the bars' implied vol (DVOL) when present
  double vol_premium = 0.05;       // else IV = realized EWMA vol + premium (vol points) ...
  double vol_floor = 0.20;         // ... floored here
  double rate = 0.0;               // continuously compounded rate for discounting (forward = spot e^{rT})
};

struct SignalConfig {
  double indicator_bar_hours = 24;  // RSI and MACD run on closes sampled this often (daily, as usually quoted)
  int rsi_period = 14;
  double rsi_overbought = 70, rsi_oversold = 30;
  int macd_fast = 12, macd_slow = 26, macd_signal = 9;
  double vol_half_life_hours = 72;  // EWMA realized vol (close-to-close)
  double high_vol = 0.90;           // vol regime: high above this
  double pre_event_hours = 24;      // event-calendar bump window
  bool use_builtin_events = true;
  std::string events_file;          // optional CSV (date,kind,name) added to the calendar
  signals::StressParams stress;
};

struct Layer1Config {
  // How Layer 1 is chosen: "carr_madan" (the discrete Carr-Madan strip, scaled by hedge_ratio) or
  // "optimiser" (hedge::optimise_hedge on the listed strikes at the bar's implied vol and the
  // backtest's dealing prices: variance or CVaR objective, tails covered beyond tail_sigma, hedge
  // gamma capped at max_hedge_ratio x the LP's, premium budget = cash on hand).
  std::string method = "carr_madan";
  double hedge_ratio = 0.5;       // carr_madan: fraction of the strip bought
  double tenor_days = 30;
  double strike_step = 0.05;      // listed-strike spacing as a fraction of spot at purchase
  bool forward_hedge = false;     // carr_madan: also short the LP's delta at inception on the perp (completes the replication)
  double tail_sigma = 2.5;        // optimiser: break even (premium included) beyond this many sigma
  double max_hedge_ratio = 1.0;   // optimiser: hedge gamma <= this x the LP's gamma (1 = no over-hedging)
  std::string objective = "variance";  // optimiser: variance | cvar
};

struct Layer2Config {
  std::vector<double> tenors_days = {7, 14, 30, 60};
  double put_moneyness = 0.90;   // strike = spot x moneyness
  double notional = 0.25;        // total ladder puts as a fraction of the LP's ETH amount
  double roll_days_before_expiry = 2;
  double moneyness_band = 0.15;  // roll when K/S leaves [m - band, m + band]
  double bump = 1.5;             // quantity multiplier on a risk signal (RSI > overbought, bearish cross, high vol, pre-event)
  double cut = 0.5;              // multiplier when RSI < oversold with a bullish cross and no other risk signal
  double resize_tolerance = 0.25;  // resize a rung when target/current - 1 exceeds this
};

struct Layer3Config {
  double put_moneyness = 0.90;
  double tenor_days = 14;
  double notional = 0.5;             // sleeve puts as a fraction of the LP's ETH amount
  double borrow_apr = 0.05;          // continuously compounded
  double max_ltv = 0.30;             // leverage cap: debt / collateral (the LP position)
  double liquidation_threshold = 0.80;
  double liquidation_penalty = 0.05;
};

struct PerpConfig {
  double rehedge_hours = 24;
  double rehedge_threshold = 0.10;  // rehedge when |target - current| > threshold x |target|
  double funding_apr = 0.10;        // paid by longs to shorts when positive
};

struct MetricsConfig {
  double risk_free = 0.0;
  double cvar_level = 0.95;
  double regime_window_days = 30;
};

struct BacktestConfig {
  LpConfig lp;
  CostConfig costs = CostConfig::defaults();
  GateConfig gate;
  MarkingConfig marking;
  SignalConfig signals;
  Layer1Config layer1;
  Layer2Config layer2;
  Layer3Config layer3;
  PerpConfig perp;
  MetricsConfig metrics;
  SyntheticHistory synthetic;
  // which strategies run (names: hodl, promoter, static_l1, steward, perp_hedge)
  std::vector<std::string> strategies = {"hodl", "promoter", "static_l1", "steward", "perp_hedge"};
  std::string data_file;  // optional: bars file (relative to the config file); empty = synthetic
  std::string iv_file;    // optional: DVOL CSV joined for marking
  std::string bars = "hour";  // minute | hour | day: resample target
};

// Parses TOML text; `file` names the source in errors. Unknown keys, wrong types and values
// out of range throw InputError(file, line, key, message).
BacktestConfig parse_config(const std::string& toml_text, const std::string& file = "<config>");
BacktestConfig load_config(const std::string& path);
// Sets one dotted key (e.g. "layer2.bump=2" or "lp.range_width=0.3") as a sweep does; the
// value is parsed as TOML. Throws InputError naming the key when it is unknown.
void set_config_value(BacktestConfig& cfg, const std::string& key, const std::string& value);
void validate(const BacktestConfig& cfg);  // DomainError naming the key
// Renders the config as TOML (the documented defaults when given BacktestConfig{}).
std::string to_toml(const BacktestConfig& cfg);

}  // namespace alvh::backtest
