"""Fixtures for the real-client tests (see harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.harness import Collector
from tests.clients.npm import ensure_node_modules


@pytest.fixture
def collector(tmp_path: Path) -> Iterator[Collector]:
    """A fresh collector on 127.0.0.1:<free port> with its own data directory."""
    c = Collector(tmp_path / "data").start()
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """``npm ci`` once per run (only when node_modules is missing or older than the lock)."""
    return ensure_node_modules()
