// Backtest configuration: one table of every key (its field, default and meaning) drives TOML
// parsing, unknown-key errors, sweeps (set_config_value) and to_toml, so they cannot drift apart.
#include "alvh/backtest/config.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <toml++/toml.h>
#include <variant>

#include "alvh/backtest/backtest.hpp"
#include "alvh/core/error.hpp"
#include "alvh/hedge/hedge_request.hpp"

namespace alvh::backtest {

CostConfig CostConfig::defaults() {
  CostConfig c;
  // Time-of-day gas profile (UTC): quieter Asian night, busiest US/EU overlap. A documented
  // assumption, not a measured series (docs/backtest.md).
  const double profile[24] = {0.75, 0.7, 0.7, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.0, 1.05,
                              1.1,  1.2, 1.3, 1.3, 1.3, 1.25, 1.2, 1.1, 1.0, 0.95, 0.9, 0.8};
  for (std::size_t h = 0; h < 24; ++h) c.gas_profile[h] = profile[h];
  return c;
}

namespace {

using Field = std::variant<std::function<double&(BacktestConfig&)>, std::function<int&(BacktestConfig&)>,
                           std::function<bool&(BacktestConfig&)>, std::function<std::string&(BacktestConfig&)>,
                           std::function<std::vector<double>&(BacktestConfig&)>,
                           std::function<std::array<double, 24>&(BacktestConfig&)>,
                           std::function<std::vector<std::string>&(BacktestConfig&)>,
                           std::function<std::uint64_t&(BacktestConfig&)>, std::function<std::int64_t&(BacktestConfig&)>>;

struct Key {
  const char* name;  // dotted
  Field field;
  const char* doc;
};

#define D(key, expr, doc) Key{key, std::function<double&(BacktestConfig&)>([](BacktestConfig& c) -> double& { return c.expr; }), doc}
#define I(key, expr, doc) Key{key, std::function<int&(BacktestConfig&)>([](BacktestConfig& c) -> int& { return c.expr; }), doc}
#define B(key, expr, doc) Key{key, std::function<bool&(BacktestConfig&)>([](BacktestConfig& c) -> bool& { return c.expr; }), doc}
#define S(key, expr, doc) Key{key, std::function<std::string&(BacktestConfig&)>([](BacktestConfig& c) -> std::string& { return c.expr; }), doc}
#define V(key, expr, doc) Key{key, std::function<std::vector<double>&(BacktestConfig&)>([](BacktestConfig& c) -> std::vector<double>& { return c.expr; }), doc}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      Key{"strategies", std::function<std::vector<std::string>&(BacktestConfig&)>([](BacktestConfig& c) -> std::vector<std::string>& { return c.strategies; }),
          "strategies run side by side: hodl, promoter, static_l1, steward, perp_hedge"},
      S("data.file", data_file, "bars file (Uniswap minute bars, Binance/Yahoo OHLCV); empty = synthetic history"),
      S("data.iv_file", iv_file, "Deribit DVOL CSV joined for option marking; empty = none"),
      S("data.bars", bars, "resample to minute | hour | day"),
      D("lp.capital", lp.capital, "capital per strategy, numeraire"),
      D("lp.range_width", lp.range_width, "range [P/(1+w), P(1+w)] at (re-)centre"),
      B("lp.v2", lp.v2, "full-range (Uniswap v2) position"),
      D("lp.fee_tier", lp.fee_tier, "pool fee tier, for pool bars"),
      D("lp.fee_apr", lp.fee_apr, "fee-APR model when pool fees are missing (APR on the v2-equivalent value)"),
      D("lp.hedge_reserve", lp.hedge_reserve, "share of capital kept in cash by every strategy (premium budget)"),
      D("lp.recentre_after_hours", lp.recentre_after_hours, "re-centre once out of range this long"),
      D("lp.recentre_band", lp.recentre_band, "also re-centre when |ln(P/centre)| > band ln(1+w); 0 = off"),
      D("lp.wide_range_width", lp.wide_range_width, "range width used when realized vol > lp.widen_vol"),
      D("lp.widen_vol", lp.widen_vol, "realized vol above which re-centres widen"),
      D("costs.gas_gwei", costs.gas_gwei, "gas price, gwei (x the hourly profile)"),
      Key{"costs.gas_profile", std::function<std::array<double, 24>&(BacktestConfig&)>([](BacktestConfig& c) -> std::array<double, 24>& { return c.costs.gas_profile; }),
          "24 multipliers of gas_gwei by UTC hour"},
      D("costs.gas_units_mint", costs.gas_units_mint, "gas units to mint an LP position"),
      D("costs.gas_units_burn", costs.gas_units_burn, "gas units to burn and collect"),
      D("costs.gas_units_swap", costs.gas_units_swap, "gas units of a swap"),
      D("costs.gas_units_option_trade", costs.gas_units_option_trade, "gas units per option trade (0 = off-chain venue)"),
      D("costs.gas_units_borrow", costs.gas_units_borrow, "gas units to borrow (lending market)"),
      D("costs.gas_units_repay", costs.gas_units_repay, "gas units to repay"),
      D("costs.swap_slippage_bps", costs.swap_slippage_bps, "swap slippage, bps of notional"),
      D("costs.mev_bps", costs.mev_bps, "MEV/sandwich cost on public-mempool swaps, bps"),
      B("costs.private_rpc", costs.private_rpc, "swaps sent through a private RPC"),
      D("costs.mev_bps_private_rpc", costs.mev_bps_private_rpc, "MEV cost with a private RPC, bps"),
      D("costs.option_half_spread", costs.option_half_spread, "option half-spread, fraction of the model price"),
      D("costs.option_fee_underlying", costs.option_fee_underlying, "option fee per unit, fraction of spot ..."),
      D("costs.option_fee_cap", costs.option_fee_cap, "... capped at this fraction of the option price"),
      D("costs.perp_fee_bps", costs.perp_fee_bps, "perp taker fee, bps of notional"),
      B("costs.low_gas_window", costs.low_gas_window, "defer LP re-centres to cheap-gas hours"),
      D("costs.low_gas_threshold", costs.low_gas_threshold, "an hour is cheap when its profile <= this"),
      D("costs.max_defer_hours", costs.max_defer_hours, "longest deferral"),
      B("gate.enabled", gate.enabled, "fees-ahead gate on every trade"),
      D("gate.horizon_days", gate.horizon_days, "horizon of the expected benefit"),
      B("marking.use_implied_series", marking.use_implied_series, "mark options with the bars' implied vol where present"),
      D("marking.vol_premium", marking.vol_premium, "else IV = realized EWMA vol + this (vol points)"),
      D("marking.vol_floor", marking.vol_floor, "floor of the modelled IV"),
      D("marking.rate", marking.rate, "continuously compounded rate (forward = spot e^{rT})"),
      D("signals.indicator_bar_hours", signals.indicator_bar_hours, "RSI and MACD run on closes sampled this often"),
      I("signals.rsi_period", signals.rsi_period, "Wilder RSI period"),
      D("signals.rsi_overbought", signals.rsi_overbought, "RSI above this bumps Layer 2"),
      D("signals.rsi_oversold", signals.rsi_oversold, "RSI below this (no bearish MACD) cuts Layer 2"),
      I("signals.macd_fast", signals.macd_fast, "MACD fast EMA span"),
      I("signals.macd_slow", signals.macd_slow, "MACD slow EMA span"),
      I("signals.macd_signal", signals.macd_signal, "MACD signal EMA span"),
      D("signals.vol_half_life_hours", signals.vol_half_life_hours, "EWMA realized-vol half-life"),
      D("signals.high_vol", signals.high_vol, "high-vol regime threshold (annualised)"),
      D("signals.pre_event_hours", signals.pre_event_hours, "pre-event bump window"),
      B("signals.use_builtin_events", signals.use_builtin_events, "use the built-in FOMC/CPI/upgrade calendar"),
      S("signals.events_file", signals.events_file, "extra events CSV (date,kind,name)"),
      I("signals.stress.drawdown_window", signals.stress.drawdown_window, "bars of the rolling max"),
      D("signals.stress.volume_half_life_bars", signals.stress.volume_half_life_bars, "EWMA baseline of volume and liquidity"),
      D("signals.stress.vol_half_life_bars", signals.stress.vol_half_life_bars, "realized vol feeding vol-of-vol"),
      I("signals.stress.divergence_window", signals.stress.divergence_window, "bars of the A/D divergence"),
      D("signals.stress.zscore_half_life_bars", signals.stress.zscore_half_life_bars, "z-score EWMA half-life"),
      D("signals.stress.w_drawdown", signals.stress.w_drawdown, "weight of drawdown speed"),
      D("signals.stress.w_volume", signals.stress.w_volume, "weight of the volume shock"),
      D("signals.stress.w_liquidity", signals.stress.w_liquidity, "weight of the liquidity shock"),
      D("signals.stress.w_vol_of_vol", signals.stress.w_vol_of_vol, "weight of vol-of-vol"),
      D("signals.stress.w_distribution", signals.stress.w_distribution, "weight of the distribution flag"),
      D("signals.stress.fire_threshold", signals.stress.fire_threshold, "score that fires the stress signal"),
      D("signals.stress.clear_threshold", signals.stress.clear_threshold, "score below which it clears"),
      S("layer1.method", layer1.method, "carr_madan (discrete Carr-Madan strip) | optimiser (variance/CVaR hedge optimiser)"),
      D("layer1.hedge_ratio", layer1.hedge_ratio, "carr_madan: fraction of the strip bought"),
      D("layer1.tenor_days", layer1.tenor_days, "Layer 1 expiry, rolled on expiry and at each re-centre"),
      D("layer1.strike_step", layer1.strike_step, "listed-strike spacing, fraction of spot"),
      B("layer1.forward_hedge", layer1.forward_hedge, "carr_madan: also short the LP delta at the forward (completes the replication)"),
      D("layer1.tail_sigma", layer1.tail_sigma, "optimiser: the hedged position breaks even beyond this many sigma"),
      D("layer1.max_hedge_ratio", layer1.max_hedge_ratio, "optimiser: hedge gamma <= this x the LP's gamma (1 = no over-hedging)"),
      S("layer1.objective", layer1.objective, "optimiser: variance | cvar"),
      V("layer2.tenors_days", layer2.tenors_days, "ladder expiries, days"),
      D("layer2.put_moneyness", layer2.put_moneyness, "ladder put strike / spot"),
      D("layer2.notional", layer2.notional, "ladder puts as a fraction of the LP's ETH"),
      D("layer2.roll_days_before_expiry", layer2.roll_days_before_expiry, "roll a rung this close to expiry"),
      D("layer2.moneyness_band", layer2.moneyness_band, "roll when K/S leaves moneyness +- band"),
      D("layer2.bump", layer2.bump, "quantity multiplier on a risk signal"),
      D("layer2.cut", layer2.cut, "multiplier when oversold and MACD not bearish"),
      D("layer2.resize_tolerance", layer2.resize_tolerance, "resize a rung beyond this relative gap"),
      D("layer3.put_moneyness", layer3.put_moneyness, "sleeve put strike / spot"),
      D("layer3.tenor_days", layer3.tenor_days, "sleeve expiry"),
      D("layer3.notional", layer3.notional, "sleeve puts as a fraction of the LP's ETH"),
      D("layer3.borrow_apr", layer3.borrow_apr, "borrowing rate (continuously compounded)"),
      D("layer3.max_ltv", layer3.max_ltv, "leverage cap: debt / LP collateral"),
      D("layer3.liquidation_threshold", layer3.liquidation_threshold, "debt / collateral that triggers liquidation"),
      D("layer3.liquidation_penalty", layer3.liquidation_penalty, "penalty, fraction of the debt"),
      D("perp.rehedge_hours", perp.rehedge_hours, "rehedge at least this often"),
      D("perp.rehedge_threshold", perp.rehedge_threshold, "or when the delta gap exceeds this fraction"),
      D("perp.funding_apr", perp.funding_apr, "funding paid by longs to shorts"),
      D("metrics.risk_free", metrics.risk_free, "risk-free rate for Sharpe/Sortino"),
      D("metrics.cvar_level", metrics.cvar_level, "CVaR level on daily returns"),
      D("metrics.regime_window_days", metrics.regime_window_days, "window length for the vol-regime IRR"),
      Key{"synthetic.seed", std::function<std::uint64_t&(BacktestConfig&)>([](BacktestConfig& c) -> std::uint64_t& { return c.synthetic.seed; }), "RNG seed"},
      D("synthetic.years", synthetic.years, "length of the synthetic history"),
      D("synthetic.bar_seconds", synthetic.bar_seconds, "bar interval of the synthetic history"),
      D("synthetic.start_price", synthetic.start_price, "initial price"),
      Key{"synthetic.start_time", std::function<std::int64_t&(BacktestConfig&)>([](BacktestConfig& c) -> std::int64_t& { return c.synthetic.start_time; }), "unix time of the first bar"},
      V("synthetic.regime_vols", synthetic.regime_vols, "vol of each regime"),
      V("synthetic.regime_mean_days", synthetic.regime_mean_days, "mean duration of each regime, days"),
      D("synthetic.implied_vol_premium", synthetic.implied_vol_premium, "IV = regime vol + premium when with_implied_vol"),
      B("synthetic.with_implied_vol", synthetic.with_implied_vol, "attach the regime IV series for marking"),
  };
  return k;
}
#undef D
#undef I
#undef B
#undef S
#undef V

