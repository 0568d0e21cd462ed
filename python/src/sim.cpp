// alvh::sim bindings: the Monte Carlo path engine (alvh/sim/engine.hpp) and its distribution
// statistics (alvh/sim/statistics.hpp). simulate() mirrors `alvh simulate` (same defaults, same
// numbers for the same seed) and returns the per-path outcomes as numpy arrays (moved, not
// copied) plus the CLI's summary statistics; the engine runs with the GIL released.
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "alvh/hedge/hedge_leg.hpp"
#include "alvh/sim/config.hpp"
#include "alvh/sim/engine.hpp"
#include "alvh/sim/statistics.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {

py::object finite_or_none(double v) { return std::isfinite(v) ? py::object(py::float_(v)) : py::object(py::none()); }

// The same keys as the CLI's `alvh --json simulate` statistics (apps/alvh/cmd_simulate.cpp).
py::dict stats_dict(const sim::DistributionStats& s) {
  py::dict q, iq, irr, d;
  for (const auto& [level, v] : s.quantiles) q[py::str(fmt::format("p{:02.0f}", level * 100))] = v;
  for (const auto& [level, v] : s.irr_quantiles) iq[py::str(fmt::format("p{:02.0f}", level * 100))] = finite_or_none(v);
  irr["mean"] = finite_or_none(s.irr_mean);
  irr["quantiles"] = iq;
  d["mean"] = s.mean, d["stderr"] = s.std_error, d["stdev"] = s.stdev, d["min"] = s.min, d["max"] = s.max;
  d["quantiles"] = q;
  d["var95"] = s.var95, d["cvar95"] = s.cvar95, d["var99"] = s.var99, d["cvar99"] = s.cvar99;
  d["prob_loss"] = s.prob_loss;
  d["irr"] = irr;
  return d;
}

double number(const py::dict& d, const char* key, double fallback) {
  return d.contains(key) ? d[key].cast<double>() : fallback;
}

// Model tables given as dicts override the config file's ([merton], [heston], [regime]).
void apply_model_params(sim::SimConfig& cfg, const py::object& merton, const py::object& heston,
                        const py::object& regime) {
  auto check_keys = [](const py::dict& d, const char* table, std::initializer_list<const char*> allowed) {
    for (const auto& [k, v] : d) {
      const std::string key = py::str(k);
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }))
        throw DomainError(fmt::format("{}: unknown key '{}'", table, key));
    }
  };
  if (!merton.is_none()) {
    const auto d = merton.cast<py::dict>();
    check_keys(d, "merton", {"intensity", "jump_mean", "jump_stdev"});
    cfg.merton.intensity = number(d, "intensity", cfg.merton.intensity);
    cfg.merton.jump_mean = number(d, "jump_mean", cfg.merton.jump_mean);
    cfg.merton.jump_stdev = number(d, "jump_stdev", cfg.merton.jump_stdev);
  }
  if (!heston.is_none()) {
    const auto d = heston.cast<py::dict>();
    check_keys(d, "heston", {"v0", "kappa", "theta", "vol_of_vol", "rho"});
    if (d.contains("v0")) cfg.heston.v0 = d["v0"].cast<double>();
    if (d.contains("theta")) cfg.heston.theta = d["theta"].cast<double>();
    cfg.heston.kappa = number(d, "kappa", cfg.heston.kappa);
    cfg.heston.vol_of_vol = number(d, "vol_of_vol", cfg.heston.vol_of_vol);
    cfg.heston.rho = number(d, "rho", cfg.heston.rho);
  }
  if (!regime.is_none()) {
    const auto d = regime.cast<py::dict>();
    check_keys(d, "regime", {"vols", "generator", "initial_state"});
    if (d.contains("vols")) cfg.regime.vols = d["vols"].cast<std::vector<double>>();
    if (d.contains("generator")) {
      // Accept a nested list / 2-D array (n x n) or a flat row-major list.
      const auto g = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(d["generator"]);
      if (!g) throw DomainError("regime.generator: expected an n x n array of numbers");
      cfg.regime.generator.assign(g.data(), g.data() + g.size());
    }
    if (d.contains("initial_state")) cfg.regime.initial_state = d["initial_state"].cast<int>();
  }
}

