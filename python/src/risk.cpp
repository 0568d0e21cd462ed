// alvh::risk bindings: the LP position as a short-volatility trade (alvh/risk/position_risk.hpp):
// greeks, expected IL under a lognormal terminal price and its vega, theta = fees - LVR,
// fee-implied vols and break-even prices; risk_report_batch runs the SoA kernel for many
// positions with the GIL released.
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "alvh/risk/position_risk.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
using amm::PriceRange;

py::dict report_dict(const risk::RiskReport& r) {
  py::dict d;
  d["liquidity"] = r.liquidity, d["amount0"] = r.amount0, d["amount1"] = r.amount1, d["value"] = r.value;
  d["delta"] = r.delta, d["gamma"] = r.gamma, d["dollar_gamma"] = r.dollar_gamma;
  d["lvr_rate_annual"] = r.lvr_rate_annual, d["fee_income_annual"] = r.fee_income_annual;
  d["theta_per_day"] = r.theta_per_day, d["forward"] = r.forward;
  d["expected_lp_value"] = r.expected_lp_value, d["expected_hodl_value"] = r.expected_hodl_value;
  d["expected_il"] = r.expected_il, d["expected_il_pct"] = r.expected_il_pct, d["vega_il"] = r.vega_il;
  d["fees_horizon"] = r.fees_horizon;
  d["price_at_sigma"] = to_numpy(std::vector<double>(r.price_at_sigma.begin(), r.price_at_sigma.end()));
  d["il_at_sigma"] = to_numpy(std::vector<double>(r.il_at_sigma.begin(), r.il_at_sigma.end()));
  d["fee_implied_vol"] = r.fee_implied_vol;
  d["break_even_lower"] = r.break_even_lower, d["break_even_upper"] = r.break_even_upper;
  return d;
}

double expected_lp_value_v(PriceRange r, double L, double F, double vol, double T) {
  return risk::expected_lp_value(r, L, F, vol, T);
}
double expected_lp_value_vega_v(PriceRange r, double L, double F, double vol, double T) {
  return risk::expected_lp_value_vega(r, L, F, vol, T);
}
double fee_implied_vol_v(PriceRange r, double P, double fee_apr) { return risk::fee_implied_vol(r, P, fee_apr); }
}  // namespace

