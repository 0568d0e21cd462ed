// alvh::options volatility surface bindings (alvh/options/vol_surface.hpp, chain.hpp): raw SVI
// slices (Gatheral 2004), their fit, Gatheral-Jacquier (2014) arbitrage checks, a VolSurface
// built from documented parameters or fitted to a chain file, and the chain loader.
#include <pybind11/stl.h>

#include <cmath>

#include "alvh/options/chain.hpp"
#include "alvh/options/vol_surface.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
using options::SviParams;
using options::SviSlice;
using options::VolSurface;

// By pointer: py::vectorize would treat a trivial struct passed by value as a numpy record argument.
double svi_w(const SviParams* p, double k) { return options::svi_total_variance(*p, k); }
double surface_iv(const VolSurface* s, double K, double t) { return s->implied_vol(K, t); }
double surface_w(const VolSurface* s, double k, double t) { return s->total_variance(k, t); }
double surface_fwd(const VolSurface* s, double t) { return s->forward(t); }

py::dict quote_dict(const options::OptionQuote& q) {
  py::dict d;
  d["instrument"] = q.instrument, d["type"] = q.type == options::OptionType::Call ? "call" : "put";
  d["strike"] = q.strike, d["expiry_years"] = q.expiry_years, d["bid"] = q.bid, d["ask"] = q.ask;
  d["mark"] = q.mark, d["iv"] = q.iv, d["underlying_price"] = q.underlying_price;
  return d;
}
}  // namespace