const Key* find_key(const std::string& name) {
  for (const auto& k : keys())
    if (name == k.name) return &k;
  return nullptr;
}

[[noreturn]] void bad(const std::string& file, const toml::node& n, const std::string& key, const std::string& msg) {
  throw InputError(file, static_cast<std::size_t>(n.source().begin.line), key, msg);
}

double as_number(const std::string& file, const toml::node& n, const std::string& key) {
  if (auto v = n.value<double>(); v && (n.is_floating_point() || n.is_integer())) {
    if (!std::isfinite(*v)) bad(file, n, key, "expected a finite number");
    return *v;
  }
  bad(file, n, key, "expected a number");
}

void assign(BacktestConfig& cfg, const Key& k, const toml::node& n, const std::string& file) {
  const std::string key = k.name;
  std::visit(
      [&](auto& get) {
        using R = std::remove_reference_t<decltype(get(cfg))>;
        R& ref = get(cfg);
        if constexpr (std::is_same_v<R, double>) {
          ref = as_number(file, n, key);
        } else if constexpr (std::is_same_v<R, int>) {
          auto v = n.value<std::int64_t>();
          if (!n.is_integer() || !v || *v < -1000000 || *v > 1000000) bad(file, n, key, "expected an integer");
          ref = static_cast<int>(*v);
        } else if constexpr (std::is_same_v<R, std::uint64_t> || std::is_same_v<R, std::int64_t>) {
          auto v = n.value<std::int64_t>();
          if (!n.is_integer() || !v) bad(file, n, key, "expected an integer");
          if (std::is_same_v<R, std::uint64_t> && *v < 0) bad(file, n, key, "expected a non-negative integer");
          ref = static_cast<R>(*v);
        } else if constexpr (std::is_same_v<R, bool>) {
          if (!n.is_boolean()) bad(file, n, key, "expected true or false");
          ref = *n.value<bool>();
        } else if constexpr (std::is_same_v<R, std::string>) {
          if (!n.is_string()) bad(file, n, key, "expected a string");
          ref = *n.value<std::string>();
        } else if constexpr (std::is_same_v<R, std::vector<std::string>>) {
          const auto* a = n.as_array();
          if (!a) bad(file, n, key, "expected an array of strings");
          ref.clear();
          for (const auto& e : *a) {
            if (!e.is_string()) bad(file, e, key, "expected an array of strings");
            ref.push_back(*e.value<std::string>());
          }
        } else if constexpr (std::is_same_v<R, std::vector<double>>) {
          const auto* a = n.as_array();
          if (!a) bad(file, n, key, "expected an array of numbers");
          ref.clear();
          for (const auto& e : *a) ref.push_back(as_number(file, e, key));
        } else {
          static_assert(std::is_same_v<R, std::array<double, 24>>);
          const auto* a = n.as_array();
          if (!a || a->size() != 24) bad(file, n, key, "expected an array of 24 numbers (one per UTC hour)");
          for (std::size_t h = 0; h < 24; ++h) ref[h] = as_number(file, *a->get(h), key);
        }
      },
      const_cast<Field&>(k.field));
}

