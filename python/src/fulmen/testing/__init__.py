"""Testing helpers: :class:`LocalCluster`, an embedded RocketMQ (name servers and brokers on 127.0.0.1) that starts
in milliseconds, and the ``local_cluster`` pytest fixture (registered automatically when ``fulmen`` is installed)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import TracebackType

from .. import _loop
from .._native import NativeLocalCluster
from ..errors import ClosedError

__all__ = ["LocalCluster"]


class LocalCluster:
    """An embedded cluster: ``name_servers`` name servers and ``brokers`` brokers on 127.0.0.1, ephemeral ports.

    Use ``with LocalCluster() as cluster:`` (or ``async with``), then give ``cluster.namesrv_addr`` to producers and
    consumers. The store lives in a temporary directory removed at shutdown, unless ``store_dir`` is given (then it
    is kept). Topics are created on first use unless ``auto_create_topics=False``. ``transaction_check_interval``
    (seconds or ``timedelta``) makes the brokers check back unresolved transactions that often, on half messages at
    least that old (Apache's brokers: every 30 s, after 6 s); tests of transaction checks set it short.
    """

    def __init__(
        self,
        *,
        brokers: int = 1,
        name_servers: int = 1,
        store_dir: str | Path | None = None,
        auto_create_topics: bool = True,
        transaction_check_interval: float | timedelta | None = None,
    ) -> None:
        self._settings = dict(
            name_servers=name_servers,
            brokers=brokers,
            store_dir=None if store_dir is None else str(store_dir),
            auto_create_topics=auto_create_topics,
            transaction_check_interval=transaction_check_interval,
        )
        self._native: NativeLocalCluster | None = None

    async def start_async(self) -> LocalCluster:
        """Starts the cluster from asyncio code; returns ``self``."""
        if self._native is None:
            self._native = await NativeLocalCluster.start(**self._settings)  # type: ignore[arg-type]
        return self

    def start(self) -> LocalCluster:
        """Starts the cluster; returns ``self``."""
        if self._native is None:
            _loop.run(self.start_async())
        return self

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.shutdown()

    async def __aenter__(self) -> LocalCluster:
        return await self.start_async()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.shutdown_async()

    def _started(self) -> NativeLocalCluster:
        if self._native is None:
            raise ClosedError("the cluster is not running: use `with LocalCluster() as cluster:`")
        return self._native

    @property
    def namesrv_addr(self) -> str:
        """The name server addresses (``"127.0.0.1:port;..."``) to give clients."""
        return self._started().namesrv_addr

    @property
    def brokers(self) -> list[tuple[str, str]]:
        """``(broker name, "127.0.0.1:port")`` for each broker."""
        return self._started().brokers

    @property
    def store_dir(self) -> Path:
        """Where the brokers store messages."""
        return Path(self._started().store_dir)

    def stop_broker(self, index: int) -> None:
        """Stops broker ``index`` cleanly (its route disappears; messages stay on disk)."""
        _loop.call(self._started().stop_broker, index)

    def kill_broker(self, index: int) -> None:
        """Stops broker ``index`` as a crash would: no flush, no checkpoint."""
        _loop.call(self._started().kill_broker, index)

    def restart_broker(self, index: int) -> None:
        """Starts a stopped or killed broker ``index`` again, on the same address and store."""
        _loop.call(self._started().restart_broker, index)

    async def shutdown_async(self) -> None:
        """Stops everything from asyncio code; idempotent."""
        native, self._native = self._native, None
        if native is not None:
            await native.shutdown()

    def shutdown(self) -> None:
        """Stops everything; idempotent."""
        _loop.run(self.shutdown_async())
