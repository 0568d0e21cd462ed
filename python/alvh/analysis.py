"""Compositions of the compiled functions that mirror CLI commands (same keys as their --json)."""
from . import _alvh

# The moves of `alvh position`'s IL table (apps/alvh/cmd_position.cpp).
IL_MOVES = (0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0)


def position_report(price=3000.0, range_lower=2400.0, range_upper=3750.0, capital=100000.0, vol=0.70, v2=False):
    """The ``alvh position`` analysis as a dict with the keys of ``alvh --json position``.

    Defaults are the embedded default position (docs/conventions.md): 100,000 USDC at 3,000
    USDC/ETH on [2,400, 3,750], ETH vol 70 %. ``v2=True`` analyses a full-range position.
    """
    rng = _alvh.PriceRange.full() if v2 else _alvh.PriceRange(range_lower, range_upper)
    if not (vol >= 0.0 and vol < float("inf")):
        raise _alvh.DomainError(f"vol: expected a finite number >= 0, got {vol}")
    L = _alvh.liquidity_for_capital(rng, capital, price)
    amount0, amount1 = _alvh.amounts_for_liquidity(rng, L, price)
    value = _alvh.lp_value(rng, L, price)
    gamma = _alvh.lp_gamma(rng, L, price)
    lvr = _alvh.lvr_rate(rng, L, price, vol)
    return {
        "inputs": {"price": price, "range_lower": rng.lower, "range_upper": None if v2 else rng.upper,
                   "capital": capital, "vol": vol, "v2": v2},
        "liquidity": L,
        "amount0": amount0,
        "amount1": amount1,
        "value": value,
        "delta": _alvh.lp_delta(rng, L, price),
        "gamma": gamma,
        "dollar_gamma": 0.5 * gamma * price * price,
        "lvr_rate_annual": lvr,
        "lvr_rate_annual_pct_of_value": lvr / value,
        "capital_efficiency": _alvh.capital_efficiency(rng),
        "il_at_price": [{"price": price * m, "il": _alvh.impermanent_loss(rng, price, price * m)} for m in IL_MOVES],
    }