void walk(BacktestConfig& cfg, const toml::table& t, const std::string& prefix, const std::string& file) {
  for (const auto& [k, v] : t) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = v.as_table()) {
      bool is_section = false;  // only walk into tables that are sections of known keys
      for (const auto& key : keys())
        if (std::string_view(key.name).rfind(name + ".", 0) == 0) is_section = true;
      if (!is_section) bad(file, v, name, fmt::format("unknown key '{}' in {} (see docs/backtest.md)", name, file));
      walk(cfg, *sub, name, file);
      continue;
    }
    const Key* key = find_key(name);
    if (!key) bad(file, v, name, fmt::format("unknown key '{}' in {} (see docs/backtest.md)", name, file));
    assign(cfg, *key, v, file);
  }
}

std::string toml_value(const BacktestConfig& c0, const Key& k) {
  auto& cfg = const_cast<BacktestConfig&>(c0);
  return std::visit(
      [&](auto& get) -> std::string {
        using R = std::remove_reference_t<decltype(get(cfg))>;
        const R& v = get(cfg);
        if constexpr (std::is_same_v<R, double>) {
          return fmt::format("{}", v) + (std::floor(v) == v && std::abs(v) < 1e15 ? ".0" : "");
        } else if constexpr (std::is_same_v<R, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<R, std::string>) {
          return fmt::format("\"{}\"", v);
        } else if constexpr (std::is_same_v<R, std::vector<std::string>>) {
          std::string s = "[";
          for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
          return s + "]";
        } else if constexpr (std::is_same_v<R, std::vector<double>> || std::is_same_v<R, std::array<double, 24>>) {
          std::string s = "[";
          for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + fmt::format("{}", v[i]);
          return s + "]";
        } else {
          return fmt::format("{}", v);
        }
      },
      const_cast<Field&>(k.field));
}

}  // namespace