void bind_risk(py::module_& m) {
  m.def(
      "risk_report",
      [](double price, double range_lower, double range_upper, double capital, double vol_annual, double fee_apr,
         double horizon_years, double rate, double liquidity, bool v2) {
        risk::PositionInputs in;
        in.range = v2 ? PriceRange::full() : PriceRange{range_lower, range_upper};
        in.price = price, in.capital = capital, in.liquidity = liquidity, in.vol_annual = vol_annual;
        in.fee_apr = fee_apr, in.horizon_years = horizon_years, in.rate = rate;
        risk::validate(in);
        return report_dict(risk::risk_report(in));
      },
      py::arg("price") = 3000.0, py::arg("range_lower") = 2400.0, py::arg("range_upper") = 3750.0,
      py::arg("capital") = 100000.0, py::arg("vol_annual") = 0.70, py::arg("fee_apr") = 0.0,
      py::arg("horizon_years") = 30.0 / 365.0, py::arg("rate") = 0.0, py::arg("liquidity") = 0.0,
      py::arg("v2") = false,
      "Risk report of an LP position (docs/risk-hedge.md) as a dict: liquidity, amounts, value, delta, gamma,\n"
      "dollar_gamma, lvr_rate_annual, fee_income_annual, theta_per_day, forward, expected_lp_value,\n"
      "expected_hodl_value, expected_il (Y, <= 0), expected_il_pct, vega_il, fees_horizon, price_at_sigma and\n"
      "il_at_sigma (arrays over k = -3..3 sigma moves), fee_implied_vol, break_even_lower/upper (NaN: none).\n"
      "liquidity > 0 overrides capital. Defaults: the embedded default position. alvh.DomainError names a bad field.");
  m.def(
      "risk_report_batch",
      [](const DoubleArray& price, const DoubleArray& range_lower, const DoubleArray& range_upper,
         const DoubleArray& capital, const DoubleArray& vol_annual, const DoubleArray& fee_apr,
         const DoubleArray& horizon_years) {
        const std::size_t n = static_cast<std::size_t>(price.size());
        const std::pair<const DoubleArray*, const char*> cols[] = {{&range_lower, "range_lower"},
                                                                   {&range_upper, "range_upper"},
                                                                   {&capital, "capital"},
                                                                   {&vol_annual, "vol_annual"},
                                                                   {&fee_apr, "fee_apr"},
                                                                   {&horizon_years, "horizon_years"}};
        for (const auto& [a, name] : cols) require_size(*a, n, name);
        // Validate at the edge so that a bad row is an error naming it, not a silent NaN.
        for (std::size_t i = 0; i < n; ++i) {
          risk::PositionInputs in;
          in.range = PriceRange{range_lower.data()[i], range_upper.data()[i]};
          in.price = price.data()[i], in.capital = capital.data()[i], in.vol_annual = vol_annual.data()[i];
          in.fee_apr = fee_apr.data()[i], in.horizon_years = horizon_years.data()[i];
          try {
            amm::validate(in.range);
            risk::validate(in);
          } catch (const DomainError& e) {
            throw DomainError(fmt::format("row {}: {}", i, e.what()));
          }
        }
        const char* names[] = {"liquidity",       "value",         "delta",       "gamma",          "lvr_rate_annual",
                               "theta_per_day",   "expected_il",   "vega_il",     "fee_implied_vol"};
        std::vector<DoubleArray> out;
        out.reserve(9);
        for (int k = 0; k < 9; ++k) out.emplace_back(static_cast<py::ssize_t>(n));
        auto span = [n](DoubleArray& a) { return std::span<double>(a.mutable_data(), n); };
        auto cspan = [n](const DoubleArray& a) { return std::span<const double>(a.data(), n); };
        const risk::PositionBatchIn in{cspan(price),      cspan(range_lower), cspan(range_upper), cspan(capital),
                                       cspan(vol_annual), cspan(fee_apr),     cspan(horizon_years)};
        const risk::PositionBatchOut o{span(out[0]), span(out[1]), span(out[2]), span(out[3]), span(out[4]),
                                       span(out[5]), span(out[6]), span(out[7]), span(out[8])};
        {
          py::gil_scoped_release release;
          risk::risk_report_batch(in, o, 0, n);
        }
        py::dict d;
        for (int k = 0; k < 9; ++k) d[names[k]] = out[static_cast<std::size_t>(k)];
        return d;
      },
      py::arg("price"), py::arg("range_lower"), py::arg("range_upper"), py::arg("capital"), py::arg("vol_annual"),
      py::arg("fee_apr"), py::arg("horizon_years"),
      "Risk of many positions at once (1-D arrays of one length; range_lower = 0 and range_upper = inf give v2;\n"
      "rate 0). Returns a dict of arrays: liquidity, value, delta, gamma, lvr_rate_annual, theta_per_day,\n"
      "expected_il, vega_il, fee_implied_vol. Rows are validated first (alvh.DomainError names the row); the\n"
      "C++ kernel then runs with the GIL released.");
  m.def("expected_lp_value", py::vectorize(&expected_lp_value_v), py::arg("range"), py::arg("liquidity"),
        py::arg("forward"), py::arg("vol_annual"), py::arg("t_years"),
        "E[V_LP(S_T)] for lognormal S_T with forward F, closed form from partial moments (vectorised).");
  m.def("expected_lp_value_vega", py::vectorize(&expected_lp_value_vega_v), py::arg("range"), py::arg("liquidity"),
        py::arg("forward"), py::arg("vol_annual"), py::arg("t_years"),
        "d E[V_LP(S_T)] / d sigma in closed form (vectorised).");
  m.def("expected_lp_value_quadrature", &risk::expected_lp_value_quadrature, py::arg("range"), py::arg("liquidity"),
        py::arg("forward"), py::arg("vol_annual"), py::arg("t_years"), py::arg("n_per_piece") = 64,
        "E[V_LP(S_T)] by Gauss-Legendre quadrature (a cross-check of expected_lp_value).");
  m.def("fee_implied_vol", py::vectorize(&fee_implied_vol_v), py::arg("range"), py::arg("price"), py::arg("fee_apr"),
        "Vol at which fee income equals LVR (Milionis et al. 2022); v2: sqrt(8 fee_apr). NaN out of range.");
  m.def("lambert_fee_implied_vol", py::vectorize(&risk::lambert_fee_implied_vol), py::arg("fee_tier"),
        py::arg("volume_per_day"), py::arg("tick_tvl"),
        "Lambert (2021): IV = 2 fee_tier sqrt(volume_per_day / tick_tvl) sqrt(365) (vectorised).");
  m.def("fee_apr_from_volume", py::vectorize(&risk::fee_apr_from_volume), py::arg("fee_tier"),
        py::arg("volume_per_day"), py::arg("tvl"), "Pool fee APR: fee_tier volume_per_day 365 / tvl (vectorised).");
  m.def(
      "break_even_prices",
      [](const PriceRange& r, double L, double P, double fees) {
        const auto b = risk::break_even_prices(r, L, P, fees);
        return py::make_tuple(b.lower, b.upper);
      },
      py::arg("range"), py::arg("liquidity"), py::arg("price"), py::arg("fees"),
      "(lower, upper) prices where V_LP - V_HODL + fees = 0; NaN where there is none.");
}

}  // namespace alvh::python
