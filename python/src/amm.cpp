// alvh::amm bindings: the closed-form v3/v2 position model (alvh/amm/position_model.hpp).
// Every function of a price is numpy-vectorised with py::vectorize: a float gives a float, an
// array (any shape, broadcast against the other numeric arguments) gives an array, and the loop
// runs in C++.
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "alvh/amm/position_model.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
// py::vectorize needs the non-vectorised PriceRange by value (pybind11 2.10 cannot take the
// address of a const& pass-through argument); the range is two doubles.
using amm::PriceRange;
double lp_value(PriceRange r, double L, double P) { return amm::lp_value(r, L, P); }
double value_per_liquidity(PriceRange r, double P) { return amm::value_per_liquidity(r, P); }
double liquidity_for_capital(PriceRange r, double capital, double P) { return amm::liquidity_for_capital(r, capital, P); }
double lp_delta(PriceRange r, double L, double P) { return amm::lp_delta(r, L, P); }
double lp_gamma(PriceRange r, double L, double P) { return amm::lp_gamma(r, L, P); }
double hodl_value(PriceRange r, double L, double P0, double P) { return amm::hodl_value(r, L, P0, P); }
double impermanent_loss(PriceRange r, double P0, double P) { return amm::impermanent_loss(r, P0, P); }
double lvr_rate(PriceRange r, double L, double P, double vol) { return amm::lvr_rate(r, L, P, vol); }
double amount0(PriceRange r, double L, double P) { return amm::amounts_for_liquidity(r, L, P).amount0; }
double amount1(PriceRange r, double L, double P) { return amm::amounts_for_liquidity(r, L, P).amount1; }
bool contains(PriceRange r, double P) { return r.contains(P); }
}  // namespace

void bind_amm(py::module_& m) {
  constexpr double inf = std::numeric_limits<double>::infinity();

  py::class_<PriceRange>(m, "PriceRange",
                         "A price range [lower, upper] with 0 <= lower < upper <= inf (token1 per token0).\n"
                         "PriceRange() or PriceRange.full() is the Uniswap v2 full range (0, inf).\n"
                         "Validated on construction (alvh.DomainError otherwise); immutable.")
      .def(py::init([](double lower, double upper) {
             PriceRange r{lower, upper};
             amm::validate(r);
             return r;
           }),
           py::arg("lower") = 0.0, py::arg("upper") = inf,
           "Range [lower, upper]; raises alvh.DomainError unless 0 <= lower < upper.")
      .def_static("full", &PriceRange::full, "The Uniswap v2 full range (0, inf).")
      .def_readonly("lower", &PriceRange::lower, "Lower price pa.")
      .def_readonly("upper", &PriceRange::upper, "Upper price pb (inf for v2).")
      .def("is_full", &PriceRange::is_full, "True for the v2 full range.")
      .def("contains", py::vectorize(&contains),
           py::arg("price"), "True where lower < price < upper (vectorised over price).")
      .def("__repr__",
           [](const PriceRange& r) {
             std::ostringstream os;
             os.precision(17);
             os << "PriceRange(lower=" << r.lower << ", upper=" << r.upper << ")";
             return os.str();
           })
      .def("__eq__", [](const PriceRange& a, const PriceRange& b) { return a.lower == b.lower && a.upper == b.upper; })
      .def(py::pickle([](const PriceRange& r) { return py::make_tuple(r.lower, r.upper); },
                      [](const py::tuple& t) {
                        PriceRange r{t[0].cast<double>(), t[1].cast<double>()};
                        amm::validate(r);
                        return r;
                      }));

  m.def(
      "amounts_for_liquidity",
      [](const PriceRange& r, const py::object& liquidity, const py::object& price) {
        return py::make_tuple(py::vectorize(&amount0)(r, liquidity, price), py::vectorize(&amount1)(r, liquidity, price));
      },
      py::arg("range"), py::arg("liquidity"), py::arg("price"),
      "Token amounts (amount0 = X, amount1 = Y, human units) of liquidity L at price P, clamped to the\n"
      "range (Uniswap v3 whitepaper eq. 6.29-6.30). Returns a tuple (amount0, amount1) of floats or arrays.");
  m.def("lp_value", py::vectorize(&lp_value), py::arg("range"), py::arg("liquidity"), py::arg("price"),
        "Value V(P) = x P + y of liquidity L at price P, in the numeraire Y (vectorised).");
  m.def("value_per_liquidity", py::vectorize(&value_per_liquidity), py::arg("range"), py::arg("price"),
        "V(P)/L = 2 sqrt(P) - P/sqrt(pb) - sqrt(pa) in range (vectorised).");
  m.def("liquidity_for_capital", py::vectorize(&liquidity_for_capital), py::arg("range"), py::arg("capital"),
        py::arg("price"),
        "Liquidity bought by `capital` (in Y) at price P: L = capital / value_per_liquidity.\n"
        "Raises alvh.DomainError for capital <= 0 or price <= 0.");
  m.def(
      "liquidity_for_amounts",
      [](const PriceRange& r, double amount0, double amount1, double price) {
        return amm::liquidity_for_amounts(r, amm::TokenAmounts{amount0, amount1}, price);
      },
      py::arg("range"), py::arg("amount0"), py::arg("amount1"), py::arg("price"),
      "Liquidity from token amounts at P: the binding token's (whitepaper §6.3).");
  m.def("lp_delta", py::vectorize(&lp_delta), py::arg("range"), py::arg("liquidity"), py::arg("price"),
        "dV/dP = x(P), the LP's X holding (vectorised).");
  m.def("lp_gamma", py::vectorize(&lp_gamma), py::arg("range"), py::arg("liquidity"), py::arg("price"),
        "d2V/dP2 = -L/(2 P^1.5) strictly inside the range, 0 outside (vectorised).");
  m.def("hodl_value", py::vectorize(&hodl_value), py::arg("range"), py::arg("liquidity"),
        py::arg("entry_price"), py::arg("price"),
        "Value at P of the amounts deposited at entry_price: x0 P + y0 (vectorised).");
  m.def("impermanent_loss", py::vectorize(&impermanent_loss), py::arg("range"), py::arg("entry_price"),
        py::arg("price"),
        "IL = V_LP(P)/V_HODL(P) - 1 <= 0 for a position opened at entry_price (vectorised).\n"
        "v2: 2 sqrt(r)/(1+r) - 1 with r = P/P0. Raises alvh.DomainError for prices <= 0.");
  m.def("lvr_rate", py::vectorize(&lvr_rate), py::arg("range"), py::arg("liquidity"), py::arg("price"),
        py::arg("vol_annual"),
        "Instantaneous LVR rate sigma^2 L sqrt(P)/4 in range, 0 outside (Milionis et al. 2022), Y per year\n"
        "with annual sigma (vectorised).");
  m.def("capital_efficiency", &amm::capital_efficiency, py::arg("range"),
        "Capital efficiency against v2 at P = sqrt(pa pb): 1/(1 - (pa/pb)^(1/4)).");
}

}  // namespace alvh::python
