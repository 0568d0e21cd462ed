"""The exact pool, the v2 pair, the swap replay and the signals through the bindings.

References: Uniswap v3-core's UniswapV3Pool swaps snapshot (../shared/vectors/uniswap-v3/pool_swaps,
all 240 cases: amounts, fee growth, ticks, exact sqrt prices, SPL reverts); UniswapV2Library's
getAmountOut/getAmountIn formulas evaluated with Python's exact integers; the same replay through
the CLI (`alvh --json position --swaps`) is not assumed: the replay is checked against invariants
(fees >= 0, value identities) and the bar-vs-swap relation; RSI/MACD against REFERENCES.md section 6
rows recomputed here with plain-Python Wilder / pandas-convention EMAs.
"""
import json
import math
import random

import numpy as np
import pytest

import alvh

Q128 = 1 << 128


def _pool_cases(shared_file):
    path = shared_file("vectors/uniswap-v3/pool_swaps/uniswap_v3_pool_swaps.json")
    with open(path) as f:
        return json.load(f)["pools"]


def _fresh_pool(cfg):
    pool = alvh.Pool(int(cfg["fee"]), int(cfg["tickSpacing"]), int(cfg["startingSqrtPriceX96"]))
    for i, p in enumerate(cfg["positions"]):
        pool.mint("lp", int(p["tickLower"]), int(p["tickUpper"]), int(p["liquidity"]))
    return pool


def test_pool_reproduces_every_uniswap_swap_snapshot_case(shared_file):
    cases = 0
    for cfg in _pool_cases(shared_file):
        for sw in cfg["swaps"]:
            pool = _fresh_pool(cfg)
            before = pool.state()
            limit = int(sw["sqrtPriceLimitX96"])
            exp = sw["expected"]
            cases += 1
            if exp.get("reverted"):
                with pytest.raises(alvh.Revert) as info:
                    pool.swap(bool(sw["zeroForOne"]), int(sw["amountSpecified"]), limit)
                assert info.value.reason == sw["exactPort"]["revertReason"]
                assert pool.state() == before, "a reverted swap must leave the pool unchanged"
                continue
            r = pool.swap(bool(sw["zeroForOne"]), int(sw["amountSpecified"]), limit)
            assert r["amount0"] == int(exp["amount0Delta"]), sw["snapshotKey"]
            assert r["amount1"] == int(exp["amount1Delta"]), sw["snapshotKey"]
            assert pool.fee_growth_global0_x128 == int(exp["feeGrowthGlobal0X128Delta"]), sw["snapshotKey"]
            assert pool.fee_growth_global1_x128 == int(exp["feeGrowthGlobal1X128Delta"]), sw["snapshotKey"]
            assert pool.tick == int(exp["tickAfter"]), sw["snapshotKey"]
            assert pool.sqrt_price_x96 == int(sw["exactPort"]["sqrtPriceX96After"]), sw["snapshotKey"]
            assert pool.liquidity == int(sw["exactPort"]["liquidityAfter"]), sw["snapshotKey"]
    assert cases == 240


def test_pool_fee_accounting_round_trip():
    # Hand-derived: one position holds all the liquidity, so it is owed every fee the swappers
    # paid (fee growth x L / 2^128, rounded down), and burn + collect returns the principal
    # (rounded down) plus those fees. Checked with Python's exact integers.
    q96 = 1 << 96
    pool = alvh.Pool(3000, 60, q96)
    L = 10**18
    a0, a1 = pool.mint("a", -600, 600, L)
    assert a0 > 0 and a1 > 0
    total_fee0 = 0
    rng = random.Random(7)
    for _ in range(20):
        zf1 = rng.random() < 0.5
        r = pool.swap(zf1, rng.randrange(10**12, 10**15))
        if zf1:
            total_fee0 += r["fee_amount"]
    owed_growth0 = pool.fee_growth_inside(-600, 600)[0]
    b0, b1 = pool.burn("a", -600, 600, L)
    pos = pool.position("a", -600, 600)
    assert pos["liquidity"] == 0
    assert pos["tokens_owed0"] == b0 + owed_growth0 * L // Q128
    # fees owed never exceed what swappers paid, and lose at most one wei to rounding
    fees_owed0 = pos["tokens_owed0"] - b0
    assert total_fee0 - 1 <= fees_owed0 <= total_fee0
    c0, c1 = pool.collect("a", -600, 600)
    assert (c0, c1) == (pos["tokens_owed0"], pos["tokens_owed1"])
    assert pool.position("a", -600, 600)["tokens_owed0"] == 0