BacktestConfig parse_config(const std::string& text, const std::string& file) {
  toml::table t;
  try {
    t = toml::parse(std::string_view(text), std::string_view(file));
  } catch (const toml::parse_error& e) {
    throw InputError(file, static_cast<std::size_t>(e.source().begin.line), "-", std::string(e.description()));
  }
  BacktestConfig cfg;
  walk(cfg, t, "", file);
  // relative data paths are relative to the config file
  const auto base = std::filesystem::path(file).parent_path();
  for (auto* p : {&cfg.data_file, &cfg.iv_file, &cfg.signals.events_file})
    if (!p->empty() && std::filesystem::path(*p).is_relative() && !base.empty() && file != "<config>")
      *p = (base / *p).string();
  validate(cfg);
  return cfg;
}

BacktestConfig load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

void set_config_value(BacktestConfig& cfg, const std::string& key, const std::string& value) {
  const Key* k = find_key(key);
  if (!k) throw InputError("--grid", 0, key, fmt::format("unknown key '{}' (see docs/backtest.md)", key));
  toml::table t;
  try {
    t = toml::parse(std::string_view(std::string("v = ") + value), std::string_view("--grid"));
  } catch (const toml::parse_error& e) {
    throw InputError("--grid", 0, key, fmt::format("cannot parse value '{}': {}", value, e.description()));
  }
  assign(cfg, *k, *t.get("v"), "--grid");
}

