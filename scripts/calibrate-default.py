#!/usr/bin/python3
"""Calibrates alvh's embedded default market to the real history in ../shared/data.

Reads the shared files IN PLACE (never copies them) and prints the fitted parameters that
include/alvh/report/default_market.hpp hard-codes, with the span each one came from.
docs/default-market.md records one run of this script.

  /usr/bin/python3 scripts/calibrate-default.py [--shared DIR]

Fits:
 1. A 3-state Gaussian hidden Markov model of daily ETH log returns (Yahoo ETH-USD daily,
    2017-11-09 .. 2024-08-21): per-regime drift and volatility (annualised, ACT/365: crypto trades
    every calendar day) and the daily regime transition matrix. Baum-Welch EM with scaled
    forward-backward (Rabiner 1989, "A tutorial on hidden Markov models", Proc. IEEE 77(2), sec. III.C
    and V.A). Cross-check: the same model on Binance ETH/USDT hourly 2017-08-17 .. 2021-06-10.
 2. The fee APR of the Polygon Uniswap v3 USDC/WETH 0.05% pool (4 windows 2022-07 .. 2025-07):
    fees = 0.0005 x gross inflow (inAmount0 + inAmount1 x price, in USDC) over the value of the
    pool's active liquidity as a full-range position, 2 L sqrt(P) (its virtual reserves), so the
    figure is the fee yield per unit of in-range liquidity value and does not depend on the price
    level or on the range. A position of liquidity L_pos earns apr x 2 L_pos sqrt(P) per year while
    in range.
 3. Raw SVI (Gatheral 2004, "A parsimonious arbitrage-free implied volatility parameterization")
    per expiry on the Deribit BTC option chain of 2020-05-14 05:41 UTC (BTC, not ETH: the only chain
    in the shared data), mark IVs of out-of-the-money options, k = ln(K/F) with F the quoted
    underlying (future) price.
"""
import argparse
import gzip
import os
import sys

import numpy as np
import pandas as pd
from scipy.linalg import expm, logm
from scipy.optimize import least_squares

DAYS_PER_YEAR = 365.0