def test_pool_reverts_are_typed_and_leave_state():
    pool = alvh.Pool(3000, 60, 1 << 96)
    with pytest.raises(alvh.Revert):
        pool.mint("a", -61, 60, 1000)  # misaligned tick
    with pytest.raises(alvh.Revert) as info:
        pool.initialize(1 << 96)
    assert info.value.reason == "AI"
    with pytest.raises(alvh.DomainError):
        pool.mint("a", -60, 60, -5)  # uint128 argument
    snapshot = pool.state()
    with pytest.raises(alvh.Revert) as info:
        pool.swap(True, 0)
    assert info.value.reason == "AS"
    assert pool.state() == snapshot
    other = pool.copy()
    other.mint("b", -60, 60, 10**9)
    assert pool.liquidity == 0 and other.liquidity == 10**9


def test_v2_amounts_match_the_library_formula_exactly():
    rng = random.Random(11)
    for _ in range(500):
        rin, rout = rng.randrange(10**3, 10**30), rng.randrange(10**3, 10**30)
        a = rng.randrange(1, 10**28)
        expected_out = a * 997 * rout // (rin * 1000 + a * 997)
        assert alvh.v2_get_amount_out(a, rin, rout) == expected_out
        out = rng.randrange(1, rout)
        assert alvh.v2_get_amount_in(out, rin, rout) == rin * out * 1000 // ((rout - out) * 997) + 1


