// alvh::backtest bindings: run the adaptive backtester (alvh/backtest/backtest.hpp) on the
// synthetic history or a bars file, with a TOML config and dotted-key overrides (the same keys
// as a sweep's `layer2.bump=2`), and get the equity curves back as numpy arrays.
#include <pybind11/stl.h>

#include <fmt/format.h>

#include "alvh/backtest/backtest.hpp"
#include "alvh/backtest/config.hpp"
#include "alvh/backtest/metrics.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
using backtest::BacktestConfig;

py::dict attribution_dict(const backtest::Attribution& a) {
  py::dict d;
  d["fees"] = a.fees, d["market"] = a.market, d["il_lvr"] = a.il_lvr, d["hedge_pnl"] = a.hedge_pnl;
  d["option_costs"] = a.option_costs, d["perp_pnl"] = a.perp_pnl, d["perp_funding"] = a.perp_funding;
  d["perp_fees"] = a.perp_fees, d["borrow_interest"] = a.borrow_interest, d["gas"] = a.gas, d["mev"] = a.mev;
  d["slippage"] = a.slippage, d["liquidation"] = a.liquidation, d["premium_paid"] = a.premium_paid;
  d["total"] = a.total();
  return d;
}

py::dict metrics_dict(const backtest::Metrics& m) {
  py::dict d;
  d["final_nav"] = m.final_nav, d["total_return"] = m.total_return, d["apr"] = m.apr, d["irr"] = m.irr;
  d["vol"] = m.vol, d["sharpe"] = m.sharpe, d["sortino"] = m.sortino, d["max_drawdown"] = m.max_drawdown;
  d["cvar"] = m.cvar, d["hedge_cost_pct_of_fees"] = m.hedge_cost_pct_of_fees, d["years"] = m.years;
  return d;
}

// The config: defaults, or a TOML file, then overrides {"layer2.bump": 2, ...} applied with
// set_config_value (values rendered as TOML: numbers, booleans, strings, lists).
BacktestConfig make_config(const std::string& config_path, const py::object& overrides) {
  BacktestConfig cfg = config_path.empty() ? BacktestConfig{} : backtest::load_config(config_path);
  if (!overrides.is_none()) {
    static py::handle dumps = py::object(py::module_::import("json").attr("dumps")).release();
    for (const auto& [k, v] : overrides.cast<py::dict>()) {
      const std::string key = py::str(k);
      std::string value;
      if (py::isinstance<py::bool_>(v)) value = v.cast<bool>() ? "true" : "false";
      else value = py::str(dumps(v));  // JSON numbers, strings and lists are valid TOML values
      backtest::set_config_value(cfg, key, value);
    }
  }
  backtest::validate(cfg);
  return cfg;
}
}  // namespace

void bind_backtest(py::module_& m) {
  m.def(
      "backtest_config_toml",
      [](const std::string& config, const py::object& overrides) { return backtest::to_toml(make_config(config, overrides)); },
      py::arg("config") = "", py::arg("overrides") = py::none(),
      "The effective backtest config (defaults or `config` TOML file, then `overrides`) rendered as TOML.");
  m.def(
      "run_backtest",
      [](const std::string& config, const py::object& overrides, bool trades) {
        const BacktestConfig cfg = make_config(config, overrides);
        backtest::BacktestResult r;
        {
          py::gil_scoped_release release;
          const backtest::BarSeries bars = backtest::bars_for_config(cfg);
          r = backtest::run_backtest(cfg, bars);
        }
        py::dict d, strategies;
        auto time = py::array_t<std::int64_t>(static_cast<py::ssize_t>(r.time.size()));
        std::copy(r.time.begin(), r.time.end(), time.mutable_data());
        d["time"] = time;
        d["price"] = to_numpy(std::move(r.price));
        for (auto& s : r.strategies) {
          py::dict sd;
          sd["nav"] = to_numpy(std::move(s.nav));
          sd["attributed"] = to_numpy(std::move(s.attributed));
          sd["attribution"] = attribution_dict(s.attribution);
          sd["metrics"] = metrics_dict(s.metrics);
          py::dict regime;
          regime["irr_low"] = s.regime.irr[0], regime["irr_mid"] = s.regime.irr[1], regime["irr_high"] = s.regime.irr[2];
          regime["years_low"] = s.regime.years[0], regime["years_mid"] = s.regime.years[1];
          regime["years_high"] = s.regime.years[2], regime["dispersion"] = s.regime.dispersion;
          sd["regime"] = regime;
          sd["gate_skips"] = s.gate_skips;
          sd["n_trades"] = s.trades.size();
          if (trades) {
            py::list tl;
            for (const auto& t : s.trades) {
              py::dict td;
              td["time"] = t.time, td["bar"] = t.bar, td["kind"] = backtest::trade_kind_name(t.kind);
              td["layer"] = t.layer, td["quantity"] = t.quantity, td["price"] = t.price, td["strike"] = t.strike;
              td["cost"] = t.cost;
              tl.append(td);
            }
            sd["trades"] = tl;
          }
          strategies[py::str(s.name)] = sd;
        }
        d["strategies"] = strategies;
        d["regime_vol_terciles"] = py::make_tuple(r.regime_vol_terciles[0], r.regime_vol_terciles[1]);
        d["fees_modelled"] = r.fees_modelled;
        d["data_source"] = r.data_source;
        d["notes"] = r.notes;
        return d;
      },
      py::arg("config") = "", py::arg("overrides") = py::none(), py::arg("trades") = false,
      "Runs the backtest (docs/backtest.md): every configured strategy (hodl, promoter, static_l1, steward,\n"
      "perp_hedge) side by side on one bar series - the config's data file, or the synthetic regime-switching\n"
      "history. config: a TOML file (examples/backtest.toml) or '' for the documented defaults; overrides: a\n"
      "dict of dotted keys, e.g. {'lp.range_width': 0.3, 'synthetic.years': 1, 'strategies': ['hodl', 'steward']}\n"
      "(alvh.InputError names an unknown key). Returns a dict: time (int64 unix seconds), price (array),\n"
      "strategies = {name: {nav, attributed (arrays), attribution, metrics, regime (dicts), gate_skips,\n"
      "n_trades[, trades]}}, regime_vol_terciles, fees_modelled, data_source, notes. alvh.to_frame(result)\n"
      "gives the equity curves as a DataFrame indexed by time. Runs with the GIL released.");
  m.def(
      "xirr",
      [](const DoubleArray& t_years, const DoubleArray& amount) {
        require_size(amount, static_cast<std::size_t>(t_years.size()), "amount");
        std::vector<backtest::CashFlow> flows;
        for (py::ssize_t i = 0; i < t_years.size(); ++i) flows.push_back({t_years.data()[i], amount.data()[i]});
        return backtest::xirr(flows);
      },
      py::arg("t_years"), py::arg("amount"),
      "XIRR: the annual rate r with sum amount_k / (1+r)^(t_k - t_0) = 0 (spreadsheet convention).");
  m.def(
      "max_drawdown",
      [](const DoubleArray& nav) { return backtest::max_drawdown({nav.data(), static_cast<std::size_t>(nav.size())}); },
      py::arg("nav"), "Maximum drawdown of an equity curve, as a fraction of the running peak (>= 0).");
}

}  // namespace alvh::python