def find_shared(arg):
    for d in [arg, os.environ.get("ALVH_SHARED_DIR"),
              os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")]:
        if d and os.path.isdir(os.path.join(d, "data")):
            return os.path.abspath(d)
    sys.exit("calibrate-default: shared data not found (pass --shared DIR or set ALVH_SHARED_DIR)")


def fit_gaussian_hmm(x, n_states, iters=300, tol=1e-9, seed=7):
    """Baum-Welch for a Gaussian HMM; states sorted by volatility. Returns mu, sigma, A, pi, loglik, gamma."""
    rng = np.random.default_rng(seed)
    T = len(x)
    q = np.quantile(np.abs(x - x.mean()), np.linspace(0.2, 0.9, n_states))
    mu = np.full(n_states, x.mean()) + rng.normal(0, 1e-4, n_states)
    sigma = np.maximum(q * 1.25, 1e-4)
    A = np.full((n_states, n_states), 0.02 / (n_states - 1))
    np.fill_diagonal(A, 0.98)
    pi = np.full(n_states, 1.0 / n_states)
    prev = -np.inf
    for _ in range(iters):
        B = np.exp(-0.5 * ((x[:, None] - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))
        alpha = np.empty((T, n_states))
        c = np.empty(T)
        a = pi * B[0]
        c[0] = a.sum()
        alpha[0] = a / c[0]
        for t in range(1, T):
            a = (alpha[t - 1] @ A) * B[t]
            c[t] = a.sum()
            alpha[t] = a / c[t]
        beta = np.empty((T, n_states))
        beta[-1] = 1.0
        for t in range(T - 2, -1, -1):
            beta[t] = (A @ (B[t + 1] * beta[t + 1])) / c[t + 1]
        gamma = alpha * beta
        gamma /= gamma.sum(axis=1, keepdims=True)
        xi = np.zeros((n_states, n_states))
        for t in range(T - 1):
            xi += (alpha[t][:, None] * A) * (B[t + 1] * beta[t + 1])[None, :] / c[t + 1]
        loglik = np.log(c).sum()
        pi = gamma[0]
        A = xi / xi.sum(axis=1, keepdims=True)
        w = gamma.sum(axis=0)
        mu = (gamma * x[:, None]).sum(axis=0) / w
        sigma = np.sqrt((gamma * (x[:, None] - mu) ** 2).sum(axis=0) / w)
        if loglik - prev < tol * abs(loglik):
            break
        prev = loglik
    order = np.argsort(sigma)
    return mu[order], sigma[order], A[np.ix_(order, order)], pi[order], loglik, gamma[:, order]


def generator(A, periods_per_year):
    Q = np.real(logm(A)) * periods_per_year
    off = ~np.eye(len(A), dtype=bool)
    Q[off & (Q < 0)] = 0.0
    np.fill_diagonal(Q, 0.0)
    np.fill_diagonal(Q, -Q.sum(axis=1))
    return Q


def stationary(A):
    w, v = np.linalg.eig(A.T)
    p = np.real(v[:, np.argmin(np.abs(w - 1))])
    return p / p.sum()


def report_hmm(name, span, x, periods_per_year, n_states):
    mu, sigma, A, _, ll, gamma = fit_gaussian_hmm(x, n_states)
    print(f"\n## {name}: {n_states}-state Gaussian HMM of log returns ({span}, {len(x)} returns)")
    print(f"log-likelihood {ll:.2f}")
    p = stationary(A)
    names = ["calm", "normal", "stress"] if n_states == 3 else ["calm", "stress"]
    for i in range(n_states):
        # drift of the log price, and the arithmetic drift mu + sigma^2/2, both per year
        print(f"  regime {i} ({names[i]}): vol_annual={sigma[i] * np.sqrt(periods_per_year):.4f}  "
              f"log_drift_annual={mu[i] * periods_per_year:+.4f}  "
              f"stationary_prob={p[i]:.4f}  mean_duration_periods={1 / (1 - A[i, i]):.1f}  "
              f"share_of_time_decoded={np.mean(np.argmax(gamma, axis=1) == i):.4f}")
    print("  transition matrix per period (row = from):")
    for i in range(n_states):
        print("   [" + ", ".join(f"{A[i, j]:.6f}" for j in range(n_states)) + "]")
    print(f"  unconditional vol_annual={x.std() * np.sqrt(periods_per_year):.4f}")
    Q = generator(A, periods_per_year)
    print("  continuous-time generator Q per year (logm(A) x periods/year, negative off-diagonals set to 0,")
    print("  diagonal = -row sum: Israel, Rosenthal & Wei 2001, Math. Finance 11(2), 245-265):")
    for i in range(n_states):
        print("   [" + ", ".join(f"{Q[i, j]:.4f}" for j in range(n_states)) + "]")
    print(f"  stationary_prob(Q)=" + ", ".join(f"{v:.4f}" for v in stationary(expm(Q / periods_per_year))))
    return mu, sigma, A


def fee_apr(shared):
    path = os.path.join(shared, "data", "uniswap_v3_polygon_usdc_weth_005_minute.csv.gz")
    with gzip.open(path, "rt") as f:
        df = pd.read_csv(f)
    t = pd.to_datetime(df["timestamp"], utc=True)
    price = 1e12 / np.power(1.0001, df["closeTick"].astype(float))
    fees_usdc = 0.0005 * (df["inAmount0"].astype(float) / 1e6 + df["inAmount1"].astype(float) / 1e18 * price)
    L = df["currentLiquidity"].astype(float) / 1e12  # sqrt(USDC * ETH) in human units
    virtual_value = 2.0 * L * np.sqrt(price)
    minute_years = 1.0 / (DAYS_PER_YEAR * 24 * 60)
    window = (t.diff() > pd.Timedelta(hours=1)).cumsum()
    print("\n## Fee APR of the Polygon Uniswap v3 USDC/WETH 0.05% pool (fees / value of active liquidity 2 L sqrt(P))")
    for w, g in df.groupby(window):
        idx = g.index
        apr = fees_usdc[idx].sum() / (virtual_value[idx] * minute_years).sum()
        print(f"  window {t[idx[0]].date()} .. {t[idx[-1]].date()} ({len(idx)} minutes): fee_apr={apr:.4f}  "
              f"mean price {price[idx].mean():.1f}  daily fees {fees_usdc[idx].sum() / (len(idx) / 1440):.0f} USDC")
    apr_all = fees_usdc.sum() / (virtual_value * minute_years).sum()
    print(f"  all windows (time-weighted, {len(df)} minutes): fee_apr={apr_all:.4f}")
    return apr_all


def svi_fit(shared):
    path = os.path.join(shared, "data", "deribit_btc_option_chain_20200514.csv")
    df = pd.read_csv(path)
    snap = pd.to_datetime(df["snapshot_time_utc"], utc=True).min()
    print(f"\n## Raw SVI per expiry, Deribit BTC option chain snapshot {snap} (BTC, not ETH)")
    print("  w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)),  k = ln(K/F),  w = iv^2 T")
    out = []
    for expiry, g in df.groupby("expiry_utc"):
        T = (pd.Timestamp(expiry) - snap).total_seconds() / (DAYS_PER_YEAR * 86400)
        if T < 7 / DAYS_PER_YEAR:
            continue  # the 1-day and few-day expiries are all wings and noise
        F = g["underlying_price_usd"].median()
        otm = g[((g["option_type"] == "call") & (g["strike_usd"] >= F)) |
                ((g["option_type"] == "put") & (g["strike_usd"] < F))]
        otm = otm[(otm["mark_iv_pct"] > 1) & (otm["mark_iv_pct"] < 300)]
        k = np.log(otm["strike_usd"].to_numpy() / F)
        w = (otm["mark_iv_pct"].to_numpy() / 100) ** 2 * T

        def resid(p):
            a, b, rho, m, s = p
            return a + b * (rho * (k - m) + np.sqrt((k - m) ** 2 + s * s)) - w

        x0 = [w.min() * 0.5, 0.1, -0.2, 0.0, 0.1]
        r = least_squares(resid, x0, bounds=([-1, 1e-6, -0.999, -2, 1e-4], [1, 5, 0.999, 2, 3]))
        a, b, rho, m, s = r.x
        atm = np.sqrt((a + b * (-rho * m + np.sqrt(m * m + s * s))) / T)
        rmse_vol = np.sqrt(np.mean((np.sqrt(np.maximum(w + r.fun, 0) / T) - np.sqrt(w / T)) ** 2))
        print(f"  expiry {expiry[:10]} T={T:.4f} F={F:.1f} n={len(k)}: a={a:.6f} b={b:.6f} rho={rho:.4f} "
              f"m={m:.4f} sigma={s:.4f}  atm_vol={atm:.4f}  rmse_vol={rmse_vol:.4f}")
        out.append((T, a, b, rho, m, s))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", help="shared directory (default: $ALVH_SHARED_DIR or ../shared)")
    ap.add_argument("--no-hourly", action="store_true", help="skip the hourly Binance cross-check (slow)")
    args = ap.parse_args()
    shared = find_shared(args.shared)
    print(f"# alvh default-market calibration (shared data: {shared})")

    y = pd.read_csv(os.path.join(shared, "data", "yahoo_eth_usd_daily_2017-2024.csv"))
    x = np.diff(np.log(y["close"].to_numpy()))
    report_hmm("Yahoo ETH-USD daily", f"{y['date_utc'].iloc[0]} .. {y['date_utc'].iloc[-1]}", x, DAYS_PER_YEAR, 3)

    if not args.no_hourly:
        b = pd.read_csv(os.path.join(shared, "data", "binance_ethusdt_1h_2017-2021.csv"))
        xh = np.diff(np.log(b["close"].to_numpy()))
        report_hmm("Binance ETH/USDT hourly (cross-check)",
                   f"{b['timestamp_utc'].iloc[0]} .. {b['timestamp_utc'].iloc[-1]}", xh, DAYS_PER_YEAR * 24, 3)

    fee_apr(shared)
    svi_fit(shared)


if __name__ == "__main__":
    main()
