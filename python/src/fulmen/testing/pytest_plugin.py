"""The pytest plugin ``fulmen`` (entry point ``pytest11``): fixtures that give tests a running :class:`LocalCluster`.

- ``local_cluster``: one cluster for the whole test session (it is shared: use your own topics and groups).
- ``fresh_local_cluster``: a cluster of its own for one test, for tests that stop or restart brokers.
- ``unique_name``: a factory of names unique within the session (``unique_name("orders")`` → ``"orders-1a2b3c-1"``).

Disable the plugin with ``-p no:fulmen``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator

import pytest

from . import LocalCluster


@pytest.fixture(scope="session")
def local_cluster() -> Iterator[LocalCluster]:
    """A LocalCluster shared by every test of the session."""
    with LocalCluster() as cluster:
        yield cluster


@pytest.fixture
def fresh_local_cluster() -> Iterator[LocalCluster]:
    """A LocalCluster of this test only."""
    with LocalCluster() as cluster:
        yield cluster


_counter = itertools.count(1)


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Returns a function making names (topics, groups) no other test of the session uses."""
    run = f"{os.getpid():x}"

    def make(prefix: str) -> str:
        return f"{prefix}-{run}-{next(_counter)}"

    return make
