"""Position model bindings against REFERENCES.md §4 ([PY] rows), the CLI, and scalar calls."""
import math

import numpy as np
import pytest

import alvh

RANGE = alvh.PriceRange(1500.0, 2500.0)


# REFERENCES.md §4b: L = 1000, pa = 1500, pb = 2500 (tolerance 1e-9 relative).
@pytest.mark.parametrize(
    "P,x,y,V,gamma",
    [
        (1000, 5.8198889747, 0.0, 5819.8889747161, 0.0),
        (1800, 3.5702260396, 3696.5734091187, 10122.9802803115, -6.5472850110e-03),
        (2000, 2.3606797750, 5991.5260879216, 10712.8856379174, -5.5901699437e-03),
        (2200, 1.3200716356, 8174.3241361601, 11078.4817343944, -4.8454708263e-03),
        (3000, 0.0, 11270.1665379258, 11270.1665379258, 0.0),
    ],
)
def test_v3_position_matches_references_4b(P, x, y, V, gamma):
    amount0, amount1 = alvh.amounts_for_liquidity(RANGE, 1000.0, P)
    assert amount0 == pytest.approx(x, rel=1e-9, abs=1e-12)
    assert amount1 == pytest.approx(y, rel=1e-9, abs=1e-9)
    assert alvh.lp_value(RANGE, 1000.0, P) == pytest.approx(V, rel=1e-9)
    assert alvh.lp_delta(RANGE, 1000.0, P) == pytest.approx(x, rel=1e-9, abs=1e-12)
    assert alvh.lp_gamma(RANGE, 1000.0, P) == pytest.approx(gamma, rel=1e-9, abs=1e-15)


def test_capital_efficiency_matches_references_4b():
    assert alvh.capital_efficiency(RANGE) == pytest.approx(8.3411000648, rel=1e-9)


# REFERENCES.md §4a: v2 IL(r) = 2 sqrt(r)/(1+r) - 1 (tolerance 1e-10 on 10-digit rows).
V2_IL = [(0.25, -0.2), (0.5, -0.0571909584), (1.0, 0.0), (1.25, -0.0061920100), (3.0, -0.1339745962),
         (10.0, -0.4250404254)]


def test_v2_impermanent_loss_vectorised_matches_references_4a():
    r = np.array([row[0] for row in V2_IL])
    il = alvh.impermanent_loss(alvh.PriceRange.full(), 1.0, r)
    assert isinstance(il, np.ndarray) and il.shape == r.shape
    np.testing.assert_allclose(il, [row[1] for row in V2_IL], rtol=0, atol=1e-10)


# REFERENCES.md §4c: P0 = 2000, [1500, 2500] (tolerance 1e-10).
def test_v3_impermanent_loss_matches_references_4c():
    P = np.array([1000, 1500, 1800, 2000, 2200, 2500, 3000, 4000], dtype=float)
    expected = [-0.3031913880, -0.0842075464, -0.0115000763, 0.0, -0.0095252260, -0.0523877216, -0.1379423912,
                -0.2697947713]
    np.testing.assert_allclose(alvh.impermanent_loss(RANGE, 2000.0, P), expected, rtol=0, atol=1e-10)


# REFERENCES.md §4d: sigma = 1.0, L = 1000, [1500, 2500].
def test_lvr_rate_matches_references_4d():
    P = np.array([1600.0, 2000.0, 2400.0])
    np.testing.assert_allclose(alvh.lvr_rate(RANGE, 1000.0, P, 1.0), [10000.0, 11180.3398874989, 12247.4487139159],
                               rtol=1e-9)
    assert alvh.lvr_rate(RANGE, 1000.0, 3000.0, 1.0) == 0.0  # out of range


def test_vectorised_calls_agree_elementwise_with_scalar_calls():
    prices = np.linspace(900.0, 3200.0, 97)
    L = 1234.5
    fns = {
        "lp_value": lambda p: alvh.lp_value(RANGE, L, p),
        "lp_delta": lambda p: alvh.lp_delta(RANGE, L, p),
        "lp_gamma": lambda p: alvh.lp_gamma(RANGE, L, p),
        "hodl_value": lambda p: alvh.hodl_value(RANGE, L, 2000.0, p),
        "impermanent_loss": lambda p: alvh.impermanent_loss(RANGE, 2000.0, p),
        "lvr_rate": lambda p: alvh.lvr_rate(RANGE, L, p, 0.7),
        "value_per_liquidity": lambda p: alvh.value_per_liquidity(RANGE, p),
        "amount0": lambda p: alvh.amounts_for_liquidity(RANGE, L, p)[0],
        "amount1": lambda p: alvh.amounts_for_liquidity(RANGE, L, p)[1],
    }
    for name, f in fns.items():
        vec = f(prices)
        scalar = np.array([f(float(p)) for p in prices])
        assert isinstance(f(2000.0), float), name
        np.testing.assert_array_equal(vec, scalar, err_msg=name)


def test_vectorised_calls_broadcast_over_two_dimensional_arrays():
    grid = np.linspace(1000.0, 3000.0, 12).reshape(3, 4)
    out = alvh.lp_value(RANGE, np.array([[1.0], [2.0], [3.0]]), grid)
    assert out.shape == (3, 4)
    assert out[2, 1] == alvh.lp_value(RANGE, 3.0, float(grid[2, 1]))


def test_price_range_is_validated_immutable_and_picklable():
    import pickle

    r = alvh.PriceRange(2400.0, 3750.0)
    assert pickle.loads(pickle.dumps(r)) == r
    assert alvh.PriceRange() == alvh.PriceRange.full() and alvh.PriceRange.full().is_full()
    assert math.isinf(alvh.PriceRange().upper)
    with pytest.raises(AttributeError):
        r.lower = 1.0
    np.testing.assert_array_equal(r.contains(np.array([2000.0, 3000.0, 3750.0])), [False, True, False])
    with pytest.raises(alvh.DomainError, match="range upper price"):
        alvh.PriceRange(0.0, -1.0)


def test_position_report_equals_cli_json(cli):
    # The same inputs through `alvh --json position` and through the bindings give the same numbers.
    args = dict(price=2000.0, range_lower=1500.0, range_upper=2500.0, capital=50000.0, vol=0.8)
    doc = cli("position", "--price", 2000, "--range-lower", 1500, "--range-upper", 2500, "--capital", 50000,
              "--vol", 0.8)
    py = alvh.position_report(**args)
    for key in ("liquidity", "amount0", "amount1", "value", "delta", "gamma", "dollar_gamma", "lvr_rate_annual",
                "lvr_rate_annual_pct_of_value", "capital_efficiency"):
        assert py[key] == pytest.approx(doc[key], rel=1e-15, abs=1e-300), key
    assert [row["il"] for row in py["il_at_price"]] == pytest.approx([row["il"] for row in doc["il_at_price"]],
                                                                      rel=1e-15, abs=1e-300)


def test_default_position_matches_cli_default(cli):
    doc = cli("position")
    assert alvh.position_report()["liquidity"] == pytest.approx(doc["liquidity"], rel=1e-15)
    assert doc["liquidity"] == pytest.approx(8646.837551, rel=1e-9)  # README example
