// alvh::hedge bindings: the legs of an alvh.hedge document (alvh/hedge/hedge_leg.hpp).
#include <pybind11/stl.h>

#include <cmath>
#include <limits>

#include "alvh/hedge/hedge_leg.hpp"
#include "alvh/hedge/hedge_request.hpp"
#include "alvh/hedge/optimiser.hpp"
#include "alvh/options/chain.hpp"
#include "alvh/risk/position_risk.hpp"
#include "alvh/hedge/static_replication.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
py::dict strip_dict(const hedge::ReplicationStrip& s) {
  py::dict d;
  d["expansion_point"] = s.expansion_point, d["bond"] = s.bond, d["forward_quantity"] = s.forward_quantity;
  py::list opts;
  for (const auto& o : s.options) {
    py::dict x;
    x["type"] = o.type == options::OptionType::Call ? "call" : "put", x["strike"] = o.strike, x["weight"] = o.weight;
    opts.append(x);
  }
  d["options"] = opts;
  return d;
}

hedge::ReplicationStrip strip_from(const py::dict& d) {
  hedge::ReplicationStrip s;
  s.expansion_point = d["expansion_point"].cast<double>();
  s.bond = d["bond"].cast<double>();
  s.forward_quantity = d["forward_quantity"].cast<double>();
  for (const auto& h : d["options"]) {
    const auto o = h.cast<py::dict>();
    const std::string type = py::str(o["type"]);
    if (type != "call" && type != "put") throw DomainError("strip option type: expected 'call' or 'put', got '" + type + "'");
    s.options.push_back({type == "call" ? options::OptionType::Call : options::OptionType::Put,
                         o["strike"].cast<double>(), o["weight"].cast<double>()});
  }
  return s;
}

hedge::LpPayoff payoff_of(const amm::PriceRange& range, double liquidity, double entry_price, const std::string& kind) {
  if (kind != "lp_minus_hodl" && kind != "lp_value")
    throw DomainError("payoff: expected 'lp_minus_hodl' or 'lp_value', got '" + kind + "'");
  require(liquidity > 0.0 && std::isfinite(liquidity), "liquidity", "a finite number > 0", liquidity);
  require(entry_price > 0.0 && std::isfinite(entry_price), "entry_price", "a finite number > 0", entry_price);
  return {range, liquidity, entry_price,
          kind == "lp_value" ? hedge::ReplicatedPayoff::LpValue : hedge::ReplicatedPayoff::LpMinusHodl};
}
}  // namespace

py::object json_to_python(const std::string& dumped) {
  // Leaked on purpose: a static py::object would be dec-ref'd after interpreter finalisation.
  static py::handle loads = py::object(py::module_::import("json").attr("loads")).release();
  return loads(dumped);
}

