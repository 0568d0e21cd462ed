// alvh::options bindings: Black-76 / BSM prices and greeks (linear and inverse settlement) and
// Black implied volatility (Jäckel's "Let's Be Rational" method), from alvh/options/black.hpp
// and alvh/options/implied_vol.hpp.
//
// Two kinds of entry points:
//   * scalar-or-array functions (black76_price, bsm_price, implied_vol_*): py::vectorize, any
//     numeric argument may be an array and they broadcast; one option type per call;
//   * *_batch functions over 1-D arrays (structure of arrays, scalars broadcast, `is_call` per
//     row): the loop runs in C++ with the GIL released, which is what a 1 M-option book needs
//     (bench/python_bench.py). An invalid row raises alvh.DomainError naming the row.
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <vector>

#include "alvh/options/batch.hpp"
#include "alvh/options/black.hpp"
#include "alvh/options/implied_vol.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
using options::OptionType;
using options::Settlement;

// An input column of a batch: n values, or one value broadcast to every row.
struct Column {
  const double* data;
  bool broadcast;
  double operator[](std::size_t i) const { return data[broadcast ? 0 : i]; }
};

// Common length of the batch inputs (arrays of length 1 broadcast); DomainError otherwise.
std::size_t batch_size(std::initializer_list<std::pair<const DoubleArray*, const char*>> cols) {
  std::size_t n = 1;
  for (const auto& [a, name] : cols)
    if (a->size() != 1) {
      if (n != 1 && static_cast<std::size_t>(a->size()) != n)
        throw DomainError(fmt::format("{}: expected {} elements (or 1), got {}", name, n, a->size()));
      n = static_cast<std::size_t>(a->size());
    }
  for (const auto& [a, name] : cols)
    if (a->size() == 0) throw DomainError(fmt::format("{}: expected at least one element", name));
  return n;
}

Column column(const DoubleArray& a) { return {a.data(), a.size() == 1}; }

std::vector<unsigned char> call_flags(const py::array_t<bool, py::array::c_style | py::array::forcecast>& is_call,
                                      std::size_t n) {
  if (is_call.size() != 1 && static_cast<std::size_t>(is_call.size()) != n)
    throw DomainError(fmt::format("is_call: expected {} elements (or 1), got {}", n, is_call.size()));
  std::vector<unsigned char> flags(n);
  const bool* p = is_call.data();
  for (std::size_t i = 0; i < n; ++i) flags[i] = p[is_call.size() == 1 ? 0 : i] ? 1 : 0;
  return flags;
}

// Runs body(i) for every row with the GIL released; a DomainError names the failing row.
template <class Body>
void for_each_row(std::size_t n, Body&& body) {
  py::gil_scoped_release release;
  std::size_t i = 0;
  try {
    for (; i < n; ++i) body(i);
  } catch (const DomainError& e) {
    throw DomainError(fmt::format("row {}: {}", i, e.what()));
  }
}

using BoolArray = py::array_t<bool, py::array::c_style | py::array::forcecast>;

// Full input columns for the SIMD kernel (which takes spans of length n): broadcast scalars.
std::vector<double> full_column(const DoubleArray& a, std::size_t n) {
  std::vector<double> v(n);
  const double* p = a.data();
  if (a.size() == 1) std::fill(v.begin(), v.end(), p[0]);
  else std::copy(p, p + n, v.begin());
  return v;
}

// The C++ batch kernel (options::bsm_greeks_batch: Highway SIMD + SLEEF erfc) on numpy columns.
// Columns already of length n are used in place; only broadcast scalars are materialised.
struct BsmColumns {
  std::size_t n;
  std::vector<unsigned char> call;
  std::vector<std::vector<double>> owned;
  std::span<const double> spot, strike, t_years, rate, yield, vol;
};

BsmColumns bsm_columns(const py::array_t<bool, py::array::c_style | py::array::forcecast>& is_call,
                       const DoubleArray& spot, const DoubleArray& strike, const DoubleArray& t_years,
                       const DoubleArray& rate, const DoubleArray& yield, const DoubleArray& vol) {
  BsmColumns c;
  c.n = batch_size({{&spot, "spot"}, {&strike, "strike"}, {&t_years, "t_years"}, {&rate, "rate"},
                    {&yield, "yield_"}, {&vol, "vol"}});
  c.call = call_flags(is_call, c.n);
  c.owned.reserve(6);
  auto col = [&c](const DoubleArray& a) -> std::span<const double> {
    if (static_cast<std::size_t>(a.size()) == c.n) return {a.data(), c.n};
    c.owned.push_back(full_column(a, c.n));
    return c.owned.back();
  };
  c.spot = col(spot), c.strike = col(strike), c.t_years = col(t_years), c.rate = col(rate), c.yield = col(yield);
  c.vol = col(vol);
  return c;
}

