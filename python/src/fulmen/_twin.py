"""The lifecycle the client classes share. :class:`AsyncBase`: an asyncio class over a started native handle
(``async with``, ``client_id``, the not-started error). :class:`SyncTwin`: a blocking class that owns an asyncio twin
and runs that twin's ``start`` and ``aclose`` on the background loop (:mod:`fulmen._loop`). Subclasses start their
handle or build their twin, and add their methods."""

from __future__ import annotations

from collections.abc import Coroutine
from types import TracebackType
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from . import _loop
from .errors import ClosedError


class NativeClient(Protocol):
    """What an asyncio class needs of its native handle."""

    @property
    def client_id(self) -> str:
        """The client's id as brokers see it."""
        ...


N = TypeVar("N", bound=NativeClient)
SA = TypeVar("SA", bound="AsyncBase[Any]")


class AsyncBase(Generic[N]):
    """Base of the asyncio classes: ``async with`` and ``client_id`` over the native handle ``start`` sets."""

    _what: ClassVar[str] = "client"
    _native: N | None = None

    async def start(self: SA) -> SA:
        """Starts the client; returns ``self``."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Closes the client; idempotent."""
        raise NotImplementedError

    async def __aenter__(self: SA) -> SA:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def _started(self) -> N:
        if self._native is None:
            raise ClosedError(
                f"the {self._what} is not started: use `async with` or `await {self._what}.start()`"
            )
        return self._native

    @property
    def client_id(self) -> str:
        """This client's id as brokers see it (``ip@instance``)."""
        return self._started().client_id


class AsyncClient(Protocol):
    """What a blocking class needs of its asyncio twin."""

    def start(self) -> Coroutine[Any, Any, object]:
        """Starts the client."""
        ...

    def aclose(self) -> Coroutine[Any, Any, None]:
        """Closes the client."""
        ...

    @property
    def client_id(self) -> str:
        """The client's id as brokers see it."""
        ...


A = TypeVar("A", bound=AsyncClient)
S = TypeVar("S", bound="SyncTwin[Any]")


class SyncTwin(Generic[A]):
    """Base of the blocking classes: ``start`` / ``close``, ``with`` and ``client_id`` over an asyncio twin."""

    _what: ClassVar[str] = "client"
    _aio: A | None = None

    def _make_async(self) -> A:
        """The (not yet started) asyncio twin, with this object's settings."""
        raise NotImplementedError

    def start(self: S) -> S:
        """Starts the client; returns ``self``."""
        if self._aio is None:
            aio = self._make_async()
            _loop.run(aio.start())
            self._aio = aio
        return self

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _started(self) -> A:
        if self._aio is None:
            raise ClosedError(f"the {self._what} is not started: use `with` or `{self._what}.start()`")
        return self._aio

    @property
    def client_id(self) -> str:
        """This client's id as brokers see it (``ip@instance``)."""
        return self._started().client_id

    def close(self) -> None:
        """Closes the client (see the asyncio twin's ``aclose``); idempotent."""
        aio, self._aio = self._aio, None
        if aio is not None:
            _loop.run(aio.aclose())