void bind_hedge(py::module_& m) {
  m.def(
      "read_hedge_json",
      [](const std::string& path) {
        py::list legs;
        for (const auto& leg : hedge::read_hedge_json(path)) legs.append(json_to_python(hedge::to_json(leg).dump()));
        return legs;
      },
      py::arg("path"),
      "The legs of an alvh.hedge document (written by `alvh --json hedge`) as a list of dicts: instrument,\n"
      "type ('put'|'call'), strike, expiry_years, quantity (signed, + = long, units of underlying), premium\n"
      "(per unit underlying, numeraire), side ('buy'|'sell'). Raises alvh.InputError naming the file and\n"
      "field when the file is missing, is not an alvh.hedge document, or a leg is malformed.");

  m.def(
      "carr_madan_strip",
      [](const amm::PriceRange& range, double liquidity, double entry_price, double forward,
         const py::object& strikes, const std::string& payoff, std::size_t n_points) {
        require(forward > 0.0 && std::isfinite(forward), "forward", "a finite number > 0", forward);
        const auto p = payoff_of(range, liquidity, entry_price, payoff);
        if (strikes.is_none()) return strip_dict(hedge::carr_madan_continuous(p, forward, n_points));
        return strip_dict(hedge::carr_madan_discrete(p, forward, strikes.cast<std::vector<double>>()));
      },
      py::arg("range"), py::arg("liquidity"), py::arg("entry_price"), py::arg("forward"),
      py::arg("strikes") = py::none(), py::arg("payoff") = "lp_minus_hodl", py::arg("n_points") = 200,
      "Carr-Madan (1998) static replication of the LP's horizon payoff ('lp_minus_hodl' or 'lp_value'):\n"
      "f(S) = f(K*) + f'(K*)(S - K*) + strip of puts below / calls above K* with weights f''(K) dK (negative:\n"
      "the LP is short them; the hedge buys their negatives). strikes=None: continuous strip by Gauss-Legendre\n"
      "quadrature; else the discrete strip on the listed strikes. Returns a dict {expansion_point, bond,\n"
      "forward_quantity, options: [{type, strike, weight}]}.");
  m.def(
      "strip_payoff",
      [](const py::dict& strip, const DoubleArray& price) {
        const auto s = strip_from(strip);
        DoubleArray out = empty_like(price);
        const double* p = price.data();
        double* o = out.mutable_data();
        for (py::ssize_t i = 0; i < price.size(); ++i) o[i] = hedge::strip_payoff(s, p[i]);
        return out;
      },
      py::arg("strip"), py::arg("price"), "Horizon payoff of a strip (from carr_madan_strip) at prices (array).");
  m.def(
      "strip_price",
      [](const py::dict& strip, double forward, double t_years, double discount, double vol) {
        return hedge::strip_price(strip_from(strip), forward, t_years, discount, vol);
      },
      py::arg("strip"), py::arg("forward"), py::arg("t_years"), py::arg("discount"), py::arg("vol"),
      "Present value of a strip with Black-76 at a flat vol on the forward.");
  m.def(
      "optimise_hedge",
      [](const amm::PriceRange& range, double price, double capital, double vol, double fee_apr, double horizon_days,
         double rate, const std::string& chain, const std::string& objective, double budget, double tail_sigma,
         double max_hedge_ratio, double cvar_level, double lot_size, double beta, bool use_parity, double strike_step,
         double spread_vol, const std::string& density) {
        hedge::HedgeSpec spec;
        spec.density = hedge::parse_density(density);
        auto& pos = spec.position;
        pos.range = range;
        pos.price = price;
        pos.capital = capital;
        pos.vol_annual = vol;
        pos.fee_apr = fee_apr;
        require(horizon_days > 0.0 && std::isfinite(horizon_days), "horizon_days", "a finite number > 0", horizon_days);
        pos.horizon_years = horizon_days / 365.0;
        pos.rate = rate;
        risk::validate(pos);
        spec.objective = hedge::parse_objective(objective);
        require(budget >= 0.0, "budget", "a number >= 0 (inf: unlimited)", budget);
        spec.budget = budget;
        spec.tail_sigma = tail_sigma;
        spec.max_hedge_ratio = max_hedge_ratio;
        spec.cvar_level = cvar_level;
        spec.lot_size = lot_size;
        spec.beta = beta;
        spec.use_parity = use_parity;
        std::string dumped;
        {
          py::gil_scoped_release nogil;
          if (!chain.empty())
            hedge::attach_chain(spec, options::load_chain(chain));
          else
            hedge::attach_synthetic_chain(spec, strike_step, spread_vol);
          dumped = hedge::hedge_result_json(spec, hedge::optimise_hedge(spec)).dump();
        }
        return json_to_python(dumped);
      },
      py::arg("range"), py::arg("price"), py::arg("capital"), py::arg("vol"), py::kw_only(), py::arg("fee_apr") = 0.0,
      py::arg("horizon_days") = 30.0, py::arg("rate") = 0.0, py::arg("chain") = "", py::arg("objective") = "variance",
      py::arg("budget") = std::numeric_limits<double>::infinity(), py::arg("tail_sigma") = 2.5,
      py::arg("max_hedge_ratio") = 1.0, py::arg("cvar_level") = 0.95, py::arg("lot_size") = 0.0, py::arg("beta") = 1.0,
      py::arg("use_parity") = true, py::arg("strike_step") = 0.0, py::arg("spread_vol") = 0.01, py::arg("density") = "auto",
      "The Layer-1 hedge optimiser (variance QP or CVaR LP with premium budget, gamma cap, tail coverage, lots and\n"
      "put-call parity; docs/risk-hedge.md) on a listed chain file (chain=path, Deribit or generic CSV/JSON) or on a\n"
      "generated strike grid priced at `vol` (strike_step <= 0: 2% of the price; spread_vol: half spread in vol).\n"
      "density: 'auto' (SVI smile density of the chain when its smile is not flat, else lognormal), 'smile' or\n"
      "'lognormal'. budget is in numeraire (inf: unlimited). Returns the same dict as `alvh --json hedge` (without the schema\n"
      "envelope): legs, costs, greeks before/after, residuals by sigma move, break-even prices. Infeasible\n"
      "requests raise alvh.DomainError stating the minimum feasible budget.");
}

}  // namespace alvh::python
