"""Shared machinery for the real-client tests: a live collector, a scenario, and its checker.

Every client test does the same thing: start the collector on 127.0.0.1 port 0, point an
unmodified client library at it (only its host changes), send the six call types plus a burst
of several hundred events, flush, and then check through ``/api/events`` that every event
arrived intact and exactly once.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspector.domain.secrets import mask_key
from inspector.testing.collector import ThreadedCollector

BURST = 300  # events in the burst each client sends after the six calls

# values that survive a JSON round trip only if nothing along the way mangles them
RICH: dict[str, Any] = {
    "revenue": 9.99,
    "currency": "EUR",
    "count": 3,
    "big": 9007199254740991,
    "ok": True,
    "nothing": None,
    "unicode": "h\u00e9llo \u2713 \u65e5\u672c\u8a9e \U0001f680",
    "quote": 'a "b" \\ c / \n tab\t',
    "nested": {"a": {"b": [1, 2.5, "x", None, False]}},
    "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
}


def scenario(tag: str, burst: int = BURST) -> dict[str, Any]:
    """The calls a client is asked to make; ``tag`` keeps users and ids apart per client.

    Written as JSON for the Node and browser drivers, so every language sends the same thing.
    """
    user = f"user-{tag}"
    return {
        "tag": tag,
        "userId": user,
        "anonymousId": f"anon-{tag}",
        "burst": burst,
        "identify": {
            "traits": {
                "email": f"{tag}@example.com",
                "name": "Ada Lovelace",
                "plan": "pro",
                "logins": 7,
                "unicode": RICH["unicode"],
            }
        },
        "track": {"event": "Order Completed", "properties": RICH},
        "page": {
            "category": "Docs",
            "name": "Getting Started",
            "properties": {"section": "intro", "wordCount": 1200},
        },
        "screen": {
            "category": "Onboarding",
            "name": "Welcome",
            "properties": {"step": 1, "variant": "b"},
        },
        "group": {"groupId": f"group-{tag}", "traits": {"name": "Acme Inc", "employees": 42}},
        "alias": {"previousId": f"anon-{tag}"},
        "burstEvent": "Burst Event",
    }


def burst_properties(sc: dict[str, Any], i: int) -> dict[str, Any]:
    return {"i": i, "tag": sc["tag"], "pad": "x" * (i % 50), "even": i % 2 == 0}


class Collector(ThreadedCollector):
    """The real collector (:class:`~inspector.testing.collector.ThreadedCollector`) with the
    query API at hand, 127.0.0.1:0."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, session="client-tests")

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    # -- the query API ----------------------------------------------------------------------
    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        return api_call(self.url, path, method, body)

    def events(self, q: str | None = None) -> list[dict[str, Any]]:
        return all_events(self.url, q)

    def wait_for(
        self,
        n: int,
        pred: Callable[[dict[str, Any]], bool] = lambda e: True,
        timeout: float = 30.0,
        settle: float = 0.3,
    ) -> list[dict[str, Any]]:
        return wait_for(self.url, n, pred, timeout, settle)


