"""alvh::Error and its subclasses arrive in Python as alvh.Error subclasses with the C++ message."""
import json

import numpy as np
import pytest

import alvh


def test_exception_hierarchy_mirrors_cpp():
    assert issubclass(alvh.Error, RuntimeError)
    for cls in (alvh.DomainError, alvh.InputError):
        assert issubclass(cls, alvh.Error) and issubclass(cls, ValueError)
    assert issubclass(alvh.Revert, alvh.Error)
    assert issubclass(alvh.ArbitrageBoundsError, alvh.DomainError)


def test_domain_error_carries_the_cpp_message():
    # Message format of alvh::require (src/core/error.cpp): "<what>: expected <expected>, got <value>".
    with pytest.raises(alvh.DomainError, match=r"^range lower price: expected below the upper price, got 3$"):
        alvh.PriceRange(3.0, 2.0)
    with pytest.raises(alvh.DomainError, match=r"capital: expected a finite number > 0, got -1"):
        alvh.liquidity_for_capital(alvh.PriceRange(1500, 2500), -1.0, 2000.0)


def test_domain_error_inside_a_vectorised_call_is_raised_not_nan():
    with pytest.raises(alvh.DomainError, match="price: expected a finite number > 0"):
        alvh.impermanent_loss(alvh.PriceRange(), 1.0, np.array([1.0, -2.0, 3.0]))


def test_input_error_has_file_line_field(tmp_path):
    bad = tmp_path / "hedge.json"
    bad.write_text(json.dumps({"schema": "alvh.hedge", "legs": [{"type": "put", "strike": -5}]}))
    with pytest.raises(alvh.InputError) as info:
        alvh.read_hedge_json(str(bad))
    err = info.value
    assert err.file == str(bad)
    assert err.field.startswith("legs[0]")
    assert str(bad) in str(err)


def test_input_error_for_a_missing_file_names_it(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(alvh.InputError) as info:
        alvh.read_hedge_json(str(missing))
    assert info.value.file == str(missing) and info.value.line == 0


def test_errors_are_catchable_as_the_base_class():
    with pytest.raises(alvh.Error):
        alvh.bsm_price(alvh.OptionType.Call, 100.0, 100.0, 1.0, 0.0, 0.0, -0.2)


def test_every_public_binding_has_a_docstring():
    import inspect

    missing = []
    for name in dir(alvh._alvh):
        if name.startswith("_") or name.isupper():
            continue
        obj = getattr(alvh._alvh, name)
        if not (obj.__doc__ or "").strip():
            missing.append(name)
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and callable(member) and not (member.__doc__ or "").strip():
                    missing.append(f"{name}.{attr}")
    assert missing == []
