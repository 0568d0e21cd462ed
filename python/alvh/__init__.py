"""alvh: Uniswap v2/v3 liquidity positions as short-volatility trades, and their option hedges.

Python bindings of the alvh C++20 library (docs/python.md). The compiled extension ``alvh._alvh``
holds the numerical code; this package re-exports it and adds pure-Python helpers:

* :func:`alvh.to_frame` - results (dicts of arrays, sweep rows, lists of records) as pandas DataFrames;
* :func:`alvh.position_report` - the ``alvh position`` analysis as a dict (same keys as ``--json``);
* :mod:`alvh.sweep` - parameter sweeps in-process or on a Dask distributed cluster (imported lazily,
  because importing dask is slow).

Units follow docs/conventions.md: price = token1 per token0 in human units, volatility annualised,
time in years (ACT/365), rates continuously compounded, money in the numeraire token.
"""
from . import _alvh
from ._alvh import *  # noqa: F401,F403  (the compiled API)
from ._alvh import __version__  # noqa: F401
from .frames import to_frame  # noqa: F401
from .analysis import position_report  # noqa: F401


def __getattr__(name):
    # `alvh.sweep` without importing dask at `import alvh` time.
    if name == "sweep":
        import importlib

        return importlib.import_module(".sweep", __name__)
    raise AttributeError(f"module 'alvh' has no attribute {name!r}")
