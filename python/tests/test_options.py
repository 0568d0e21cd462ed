"""Option pricing bindings against REFERENCES.md §1-2 (Haug via QuantLib, mpmath prices), and
the batch (GIL-free) entry points against the scalar ones, element by element."""
import math

import numpy as np
import pytest

import alvh

C, P = alvh.OptionType.Call, alvh.OptionType.Put

# REFERENCES.md §1a [SRC+QL]: type, K, S, q, r, T, sigma, QuantLib value (tolerance 1e-9).
HAUG = [
    (C, 65, 60, 0, 0.08, 0.25, 0.30, 2.1333684449),
    (P, 95, 100, 0.05, 0.10, 0.50, 0.20, 2.4647876468),
    (P, 19, 19, 0.10, 0.10, 0.75, 0.28, 1.7010507252),
    (C, 1.60, 1.56, 0.08, 0.06, 0.50, 0.12, 0.0290992531),
    (P, 70, 75, 0.05, 0.10, 0.50, 0.35, 4.0869538286),
    (C, 100, 90, 0.10, 0.10, 0.10, 0.15, 0.0204901485),
    (C, 100, 110, 0.10, 0.10, 0.50, 0.35, 15.3085997611),
    (P, 100, 110, 0.10, 0.10, 0.50, 0.35, 5.7963055161),
    (C, 40, 42, 0.08, 0.04, 0.75, 0.35, 5.0975477177),
]


@pytest.mark.parametrize("t,K,S,q,r,T,vol,ql", HAUG)
def test_bsm_price_matches_haug_quantlib_rows(t, K, S, q, r, T, vol, ql):
    assert alvh.bsm_price(t, S, K, T, r, q, vol) == pytest.approx(ql, abs=1e-9)


def test_bsm_price_batch_matches_haug_rows_in_one_call():
    cols = list(zip(*HAUG))
    out = alvh.bsm_price_batch(np.array([t == C for t in cols[0]]), cols[2], cols[1], cols[5], cols[4], cols[3],
                               cols[6])
    np.testing.assert_allclose(out, cols[7], rtol=0, atol=1e-9)


# REFERENCES.md §1b [QL], tolerance 1e-7.
def test_bsm_greeks_match_haug_quantlib_rows():
    assert alvh.bsm_greeks(C, 105, 100, 0.5, 0.10, 0.10, 0.36)["delta"] == pytest.approx(0.59462866, abs=1e-7)
    assert alvh.bsm_greeks(P, 105, 100, 0.5, 0.10, 0.10, 0.36)["delta"] == pytest.approx(-0.35660076, abs=1e-7)
    g = alvh.bsm_greeks(C, 55, 60, 0.75, 0.10, 0.0, 0.30)
    assert g["gamma"] == pytest.approx(0.02782116, abs=1e-7)
    assert g["vega"] == pytest.approx(18.93577735, abs=1e-7)
    assert alvh.bsm_greeks(P, 430, 405, 1 / 12, 0.07, 0.05, 0.20)["theta"] == pytest.approx(-31.19235030, abs=1e-7)
    assert alvh.bsm_greeks(C, 72, 75, 1.0, 0.09, 0.0, 0.19)["rho"] == pytest.approx(38.73250502, abs=1e-7)


# REFERENCES.md §1c [QL]: type, F, K, r, T, sigma, price, dV/dF, d2V/dF2, vega (1e-9 relative).
BLACK76 = [
    (C, 19, 19, 0.10, 0.75, 0.28, 1.7010507252, 0.5086362359, 7.9745034679e-02, 6.0454710790),
    (P, 19, 19, 0.10, 0.75, 0.28, 1.7010507252, -0.4191072504, 7.9745034679e-02, 6.0454710790),
    (C, 2000, 2200, 0, 30 / 365, 0.80, 107.9604708938, 0.3817511424, 8.3122228388e-04, 218.6228472672),
    (P, 2000, 1600, 0, 30 / 365, 0.80, 35.8330832297, -0.1383851548, 4.8141164885e-04, 126.6178583270),
    (C, 3000, 2500, 0.05, 0.5, 0.65, 768.3973776559, 0.7163679719, 2.3190241468e-04, 678.3145629455),
    (P, 100, 110, 0.03, 2.0, 0.25, 19.0795022765, -0.5056985973, 1.0581014381e-02, 52.9050719039),
]