sim::StaticHedgeLeg leg_from_dict(const py::handle& h, std::size_t i) {
  const auto d = h.cast<py::dict>();
  auto get = [&](const char* key) {
    if (!d.contains(key)) throw DomainError(fmt::format("hedge[{}]: missing key '{}'", i, key));
    return d[key].cast<double>();
  };
  sim::StaticHedgeLeg leg;
  const std::string type = d.contains("type") ? std::string(py::str(d["type"])) : std::string();
  if (type == "put") leg.kind = sim::OptionKind::Put;
  else if (type == "call") leg.kind = sim::OptionKind::Call;
  else throw DomainError(fmt::format("hedge[{}].type: expected 'put' or 'call', got '{}'", i, type));
  leg.strike = get("strike");
  leg.expiry_years = get("expiry_years");
  leg.quantity = get("quantity");
  leg.premium = get("premium");
  if (!(leg.strike > 0.0 && std::isfinite(leg.strike)))
    throw DomainError(fmt::format("hedge[{}].strike: expected a finite number > 0, got {}", i, leg.strike));
  if (!(leg.expiry_years > 0.0 && std::isfinite(leg.expiry_years)))
    throw DomainError(fmt::format("hedge[{}].expiry_years: expected a finite number > 0, got {}", i, leg.expiry_years));
  if (!std::isfinite(leg.quantity) || !(leg.premium >= 0.0 && std::isfinite(leg.premium)))
    throw DomainError(fmt::format("hedge[{}]: quantity must be finite and premium a finite number >= 0", i));
  return leg;
}

py::dict simulate(const std::string& model_name, double price, double vol, double drift, double t_years, int steps,
                  std::uint64_t paths, std::uint64_t seed, int threads, double range_lower, double range_upper,
                  double capital, bool v2, double fee_apr, const py::object& hedge, const std::string& config,
                  const py::object& merton, const py::object& heston, const py::object& regime,
                  const py::object& hedge_marking, const py::object& mark_vol, std::size_t chunk_size, bool stats,
                  const py::object& normals) {
  // The CLI's edge checks (apps/alvh/cmd_simulate.cpp), with argument names.
  require(price > 0.0 && std::isfinite(price), "price", "a finite number > 0", price);
  require(vol >= 0.0 && std::isfinite(vol), "vol", "a finite number >= 0", vol);
  require(paths > 0, "paths", "at least 1", static_cast<double>(paths));
  require(threads >= 0, "threads", "a number >= 0 (0 = all cores)", threads);
  require(chunk_size > 0, "chunk_size", "at least 1", static_cast<double>(chunk_size));
  sim::SimConfig cfg;
  if (!config.empty()) cfg = sim::load_sim_config(config);
  apply_model_params(cfg, merton, heston, regime);
  const sim::PriceModel model = sim::make_model(model_name, drift, vol, cfg);
  sim::validate(model);

  const amm::PriceRange range = v2 ? amm::PriceRange::full() : amm::PriceRange{range_lower, range_upper};
  amm::validate(range);
  const sim::PositionSpec pos{price, range, capital, fee_apr};
  sim::HedgeSpec hs;
  hs.marking = cfg.hedge.mark;
  if (!hedge_marking.is_none()) {
    const std::string mark = py::str(hedge_marking);
    if (mark == "black76") hs.marking = sim::HedgeMarking::Black76;
    else if (mark == "intrinsic") hs.marking = sim::HedgeMarking::Intrinsic;
    else throw DomainError("hedge_marking: expected 'black76' or 'intrinsic', got '" + mark + "'");
  }
  hs.mark_vol = mark_vol.is_none() ? cfg.hedge.vol.value_or(vol) : mark_vol.cast<double>();
  if (py::isinstance<py::str>(hedge)) {
    for (const auto& l : hedge::read_hedge_json(hedge.cast<std::string>()))
      hs.legs.push_back({l.type == options::OptionType::Call ? sim::OptionKind::Call : sim::OptionKind::Put, l.strike,
                         l.expiry_years, l.quantity, l.premium});
  } else if (!hedge.is_none()) {
    std::size_t i = 0;
    for (const auto& h : hedge) hs.legs.push_back(leg_from_dict(h, i++));
  }

  sim::SimulationSpec spec;
  spec.t_years = t_years;
  spec.steps = steps;
  spec.paths = paths;
  spec.seed = seed;
  const int hw = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  spec.threads = threads > 0 ? std::min(threads, hw) : 0;
  spec.chunk_size = chunk_size;
  spec.events = cfg.events;
  spec.normals = cfg.engine.normals;  // the config's [engine] normals, default fast
  if (!normals.is_none()) {
    const std::string n = py::str(normals);
    if (n != "fast" && n != "exact") throw DomainError("normals: expected 'fast' or 'exact', got '" + n + "'");
    spec.normals = n == "exact" ? sim::NormalMethod::Exact : sim::NormalMethod::Fast;
  }

  sim::SimulationResult res;
  py::dict d;
  {
    py::gil_scoped_release release;
    res = sim::simulate(model, pos, hs, spec);
  }
  auto& o = res.paths;
  if (stats) {
    py::dict s, comp;
    {
      // Summaries sort copies of the arrays: also without the GIL.
      sim::DistributionStats s_hodl, s_lp, s_hedged;
      double mf = 0, ml = 0, mi = 0, mr = 0, mp = 0;
      {
        py::gil_scoped_release release;
        s_hodl = sim::summarize(o.hodl, capital, t_years);
        s_lp = sim::summarize(o.lp, capital, t_years);
        s_hedged = sim::summarize(o.lp_hedged, capital, t_years);
        mf = sim::mean(o.fees), ml = sim::mean(o.lvr), mi = sim::mean(o.il), mr = sim::mean(o.time_in_range);
        mp = sim::mean(o.terminal_price);
      }
      s["hodl"] = stats_dict(s_hodl);
      s["lp"] = stats_dict(s_lp);
      s["lp_hedged"] = stats_dict(s_hedged);
      comp["liquidity"] = res.liquidity, comp["mean_fees"] = mf, comp["mean_lvr"] = ml, comp["mean_il"] = mi;
      comp["mean_time_in_range"] = mr;
      d["stats"] = s;
      d["lp_components"] = comp;
      d["mean_terminal_price"] = mp;
    }
  }
  d["terminal_price"] = to_numpy(std::move(o.terminal_price));
  d["hodl"] = to_numpy(std::move(o.hodl));
  d["lp"] = to_numpy(std::move(o.lp));
  d["lp_hedged"] = to_numpy(std::move(o.lp_hedged));
  d["fees"] = to_numpy(std::move(o.fees));
  d["lvr"] = to_numpy(std::move(o.lvr));
  d["il"] = to_numpy(std::move(o.il));
  d["time_in_range"] = to_numpy(std::move(o.time_in_range));
  d["liquidity"] = res.liquidity;
  d["initial_value"] = res.initial_value;
  d["net_premium"] = res.net_premium;
  d["model"] = sim::model_name(model);
  return d;
}
}  // namespace

