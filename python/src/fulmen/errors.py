"""The exceptions Fulmen raises.

Every one is a :class:`FulmenError` with a stable ``code`` (the Rust ``ErrorKind`` code, the same in every language
Fulmen supports), the broker's ``response_code`` when a broker refused, and the ``broker`` that answered. Kinds that
have a builtin counterpart also subclass it, so ``except TimeoutError`` or ``except ValueError`` work as expected.
"""

from __future__ import annotations

import builtins

__all__ = [
    "BrokerError",
    "ClosedError",
    "ConnectionError",
    "FlowControlError",
    "FulmenError",
    "InternalError",
    "InvalidArgumentError",
    "NoPermissionError",
    "ProtocolError",
    "RouteNotFoundError",
    "StorageError",
    "TimeoutError",
    "TopicNotFoundError",
]


class FulmenError(Exception):
    """Base class of every Fulmen error."""

    code: str = "INTERNAL"
    """The stable error code, such as ``"TIMEOUT"`` or ``"TOPIC_NOT_FOUND"``."""
    response_code: int | None = None
    """The broker's or name server's response code (or Java's client codes 10001-10005), if any."""
    broker: str | None = None
    """The broker (name or address) the error came from, if known."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    @property
    def message(self) -> str:
        """The error's text."""
        return str(self.args[0]) if self.args else ""


class TimeoutError(FulmenError, builtins.TimeoutError):  # noqa: A001 - deliberately shadows the builtin
    """No answer within the allowed time."""

    code = "TIMEOUT"


class ConnectionError(FulmenError, builtins.ConnectionError):  # noqa: A001
    """A connection could not be made or broke."""

    code = "CONNECTION"


class InvalidArgumentError(FulmenError, ValueError):
    """A message, option or argument is not valid (also a broker's MESSAGE_ILLEGAL or INVALID_PARAMETER)."""

    code = "INVALID_ARGUMENT"


class RouteNotFoundError(FulmenError, LookupError):
    """The name servers know no route for the topic."""

    code = "ROUTE_NOT_FOUND"


class TopicNotFoundError(RouteNotFoundError):
    """The broker does not know the topic."""

    code = "TOPIC_NOT_FOUND"


class BrokerError(FulmenError):
    """The broker refused the request; ``response_code`` says why."""

    code = "BROKER"


class FlowControlError(BrokerError):
    """The broker is busy or throttling this client; try again later."""

    code = "FLOW_CONTROL"


class NoPermissionError(BrokerError):
    """The broker or topic does not allow the operation."""

    code = "NO_PERMISSION"


class StorageError(BrokerError):
    """The broker's store could not serve the request."""

    code = "STORAGE"


class ProtocolError(FulmenError):
    """Bytes that do not follow the RocketMQ remoting protocol, or a request the peer does not support."""

    code = "PROTOCOL"


class ClosedError(FulmenError):
    """The producer or consumer is closed (or was created before ``fork()``)."""

    code = "CLOSED"


class InternalError(FulmenError):
    """A bug in Fulmen; please report it with the message."""

    code = "INTERNAL"


_BY_CODE: dict[str, type[FulmenError]] = {
    cls.code: cls
    for cls in (
        TimeoutError,
        ConnectionError,
        InvalidArgumentError,
        RouteNotFoundError,
        TopicNotFoundError,
        BrokerError,
        FlowControlError,
        NoPermissionError,
        StorageError,
        ProtocolError,
        ClosedError,
        InternalError,
    )
}