@pytest.mark.parametrize("t,F,K,r,T,vol,price,delta,gamma,vega", BLACK76)
def test_black76_matches_quantlib_rows(t, F, K, r, T, vol, price, delta, gamma, vega):
    D = math.exp(-r * T)
    g = alvh.black76_greeks(t, F, K, T, vol, D)
    assert alvh.black76_price(t, F, K, T, vol, D) == pytest.approx(price, rel=1e-9)
    assert g["price"] == pytest.approx(price, rel=1e-9)
    assert g["delta"] == pytest.approx(delta, rel=1e-9)
    assert g["gamma"] == pytest.approx(gamma, rel=1e-9)
    assert g["vega"] == pytest.approx(vega, rel=1e-9)


# REFERENCES.md §2 [PY mpmath 50 digits]: invert the exact price, rel err <= 1e-12 on sigma.
IV_ROWS = [
    (C, 100, 100, 1, 0, 0.20, 7.9655674554057967),
    (C, 100, 200, 1, 0, 0.20, 0.0018862181761500388),
    (C, 100, 400, 1, 0, 0.20, 1.1506725945297355e-11),
    (P, 100, 50, 1, 0, 0.25, 0.014648530816228033),
    (C, 2000, 2100, 1 / 365, 0, 0.80, 5.1679363018824049),
    (C, 100, 120, 30, 0, 0.30, 55.070798998831407),
    (P, 100, 80, 10, 0.02, 0.05, 0.41320757551525278),
    (P, 2000, 1000, 7 / 365, 0, 1.20, 0.00077394245723214804),
]


@pytest.mark.parametrize("t,F,K,T,r,vol,price", IV_ROWS)
def test_implied_vol_recovers_mpmath_prices(t, F, K, T, r, vol, price):
    iv = alvh.implied_vol_black76(t, price, F, K, T, math.exp(-r * T))
    assert abs(iv - vol) / vol <= 1e-12


def _book(n, seed=3):
    rng = np.random.default_rng(seed)
    return dict(
        is_call=rng.random(n) < 0.5,
        spot=rng.uniform(1500.0, 4500.0, n),
        strike=rng.uniform(1000.0, 5000.0, n),
        t_years=rng.uniform(1 / 365, 2.0, n),
        rate=rng.uniform(0.0, 0.08, n),
        yield_=rng.uniform(0.0, 0.05, n),
        vol=rng.uniform(0.2, 1.5, n),
    )


def test_batch_kernel_agrees_with_scalar_calls_elementwise():
    # The SIMD kernel's documented accuracy (include/alvh/options/batch.hpp): ~1e-13 relative to
    # max(|value|, 1e-8 x natural unit); here 1e-12 x max(|value|, 1e-8 x spot) for price, delta
    # and vega per row, against the scalar pricer bsm_greeks.
    b = _book(400)
    prices = alvh.bsm_price_batch(**b)
    greeks = alvh.bsm_greeks_batch(**b)
    # bsm_price_batch is the price-only kernel (no greeks computed): same accuracy contract
    np.testing.assert_allclose(prices, greeks["price"], rtol=2e-13, atol=1e-8 * 1e-13 * float(np.max(b["spot"])))
    for i in range(len(prices)):
        t = C if b["is_call"][i] else P
        ref = alvh.bsm_price(t, b["spot"][i], b["strike"][i], b["t_years"][i], b["rate"][i], b["yield_"][i], b["vol"][i])
        assert abs(prices[i] - ref) <= 1e-12 * max(abs(ref), 1e-8 * b["spot"][i]), (i, prices[i], ref)
    for i in range(len(prices)):
        t = C if b["is_call"][i] else P
        args = (b["spot"][i], b["strike"][i], b["t_years"][i], b["rate"][i], b["yield_"][i], b["vol"][i])
        g = alvh.bsm_greeks(t, *args)
        for k, unit in (("price", args[0]), ("delta", 1.0), ("vega", args[0])):
            assert abs(greeks[k][i] - g[k]) <= 1e-12 * max(abs(g[k]), 1e-8 * unit), (i, k, greeks[k][i], g[k])


def test_black76_batch_equals_scalar_calls_exactly():
    b = _book(200, seed=5)
    F = b["spot"]
    out = alvh.black76_price_batch(b["is_call"], F, b["strike"], b["t_years"], b["vol"], 0.99)
    for i in range(len(out)):
        t = C if b["is_call"][i] else P
        assert out[i] == alvh.black76_price(t, F[i], b["strike"][i], b["t_years"][i], b["vol"][i], 0.99)