void bind_sim(py::module_& m) {
  m.def("simulate", &simulate, py::arg("model") = "gbm", py::arg("price") = 3000.0, py::arg("vol") = 0.70,
        py::arg("drift") = 0.0, py::arg("t_years") = 30.0 / 365.0, py::arg("steps") = 30, py::arg("paths") = 100000,
        py::arg("seed") = 1, py::arg("threads") = 0, py::arg("range_lower") = 2400.0, py::arg("range_upper") = 3750.0,
        py::arg("capital") = 100000.0, py::arg("v2") = false, py::arg("fee_apr") = 0.0,
        py::arg("hedge") = py::none(), py::arg("config") = "", py::arg("merton") = py::none(),
        py::arg("heston") = py::none(), py::arg("regime") = py::none(), py::arg("hedge_marking") = py::none(),
        py::arg("mark_vol") = py::none(), py::arg("chunk_size") = 1024, py::arg("stats") = true,
        py::arg("normals") = py::none(),
        "Monte Carlo of an LP position, its HODL benchmark and a static option hedge (docs/sim.md); the Python\n"
        "twin of `alvh simulate`, with the same defaults and, for the same seed, the same numbers.\n\n"
        "model: 'gbm' | 'merton' | 'heston' | 'regime' | 'bootstrap' (bootstrap and calibrated regimes need\n"
        "config, a TOML file as for --config). merton / heston / regime: dicts overriding that table of the\n"
        "config (e.g. merton={'intensity': 5, 'jump_mean': -0.05, 'jump_stdev': 0.1}). hedge: None, the path of\n"
        "an alvh.hedge JSON document, or a list of leg dicts {type, strike, expiry_years, quantity, premium}.\n"
        "hedge_marking: 'black76' (at mark_vol, default vol) or 'intrinsic'. Path i depends only on (seed, i):\n"
        "results do not depend on threads or chunk_size. normals: 'fast' (default: float32 inverse CDF with exact\n"
        "AS 241 beyond |z| 5.25) or 'exact' (AS 241 in double); the same uniforms, so the same paths to float precision.\n\n"
        "Returns a dict: per-path float64 arrays terminal_price, hodl, lp, lp_hedged, fees, lvr, il,\n"
        "time_in_range; scalars liquidity, initial_value, net_premium, model; and when stats=True the CLI's\n"
        "statistics: stats = {hodl, lp, lp_hedged: {mean, stderr, stdev, min, max, quantiles, var95, cvar95,\n"
        "var99, cvar99, prob_loss, irr}}, lp_components, mean_terminal_price. alvh.to_frame(result) gives\n"
        "one row per path. The engine runs with the GIL released.");
  m.def(
      "summarize",
      [](const DoubleArray& terminal, double v0, double t_years, const std::vector<double>& levels) {
        const std::span<const double> x(terminal.data(), static_cast<std::size_t>(terminal.size()));
        sim::DistributionStats s;
        {
          py::gil_scoped_release release;
          s = sim::summarize(x, v0, t_years, levels.empty() ? sim::default_quantile_levels() : levels);
        }
        return stats_dict(s);
      },
      py::arg("terminal"), py::arg("v0"), py::arg("t_years"), py::arg("quantile_levels") = std::vector<double>{},
      "Distribution statistics of terminal values against the initial value v0 over t_years: mean, stderr,\n"
      "stdev, min, max, type-7 quantiles, VaR/CVaR 95/99 as positive losses, prob_loss, IRR (ann. log return).");
}

}  // namespace alvh::python
