"""The real segment-analytics-python client, pointed at the collector by its host alone."""

from __future__ import annotations

import pytest
import segment.analytics as sa

from inspector.domain.secrets import mask_key

BURST = 1000


@pytest.mark.parametrize("use_gzip", [False, True], ids=["plain", "gzip"])
def test_six_calls_and_a_burst_arrive_intact_in_order_once(api, use_gzip):
    errors: list[object] = []
    client = sa.Client(
        "WK_SEGMENT_PY",
        host=api.url,
        gzip=use_gzip,
        upload_interval=0.05,
        on_error=lambda e, batch: errors.append(e),
        max_retries=0,
    )
    client.identify("u1", {"email": "zoë@example.com", "big": 2**70, "nested": {"n": None}})
    client.track("u1", "Order Completed", {"revenue": 9.99, "currency": "EUR"})
    client.page("u1", "Docs", "Intro", {"url": "http://x/y"})
    client.screen("u1", "App", "Home")
    client.group("u1", "g1", {"name": "Acme"})
    client.alias("anon-1", "u1")
    for i in range(BURST):
        client.track("u1", "Burst", {"i": i})
    client.flush()
    client.shutdown()
    assert errors == []

    events = api.events(limit=BURST + 10)
    assert len(events) == BURST + 6
    assert [e["type"] for e in events[:6]] == [
        "identify",
        "track",
        "page",
        "screen",
        "group",
        "alias",
    ]
    ident = events[0]["message"]
    assert ident["traits"] == {"email": "zoë@example.com", "big": 2**70, "nested": {"n": None}}
    assert events[1]["message"]["properties"] == {"revenue": 9.99, "currency": "EUR"}
    assert events[2]["message"]["name"] == "Intro" and events[2]["message"]["category"] == "Docs"
    assert events[5]["message"]["previousId"] == "anon-1"
    assert [e["message"]["properties"]["i"] for e in events[6:]] == list(range(BURST))
    assert len({e["messageId"] for e in events}) == len(events)
    assert not any(e["duplicate"] for e in events)
    src = events[0]["source"]
    assert src["writeKey"] == mask_key("WK_SEGMENT_PY") and src["auth"] == "basic"
    assert src["library"] == "analytics-python"
    assert src["client"] == "segment-analytics-python"
    raw = api.get(f"/api/events/{events[0]['id']}").json()["raw"]
    assert raw["contentEncoding"] == ("gzip" if use_gzip else "")
    assert raw["headers"]["User-Agent"].startswith("analytics-python/")
