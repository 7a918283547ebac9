"""Fixtures for the real-client tests (see harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.harness import Collector


@pytest.fixture
def collector(tmp_path: Path) -> Iterator[Collector]:
    """A fresh collector on 127.0.0.1:<free port> with its own data directory."""
    c = Collector(tmp_path / "data").start()
    try:
        yield c
    finally:
        c.stop()