def api_call(base: str, path: str, method: str = "GET", body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def all_events(base: str, q: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset = 0
    while True:
        qs = {"limit": "1000", "offset": str(offset)}
        if q:
            qs["q"] = q
        page = api_call(base, "/api/events?" + urllib.parse.urlencode(qs))
        out.extend(page["events"])
        offset += len(page["events"])
        if not page["events"] or offset >= page["total"]:
            return out


def wait_for(
    base: str,
    n: int,
    pred: Callable[[dict[str, Any]], bool] = lambda e: True,
    timeout: float = 30.0,
    settle: float = 0.3,
) -> list[dict[str, Any]]:
    """Poll until at least ``n`` matching events are stored, then give stragglers (duplicates
    a client might still send) a moment to show up. Returns the matching events."""
    deadline = time.monotonic() + timeout
    while True:
        evs = [e for e in all_events(base) if pred(e)]
        if len(evs) >= n or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    time.sleep(settle)
    return [e for e in all_events(base) if pred(e)]


# -- checking what arrived ------------------------------------------------------------------
def _subset(expected: dict[str, Any], actual: Any, where: str) -> None:
    assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
    for k, v in expected.items():
        assert k in actual, f"{where}.{k} is missing (got keys {sorted(actual)})"
        assert actual[k] == v and type(actual[k]) is type(v), (
            f"{where}.{k}: sent {v!r}, stored {actual[k]!r}"
        )


def traits_of(msg: dict[str, Any]) -> Any:
    t = msg.get("traits")
    if isinstance(t, dict):
        return t
    ctx = msg.get("context") or {}
    return ctx.get("traits")


def check_scenario(
    events: list[dict[str, Any]],
    sc: dict[str, Any],
    *,
    client: str | None = None,
    write_key: str | None = None,
    library: str | None = None,
    burst: bool = True,
    screen: bool = True,
    user_key: str = "userId",
) -> dict[str, list[dict[str, Any]]]:
    """Assert the scenario arrived intact and once; return the events grouped by call.

    ``events`` are the API's event objects for this client only.
    """
    mids = Counter(e["messageId"] for e in events)
    dupes = [m for m, c in mids.items() if c > 1]
    assert not dupes, f"messageIds stored more than once: {dupes[:5]}"
    flagged = [e["messageId"] for e in events if e["duplicate"]]
    assert not flagged, f"events flagged duplicate: {flagged[:5]}"
    by: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by.setdefault(e["type"], []).append(e)
    user = sc["userId"]

    def one(kind: str, pred: Callable[[dict[str, Any]], bool] = lambda e: True) -> dict[str, Any]:
        found = [e for e in by.get(kind, []) if pred(e["message"])]
        assert len(found) == 1, f"expected exactly one {kind}, got {len(found)}"
        return found[0]

    ident = one("identify")
    assert ident["message"].get(user_key) == user
    _subset(sc["identify"]["traits"], traits_of(ident["message"]), "identify.traits")

    tr = one("track", lambda m: m.get("event") == sc["track"]["event"])
    assert tr["message"].get(user_key) == user
    _subset(sc["track"]["properties"], tr["message"].get("properties"), "track.properties")

    pg = one("page")
    assert pg["message"].get("name") == sc["page"]["name"]
    _subset(sc["page"]["properties"], pg["message"].get("properties"), "page.properties")
    assert pg["message"].get("category", sc["page"]["category"]) == sc["page"]["category"]

    if screen:
        sc_ = one("screen")
        assert sc_["message"].get("name") == sc["screen"]["name"]
        _subset(sc["screen"]["properties"], sc_["message"].get("properties"), "screen.properties")

    gr = one("group")
    assert gr["message"].get("groupId") == sc["group"]["groupId"]
    _subset(sc["group"]["traits"], gr["message"].get("traits"), "group.traits")

    al = one("alias")
    assert al["message"].get("previousId") == sc["alias"]["previousId"]
    assert al["message"].get("userId") == user

    if burst:
        bursts = [e for e in by.get("track", []) if e["message"].get("event") == sc["burstEvent"]]
        seen = Counter(e["message"]["properties"]["i"] for e in bursts)
        missing = sorted(set(range(sc["burst"])) - set(seen))
        extra = sorted(i for i, c in seen.items() if c > 1)
        assert not missing, f"burst events missing: {missing[:10]} ({len(missing)} in all)"
        assert not extra, f"burst events stored twice: {extra[:10]}"
        assert len(bursts) == sc["burst"]
        for e in bursts:
            i = e["message"]["properties"]["i"]
            _subset(burst_properties(sc, i), e["message"]["properties"], f"burst[{i}]")
    expected_total = (6 if screen else 5) + (sc["burst"] if burst else 0)
    assert len(events) == expected_total, (
        f"expected {expected_total} events, got {len(events)}: {Counter(e['type'] for e in events)}"
    )
    for e in events:
        src = e["source"]
        if client is not None:
            assert src["client"] == client, f"source.client {src['client']!r} != {client!r}"
        if write_key is not None:
            # shown masked (first and last characters); a writekey: filter finds the whole key
            assert src["writeKey"] == mask_key(write_key), f"writeKey {src['writeKey']!r}"
        if library is not None:
            assert src["library"] == library, f"library {src['library']!r}"
    return by


def by_tag(tag: str) -> Callable[[dict[str, Any]], bool]:
    """Events of one scenario: its user, its anonymous id, or its burst."""
    user, anon = f"user-{tag}", f"anon-{tag}"

    def pred(e: dict[str, Any]) -> bool:
        m = e["message"]
        return (
            m.get("userId") == user
            or m.get("anonymousId") == anon
            or (isinstance(m.get("properties"), dict) and m["properties"].get("tag") == tag)
        )

    return pred
