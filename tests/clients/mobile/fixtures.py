"""Mobile SDK fixtures (tests/fixtures/mobile): each request as the SDK's source builds it."""

from __future__ import annotations

import gzip
import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mobile"


@dataclass
class Fixture:
    name: str
    meta: dict[str, Any]
    body: bytes  # as the SDK builds it, before any Content-Encoding

    @property
    def request(self) -> dict[str, Any]:
        return dict(self.meta["request"])

    @property
    def expect(self) -> dict[str, Any]:
        return dict(self.meta["expect"])

    def wire_body(self) -> bytes:
        return gzip.compress(self.body) if self.request["encoding"] == "gzip" else self.body


def load_all() -> list[Fixture]:
    out = []
    for meta_path in sorted(FIXTURES.glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = meta_path.with_suffix(".body").read_bytes()
        out.append(Fixture(meta_path.stem, meta, body))
    return out


def _chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def send(base_url: str, fx: Fixture) -> tuple[int, dict[str, Any]]:
    """POST the fixture over a real connection (chunked when the SDK streams its body)."""
    u = urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port, timeout=30)
    req = fx.request
    body = fx.wire_body()
    headers = dict(req["headers"])
    try:
        if req.get("chunked"):
            headers["Transfer-Encoding"] = "chunked"
            conn.request(req["method"], req["path"], _chunks(body), headers, encode_chunked=True)
        else:
            conn.request(req["method"], req["path"], body, headers)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()
