"""Risk bindings against REFERENCES.md §4d (lognormal expectation of the v2 LP) and the batch
kernel against the scalar report; hedge document legs."""
import json
import math

import numpy as np
import pytest

import alvh


def test_expected_v2_value_matches_references_4d():
    # REFERENCES.md §4d [PY]: F = 2000, sigma = 0.8, T = 30/365, L = 1: E[V] = 2 L sqrt(F) exp(-sigma^2 T/8).
    ev = alvh.expected_lp_value(alvh.PriceRange.full(), 1.0, 2000.0, 0.8, 30 / 365)
    assert ev == pytest.approx(88.85653189364476, rel=1e-12)
    q = alvh.expected_lp_value_quadrature(alvh.PriceRange(1500, 2500), 1.0, 2000.0, 0.8, 30 / 365)
    assert alvh.expected_lp_value(alvh.PriceRange(1500, 2500), 1.0, 2000.0, 0.8, 30 / 365) == pytest.approx(q, rel=1e-10)


def test_v2_fee_implied_vol_is_sqrt_8_fee_apr():
    # Milionis et al. (2022): v2 LVR/V = sigma^2/8, so fees = LVR at sigma = sqrt(8 fee_apr).
    assert alvh.fee_implied_vol(alvh.PriceRange.full(), 2000.0, 0.05) == pytest.approx(math.sqrt(0.4), rel=1e-14)


def test_risk_report_batch_agrees_with_scalar_reports():
    rng = np.random.default_rng(9)
    n = 50
    price = rng.uniform(2000, 4000, n)
    lower = price * rng.uniform(0.6, 0.95, n)
    upper = price * rng.uniform(1.05, 1.6, n)
    capital = rng.uniform(1e3, 1e6, n)
    vol = rng.uniform(0.3, 1.2, n)
    fee = rng.uniform(0.0, 0.5, n)
    horizon = rng.uniform(0.01, 1.0, n)
    batch = alvh.risk_report_batch(price, lower, upper, capital, vol, fee, horizon)
    for i in range(n):
        rep = alvh.risk_report(price[i], lower[i], upper[i], capital[i], vol[i], fee[i], horizon[i])
        for key in ("liquidity", "value", "delta", "gamma", "lvr_rate_annual", "theta_per_day", "expected_il",
                    "vega_il"):
            assert batch[key][i] == pytest.approx(rep[key], rel=1e-12, abs=1e-12), (i, key)


def test_risk_report_lvr_equals_position_model():
    rep = alvh.risk_report()
    L = alvh.liquidity_for_capital(alvh.PriceRange(2400, 3750), 100000.0, 3000.0)
    assert rep["liquidity"] == pytest.approx(L, rel=1e-15)
    assert rep["lvr_rate_annual"] == pytest.approx(alvh.lvr_rate(alvh.PriceRange(2400, 3750), L, 3000.0, 0.7), rel=1e-15)
    assert rep["price_at_sigma"].shape == (7,)


def test_bad_risk_inputs_raise_naming_the_row_or_field():
    with pytest.raises(alvh.DomainError, match=r"^row 1: "):
        alvh.risk_report_batch([3000.0, -1.0], [2400.0, 2400.0], [3750.0, 3750.0], [1e5, 1e5], [0.7, 0.7],
                               [0.0, 0.0], [0.1, 0.1])
    with pytest.raises(alvh.DomainError, match="range_upper: expected 2 elements"):
        alvh.risk_report_batch([3000.0, 3000.0], [2400.0, 2400.0], [3750.0], [1e5, 1e5], [0.7, 0.7], [0, 0], [0.1, 0.1])


def test_read_hedge_json_round_trips_a_document(tmp_path):
    leg = {"instrument": "ETH-27DEC24-3000-P", "type": "put", "strike": 3000.0, "expiry_years": 0.25,
           "quantity": 5.0, "premium": 120.0, "side": "buy"}
    path = tmp_path / "hedge.json"
    path.write_text(json.dumps({"schema": "alvh.hedge", "legs": [leg]}))
    legs = alvh.read_hedge_json(str(path))
    assert len(legs) == 1
    for key in ("instrument", "type", "strike", "expiry_years", "quantity", "premium", "side"):
        assert legs[0][key] == leg[key]
    # The same file drives the simulation's hedge.
    res = alvh.simulate(paths=200, steps=4, seed=2, hedge=str(path), t_years=0.25)
    assert res["net_premium"] == pytest.approx(600.0)


def _strip_envelope(doc):
    return {k: v for k, v in doc.items() if k not in ("schema", "schema_version", "alvh_version")}


def test_optimise_hedge_is_the_cli_document_on_a_real_chain(cli, shared_file):
    # Same request through the binding and through `alvh --json hedge`: identical documents (one code
    # path, hedge_request.hpp). Invariants of the result itself: every leg long, the tail coverage the
    # optimiser promises (residual >= 0 beyond 2.5 sigma, premium included) and the gamma cap.
    chain = shared_file("data/deribit_btc_option_chain_20200514.csv")
    r = alvh.optimise_hedge(alvh.PriceRange(8000, 11000), 9300, 100000, 0.8, horizon_days=14, chain=str(chain))
    doc = cli("hedge", "--chain", chain, "--price", 9300, "--range-lower", 8000, "--range-upper", 11000,
              "--capital", 100000, "--vol", 0.8, "--horizon-days", 14)
    assert r == _strip_envelope(doc)
    assert r["legs"] and all(leg["quantity"] > 0 for leg in r["legs"])
    assert r["tail_covered"]
    for row in r["residuals"]:
        if abs(row["sigma_move"]) >= 2.5 - 1e-12:
            assert row["residual"] >= -1e-6 * 100000, row
    assert abs(r["greeks_after"]["gamma"]) <= abs(r["greeks_before"]["gamma"]) + 1e-12


def test_optimise_hedge_budget_and_objective_errors():
    rng = alvh.PriceRange(2400, 3750)
    free = alvh.optimise_hedge(rng, 3000, 100000, 0.7, horizon_days=30)
    assert free["min_feasible_budget"] > 0
    with pytest.raises(alvh.DomainError):
        alvh.optimise_hedge(rng, 3000, 100000, 0.7, budget=0.5 * free["min_feasible_budget"])
    with pytest.raises(alvh.DomainError):
        alvh.optimise_hedge(rng, 3000, 100000, 0.7, objective="sharpe")
    cvar = alvh.optimise_hedge(rng, 3000, 100000, 0.7, objective="cvar")
    assert cvar["objective"] == "cvar" and cvar["objective_value"] <= cvar["objective_unhedged"] + 1e-9