void validate(const BacktestConfig& c) {
  auto pos = [](double v, const char* k) { require(v > 0 && std::isfinite(v), k, "> 0", v); };
  auto nonneg = [](double v, const char* k) { require(v >= 0 && std::isfinite(v), k, ">= 0", v); };
  auto frac = [](double v, const char* k) { require(v >= 0 && v <= 1, k, "in [0, 1]", v); };
  pos(c.lp.capital, "lp.capital");
  pos(c.lp.range_width, "lp.range_width");
  pos(c.lp.wide_range_width, "lp.wide_range_width");
  frac(c.lp.fee_tier, "lp.fee_tier");
  nonneg(c.lp.fee_apr, "lp.fee_apr");
  require(c.lp.hedge_reserve >= 0 && c.lp.hedge_reserve < 1, "lp.hedge_reserve", "in [0, 1)", c.lp.hedge_reserve);
  nonneg(c.lp.recentre_after_hours, "lp.recentre_after_hours");
  nonneg(c.lp.recentre_band, "lp.recentre_band");
  nonneg(c.costs.gas_gwei, "costs.gas_gwei");
  for (double g : c.costs.gas_profile) nonneg(g, "costs.gas_profile");
  for (double g : {c.costs.gas_units_mint, c.costs.gas_units_burn, c.costs.gas_units_swap, c.costs.gas_units_option_trade,
                   c.costs.gas_units_borrow, c.costs.gas_units_repay})
    nonneg(g, "costs.gas_units_*");
  nonneg(c.costs.swap_slippage_bps, "costs.swap_slippage_bps");
  nonneg(c.costs.mev_bps, "costs.mev_bps");
  nonneg(c.costs.mev_bps_private_rpc, "costs.mev_bps_private_rpc");
  frac(c.costs.option_half_spread, "costs.option_half_spread");
  nonneg(c.costs.option_fee_underlying, "costs.option_fee_underlying");
  frac(c.costs.option_fee_cap, "costs.option_fee_cap");
  nonneg(c.costs.perp_fee_bps, "costs.perp_fee_bps");
  nonneg(c.costs.max_defer_hours, "costs.max_defer_hours");
  pos(c.gate.horizon_days, "gate.horizon_days");
  nonneg(c.marking.vol_premium + 1.0, "marking.vol_premium (+1)");
  pos(c.marking.vol_floor, "marking.vol_floor");
  require(c.signals.rsi_period >= 1, "signals.rsi_period", ">= 1", c.signals.rsi_period);
  require(c.signals.macd_fast >= 1 && c.signals.macd_slow >= 1 && c.signals.macd_signal >= 1, "signals.macd_*", ">= 1",
          c.signals.macd_fast);
  pos(c.signals.vol_half_life_hours, "signals.vol_half_life_hours");
  pos(c.signals.indicator_bar_hours, "signals.indicator_bar_hours");
  nonneg(c.signals.pre_event_hours, "signals.pre_event_hours");
  require(c.signals.stress.drawdown_window >= 1, "signals.stress.drawdown_window", ">= 1", c.signals.stress.drawdown_window);
  require(c.signals.stress.divergence_window >= 1, "signals.stress.divergence_window", ">= 1", c.signals.stress.divergence_window);
  pos(c.signals.stress.zscore_half_life_bars, "signals.stress.zscore_half_life_bars");
  pos(c.signals.stress.volume_half_life_bars, "signals.stress.volume_half_life_bars");
  pos(c.signals.stress.vol_half_life_bars, "signals.stress.vol_half_life_bars");
  nonneg(c.layer1.hedge_ratio, "layer1.hedge_ratio");
  pos(c.layer1.tenor_days, "layer1.tenor_days");
  require(c.layer1.strike_step >= 0.001 && c.layer1.strike_step <= 1, "layer1.strike_step", "in [0.001, 1]", c.layer1.strike_step);
  if (c.layer1.method != "carr_madan" && c.layer1.method != "optimiser")
    throw DomainError(fmt::format("layer1.method: expected carr_madan or optimiser, got '{}'", c.layer1.method));
  (void)hedge::parse_objective(c.layer1.objective, "layer1.objective");
  require(c.layer1.tail_sigma > 0 && c.layer1.tail_sigma <= 6, "layer1.tail_sigma", "in (0, 6]", c.layer1.tail_sigma);
  pos(c.layer1.max_hedge_ratio, "layer1.max_hedge_ratio");
  require(c.layer2.tenors_days.size() <= 16, "layer2.tenors_days", "at most 16 rungs", static_cast<double>(c.layer2.tenors_days.size()));
  for (double d : c.layer2.tenors_days) pos(d, "layer2.tenors_days");
  pos(c.layer2.put_moneyness, "layer2.put_moneyness");
  nonneg(c.layer2.notional, "layer2.notional");
  nonneg(c.layer2.roll_days_before_expiry, "layer2.roll_days_before_expiry");
  pos(c.layer2.moneyness_band, "layer2.moneyness_band");
  nonneg(c.layer2.bump, "layer2.bump");
  nonneg(c.layer2.cut, "layer2.cut");
  nonneg(c.layer2.resize_tolerance, "layer2.resize_tolerance");
  pos(c.layer3.put_moneyness, "layer3.put_moneyness");
  pos(c.layer3.tenor_days, "layer3.tenor_days");
  nonneg(c.layer3.notional, "layer3.notional");
  nonneg(c.layer3.borrow_apr, "layer3.borrow_apr");
  frac(c.layer3.max_ltv, "layer3.max_ltv");
  require(c.layer3.liquidation_threshold > c.layer3.max_ltv && c.layer3.liquidation_threshold <= 1,
          "layer3.liquidation_threshold", "in (max_ltv, 1]", c.layer3.liquidation_threshold);
  frac(c.layer3.liquidation_penalty, "layer3.liquidation_penalty");
  nonneg(c.perp.rehedge_hours, "perp.rehedge_hours");
  nonneg(c.perp.rehedge_threshold, "perp.rehedge_threshold");
  require(c.metrics.cvar_level > 0 && c.metrics.cvar_level < 1, "metrics.cvar_level", "in (0, 1)", c.metrics.cvar_level);
  pos(c.metrics.regime_window_days, "metrics.regime_window_days");
  parse_bar_interval(c.bars);
  require(!c.strategies.empty(), "strategies", "at least one strategy", 0);
  for (const auto& s : c.strategies) parse_strategy(s);
}

std::string to_toml(const BacktestConfig& cfg) {
  std::string out, section;
  for (const auto& k : keys()) {
    std::string name = k.name;
    const auto dot = name.rfind('.');
    const std::string sec = dot == std::string::npos ? "" : name.substr(0, dot);
    const std::string leaf = dot == std::string::npos ? name : name.substr(dot + 1);
    if (sec != section) {
      out += fmt::format("\n[{}]\n", sec);
      section = sec;
    }
    out += fmt::format("# {}\n{} = {}\n", k.doc, leaf, toml_value(cfg, k));
  }
  return out;
}

}  // namespace alvh::backtest
