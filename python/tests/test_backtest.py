"""Backtest bindings: equity curves as numpy arrays, config overrides with clear errors, the
attribution identity, determinism, and the DataFrame view."""
import numpy as np
import pandas as pd
import pytest

import alvh

SHORT = {"synthetic.years": 0.25}


@pytest.fixture(scope="module")
def result():
    return alvh.run_backtest(overrides=SHORT)


def test_equity_curves_are_numpy_arrays_over_the_bars(result):
    n = len(result["price"])
    assert result["time"].dtype == np.int64 and len(result["time"]) == n
    assert set(result["strategies"]) == {"hodl", "promoter", "static_l1", "steward", "perp_hedge"}
    for name, s in result["strategies"].items():
        assert s["nav"].shape == (n,), name
        assert s["metrics"]["final_nav"] == s["nav"][-1], name


def test_attribution_sums_to_the_nav_change(result):
    # Ledger identity of docs/backtest.md: the components sum to final NAV - initial capital.
    capital = 100000.0
    for name, s in result["strategies"].items():
        assert s["attribution"]["total"] == pytest.approx(s["nav"][-1] - capital, rel=1e-9, abs=1e-6), name
        np.testing.assert_allclose(s["attributed"], s["nav"] - capital, rtol=1e-9, atol=1e-6)


def test_same_config_same_numbers(result):
    again = alvh.run_backtest(overrides=SHORT)
    for name in result["strategies"]:
        np.testing.assert_array_equal(again["strategies"][name]["nav"], result["strategies"][name]["nav"])


def test_overrides_change_the_run_and_the_rendered_config():
    toml = alvh.backtest_config_toml(overrides={"lp.range_width": 0.3, "strategies": ["hodl", "steward"]})
    assert "range_width = 0.3" in toml
    r = alvh.run_backtest(overrides={**SHORT, "strategies": ["hodl", "steward"]})
    assert list(r["strategies"]) == ["hodl", "steward"]


def test_to_frame_gives_equity_curves_indexed_by_time(result):
    frame = alvh.to_frame(result)
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert list(frame.columns) == ["price", "hodl", "promoter", "static_l1", "steward", "perp_hedge"]
    assert frame["steward"].iloc[-1] == result["strategies"]["steward"]["nav"][-1]
    summary = alvh.to_frame(result, what="metrics")
    assert summary.loc["hodl", "final_nav"] == result["strategies"]["hodl"]["metrics"]["final_nav"]


def test_bad_backtest_config_raises_input_error_naming_the_key():
    with pytest.raises(alvh.InputError, match="unknown key 'lp.nope'") as info:
        alvh.run_backtest(overrides={"lp.nope": 1})
    assert info.value.field == "lp.nope"
    with pytest.raises(alvh.Error):
        alvh.run_backtest(overrides={"lp.range_width": -1.0})


def test_layer1_optimiser_method_through_overrides():
    # layer1.method = optimiser (docs/backtest.md): the hedge optimiser picks Layer 1 in the bar
    # loop; the ledger identity still holds and the result says which Layer 1 ran.
    r = alvh.run_backtest(overrides={**SHORT, "strategies": ["promoter", "static_l1"], "layer1.method": "optimiser",
                                     "layer1.objective": "cvar", "lp.hedge_reserve": 0.3})
    s = r["strategies"]["static_l1"]
    np.testing.assert_allclose(s["attributed"], s["nav"] - 100000.0, rtol=1e-9, atol=1e-6)
    assert any("optimiser (cvar objective" in n for n in r["notes"])
    with pytest.raises(alvh.Error, match="layer1.method"):
        alvh.run_backtest(overrides={**SHORT, "layer1.method": "optimizer"})


def test_xirr_and_drawdown_match_hand_computations():
    # One period: -100 at t = 0, +110 at t = 1 -> 10 %; two years doubling -> sqrt(2) - 1.
    assert alvh.xirr([0.0, 1.0], [-100.0, 110.0]) == pytest.approx(0.10, rel=1e-12)
    assert alvh.xirr([0.0, 2.0], [-1.0, 2.0]) == pytest.approx(2 ** 0.5 - 1, rel=1e-12)
    assert alvh.max_drawdown(np.array([100.0, 120.0, 90.0, 130.0])) == pytest.approx(0.25, rel=1e-15)


def test_python_main_job_example_runs_and_writes_a_png(tmp_path):
    # examples/python_main_job.py is also a regression test (STYLE.md: examples that are tests).
    import os
    import pathlib
    import subprocess
    import sys

    script = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python_main_job.py"
    out = tmp_path / "job.png"
    proc = subprocess.run([sys.executable, str(script), "--out", str(out), "--paths", "500", "--backtest-years", "0.1"],
                          capture_output=True, text=True, env=dict(os.environ, MPLBACKEND="Agg"))
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000 and out.read_bytes()[:4] == b"\x89PNG"
    assert "Hedge:" in proc.stdout and "steward" in proc.stdout


def test_run_backtest_equals_cli_json(cli, tmp_path):
    # The same TOML config through `alvh --json backtest --config` and through the bindings.
    cfg = tmp_path / "bt.toml"
    cfg.write_text("[synthetic]\nseed = 7\nyears = 0.25\n")
    doc = cli("backtest", "--config", cfg)
    py = alvh.run_backtest(config=str(cfg))
    assert [s["name"] for s in doc["strategies"]] == list(py["strategies"])
    for s in doc["strategies"]:
        mine = py["strategies"][s["name"]]["metrics"]
        for key in ("final_nav", "total_return", "sharpe", "max_drawdown"):
            assert mine[key] == pytest.approx(s["metrics"][key], rel=1e-12, abs=1e-12), (s["name"], key)
