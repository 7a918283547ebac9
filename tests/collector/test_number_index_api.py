"""Comparisons through ``/api/events`` over real HTTP: the collector's indexer fills the number
index, the door drives a rare comparison from it, and the answers are the predicate's."""

from __future__ import annotations

import json
import time

from inspector.domain.query import compile_query


def test_comparisons_through_the_api_with_the_index_filled(api, collector):
    batch = [
        {"type": "track", "event": "Order Completed", "messageId": f"m{i}",
         "properties": {"revenue": i * 10, "price": "30" if i % 3 else 30}}
        for i in range(40)
    ]  # fmt: skip
    assert api.post("/v1/batch", json.dumps({"batch": batch})).status_code == 200
    assert api.get("/api/stats").status_code == 200  # a read waits until they are stored
    store = collector.store
    deadline = time.monotonic() + 20  # then the indexer fills the index, beside the writer
    while store.indexer.progress()[1] != store.select("SELECT MAX(id) FROM events")[0][0]:
        assert time.monotonic() < deadline, "the indexer did not fill the number index"
        time.sleep(0.05)
    assert compile_query("properties.revenue:>350", index=store.read).where.count("events_num")
    for q, want in (
        ("properties.revenue:>350", {f"m{i}" for i in range(36, 40)}),
        ("properties.revenue:<=0", {"m0"}),
        ("type:track -properties.revenue:>=20", {"m0", "m1"}),
        ("properties.price:>=30", {f"m{i}" for i in range(0, 40, 3)}),  # numbers, not "30"
        ("properties.revenue:>1e9", set()),
    ):
        r = api.get("/api/events", params={"q": q, "limit": 100})
        assert r.status_code == 200, r.text
        body = r.json()
        assert {e["messageId"] for e in body["events"]} == want, q
        assert body["total"] == len(want), q