def test_v2_pair_mint_swap_burn():
    pair = alvh.V2Pair()
    minted = pair.mint(10**18, 4 * 10**18)
    assert minted == math.isqrt(4 * 10**36) - 1000  # sqrt(a0 a1) - MINIMUM_LIQUIDITY
    out = pair.swap_exact_in(True, 10**16)
    assert out == alvh.v2_get_amount_out(10**16, 10**18, 4 * 10**18)
    k_before = 10**18 * 4 * 10**18
    assert pair.reserve0 * pair.reserve1 >= k_before  # the fee grows k
    r0, r1, supply = pair.reserve0, pair.reserve1, pair.total_supply
    assert supply == minted + 1000
    a0, a1 = pair.burn(minted)
    assert (a0, a1) == (minted * r0 // supply, minted * r1 // supply)  # UniswapV2Pair.burn, pro rata
    with pytest.raises(alvh.Revert):
        pair.swap_exact_in(True, 0)


def test_replay_swaps_over_real_history(shared_file):
    path = shared_file("data/uniswap_v3_mainnet_usdc_weth_03_swaps_2021-08.csv")
    r = alvh.replay_swaps(str(path), 192000, 198000, capital=100000.0, with_path=True)
    s, p = r["summary"], r["path"]
    assert s["events"] == len(p["time"]) > 1000
    assert np.all(np.diff(p["time"]) >= 0)
    assert np.all(p["fee0"] >= 0) and np.all(p["fee1"] >= 0)
    assert p["cum_fee0"][-1] == pytest.approx(s["cum_fee0"], rel=1e-12)
    assert p["lp_value"][-1] == pytest.approx(s["lp_value"], rel=1e-12)
    # pnl_vs_hodl = lp + fees - hodl (swap_replay.hpp)
    assert s["pnl_vs_hodl"] == pytest.approx(s["lp_value"] + s["fees_value"] - s["hodl_value"], rel=1e-9, abs=1e-6)
    assert s["entry_value"] == pytest.approx(100000.0, rel=1e-9)
    # streaming summary without the path gives the same numbers
    s2 = alvh.replay_swaps(str(path), 192000, 198000, capital=100000.0)["summary"]
    assert s2 == s
    cmp = alvh.compare_bar_vs_swap(str(path), 192000, 198000, capital=100000.0, bar_seconds=60)
    assert cmp["swap_level"]["fees_value"] == pytest.approx(s["fees_value"], rel=1e-12)
    assert abs(cmp["fees_value_rel_error"]) < 0.25


def test_replay_bad_input_names_the_file(tmp_path):
    bad = tmp_path / "swaps.csv"
    bad.write_text("unix_s,amount0_usdc,amount1_weth,tick,sqrtPriceX96_approx,liquidity_approx\n"
                   "100,5,-0.001,200000,1.0e33,1e18\n"
                   "90,abc,-0.001,200000,1.0e33,1e18\n")
    with pytest.raises(alvh.InputError) as info:
        alvh.replay_swaps(str(bad), 192000, 198000, capital=1000.0)
    assert "swaps.csv" in str(info.value)


def _wilder_rsi(closes, n):
    out = [math.nan] * len(closes)
    gains = [max(closes[i] - closes[i - 1], 0.0) for i in range(1, len(closes))]
    losses = [max(closes[i - 1] - closes[i], 0.0) for i in range(1, len(closes))]
    ag, al = sum(gains[:n]) / n, sum(losses[:n]) / n
    out[n] = 100.0 if al == 0 else 100 - 100 / (1 + ag / al)
    for i in range(n + 1, len(closes)):
        ag = ((n - 1) * ag + gains[i - 1]) / n
        al = ((n - 1) * al + losses[i - 1]) / n
        out[i] = 100.0 if al == 0 else 100 - 100 / (1 + ag / al)
    return out


def _ema(xs, span):
    a = 2.0 / (span + 1.0)
    out, v = [], None
    for x in xs:
        v = x if v is None else a * x + (1 - a) * v
        out.append(v)
    return out


def test_rsi_and_macd_match_their_definitions():
    rng = np.random.default_rng(3)
    closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 300)))
    rsi = alvh.rsi(closes, 14)
    ref = _wilder_rsi(list(closes), 14)
    assert np.all(np.isnan(rsi[:14]))
    np.testing.assert_allclose(rsi[14:], ref[14:], rtol=1e-12)
    m = alvh.macd(closes)
    fast, slow = _ema(list(closes), 12), _ema(list(closes), 26)
    macd = [f - s for f, s in zip(fast, slow)]
    np.testing.assert_allclose(m["macd"], macd, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(m["signal"], _ema(macd, 9), rtol=1e-12, atol=1e-12)
    assert set(np.unique(m["cross"])) <= {-1.0, 0.0, 1.0}
    with pytest.raises(alvh.DomainError):
        alvh.rsi([100.0, -1.0, 101.0])


def test_realized_variance_estimators():
    # A bar with O = C and H/L = e^{2a}: Parkinson gives (2a)^2 / (4 ln 2) per bar (Parkinson 1980).
    a = 0.01
    o = np.full(50, 100.0)
    h, lo = o * math.exp(a), o * math.exp(-a)
    assert alvh.realized_variance("parkinson", o, h, lo, o) == pytest.approx((2 * a) ** 2 / (4 * math.log(2)), rel=1e-12)
    # Garman-Klass with C = O: 0.5 ln(H/L)^2
    assert alvh.realized_variance("garman_klass", o, h, lo, o) == pytest.approx(0.5 * (2 * a) ** 2, rel=1e-12)
    vol = alvh.ewma_vol(o, h, lo, o, 10.0, 8760.0, "parkinson")
    # range estimators use one bar; close-to-close needs a previous close, so its first value is NaN
    assert np.isnan(alvh.ewma_vol(o, h, lo, o, 10.0, 8760.0)[0])
    assert vol[-1] == pytest.approx(math.sqrt((2 * a) ** 2 / (4 * math.log(2)) * 8760), rel=1e-9)
    with pytest.raises(alvh.DomainError):
        alvh.realized_variance("nope", o, h, lo, o)


def test_replay_bars_fee_is_rate_times_inflow_times_share(tmp_path):
    # Bar mode (swap_replay.hpp): fee_i = fee_rate x inflow_i (human units) x (fraction of the bar's
    # tick interval inside the range) x L_pos / (L_active + L_pos). Hand-built bars: the first two lie
    # wholly inside [192000, 198000), the third straddles the upper bound by half its ticks.
    f = tmp_path / "bars.csv"
    f.write_text(
        "timestamp,openTick,closeTick,lowestTick,highestTick,inAmount0,inAmount1,currentLiquidity\n"
        "1700000000,195000,195010,194990,195020,2000000000,0,3e18\n"
        "1700000060,195010,195000,194995,195015,0,500000000000000000,3e18\n"
        "1700000120,197990,197999,197990,198009,1000000000,0,3e18\n")
    r = alvh.replay_bars(str(f), 192000, 198000, liquidity_raw=1e18, fee_pips=3000, with_path=True)
    p = r["path"]
    share = 1e18 / (3e18 + 1e18)
    assert p["fee0"][0] == pytest.approx(0.003 * 2000.0 * share, rel=1e-12)          # 2,000 USDC in
    assert p["fee1"][1] == pytest.approx(0.003 * 0.5 * share, rel=1e-12)             # 0.5 WETH in
    assert p["in_range_fraction"][2] == pytest.approx(10 / 20, rel=1e-12)            # ticks 197990..198009
    assert p["fee0"][2] == pytest.approx(0.003 * 1000.0 * 0.5 * share, rel=1e-12)
    assert r["summary"]["cum_fee0"] == pytest.approx(p["fee0"].sum(), rel=1e-12)
