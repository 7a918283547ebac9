"""py-KISSmetrics, unmodified, against /e /s /a: record -> track, set -> identify, alias."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import Counter

from inspector.domain.secrets import mask_key
from tests.clients.harness import Collector

KEY = "KM_API_KEY_123"


def km_client(c: Collector):  # type: ignore[no-untyped-def]
    from KISSmetrics import Client

    return Client(KEY, trk_host=c.hostport, trk_scheme="http")


def test_py_kissmetrics_record_set_alias_and_burst(collector: Collector) -> None:
    import KISSmetrics

    km = km_client(collector)
    person = "bob@example.com"
    responses = [
        km.record(
            person,
            "Signed Up",
            {"Plan": "Pro", "Amount": 9.99, "a b": "c&d=e", "Caf\u00e9": "\u65e5\u672c"},
        ),
        km.record(person, "Backdated", {"Source": "import"}, timestamp=1700000000),
        km.set(person, {"Gender": "F", "Company": "Acme, Inc."}),
        km.alias("anon-123", person),
    ]
    for i in range(300):
        responses.append(km.record(person, "Burst Event", {"i": i}))
    for r in responses:
        assert r.status == 200
        assert r.headers["Content-Type"] == "image/gif"
        assert r.data.startswith(b"GIF89a") and len(r.data) == 43  # a 1x1 GIF, as KM answers
    evs = collector.wait_for(304, settle=0.1)
    assert len(evs) == 304
    by = Counter(e["type"] for e in evs)
    assert by == {"track": 302, "identify": 1, "alias": 1}
    for e in evs:
        assert e["source"]["writeKey"] == mask_key(KEY)
        assert e["source"]["auth"] == "query"
        assert e["source"]["library"] == "kissmetrics"
        assert e["source"]["client"] == "py-KISSmetrics"
        assert not e["duplicate"]

    signed = next(e for e in evs if e["message"].get("event") == "Signed Up")
    assert signed["message"]["userId"] == person
    assert signed["message"]["properties"] == {
        "Plan": "Pro",
        "Amount": "9.99",
        "a b": "c&d=e",
        "Caf\u00e9": "\u65e5\u672c",
    }
    detail = collector.api(f"/api/events/{signed['id']}")
    raw = detail["raw"]
    assert raw["method"] == "GET" and raw["path"] == "/e"
    assert raw["headers"]["User-Agent"].startswith("python-urllib3/")
    q = urllib.parse.parse_qs(raw["query"])  # the query string as sent, the key masked
    assert q["_k"] == [mask_key(KEY)] and q["_p"] == [person] and q["_n"] == ["Signed Up"]
    assert raw["query"].startswith(f"_k={mask_key(KEY)}&_p=bob%40example.com")
    assert KEY not in json.dumps(detail, ensure_ascii=False)
    assert detail["original"] == {
        "kissmetrics": "record",
        "path": "/e",
        "params": {
            "_k": mask_key(KEY),
            "_p": person,
            "_n": "Signed Up",
            "Plan": "Pro",
            "Amount": "9.99",
            "a b": "c&d=e",
            "Caf\u00e9": "\u65e5\u672c",
        },
    }

    back = next(e for e in evs if e["message"].get("event") == "Backdated")
    assert back["message"]["timestamp"] == "2023-11-14T22:13:20.000Z"
    assert back["timestamp"] == "2023-11-14T22:13:20.000Z"
    assert back["original"]["params"]["_d"] == "1"
    assert back["original"]["params"]["_t"] == "1700000000"
    assert "_t" not in back["message"]["properties"]  # honoured, so not a property

    ident = next(e for e in evs if e["type"] == "identify")
    assert ident["message"]["userId"] == person
    assert ident["message"]["traits"] == {"Gender": "F", "Company": "Acme, Inc."}

    alias = next(e for e in evs if e["type"] == "alias")
    assert alias["message"]["previousId"] == "anon-123"
    assert alias["message"]["userId"] == person

    burst = Counter(
        e["message"]["properties"]["i"] for e in evs if e["message"].get("event") == "Burst Event"
    )
    assert burst == Counter(str(i) for i in range(300))
    assert KISSmetrics  # the installed package is the one under test


def test_alias_is_order_independent(collector: Collector) -> None:
    """KISSmetrics joins the two names whichever way round; both orders become an alias."""
    km = km_client(collector)
    km.alias("anon-1", "user-1")
    km.alias("user-2", "anon-2")
    # older clients name the second identity _p2
    urllib.request.urlopen(f"{collector.url}/a?_k={KEY}&_p=anon-3&_p2=user-3", timeout=10)
    evs = collector.wait_for(3, settle=0.1)
    pairs = {frozenset((e["message"]["previousId"], e["message"]["userId"])) for e in evs}
    assert pairs == {
        frozenset(("anon-1", "user-1")),
        frozenset(("user-2", "anon-2")),
        frozenset(("anon-3", "user-3")),
    }
    assert all(e["type"] == "alias" for e in evs)


def test_form_post_and_odd_requests_still_get_a_gif(collector: Collector) -> None:
    body = urllib.parse.urlencode({"_k": KEY, "_p": "carol", "_n": "Posted", "x": "1"}).encode()
    req = urllib.request.Request(
        f"{collector.url}/e",
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"] == "image/gif"
    # no key, no person: KISSmetrics still answers with the pixel; the event shows the gaps
    with urllib.request.urlopen(f"{collector.url}/s?Plan=Free", timeout=10) as resp:
        assert resp.status == 200 and resp.read().startswith(b"GIF89a")
    evs = collector.wait_for(2, settle=0.1)
    posted = next(e for e in evs if e["type"] == "track")
    assert posted["message"] == {
        "type": "track",
        "userId": "carol",
        "event": "Posted",
        "properties": {"x": "1"},
        "context": {"library": {"name": "kissmetrics", "version": "http-api"}},
    }
    assert collector.api(f"/api/events/{posted['id']}")["raw"]["method"] == "POST"
    anon = next(e for e in evs if e["type"] == "identify")
    assert anon["source"]["writeKey"] is None and anon["message"]["traits"] == {"Plan": "Free"}


def test_t_without_d_is_kept_for_the_linter(collector: Collector) -> None:
    """KISSmetrics uses _t only with _d=1; otherwise the event time is the arrival time."""
    urllib.request.urlopen(f"{collector.url}/e?_k={KEY}&_p=dave&_n=Late&_t=1700000000", timeout=10)
    ev = collector.wait_for(1, settle=0.1)[0]
    assert "timestamp" not in ev["message"]
    assert ev["message"]["properties"] == {"_t": "1700000000"}
    assert ev["timestamp"][:4] != "2023"
    rules = {f["rule"] for f in ev["lint"]}
    if collector.service.lint:
        assert "W001" not in rules and "W002" not in rules  # params are not envelope keys