void run_bsm_kernel(const BsmColumns& c, const options::GreeksBatch& out) {
  py::gil_scoped_release release;
  options::bsm_greeks_batch(c.call, c.spot, c.strike, c.t_years, c.rate, c.yield, c.vol, out);
}

DoubleArray bsm_price_batch(const BoolArray& is_call, const DoubleArray& spot, const DoubleArray& strike,
                            const DoubleArray& t_years, const DoubleArray& rate, const DoubleArray& yield,
                            const DoubleArray& vol) {
  const BsmColumns c = bsm_columns(is_call, spot, strike, t_years, rate, yield, vol);
  DoubleArray out(static_cast<py::ssize_t>(c.n));
  {
    py::gil_scoped_release release;
    options::bsm_price_batch(c.call, c.spot, c.strike, c.t_years, c.rate, c.yield, c.vol,
                             std::span<double>(out.mutable_data(), c.n));  // price-only SIMD kernel
  }
  return out;
}

DoubleArray black76_price_batch(const BoolArray& is_call, const DoubleArray& forward, const DoubleArray& strike,
                                const DoubleArray& t_years, const DoubleArray& vol, const DoubleArray& discount) {
  const std::size_t n = batch_size(
      {{&forward, "forward"}, {&strike, "strike"}, {&t_years, "t_years"}, {&vol, "vol"}, {&discount, "discount"}});
  const auto call = call_flags(is_call, n);
  DoubleArray out(static_cast<py::ssize_t>(n));
  double* o = out.mutable_data();
  const Column F = column(forward), K = column(strike), T = column(t_years), v = column(vol), D = column(discount);
  for_each_row(n, [&](std::size_t i) {
    o[i] = options::black76_price(call[i] ? OptionType::Call : OptionType::Put, F[i], K[i], T[i], v[i], D[i]);
  });
  return out;
}

py::dict greeks_to_dict(const options::Greeks& g) {
  py::dict d;
  d["price"] = g.price, d["delta"] = g.delta, d["gamma"] = g.gamma, d["vega"] = g.vega;
  d["theta"] = g.theta, d["rho"] = g.rho, d["vanna"] = g.vanna, d["volga"] = g.volga;
  return d;
}

// py::vectorize wrappers (the enum is a pass-through argument, by value).
double bsm_price_v(OptionType t, double S, double K, double T, double r, double q, double v) {
  return options::bsm_price(t, S, K, T, r, q, v);
}
double black76_price_v(OptionType t, double F, double K, double T, double v, double D) {
  return options::black76_price(t, F, K, T, v, D);
}
double iv_black76_v(OptionType t, double price, double F, double K, double T, double D) {
  return options::implied_vol_black76(t, price, F, K, T, D);
}
double iv_bsm_v(OptionType t, double price, double S, double K, double T, double r, double q, Settlement s) {
  return options::implied_vol_bsm(t, price, S, K, T, r, q, s);
}
}  // namespace

