"""What :class:`fulmen.AsyncAdmin` and :class:`fulmen.Admin` return: small frozen dataclasses built from the plain
values the native admin gives. Times are timezone-aware UTC ``datetime``s (``None`` where the broker reports 0)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ._native import MessageQueue, MessageView

__all__ = [
    "BrokerData",
    "ClusterInfo",
    "ConsumeStats",
    "ConsumerClient",
    "ConsumerConnection",
    "ConsumerSubscription",
    "MessageTrack",
    "QueueConsumeOffset",
    "QueueData",
    "ResetOffsetResult",
    "RollbackStats",
    "StoredMessage",
    "TopicCreated",
    "TopicOffset",
    "TopicRoute",
    "TopicStatus",
]

MASTER_ID = 0


def _utc(millis: int) -> datetime | None:
    """An aware UTC datetime for Unix milliseconds, ``None`` for 0 (never)."""
    if millis <= 0:
        return None
    return datetime.fromtimestamp(millis / 1000, tz=timezone.utc)


def _millis(when: datetime) -> int:
    """Unix milliseconds of ``when`` (a naive datetime is local time, as ``datetime.timestamp`` takes it)."""
    return round(when.timestamp() * 1000)


@dataclass(frozen=True)
class BrokerData:
    """One broker group: its cluster, name and the address of each member by broker id (0 is the master)."""

    cluster: str
    broker_name: str
    addrs: dict[int, str]
    zone_name: str | None = None

    @property
    def master_addr(self) -> str | None:
        """The master's ``host:port``, if the master is registered."""
        return self.addrs.get(MASTER_ID)

    @classmethod
    def _from_native(cls, raw: tuple[str, str, dict[int, str], str | None]) -> BrokerData:
        return cls(raw[0], raw[1], dict(raw[2]), raw[3])


@dataclass(frozen=True)
class ClusterInfo:
    """Every broker group by broker name and the broker names of every cluster."""

    brokers: dict[str, BrokerData]
    clusters: dict[str, list[str]]

    def cluster_brokers(self, cluster: str) -> list[BrokerData]:
        """The broker groups of ``cluster`` (empty for an unknown cluster)."""
        return [self.brokers[name] for name in self.clusters.get(cluster, []) if name in self.brokers]


@dataclass(frozen=True)
class QueueData:
    """A topic's queues on one broker."""

    broker_name: str
    read_queue_nums: int
    write_queue_nums: int
    perm: int
    topic_sys_flag: int


@dataclass(frozen=True)
class TopicRoute:
    """Where a topic lives, as the name server tells clients."""

    topic: str
    queues: list[QueueData]
    brokers: list[BrokerData]
    order_topic_conf: str | None = None

    @property
    def read_queues(self) -> list[MessageQueue]:
        """Every readable queue of the topic, by broker then queue id."""
        return [
            MessageQueue(self.topic, data.broker_name, queue_id)
            for data in sorted(self.queues, key=lambda data: data.broker_name)
            for queue_id in range(data.read_queue_nums)
        ]


@dataclass(frozen=True)
class TopicCreated:
    """Where a topic was created or updated."""

    broker_addrs: list[str]
    order_conf: str | None = None


@dataclass(frozen=True)
class TopicOffset:
    """One queue's stored offset range."""

    queue: MessageQueue
    min_offset: int
    max_offset: int
    last_updated: datetime | None

    @property
    def count(self) -> int:
        """Messages still stored in the queue."""
        return self.max_offset - self.min_offset


@dataclass(frozen=True)
class TopicStatus:
    """The offsets of every queue of a topic, sorted by queue."""

    offsets: dict[MessageQueue, TopicOffset]
    put_tps: float = 0.0

    @property
    def total(self) -> int:
        """Messages still stored over all queues."""
        return sum(offset.count for offset in self.offsets.values())


@dataclass(frozen=True)
class QueueConsumeOffset:
    """A consumer group's offsets on one queue."""

    queue: MessageQueue
    broker_offset: int
    consumer_offset: int
    pull_offset: int
    last_consumed: datetime | None

    @property
    def lag(self) -> int:
        """Messages stored but not yet consumed."""
        return max(0, self.broker_offset - self.consumer_offset)


@dataclass(frozen=True)
class ConsumeStats:
    """A consumer group's offsets on every queue it consumes, sorted by queue."""

    offsets: dict[MessageQueue, QueueConsumeOffset]
    consume_tps: float = 0.0

    @property
    def lag(self) -> int:
        """Messages stored but not yet consumed, over all queues (mqadmin's "Diff Total")."""
        return sum(offset.lag for offset in self.offsets.values())


@dataclass(frozen=True)
class ConsumerClient:
    """One online member of a consumer group."""

    client_id: str
    client_addr: str
    language: str
    version: int


@dataclass(frozen=True)
class ConsumerSubscription:
    """What a consumer group subscribes to on one topic."""

    topic: str
    expression: str
    tags: list[str]
    expression_type: str


@dataclass(frozen=True)
class ConsumerConnection:
    """A consumer group's online members and subscriptions; ``consume_type`` etc. are the Java enum names."""

    clients: list[ConsumerClient]
    subscriptions: list[ConsumerSubscription]
    consume_type: str
    message_model: str
    consume_from_where: str


@dataclass(frozen=True)
class StoredMessage:
    """A message as the broker stored it, with mqadmin's storage details."""

    message: MessageView
    sys_flag: int
    store_size: int
    body_crc: int


@dataclass(frozen=True)
class MessageTrack:
    """How far one consumer group got with a message; ``track_type`` is Java's ``TrackType`` name (``CONSUMED``,
    ``NOT_CONSUME_YET``, ``NOT_ONLINE``, ``PULL``...)."""

    consumer_group: str
    track_type: str
    exception_desc: str | None = None


@dataclass(frozen=True)
class RollbackStats:
    """One queue of an offset reset done by the admin (no consumer was online)."""

    broker_name: str
    queue_id: int
    broker_offset: int
    consumer_offset: int
    timestamp_offset: int
    rollback_offset: int


@dataclass(frozen=True)
class ResetOffsetResult:
    """What a reset by time did: ``offsets`` when the brokers reset them, ``rolled_back`` when the admin stored them
    itself."""

    by_broker: bool
    offsets: dict[MessageQueue, int]
    rolled_back: list[RollbackStats]
