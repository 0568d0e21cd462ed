"""SVI surface and Carr-Madan strip bindings against REFERENCES.md §3 (Vogt's smile, GJ 2014)
and §4f (the LP's lognormal expectation = bond + short option strip)."""
import math

import numpy as np
import pytest

import alvh

# REFERENCES.md §3: Axel Vogt's smile (GJ 2014 Example 3.1), (a, b, m, rho, sigma) in GJ order.
VOGT = alvh.SviParams(a=-0.0410, b=0.1331, rho=0.3060, m=0.3586, sigma=0.4153)
ROWS = [(-1.5, 0.1367819611, 0.2478306953), (-0.5, 0.0509765717, 0.3568535725), (0.0, 0.0174262526, 1.0386497313),
        (0.4, 0.0162365696, 0.2255998655), (0.8, 0.0576441161, -0.0298184615), (1.0, 0.0868267098, -0.0277416959)]


def test_svi_total_variance_and_g_match_references_3():
    k = np.array([r[0] for r in ROWS])
    np.testing.assert_allclose(VOGT.total_variance(k), [r[1] for r in ROWS], rtol=0, atol=1e-9)
    for kk, _, g in ROWS:
        assert VOGT.g(kk) == pytest.approx(g, abs=1e-9)


def test_butterfly_check_finds_vogts_arbitrage():
    c = alvh.check_butterfly(VOGT)
    assert not c["arbitrage_free"] and c["lee_bound_ok"]
    assert c["min_g"] == pytest.approx(-0.0328636, abs=1e-5)  # [PY, brentq] minimum at k ~ 0.879
    assert c["k_at_min_g"] == pytest.approx(0.87926, abs=0.01)


def test_fit_svi_recovers_parameters_from_exact_total_variances():
    true = alvh.SviParams(a=0.02, b=0.1, rho=-0.4, m=0.05, sigma=0.3)
    k = np.linspace(-1.0, 1.0, 21)
    fit = alvh.fit_svi(k, true.total_variance(k))
    np.testing.assert_allclose(fit.total_variance(k), true.total_variance(k), rtol=0, atol=1e-10)


def test_surface_from_parameters_reproduces_each_slice_and_vectorises():
    p1 = alvh.SviParams(a=0.01, b=0.1, rho=-0.3, m=0.0, sigma=0.2)
    p2 = alvh.SviParams(a=0.03, b=0.12, rho=-0.3, m=0.0, sigma=0.25)
    s = alvh.VolSurface(3000.0, [{"t_years": 0.1, "forward": 3000.0, "params": p1},
                                 {"t_years": 0.5, "forward": 3010.0, "params": p2}])
    K = np.array([2500.0, 3000.0, 3500.0])
    iv = s.implied_vol(K, 0.5)
    np.testing.assert_allclose(iv, np.sqrt(p2.total_variance(np.log(K / 3010.0)) / 0.5), rtol=1e-12)
    assert iv[1] == s.implied_vol(3000.0, 0.5)
    assert s.forward(0.5) == pytest.approx(3010.0, rel=1e-14)
    assert s.check_calendar()["arbitrage_free"]
    with pytest.raises(alvh.DomainError):
        alvh.VolSurface(3000.0, [{"t_years": -1.0, "forward": 3000.0, "params": p1}])
    with pytest.raises(alvh.DomainError, match="b"):
        alvh.SviParams(a=0.01, b=-0.1, rho=0.0, m=0.0, sigma=0.2)


def test_carr_madan_strip_prices_the_lp_expectation_of_references_4f():
    # L = 1, [1500, 2500], F = S0 = 2000, r = 0, sigma = 0.8, T = 30/365: E[V] = 10.198084561660707.
    rng = alvh.PriceRange(1500.0, 2500.0)
    strip = alvh.carr_madan_strip(rng, 1.0, 2000.0, 2000.0, payoff="lp_value")
    assert all(o["weight"] < 0 for o in strip["options"])  # the LP is short the strip
    price = alvh.strip_price(strip, 2000.0, 30 / 365, 1.0, 0.8)
    assert price == pytest.approx(10.198084561660707, abs=1e-8)
    assert alvh.expected_lp_value(rng, 1.0, 2000.0, 0.8, 30 / 365) == pytest.approx(10.198084561660707, rel=1e-12)


def test_discrete_strip_is_exact_at_its_strikes():
    rng = alvh.PriceRange(1500.0, 2500.0)
    strikes = np.arange(1500.0, 2501.0, 50.0)
    strip = alvh.carr_madan_strip(rng, 1.0, 2000.0, 2000.0, strikes=list(strikes), payoff="lp_value")
    np.testing.assert_allclose(alvh.strip_payoff(strip, strikes), alvh.lp_value(rng, 1.0, strikes), rtol=1e-12)
    with pytest.raises(alvh.DomainError, match="payoff"):
        alvh.carr_madan_strip(rng, 1.0, 2000.0, 2000.0, payoff="straddle")
