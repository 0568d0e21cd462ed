"""Distributed sweeps: a Dask LocalCluster sweep equals the in-process sweep, row for row."""
import pandas as pd
import pytest

import alvh
from alvh.sweep import config_seed, grid, sweep, sweep_local

BASE = {"paths": 400, "steps": 6, "t_years": 30 / 365}
CONFIGS = grid(range_lower=[2400.0, 2700.0], vol=[0.5, 0.9], fee_apr=[0.1, 0.3])


def test_grid_is_the_cartesian_product_in_order():
    g = grid(a=[1, 2], b=[3, 4])
    assert g == [{"a": 1, "b": 3}, {"a": 1, "b": 4}, {"a": 2, "b": 3}, {"a": 2, "b": 4}]
    assert len(CONFIGS) == 8


def test_seeds_depend_on_the_config_not_its_position():
    assert config_seed(1, {"a": 1, "b": 2}) == config_seed(1, {"b": 2, "a": 1})
    assert config_seed(1, {"a": 1}) != config_seed(2, {"a": 1})
    assert config_seed(1, {"a": 1}) != config_seed(1, {"a": 2})


def test_in_process_sweep_rows_equal_single_runs():
    frame = sweep_local(CONFIGS[:3], base=BASE, chunk_size=2)
    assert list(frame.index) == [0, 1, 2]
    params = {**BASE, **CONFIGS[1]}
    seed = int(frame.at[1, "seed"])  # 63-bit: read it from its int64 column, not a float row
    assert seed == config_seed(1, params)
    res = alvh.simulate(**params, seed=seed, threads=1)
    assert frame.at[1, "lp_mean"] == res["stats"]["lp"]["mean"]
    assert frame.at[1, "lp_cvar95"] == res["stats"]["lp"]["cvar95"]


def test_chunking_does_not_change_the_sweep():
    pd.testing.assert_frame_equal(sweep_local(CONFIGS, base=BASE, chunk_size=1),
                                  sweep_local(CONFIGS, base=BASE, chunk_size=5), check_exact=True)


def test_dask_local_cluster_sweep_equals_in_process_sweep():
    pytest.importorskip("dask.distributed")
    local = sweep_local(CONFIGS, base=BASE, chunk_size=3)
    distributed = sweep(CONFIGS, base=BASE, chunk_size=3, n_workers=2, processes=False)
    pd.testing.assert_frame_equal(distributed, local, check_exact=True)
    assert len(distributed) == len(CONFIGS)
    assert (distributed["lp_mean"] > 0).all()


def test_risk_engine_sweep_is_closed_form():
    frame = sweep_local(grid(vol_annual=[0.4, 0.8]), engine="risk")
    assert frame.loc[1, "lvr_rate_annual"] == pytest.approx(4 * frame.loc[0, "lvr_rate_annual"], rel=1e-12)


def test_bad_sweep_arguments_raise():
    with pytest.raises(alvh.DomainError, match="engine: expected one of"):
        sweep_local(CONFIGS, engine="nope")
    with pytest.raises(alvh.DomainError, match="configs: expected at least one config"):
        sweep_local([])
    with pytest.raises(TypeError):
        sweep_local([{"no_such_argument": 1}], base=BASE)


def test_dask_backtest_sweep_equals_in_process_sweep():
    pytest.importorskip("dask.distributed")
    configs = grid(**{"lp.range_width": [0.15, 0.3], "layer2.bump": [1.0, 2.0]})
    base = {"synthetic.years": 0.1, "strategies": ["hodl", "steward"]}
    local = sweep_local(configs, base=base, engine="backtest", chunk_size=2)
    distributed = sweep(configs, base=base, engine="backtest", chunk_size=2, n_workers=2, processes=False)
    pd.testing.assert_frame_equal(distributed, local, check_exact=True)
    assert {"steward_irr", "hodl_final_nav"} <= set(local.columns)
