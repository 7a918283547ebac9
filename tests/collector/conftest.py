from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from inspector.testing.collector import ThreadedCollector


class Api:
    """Tiny HTTP helper bound to one collector (real sockets on 127.0.0.1)."""

    def __init__(self, collector: ThreadedCollector) -> None:
        self.c = collector
        self.url = collector.url
        self.s = requests.Session()

    def post(self, path: str, data: Any = None, **kw: Any) -> requests.Response:
        if path.startswith("/api/") and data is not None:
            # as every real client of /api does (state changes need it: test_security.py)
            kw["headers"] = {"Content-Type": "application/json", **(kw.get("headers") or {})}
        return self.s.post(self.url + path, data=data, timeout=10, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.s.get(self.url + path, timeout=10, **kw)

    def events(self, q: str = "", limit: int = 10000) -> list[dict[str, Any]]:
        r = self.get("/api/events", params={"q": q, "limit": limit})
        assert r.status_code == 200, r.text
        return r.json()["events"]

    def rejected(self) -> list[dict[str, Any]]:
        return self.get("/api/rejected").json()["requests"]


@pytest.fixture
def collector(tmp_path) -> Iterator[ThreadedCollector]:
    with ThreadedCollector(tmp_path / "data", session="test") as c:
        yield c


@pytest.fixture
def api(collector: ThreadedCollector) -> Iterator[Api]:
    a = Api(collector)
    yield a
    a.s.close()