void bind_options(py::module_& m) {
  py::enum_<OptionType>(m, "OptionType", "Call or put.")
      .value("Call", OptionType::Call)
      .value("Put", OptionType::Put);
  py::enum_<Settlement>(m, "Settlement",
                        "Linear (paid in the quote currency) or Inverse (coin-settled, Deribit style: price in "
                        "coin = V_usd / S).")
      .value("Linear", Settlement::Linear)
      .value("Inverse", Settlement::Inverse);

  // ArbitrageBoundsError(alvh.DomainError): a price outside the no-arbitrage bounds.
  // A raw, never-released type object: a static py::object would be dec-ref'd after the
  // interpreter has finalised.
  static PyObject* arbitrage = PyErr_NewExceptionWithDoc(
      "alvh.ArbitrageBoundsError",
      "A price at or outside the no-arbitrage bounds, where no finite implied volatility exists.",
      m.attr("DomainError").ptr(), nullptr);
  if (!arbitrage) throw py::error_already_set();
  m.attr("ArbitrageBoundsError") = py::handle(arbitrage);
  py::register_exception_translator([](std::exception_ptr p) {  // NOLINT(performance-unnecessary-value-param): pybind11 takes void(*)(std::exception_ptr)
    try {
      if (p) std::rethrow_exception(p);
    } catch (const options::ArbitrageBoundsError& e) {
      PyErr_SetString(arbitrage, e.what());
    }
  });

  m.def("black76_price", py::vectorize(&black76_price_v), py::arg("type"), py::arg("forward"), py::arg("strike"),
        py::arg("t_years"), py::arg("vol"), py::arg("discount") = 1.0,
        "Black-76 price D E[(F_T - K)^+] (call) on a forward, per unit underlying (vectorised over the numeric\n"
        "arguments). Raises alvh.DomainError naming the argument outside its domain.");
  m.def("bsm_price", py::vectorize(&bsm_price_v), py::arg("type"), py::arg("spot"), py::arg("strike"),
        py::arg("t_years"), py::arg("rate"), py::arg("yield_"), py::arg("vol"),
        "Black-Scholes-Merton price on spot with continuously compounded rate and yield/carry q\n"
        "(vectorised over the numeric arguments).");
  m.def(
      "bsm_greeks",
      [](OptionType t, double S, double K, double T, double r, double q, double v, Settlement s) {
        return greeks_to_dict(options::bsm_greeks(t, S, K, T, r, q, v, s));
      },
      py::arg("type"), py::arg("spot"), py::arg("strike"), py::arg("t_years"), py::arg("rate"), py::arg("yield_"),
      py::arg("vol"), py::arg("settlement") = Settlement::Linear,
      "BSM price and greeks as a dict: price, delta, gamma, vega (per 1.00 vol), theta (per year, dV/dt),\n"
      "rho (per 1.00 rate), vanna, volga. Inverse settlement: coin price and premium-adjusted delta.");
  m.def(
      "black76_greeks",
      [](OptionType t, double F, double K, double T, double v, double D) {
        return greeks_to_dict(options::black76_greeks(t, F, K, T, v, D));
      },
      py::arg("type"), py::arg("forward"), py::arg("strike"), py::arg("t_years"), py::arg("vol"),
      py::arg("discount") = 1.0, "Black-76 price and greeks with respect to the forward, as a dict.");
  m.def("implied_vol_black76", py::vectorize(&iv_black76_v), py::arg("type"), py::arg("price"), py::arg("forward"),
        py::arg("strike"), py::arg("t_years"), py::arg("discount") = 1.0,
        "Black implied volatility of a Black-76 price (Jäckel 2015, full double precision; vectorised).\n"
        "Raises alvh.ArbitrageBoundsError outside (D (F-K)^+, D F) for a call.");
  m.def("implied_vol_bsm", py::vectorize(&iv_bsm_v), py::arg("type"), py::arg("price"), py::arg("spot"),
        py::arg("strike"), py::arg("t_years"), py::arg("rate"), py::arg("yield_"),
        py::arg("settlement") = Settlement::Linear,
        "BSM implied volatility (vectorised). For Inverse settlement `price` is the coin price V_usd/spot.");

  m.def("bsm_price_batch", &bsm_price_batch, py::arg("is_call"), py::arg("spot"), py::arg("strike"),
        py::arg("t_years"), py::arg("rate"), py::arg("yield_"), py::arg("vol"),
        "BSM prices of a book of options given as 1-D arrays (length-1 arrays and scalars broadcast; is_call\n"
        "is a bool per row), through the C++ SIMD batch kernel with the GIL released. Returns a float64 array.\n"
        "Invalid rows raise alvh.DomainError naming the first bad row and argument.");
  m.def("black76_price_batch", &black76_price_batch, py::arg("is_call"), py::arg("forward"), py::arg("strike"),
        py::arg("t_years"), py::arg("vol"), py::arg("discount") = 1.0,
        "Black-76 prices of a book of options (1-D arrays, scalars broadcast), GIL released.");
  m.def(
      "bsm_greeks_batch",
      [](const BoolArray& is_call, const DoubleArray& spot, const DoubleArray& strike, const DoubleArray& t_years,
         const DoubleArray& rate, const DoubleArray& yield, const DoubleArray& vol) {
        const BsmColumns c = bsm_columns(is_call, spot, strike, t_years, rate, yield, vol);
        std::vector<DoubleArray> cols;
        cols.reserve(8);
        for (int k = 0; k < 8; ++k) cols.emplace_back(static_cast<py::ssize_t>(c.n));
        auto sp = [&c](DoubleArray& a) { return std::span<double>(a.mutable_data(), c.n); };
        const options::GreeksBatch g{sp(cols[0]), sp(cols[1]), sp(cols[2]), sp(cols[3]),
                                     sp(cols[4]), sp(cols[5]), sp(cols[6]), sp(cols[7])};
        run_bsm_kernel(c, g);
        const char* names[] = {"price", "delta", "gamma", "vega", "theta", "rho", "vanna", "volga"};
        py::dict d;
        for (std::size_t k = 0; k < 8; ++k) d[names[k]] = cols[k];
        return d;
      },
      py::arg("is_call"), py::arg("spot"), py::arg("strike"), py::arg("t_years"), py::arg("rate"), py::arg("yield_"),
      py::arg("vol"),
      "BSM prices and greeks of a book of options through the C++ SIMD batch kernel (options::bsm_greeks_batch,\n"
      "Highway, Cody erfc/erfcx), with the GIL released: dict of float64 arrays (price, delta, gamma, vega, theta,\n"
      "rho, vanna, volga). Agrees with bsm_greeks to ~1e-13 relative (docs/options.md).");
  m.def(
      "bsm_batch_kernel_seconds",
      [](const BoolArray& is_call, const DoubleArray& spot, const DoubleArray& strike, const DoubleArray& t_years,
         const DoubleArray& rate, const DoubleArray& yield, const DoubleArray& vol, int repeats) {
        require(repeats >= 1, "repeats", "at least 1", repeats);
        const BsmColumns c = bsm_columns(is_call, spot, strike, t_years, rate, yield, vol);
        std::vector<double> out(c.n);
        py::gil_scoped_release release;
        double best = 1e300;
        for (int r = 0; r < repeats; ++r) {
          const auto t0 = std::chrono::steady_clock::now();
          options::bsm_price_batch(c.call, c.spot, c.strike, c.t_years, c.rate, c.yield, c.vol, out);  // same kernel
          best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        return best;
      },
      py::arg("is_call"), py::arg("spot"), py::arg("strike"), py::arg("t_years"), py::arg("rate"), py::arg("yield_"),
      py::arg("vol"), py::arg("repeats") = 5,
      "Benchmark helper: the best wall time (seconds) of the C++ price kernel alone over `repeats` runs on\n"
      "preallocated C++ buffers - the C++ throughput bsm_price_batch is compared with (bench/python_bench.py).");
  m.def("batch_simd_target", &options::batch_simd_target, "SIMD target the batch kernel dispatched to (e.g. AVX2).");
  m.def(
      "implied_vol_bsm_batch",
      [](const BoolArray& is_call, const DoubleArray& price, const DoubleArray& spot, const DoubleArray& strike,
         const DoubleArray& t_years, const DoubleArray& rate, const DoubleArray& yield) {
        const std::size_t n = batch_size({{&price, "price"}, {&spot, "spot"}, {&strike, "strike"},
                                          {&t_years, "t_years"}, {&rate, "rate"}, {&yield, "yield_"}});
        const auto call = call_flags(is_call, n);
        // The C++ kernel takes full columns: materialise broadcast scalars.
        auto full = [n](const DoubleArray& a) {
          std::vector<double> v(n);
          for (std::size_t i = 0; i < n; ++i) v[i] = a.data()[a.size() == 1 ? 0 : i];
          return v;
        };
        const auto P = full(price), S = full(spot), K = full(strike), T = full(t_years), r = full(rate),
                   q = full(yield);
        DoubleArray out(static_cast<py::ssize_t>(n));
        std::span<double> vol(out.mutable_data(), n);
        {
          py::gil_scoped_release release;
          options::implied_vol_bsm_batch(call, P, S, K, T, r, q, vol);
        }
        return out;
      },
      py::arg("is_call"), py::arg("price"), py::arg("spot"), py::arg("strike"), py::arg("t_years"), py::arg("rate"),
      py::arg("yield_"),
      "BSM implied vols of a book of option prices (C++ batch kernel, GIL released). Validates every row first\n"
      "and raises alvh.ArbitrageBoundsError / alvh.DomainError naming the first bad row.");
}

}  // namespace alvh::python
