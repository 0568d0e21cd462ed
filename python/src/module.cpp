// The compiled part of the Python package: `alvh._alvh`. python/alvh/__init__.py re-exports it.
#include "bindings.hpp"
#include "alvh/version.hpp"

PYBIND11_MODULE(_alvh, m) {
  namespace ap = alvh::python;
  m.doc() =
      "alvh: Uniswap v2/v3 liquidity positions as short-volatility trades, and their option hedges.\n\n"
      "Compiled bindings of the alvh C++20 library. Units follow docs/conventions.md: price = token1\n"
      "per token0 in human units, volatility annualised, time in years (ACT/365), rates continuously\n"
      "compounded, money in the numeraire token. Functions taking a price accept a float or a numpy\n"
      "array (the loop runs in C++).";
  m.attr("__version__") = alvh::kVersion;
  ap::bind_errors(m);
  ap::bind_amm(m);
  ap::bind_amm_exact(m);
  ap::bind_pool(m);
  ap::bind_signals(m);
  ap::bind_options(m);
  ap::bind_surface(m);
  ap::bind_risk(m);
  ap::bind_hedge(m);
  ap::bind_sim(m);
  ap::bind_backtest(m);
}
