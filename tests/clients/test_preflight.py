"""CORS preflights exactly as browsers send them (no browser needed for these)."""

from __future__ import annotations

import urllib.request

from tests.clients.harness import Collector


def options(c: Collector, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    req = urllib.request.Request(c.url + path, method="OPTIONS", headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}


def test_analytics_next_preflight(collector: Collector) -> None:
    """What Chromium sent before analytics-next's POST /v1/t (Authorization needs a preflight)."""
    status, h = options(
        collector,
        "/v1/t",
        {
            "Origin": "http://127.0.0.1:18770",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,x-retry-count",
        },
    )
    assert status in (200, 204)
    assert h["access-control-allow-origin"] == "http://127.0.0.1:18770"
    assert "POST" in h["access-control-allow-methods"]
    assert set(h["access-control-allow-headers"].replace(" ", "").lower().split(",")) >= {
        "authorization",
        "x-retry-count",
    }
    assert int(h["access-control-max-age"]) > 0


def test_private_network_access_preflight(collector: Collector) -> None:
    """Chrome 104-141 (Private Network Access): a public page's preflight to localhost asks
    ``Access-Control-Request-Private-Network: true`` and needs the matching Allow header."""
    status, h = options(
        collector,
        "/v1/batch",
        {
            "Origin": "https://shop.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert status in (200, 204)
    assert h["access-control-allow-private-network"] == "true"
    assert h["access-control-allow-origin"] == "https://shop.example.com"
    for path in ("/v1/projects/WK/settings", "/e", "/v1/m"):
        _, h = options(
            collector,
            path,
            {
                "Origin": "https://shop.example.com",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Private-Network": "true",
            },
        )
        assert h["access-control-allow-private-network"] == "true", path


def test_raw_view_keeps_the_query_string_as_sent(collector: Collector) -> None:
    """``?writeKey=`` (auth form from the Segment docs) percent-encoded: the query string is
    shown as sent, but for the key's value, which is masked."""
    req = urllib.request.Request(
        collector.url + "/v1/track?writeKey=wk%2Bplus%26x&t=a+b",
        data=b'{"userId":"u","event":"E"}',
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
    (ev,) = collector.wait_for(1, settle=0.1)
    assert ev["source"]["writeKey"] == "w••••••x" and ev["source"]["auth"] == "query"
    assert collector.events('writekey:"wk+plus&x"') == [ev]  # the whole key, decoded
    raw = collector.api(f"/api/events/{ev['id']}")["raw"]
    assert raw["query"] == "writeKey=w••••••x&t=a+b"  # the rest as sent; the key masked
