"""Exact Uniswap v3 math through the bindings: Python ints in and out, bit-exact with the
contracts (../shared/vectors/uniswap-v3, an exact Python integer port of SqrtPriceMath), and
the same values as `alvh --json tick`."""
import csv
import random

import pytest

import alvh

Q96 = 1 << 96


def test_constants_are_the_contract_literals():
    # TickMath.sol: MIN_SQRT_RATIO = 4295128739, MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342.
    assert alvh.MIN_TICK == -887272 and alvh.MAX_TICK == 887272
    assert alvh.MIN_SQRT_RATIO == 4295128739
    assert alvh.MAX_SQRT_RATIO == 1461446703485210103287273052203988822378723970342
    assert alvh.sqrt_ratio_at_tick(0) == Q96


def test_tick_math_matches_every_shared_vector(shared_file):
    path = shared_file("vectors/uniswap-v3/tickmath.csv")
    n = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            n += 1
            if row["function"] == "getSqrtRatioAtTick":
                if row["expected_revert"]:
                    with pytest.raises(alvh.Revert) as info:
                        alvh.sqrt_ratio_at_tick(int(row["tick"]))
                    assert info.value.reason == row["expected_revert"]
                else:
                    assert alvh.sqrt_ratio_at_tick(int(row["tick"])) == int(row["sqrtPriceX96"]), row
            else:
                if row["expected_revert"]:
                    with pytest.raises(alvh.Revert) as info:
                        alvh.tick_at_sqrt_ratio(int(row["sqrtPriceX96"]))
                    assert info.value.reason == row["expected_revert"]
                else:
                    assert alvh.tick_at_sqrt_ratio(int(row["sqrtPriceX96"])) == int(row["tick"]), row
    assert n > 900


# Independent reference: SqrtPriceMath.getAmount0Delta/getAmount1Delta as exact Python integers
# (v3-core SqrtPriceMath.sol: amount0 = L<<96 (b - a) / b / a, amount1 = L (b - a) / 2^96).
def _ceil_div(a, b):
    return -(-a // b)


def _amount0(a, b, L, round_up):
    a, b = min(a, b), max(a, b)
    n1, n2 = L << 96, b - a
    return _ceil_div(_ceil_div(n1 * n2, b), a) if round_up else (n1 * n2 // b) // a


def _amount1(a, b, L, round_up):
    a, b = min(a, b), max(a, b)
    return _ceil_div(L * (b - a), Q96) if round_up else L * (b - a) // Q96


def test_amount_deltas_equal_exact_integer_formulas():
    rng = random.Random(20240601)
    for _ in range(300):
        a = alvh.sqrt_ratio_at_tick(rng.randint(-400000, 400000))
        b = alvh.sqrt_ratio_at_tick(rng.randint(-400000, 400000))
        L = rng.randint(1, (1 << 128) - 1)
        for up in (False, True):
            assert alvh.get_amount0_delta(a, b, L, up) == _amount0(a, b, L, up)
            assert alvh.get_amount1_delta(a, b, L, up) == _amount1(a, b, L, up)


def test_mul_div_is_floor_of_the_exact_product():
    rng = random.Random(7)
    for _ in range(200):
        d = rng.randint(1, (1 << 256) - 1)
        a = rng.randint(0, (1 << 256) - 1)
        b = rng.randint(0, d)  # a*b/d < 2^256
        assert alvh.mul_div(a, b, d) == a * b // d
    with pytest.raises(alvh.Revert):
        alvh.mul_div(1 << 255, 4, 1)


def test_swap_step_conserves_the_exact_input():
    # Exact input: amount_in + fee_amount never exceeds amount_remaining, and the fee is
    # ceil(amount_in * fee / (1e6 - fee)) when the target is reached (SwapMath.sol).
    current = alvh.sqrt_ratio_at_tick(0)
    target = alvh.sqrt_ratio_at_tick(-100)
    step = alvh.compute_swap_step(current, target, 10**18, 10**15, 3000)
    assert step["amount_in"] + step["fee_amount"] <= 10**15
    assert target <= step["sqrt_ratio_next_x96"] <= current


def test_bad_integer_arguments_raise_domain_errors():
    with pytest.raises(alvh.DomainError, match="sqrt_price_x96: expected an unsigned integer, got -1"):
        alvh.tick_at_sqrt_ratio(-1)
    with pytest.raises(alvh.DomainError, match="liquidity: expected an integer < 2\\^128"):
        alvh.get_amount1_delta(Q96, 2 * Q96, 1 << 128, False)
    with pytest.raises(TypeError):  # pybind11's signature check: floats are not silently truncated
        alvh.tick_at_sqrt_ratio(1.5)
    with pytest.raises(alvh.Revert) as info:
        alvh.tick_at_sqrt_ratio(alvh.MAX_SQRT_RATIO)
    assert info.value.reason == "R"


@pytest.mark.parametrize("tick", [-887272, -200000, -1, 0, 1, 73135, 887272])
def test_tick_matches_cli(cli, tick):
    doc = cli("tick", "--", tick) if tick < 0 else cli("tick", tick)
    assert int(doc["sqrt_price_x96"]) == alvh.sqrt_ratio_at_tick(tick)
    if tick < alvh.MAX_TICK:  # MAX_SQRT_RATIO itself is outside getTickAtSqrtRatio's domain
        assert cli("tick", "--sqrt-price-x96", doc["sqrt_price_x96"])["tick"] == tick
        assert alvh.tick_at_sqrt_ratio(int(doc["sqrt_price_x96"])) == tick
    else:
        proc = cli("tick", "--sqrt-price-x96", doc["sqrt_price_x96"], check=False)
        assert proc.returncode == 1 and "revert R" in proc.stderr
        with pytest.raises(alvh.Revert, match="^revert R"):
            alvh.tick_at_sqrt_ratio(int(doc["sqrt_price_x96"]))