void bind_surface(py::module_& m) {
  py::class_<SviParams>(m, "SviParams",
                        "Raw SVI parameters: total variance w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)) at\n"
                        "log-forward-moneyness k = ln(K/F). Validated on construction (alvh.DomainError).")
      .def(py::init([](double a, double b, double rho, double mm, double sigma) {
             SviParams p{a, b, rho, mm, sigma};
             options::validate(p);
             return p;
           }),
           py::arg("a"), py::arg("b"), py::arg("rho"), py::arg("m"), py::arg("sigma"))
      .def_readonly("a", &SviParams::a)
      .def_readonly("b", &SviParams::b)
      .def_readonly("rho", &SviParams::rho)
      .def_readonly("m", &SviParams::m)
      .def_readonly("sigma", &SviParams::sigma)
      .def("total_variance", py::vectorize(&svi_w), py::arg("k"), "w(k) (vectorised over k).")
      .def("g", [](const SviParams& p, double k) { return options::svi_g(p, k); }, py::arg("k"),
           "Gatheral-Jacquier (2014) eq. 2.1 density factor g(k); >= 0 everywhere iff no butterfly arbitrage.")
      .def("__repr__",
           [](const SviParams& p) {
             return "SviParams(a=" + std::to_string(p.a) + ", b=" + std::to_string(p.b) + ", rho=" + std::to_string(p.rho) +
                    ", m=" + std::to_string(p.m) + ", sigma=" + std::to_string(p.sigma) + ")";
           })
      .def(py::pickle([](const SviParams& p) { return py::make_tuple(p.a, p.b, p.rho, p.m, p.sigma); },
                      [](const py::tuple& t) {
                        SviParams p{t[0].cast<double>(), t[1].cast<double>(), t[2].cast<double>(), t[3].cast<double>(),
                                    t[4].cast<double>()};
                        options::validate(p);
                        return p;
                      }));

  m.def(
      "fit_svi",
      [](const DoubleArray& k, const DoubleArray& w, const py::object& weights) {
        const std::size_t n = static_cast<std::size_t>(k.size());
        require_size(w, n, "total_variance");
        std::vector<double> wt(n, 1.0);
        if (!weights.is_none()) {
          const DoubleArray a = weights.cast<DoubleArray>();
          require_size(a, n, "weights");
          wt.assign(a.data(), a.data() + n);
        }
        py::gil_scoped_release release;
        return options::fit_svi({k.data(), n}, {w.data(), n}, wt);
      },
      py::arg("k"), py::arg("total_variance"), py::arg("weights") = py::none(),
      "Weighted least-squares raw SVI fit (quasi-explicit, Zeliade 2009; then Levenberg-Marquardt) to total\n"
      "variances at log-moneyness k (>= 5 points). Returns SviParams.");
  m.def(
      "check_butterfly",
      [](const SviParams& p, double k_lo, double k_hi, int n) {
        const auto c = options::check_butterfly(p, k_lo, k_hi, n);
        py::dict d;
        d["arbitrage_free"] = c.arbitrage_free, d["min_g"] = c.min_g, d["k_at_min_g"] = c.k_at_min_g;
        d["lee_bound_ok"] = c.lee_bound_ok;
        return d;
      },
      py::arg("params"), py::arg("k_lo") = -3.0, py::arg("k_hi") = 3.0, py::arg("n") = 1201,
      "Butterfly check of an SVI slice on a k grid plus Lee's wing bound b (1 + |rho|) <= 2, as a dict.");

  py::class_<VolSurface>(m, "VolSurface",
                         "Implied volatility surface of SVI slices: linear in total variance across expiries at fixed\n"
                         "log-moneyness, log-linear forwards (docs/options.md, 'Volatility surface').")
      .def(py::init([](double spot, const std::vector<py::dict>& slices) {
             std::vector<SviSlice> s;
             for (const auto& d : slices) {
               SviSlice x{};
               x.t_years = d["t_years"].cast<double>();
               x.forward = d["forward"].cast<double>();
               x.params = d["params"].cast<SviParams>();
               s.push_back(x);
             }
             return VolSurface(spot, std::move(s));
           }),
           py::arg("spot"), py::arg("slices"),
           "VolSurface(spot, [{'t_years': T, 'forward': F, 'params': SviParams(...)}, ...]) from documented\n"
           "parameters; alvh.DomainError on non-increasing expiries or bad forwards.")
      .def_static(
          "fit_chain",
          [](const std::string& path, int min_quotes, bool weight_by_vega) {
            const auto chain = options::load_chain(path);
            options::SurfaceFitOptions o;
            o.min_quotes = min_quotes;
            o.weight_by_vega = weight_by_vega;
            py::gil_scoped_release release;
            auto fit = options::fit_surface(chain, o);
            return std::make_pair(std::move(fit.surface), std::move(fit.skipped));
          },
          py::arg("path"), py::arg("min_quotes") = 5, py::arg("weight_by_vega") = true,
          "Loads an option chain file (Deribit book summary CSV/JSON or generic CSV) and fits one SVI slice per\n"
          "expiry. Returns (surface, skipped) with skipped = ['<expiry_years>: <reason>', ...].")
      .def_property_readonly("spot", &VolSurface::spot, "Spot price.")
      .def(
          "slices",
          [](const VolSurface& s) {
            py::list out;
            for (const auto& x : s.slices()) {
              py::dict d;
              d["t_years"] = x.t_years, d["forward"] = x.forward, d["params"] = x.params;
              d["rmse_vol"] = x.rmse_vol, d["n_quotes"] = x.n_quotes, d["k_min"] = x.k_min, d["k_max"] = x.k_max;
              out.append(d);
            }
            return out;
          },
          "The slices as dicts: t_years, forward, params (SviParams), rmse_vol, n_quotes, k_min, k_max.")
      .def("implied_vol", py::vectorize(&surface_iv), py::arg("strike"), py::arg("t_years"),
           "Implied vol at (strike, t_years) (vectorised, broadcasting).")
      .def("total_variance", py::vectorize(&surface_w), py::arg("k"), py::arg("t_years"),
           "Total variance at log-moneyness k = ln(K/F(t)) (vectorised).")
      .def("forward", py::vectorize(&surface_fwd), py::arg("t_years"), "Forward at t (vectorised).")
      .def(
          "shifted",
          [](const VolSurface& s, double new_spot, const std::string& rule) {
            if (rule != "strike" && rule != "moneyness")
              throw DomainError("rule: expected 'strike' or 'moneyness', got '" + rule + "'");
            return s.shifted(new_spot, rule == "strike" ? options::StickyRule::Strike : options::StickyRule::Moneyness);
          },
          py::arg("new_spot"), py::arg("rule") = "strike",
          "The surface after the spot moves to new_spot, sticky 'strike' or sticky 'moneyness'.")
      .def(
          "check_calendar",
          [](const VolSurface& s) {
            const auto c = s.check_calendar();
            py::dict d;
            d["arbitrage_free"] = c.arbitrage_free, d["worst_gap"] = c.worst_gap, d["k_at_worst"] = c.k_at_worst;
            d["slice_at_worst"] = c.slice_at_worst;
            return d;
          },
          "Calendar check w_{i+1}(k) >= w_i(k) (Gatheral-Jacquier 2014 §2), as a dict.");

  m.def(
      "load_chain",
      [](const std::string& path) {
        const auto c = options::load_chain(path);
        py::dict d;
        d["underlying"] = c.underlying, d["spot"] = c.spot;
        py::list q;
        for (const auto& x : c.quotes) q.append(quote_dict(x));
        d["quotes"] = q;
        return d;
      },
      py::arg("path"),
      "Option chain file as a dict {underlying, spot, quotes: [{instrument, type, strike, expiry_years, bid, ask,\n"
      "mark, iv, underlying_price}]} (alvh.to_frame(chain['quotes']) for a DataFrame). alvh.InputError names\n"
      "file, line and field of a bad row.");
}

}  // namespace alvh::python
