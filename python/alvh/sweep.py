"""Parameter sweeps of an alvh engine, in-process or on a Dask distributed cluster.

A sweep is a list of configs (dicts of keyword arguments of the engine, e.g. from :func:`grid`).
Each config gets a deterministic seed (derived from the base seed and the config's own values,
so it does not depend on the grid order, the chunking or the number of workers), the engine
runs once per config, and each run becomes one row: the config's parameters followed by the
engine's summary metrics. :func:`sweep` runs the configs in chunks, one Dask task per chunk;
:func:`sweep_local` runs the same chunks in this process. Both return the same DataFrame, row
for row and bit for bit (tests/test_sweep.py).

Engines (``engine=``):

* ``"simulate"`` - :func:`alvh.simulate` (the Monte Carlo engine; arrays are reduced to the CLI's
  statistics): rows hold lp/lp_hedged/hodl mean, stdev, VaR/CVaR 95, prob_loss and the LP
  components (fees, LVR, IL, time in range);
* ``"backtest"`` - :func:`alvh.run_backtest` with the config's dotted keys as overrides (e.g.
  ``{"lp.range_width": 0.3, "layer2.bump": 2}``; key ``"config"`` names a TOML file); the seed
  drives ``synthetic.seed`` unless given; rows hold final NAV, IRR, Sharpe, max drawdown and CVaR
  per strategy;
* ``"risk"`` - :func:`alvh.risk_report` (closed form; no seed);
* any picklable callable ``f(config: dict, seed: int) -> dict`` of scalars (define it at module
  level so that worker processes can import it).

Example::

    import alvh
    from alvh.sweep import grid, sweep
    configs = grid(range_lower=[2000, 2400, 2700], vol=[0.5, 0.7, 0.9], fee_apr=[0.1, 0.2])
    frame = sweep(configs, base={"paths": 20000}, n_workers=2)              # LocalCluster
    frame = sweep(configs, scheduler_address="tcp://10.0.0.5:8786")        # an existing cluster
"""
import hashlib
import itertools
import os
import struct

from . import _alvh

__all__ = ["grid", "config_seed", "run_chunk", "sweep_local", "sweep", "ENGINES"]


def grid(**axes):
    """Cartesian product of the given axes as a list of dicts, in row-major order of the
    keyword arguments (the last axis varies fastest). ``grid(a=[1, 2], b=[3])`` ->
    ``[{'a': 1, 'b': 3}, {'a': 2, 'b': 3}]``."""
    names = list(axes)
    values = [list(v) if isinstance(v, (list, tuple, range)) or hasattr(v, "__iter__") and not isinstance(v, str)
              else [v] for v in axes.values()]
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


def config_seed(base_seed, config):
    """Deterministic 63-bit seed of one config: SHA-256 of the base seed and the config's items
    (sorted by key, values by repr). Independent of the config's position in the grid."""
    text = repr((int(base_seed), sorted((str(k), repr(v)) for k, v in config.items())))
    return struct.unpack("<Q", hashlib.sha256(text.encode()).digest()[:8])[0] >> 1


# ---- engines: f(params, seed) -> dict of scalars ------------------------------------------------

def _simulate_row(params, seed):
    kwargs = dict(params)
    kwargs.setdefault("threads", 1)  # parallelism comes from the sweep; results do not depend on it
    kwargs["seed"] = seed
    res = _alvh.simulate(**kwargs)
    row = {}
    for name in ("lp", "lp_hedged", "hodl"):
        s = res["stats"][name]
        row.update({f"{name}_mean": s["mean"], f"{name}_stdev": s["stdev"], f"{name}_var95": s["var95"],
                    f"{name}_cvar95": s["cvar95"], f"{name}_prob_loss": s["prob_loss"]})
    comp = res["lp_components"]
    row.update({"liquidity": res["liquidity"], "net_premium": res["net_premium"], "mean_fees": comp["mean_fees"],
                "mean_lvr": comp["mean_lvr"], "mean_il": comp["mean_il"],
                "mean_time_in_range": comp["mean_time_in_range"]})
    return row


