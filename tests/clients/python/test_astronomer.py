"""Astronomer Clickstream's dialect (``userID``, ``groupID``, ``"type": "Group"``), via the API.

No Astronomer client library is published, so these are the payloads its documentation and
Go event API use, posted the way an analytics.js-compatible client posts them.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from typing import Any

from inspector.domain.secrets import mask_key
from tests.clients.harness import Collector


def post(c: Collector, path: str, body: dict[str, Any], key: str = "ASTRO_APP") -> int:
    auth = base64.b64encode(f"{key}:".encode()).decode()
    req = urllib.request.Request(
        c.url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Basic {auth}"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert json.loads(resp.read()) == {"success": True}
        return resp.status


GROUP = {
    "type": "Group",
    "userID": "u-astro",
    "groupID": "g-astro",
    "traits": {"name": "Astro Inc"},
    "messageID": "astro-m-1",
    "timestamp": "2026-11-22T10:00:00Z",
}
TRACK = {"type": "track", "anonymousID": "a-astro", "event": "Clicked", "properties": {"x": 1}}
IDENTIFY = {"userID": "u-astro", "traits": {"email": "astro@example.com"}}
ALIAS = {"type": "Alias", "previousID": "a-astro", "userID": "u-astro"}


def test_astronomer_dialect_is_normalised_and_the_original_kept(collector: Collector) -> None:
    assert post(collector, "/v1/batch", {"batch": [GROUP, TRACK, ALIAS]}) == 200
    assert post(collector, "/v1/identify", IDENTIFY) == 200  # type comes from the path
    evs = collector.wait_for(4, settle=0.1)
    by = {e["type"]: e for e in evs}
    assert set(by) == {"group", "track", "alias", "identify"}

    g = by["group"]
    assert g["message"]["userId"] == "u-astro" and g["message"]["groupId"] == "g-astro"
    assert g["message"]["type"] == "group"
    assert "userID" not in g["message"] and "groupID" not in g["message"]
    assert g["messageId"] == "astro-m-1" and not g["generatedMessageId"]
    assert g["original"] == GROUP  # exactly as sent
    assert g["source"]["writeKey"] == mask_key("ASTRO_APP") and g["source"]["auth"] == "basic"

    t = by["track"]
    assert t["message"]["anonymousId"] == "a-astro" and t["original"] == TRACK
    a = by["alias"]
    assert (a["message"]["previousId"], a["message"]["userId"]) == ("a-astro", "u-astro")
    assert a["original"] == ALIAS
    i = by["identify"]
    assert i["message"]["userId"] == "u-astro" and i["message"]["type"] == "identify"
    assert i["original"] == IDENTIFY

    # the lint engine (another part of the project) reads `original` and names the dialect
    if collector.service.lint:
        rules = {f["rule"] for f in g["lint"]}
        assert {"W001", "W002"} <= rules, g["lint"]
        assert "W001" in {f["rule"] for f in t["lint"]}

    # a Segment-spelled message is left alone: no original
    post(collector, "/v1/track", {"userId": "u2", "event": "Plain"})
    plain = collector.wait_for(5, settle=0.1)[-1]
    assert plain["original"] is None and plain["message"]["userId"] == "u2"


def test_both_spellings_keep_both_and_the_canonical_wins(collector: Collector) -> None:
    msg = {"type": "track", "event": "E", "userId": "canonical", "userID": "variant"}
    post(collector, "/v1/batch", {"batch": [msg]})
    (ev,) = collector.wait_for(1, settle=0.1)
    assert ev["message"]["userId"] == "canonical" and ev["message"]["userID"] == "variant"
    if collector.service.lint:
        assert "E014" in {f["rule"] for f in ev["lint"]}
    # a null canonical key (Python clients send them) is filled from the variant
    post(
        collector,
        "/v1/batch",
        {"batch": [{"type": "track", "event": "F", "userId": None, "userID": "from-variant"}]},
    )
    ev2 = collector.wait_for(2, settle=0.1)[-1]
    assert ev2["message"]["userId"] == "from-variant" and "userID" not in ev2["message"]
    assert ev2["original"]["userID"] == "from-variant"
