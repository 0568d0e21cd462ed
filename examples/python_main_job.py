#!/usr/bin/env python3
"""The alvh main job from Python: analyse the embedded default LP position, build a Layer-1
option hedge (Carr-Madan strip on listed strikes), prove it with the Monte Carlo engine, run the
backtest on the synthetic history, and plot everything to one PNG with matplotlib.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/python_main_job.py [--out main_job.png]

Defaults (docs/conventions.md, "Embedded default"): 100,000 USDC at 3,000 USDC/ETH on [2,400,
3,750], ETH vol 70 %, one-month horizon.
"""
import argparse
import math

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import alvh  # noqa: E402

PRICE, LOWER, UPPER, CAPITAL, VOL = 3000.0, 2400.0, 3750.0, 100_000.0, 0.70
T = 30 / 365


def layer1_hedge(liquidity, hedge_ratio=0.5, strike_step=0.05, half_spread=0.03):
    """Buy hedge_ratio of the LP's short option strip (Carr-Madan on strikes every 5 % of spot
    across the range), priced at Black-76 mid plus a half-spread: leg dicts for alvh.simulate."""
    rng = alvh.PriceRange(LOWER, UPPER)
    strikes = sorted({LOWER, UPPER, *np.arange(PRICE * (1 - 4 * strike_step), UPPER, PRICE * strike_step)})
    strikes = [k for k in strikes if LOWER <= k <= UPPER]
    strip = alvh.carr_madan_strip(rng, liquidity, PRICE, PRICE, strikes=strikes)
    legs = []
    for o in strip["options"]:
        qty = -hedge_ratio * o["weight"]  # the LP is short the strip; the hedge buys it back
        if abs(qty) < 1e-9:
            continue
        kind = alvh.OptionType.Call if o["type"] == "call" else alvh.OptionType.Put
        mid = alvh.black76_price(kind, PRICE, o["strike"], T, VOL)
        legs.append({"type": o["type"], "strike": o["strike"], "expiry_years": T, "quantity": qty,
                     "premium": mid * (1 + half_spread) if qty > 0 else mid * (1 - half_spread)})
    return strip, legs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="python_main_job.png")
    ap.add_argument("--paths", type=int, default=20_000)
    ap.add_argument("--backtest-years", type=float, default=1.0)
    args = ap.parse_args()

    # 1. The position as a short-volatility trade.
    pos = alvh.position_report(PRICE, LOWER, UPPER, CAPITAL, VOL)
    risk = alvh.risk_report(PRICE, LOWER, UPPER, CAPITAL, VOL, fee_apr=0.20, horizon_years=T)
    L = pos["liquidity"]
    print(f"Position: L = {L:.6f}, value {pos['value']:.2f}, delta {pos['delta']:.4f} ETH, "
          f"gamma {pos['gamma']:.6g}, LVR {pos['lvr_rate_annual']:.0f}/year")
    print(f"Risk over {T * 365:.0f} days: expected IL {risk['expected_il']:.2f}, fees {risk['fees_horizon']:.2f}, "
          f"fee-implied vol {risk['fee_implied_vol']:.3f}")

    # 2. Layer-1 hedge.
    strip, legs = layer1_hedge(L)
    premium = sum(leg["quantity"] * leg["premium"] for leg in legs)
    print(f"Hedge: {len(legs)} legs, net premium {premium:.2f}")

    # 3. Monte Carlo: unhedged vs hedged (same seed: common random numbers).
    sim = alvh.simulate(paths=args.paths, seed=1, fee_apr=0.20, hedge=legs, threads=0)
    s_lp, s_h = sim["stats"]["lp"], sim["stats"]["lp_hedged"]
    print(f"Simulation ({args.paths} paths): LP mean {s_lp['mean']:.2f} CVaR95 {s_lp['cvar95']:.2f}; "
          f"hedged mean {s_h['mean']:.2f} CVaR95 {s_h['cvar95']:.2f}")

    # 4. Backtest on the synthetic regime-switching history.
    bt = alvh.run_backtest(overrides={"synthetic.years": args.backtest_years})
    metrics = alvh.to_frame(bt, what="metrics")
    print(metrics[["final_nav", "irr", "sharpe", "max_drawdown"]].to_string(float_format=lambda x: f"{x:.4g}"))
    curves = alvh.to_frame(bt)

    # 5. Plots.
    fig, ax = plt.subplots(2, 2, figsize=(13, 9))
    p = np.linspace(0.5 * PRICE, 1.6 * PRICE, 400)
    rng = alvh.PriceRange(LOWER, UPPER)
    hedge_payoff = sum(leg["quantity"] * np.maximum((p - leg["strike"]) if leg["type"] == "call"
                                                    else (leg["strike"] - p), 0.0) for leg in legs)
    ax[0, 0].plot(p, alvh.lp_value(rng, L, p), label="LP value")
    ax[0, 0].plot(p, alvh.hodl_value(rng, L, PRICE, p), "--", label="HODL")
    ax[0, 0].plot(p, alvh.lp_value(rng, L, p) + hedge_payoff - premium, label="LP + Layer-1 hedge (at expiry)")
    ax[0, 0].axvspan(LOWER, UPPER, alpha=0.08)
    ax[0, 0].set(title="Payoff at the horizon", xlabel="ETH price (USDC)", ylabel="value (USDC)")
    ax[0, 0].legend()
    bins = np.linspace(min(sim["lp"].min(), sim["lp_hedged"].min()), max(sim["lp"].max(), sim["lp_hedged"].max()), 80)
    ax[0, 1].hist(sim["lp"], bins=bins, alpha=0.6, label="LP")
    ax[0, 1].hist(sim["lp_hedged"], bins=bins, alpha=0.6, label="LP + hedge")
    ax[0, 1].axvline(CAPITAL, color="k", lw=0.8)
    ax[0, 1].set(title=f"Monte Carlo terminal value ({args.paths} paths, GBM {VOL:.0%})", xlabel="USDC")
    ax[0, 1].legend()
    for name in curves.columns.drop("price"):
        ax[1, 0].plot(curves.index, curves[name], label=name, lw=1)
    ax[1, 0].set(title="Backtest equity curves (synthetic history)", ylabel="NAV (USDC)")
    ax[1, 0].legend(fontsize=8)
    r = np.linspace(0.5, 1.6, 300)
    ax[1, 1].plot(PRICE * r, 100 * alvh.impermanent_loss(rng, PRICE, PRICE * r), label="v3 [2400, 3750]")
    ax[1, 1].plot(PRICE * r, 100 * alvh.impermanent_loss(alvh.PriceRange.full(), PRICE, PRICE * r), label="v2")
    ax[1, 1].set(title="Impermanent loss vs HODL", xlabel="ETH price (USDC)", ylabel="%")
    ax[1, 1].legend()
    fig.suptitle(f"alvh main job (alvh {alvh.__version__}): ETH/USDC v3 position, capital {CAPITAL:,.0f}")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")
    assert math.isfinite(s_h["mean"])


if __name__ == "__main__":
    main()