def _risk_row(params, seed):
    del seed  # closed form
    rep = _alvh.risk_report(**params)
    return {k: v for k, v in rep.items() if not hasattr(v, "__len__")}


def _backtest_row(params, seed):
    overrides = {k: v for k, v in params.items() if k != "config"}
    overrides.setdefault("synthetic.seed", seed % (1 << 62))  # the synthetic history of this config
    res = _alvh.run_backtest(config=params.get("config", ""), overrides=overrides)
    row = {}
    for name, s in res["strategies"].items():
        m = s["metrics"]
        row.update({f"{name}_final_nav": m["final_nav"], f"{name}_irr": m["irr"], f"{name}_sharpe": m["sharpe"],
                    f"{name}_max_drawdown": m["max_drawdown"], f"{name}_cvar": m["cvar"]})
    return row


ENGINES = {"simulate": _simulate_row, "risk": _risk_row, "backtest": _backtest_row}


def _engine(engine):
    if callable(engine):
        return engine
    try:
        return ENGINES[engine]
    except KeyError:
        raise _alvh.DomainError(f"engine: expected one of {sorted(ENGINES)} or a callable, got {engine!r}") from None


def run_chunk(chunk, engine="simulate", base=None, base_seed=1):
    """Runs one chunk of configs: a list of (index, config) pairs. Returns a list of
    (index, row) pairs. This is the unit of work of a Dask task."""
    f = _engine(engine)
    base = dict(base or {})
    out = []
    for index, config in chunk:
        params = {**base, **config}
        seed = config_seed(base_seed, params)
        row = {"config": index, **config, "seed": seed}
        row.update(f(params, seed))
        out.append((index, row))
    return out


def _chunks(configs, chunk_size):
    if chunk_size < 1:
        raise _alvh.DomainError(f"chunk_size: expected at least 1, got {chunk_size}")
    items = list(enumerate(dict(c) for c in configs))
    if not items:
        raise _alvh.DomainError("configs: expected at least one config")
    return [items[i:i + chunk_size] for i in range(0, len(items), chunk_size)]


def _frame(results):
    import pandas as pd

    rows = [row for _, row in sorted(itertools.chain.from_iterable(results), key=lambda p: p[0])]
    return pd.DataFrame.from_records(rows).set_index("config")


def sweep_local(configs, base=None, engine="simulate", chunk_size=4, base_seed=1):
    """The sweep in this process, chunk by chunk (the reference for :func:`sweep`)."""
    return _frame(run_chunk(c, engine, base, base_seed) for c in _chunks(configs, chunk_size))


def _package_parent():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sweep(configs, base=None, engine="simulate", chunk_size=4, base_seed=1, n_workers=2, scheduler_address=None,
          client=None, processes=True, threads_per_worker=1):
    """The sweep on a Dask distributed cluster, one task per chunk of ``chunk_size`` configs.

    Cluster: ``client`` (an existing dask.distributed.Client) if given; else
    ``scheduler_address`` (e.g. ``"tcp://host:8786"``: the workers must be able to ``import alvh``);
    else a LocalCluster of ``n_workers`` workers (``processes=True``: one process each, with
    ``threads_per_worker`` threads), started and closed by this call. Returns the same DataFrame as
    :func:`sweep_local` with the same arguments: one row per config, indexed by its position in
    ``configs``.
    """
    from dask.distributed import Client, LocalCluster

    chunks = _chunks(configs, chunk_size)
    own = cluster = None
    if client is None:
        if scheduler_address:
            client = own = Client(scheduler_address)
        else:
            # Worker processes must find this very package: put its parent on their PYTHONPATH.
            parent = _package_parent()
            path = os.environ.get("PYTHONPATH", "")
            if parent not in path.split(os.pathsep):
                os.environ["PYTHONPATH"] = parent + (os.pathsep + path if path else "")
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=processes,
                                   dashboard_address=None)
            client = own = Client(cluster)
    try:
        futures = client.map(run_chunk, chunks, engine=engine, base=base, base_seed=base_seed, pure=False)
        results = client.gather(futures)
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
    return _frame(results)
