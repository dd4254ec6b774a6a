"""The exception tree: one class per Rust error code, catchable as the matching builtin, with code fields."""

from __future__ import annotations

import builtins

import pytest

from fulmen import _native, errors


def test_every_native_code_has_a_class() -> None:
    assert set(_native.error_codes()) == set(errors._BY_CODE)


@pytest.mark.parametrize(
    ("code", "builtin"),
    [
        ("TIMEOUT", builtins.TimeoutError),
        ("CONNECTION", builtins.ConnectionError),
        ("INVALID_ARGUMENT", ValueError),
        ("ROUTE_NOT_FOUND", LookupError),
        ("TOPIC_NOT_FOUND", LookupError),
    ],
)
def test_kinds_are_their_builtins(code: str, builtin: type[BaseException]) -> None:
    with pytest.raises(builtin) as caught:
        _native._raise_error(code, "what happened", 17)
    error = caught.value
    assert isinstance(error, errors.FulmenError)
    assert type(error) is errors._BY_CODE[code]
    assert (error.code, error.response_code) == (code, 17)
    assert "what happened" in str(error)


def test_broker_refusals_share_a_base() -> None:
    for code in ("FLOW_CONTROL", "NO_PERMISSION", "STORAGE"):
        with pytest.raises(errors.BrokerError):
            _native._raise_error(code, "no", None)