def test_kernel_timer_runs_the_same_kernel():
    b = _book(1000)
    assert alvh.bsm_batch_kernel_seconds(**b, repeats=2) > 0.0
    assert isinstance(alvh.batch_simd_target(), str)


def test_vectorised_scalar_functions_agree_with_loops():
    K = np.linspace(1500.0, 4500.0, 31)
    vec = alvh.black76_price(P, 3000.0, K, 0.25, 0.7)
    np.testing.assert_array_equal(vec, [alvh.black76_price(P, 3000.0, float(k), 0.25, 0.7) for k in K])
    iv = alvh.implied_vol_black76(P, vec, 3000.0, K, 0.25)
    np.testing.assert_allclose(iv, 0.7, rtol=1e-12)


def test_implied_vol_batch_round_trips_the_batch_prices():
    b = _book(300, seed=11)
    prices = alvh.bsm_price_batch(**b)
    # Keep prices whose time value carries the vol: deep in-the-money prices are intrinsic to
    # within rounding (REFERENCES.md §2 states the inversion only where the price is informative).
    T, r, q = b["t_years"], b["rate"], b["yield_"]
    F, D = b["spot"] * np.exp((r - q) * T), np.exp(-r * T)
    intrinsic = D * np.maximum(np.where(b["is_call"], F - b["strike"], b["strike"] - F), 0.0)
    keep = prices - intrinsic > 1e-6 * b["spot"]
    assert keep.sum() > 250
    sub = {k: v[keep] for k, v in b.items()}
    vol = sub.pop("vol")
    iv = alvh.implied_vol_bsm_batch(price=prices[keep], **sub)
    np.testing.assert_allclose(iv, vol, rtol=1e-8)


def test_inverse_settlement_price_is_linear_price_over_spot():
    lin = alvh.bsm_greeks(C, 3000, 3200, 0.1, 0.0, 0.0, 0.6)
    inv = alvh.bsm_greeks(C, 3000, 3200, 0.1, 0.0, 0.0, 0.6, alvh.Settlement.Inverse)
    assert inv["price"] == pytest.approx(lin["price"] / 3000, rel=1e-14)
    assert inv["delta"] == pytest.approx(lin["delta"] - lin["price"] / 3000, rel=1e-13)


def test_bad_option_inputs_raise_clear_errors():
    with pytest.raises(alvh.DomainError, match=r"row 1.*vol"):
        alvh.bsm_price_batch([True, True], 100.0, 100.0, 1.0, 0.0, 0.0, [0.2, -0.2])
    with pytest.raises(alvh.DomainError, match=r"^row 1: vol"):
        alvh.black76_price_batch([True, True], 100.0, 100.0, 1.0, [0.2, -0.2])
    with pytest.raises(alvh.DomainError, match="strike: expected 3 elements"):
        alvh.bsm_price_batch([True], [1.0, 2.0, 3.0], [1.0, 2.0], 1.0, 0.0, 0.0, 0.2)
    with pytest.raises(alvh.ArbitrageBoundsError, match="no-arbitrage bounds"):
        alvh.implied_vol_black76(C, 150.0, 100.0, 100.0, 1.0)
    with pytest.raises(TypeError):
        alvh.bsm_price("call", 100.0, 100.0, 1.0, 0.0, 0.0, 0.2)


def test_greeks_and_iv_equal_cli_json(cli):
    doc = cli("option", "price", "--type", "put", "--spot", 430, "--strike", 405, "--t-years", repr(1 / 12), "--rate",
              0.07, "--yield", 0.05, "--vol", 0.2)
    g = alvh.bsm_greeks(P, 430.0, 405.0, 1 / 12, 0.07, 0.05, 0.2)
    for key in ("price", "delta", "gamma", "vega", "theta", "rho", "vanna", "volga"):
        assert g[key] == pytest.approx(doc[key], rel=1e-15, abs=1e-300), key
    iv = cli("option", "iv", "--type", "put", "--spot", 430, "--strike", 405, "--t-years", repr(1 / 12), "--rate",
             0.07, "--yield", 0.05, "--price", repr(g["price"]))["iv"]
    assert alvh.implied_vol_bsm(P, g["price"], 430.0, 405.0, 1 / 12, 0.07, 0.05) == pytest.approx(iv, rel=1e-15)
