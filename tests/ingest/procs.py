"""``event-inspector`` as users run it: subprocesses on one data directory
(:mod:`inspector.testing.serve`, with HTTP at hand)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import requests

from inspector.testing.serve import Served


class Serve(Served):
    """``event-inspector serve --port 0`` in a subprocess (its two worker processes too),
    with a requests session on it."""

    def __init__(self, data_dir: Path, session: str = "s", *extra: str) -> None:
        super().__init__(data_dir, *extra, session=session)
        self.http = requests.Session()

    def post(self, path: str, body: Any, timeout: float = 10, **kw: Any) -> requests.Response:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self.http.post(self.url + path, data=data, timeout=timeout, **kw)

    def get(self, path: str, timeout: float = 40, **kw: Any) -> requests.Response:
        return self.http.get(self.url + path, timeout=timeout, **kw)

    def events(self, q: str = "") -> list[dict[str, Any]]:
        r = self.get("/api/events", params={"q": q, "limit": 100000})
        assert r.status_code == 200, r.text
        return r.json()["events"]  # type: ignore[no-any-return]


def wait_for(check: Any, timeout: float, what: str) -> float:
    """Poll ``check()`` until true; the seconds it took."""
    t0 = time.monotonic()
    while not check():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - t0


def env_without_display() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
