"""Monte Carlo bindings: the same numbers as `alvh --json simulate`, determinism across threads
and chunking, numpy arrays per path, statistics against numpy, and clear errors."""
import numpy as np
import pytest

import alvh

SMALL = dict(paths=3000, steps=12, seed=7, t_years=30 / 365, fee_apr=0.2)


def test_simulate_equals_cli_json(cli):
    res = alvh.simulate(**SMALL)
    doc = cli("simulate", "--paths", 3000, "--steps", 12, "--seed", 7, "--t-years", repr(30 / 365), "--fee-apr", 0.2)
    for name in ("hodl", "lp", "lp_hedged"):
        py, c = res["stats"][name], doc[name]
        for key in ("mean", "stderr", "stdev", "min", "max", "var95", "cvar95", "var99", "cvar99", "prob_loss"):
            assert py[key] == pytest.approx(c[key], rel=1e-14, abs=1e-9), (name, key)
        assert py["quantiles"] == pytest.approx(c["quantiles"], rel=1e-14)
    for key, value in doc["lp_components"].items():
        assert res["lp_components"][key] == pytest.approx(value, rel=1e-14, abs=1e-12), key


def test_results_do_not_depend_on_threads_or_chunk_size():
    a = alvh.simulate(**SMALL, threads=1, chunk_size=1024, stats=False)
    b = alvh.simulate(**SMALL, threads=2, chunk_size=97, stats=False)
    for key in ("terminal_price", "hodl", "lp", "lp_hedged", "fees", "lvr", "il", "time_in_range"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_per_path_arrays_and_to_frame():
    res = alvh.simulate(**SMALL)
    assert res["lp"].dtype == np.float64 and res["lp"].shape == (3000,)
    frame = alvh.to_frame(res)
    assert list(frame.columns) == ["terminal_price", "hodl", "lp", "lp_hedged", "fees", "lvr", "il", "time_in_range"]
    assert len(frame) == 3000 and frame.attrs["liquidity"] == res["liquidity"]
    # HODL is x0 P_T + y0 with the amounts deposited at P0 (REFERENCES.md §4c): exact identity.
    x0, y0 = alvh.amounts_for_liquidity(alvh.PriceRange(2400, 3750), res["liquidity"], 3000.0)
    np.testing.assert_allclose(res["hodl"], x0 * res["terminal_price"] + y0, rtol=1e-12)


def test_gbm_terminal_price_is_a_martingale_within_four_standard_errors():
    res = alvh.simulate(paths=20000, steps=4, seed=3, vol=0.7, t_years=0.25, threads=1)
    P = res["terminal_price"]
    assert abs(P.mean() - 3000.0) < 4 * P.std(ddof=1) / np.sqrt(len(P))


def test_summarize_matches_numpy():
    x = np.random.default_rng(5).normal(100.0, 10.0, 999)
    s = alvh.summarize(x, 100.0, 0.5, [0.05, 0.5, 0.95])
    assert s["mean"] == pytest.approx(x.mean(), rel=1e-14)
    assert s["stdev"] == pytest.approx(x.std(ddof=1), rel=1e-12)
    assert s["quantiles"]["p05"] == pytest.approx(np.quantile(x, 0.05), rel=1e-14)  # type 7 = numpy default
    assert s["quantiles"]["p95"] == pytest.approx(np.quantile(x, 0.95), rel=1e-14)
    assert s["prob_loss"] == pytest.approx(np.mean(x < 100.0), abs=0)


def test_hedge_legs_from_dicts_change_the_hedged_outcome_by_their_payoff():
    put = {"type": "put", "strike": 2700.0, "expiry_years": 30 / 365, "quantity": 10.0, "premium": 50.0}
    base = dict(SMALL, hedge_marking="intrinsic")
    plain = alvh.simulate(**base)
    hedged = alvh.simulate(**base, hedge=[put])
    payoff = 10.0 * np.maximum(2700.0 - hedged["terminal_price"], 0.0)
    np.testing.assert_allclose(hedged["lp_hedged"], plain["lp"] + payoff - 10.0 * 50.0, rtol=1e-12)
    assert hedged["net_premium"] == pytest.approx(500.0)


def test_bad_simulation_inputs_raise_clear_errors():
    with pytest.raises(alvh.DomainError, match=r"^paths: expected at least 1, got 0$"):
        alvh.simulate(paths=0)
    with pytest.raises(alvh.DomainError, match="vol: expected a finite number >= 0"):
        alvh.simulate(vol=-0.1, paths=10)
    with pytest.raises(alvh.InputError, match="unknown model 'garch'") as info:
        alvh.simulate(model="garch", paths=10)
    assert info.value.field == "model"
    with pytest.raises(alvh.DomainError, match=r"hedge\[0\].type: expected 'put' or 'call'"):
        alvh.simulate(paths=10, hedge=[{"type": "straddle", "strike": 1, "expiry_years": 1, "quantity": 1,
                                        "premium": 0}])
    with pytest.raises(alvh.DomainError, match="merton: unknown key 'lambda'"):
        alvh.simulate(model="merton", paths=10, merton={"lambda": 3})


def test_fast_and_exact_normals_give_the_same_paths_to_float_precision():
    # Both generators invert the normal CDF at the same Philox uniform (docs/sim.md).
    f = alvh.simulate(paths=3000, steps=10, seed=4, threads=1, normals="fast")
    e = alvh.simulate(paths=3000, steps=10, seed=4, threads=1, normals="exact")
    np.testing.assert_allclose(f["terminal_price"], e["terminal_price"], rtol=1e-5)
    assert not np.array_equal(f["terminal_price"], e["terminal_price"])  # they are different generators
    with pytest.raises(alvh.DomainError):
        alvh.simulate(paths=10, normals="gaussian")
