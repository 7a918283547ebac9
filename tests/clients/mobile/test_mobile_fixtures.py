"""Each mobile SDK's request, recorded from its source, sent over HTTP: accepted and labelled.

No phone or emulator runs here, so the requests come from tests/fixtures/mobile (one per library,
with the source files and commit they were read from); what is checked is what a collector
must do with them: answer exactly 200, store every event once with its device and OS, name the
write key and auth form, and tell the library apart in ``source.client``.
"""

from __future__ import annotations

import base64
import json
import urllib.request

import pytest

from inspector.domain.clients import KNOWN_CLIENTS
from tests.clients.harness import Collector
from tests.clients.mobile.fixtures import Fixture, load_all, send

FIXTURES = load_all()


def test_every_library_has_a_fixture() -> None:
    names = {f.name for f in FIXTURES}
    assert names == {
        "analytics-swift",
        "analytics-kotlin",
        "analytics-react-native",
        "analytics-flutter",
        "customerio-ios",
        "customerio-android",
        "rudder-sdk-ios",
        "rudder-sdk-android",
        "rudder-sdk-kotlin",
        "rudder-sdk-swift",
    }
    for f in FIXTURES:
        assert f.meta["source"]["commit"] and f.meta["source"]["files"], f.name
        assert f.expect["client"] in KNOWN_CLIENTS, f.name


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_is_accepted_and_labelled(collector: Collector, fx: Fixture) -> None:
    status, body = send(collector.url, fx)
    assert (status, body) == (200, {"success": True})
    sent = json.loads(fx.body)["batch"]
    exp = fx.expect
    assert len(sent) == exp["events"]
    events = collector.wait_for(len(sent), settle=0.1)
    assert len(events) == len(sent)
    assert collector.api("/api/rejected")["total"] == 0
    by_id = {e["messageId"]: e for e in events}
    assert set(by_id) == {m["messageId"] for m in sent}
    for m in sent:
        e = by_id[m["messageId"]]
        assert e["type"] == m["type"]
        assert e["source"]["client"] == exp["client"], (fx.name, e["source"])
        assert e["source"]["library"] == exp["library"]
        assert e["source"]["auth"] == exp["auth"]
        assert not e["generatedMessageId"]
        ctx = e["message"]["context"]
        # the device and OS the event came from, stored as sent
        assert ctx["device"] == m["context"]["device"]
        assert ctx["os"] == m["context"]["os"]
        raw = collector.api(f"/api/events/{e['id']}")["raw"]
        assert raw["path"] == fx.request["path"]
    # the write key, as the SDK carried it (envelope for Segment-style, Basic for RudderStack)
    assert len(collector.events(f"writekey:{exp['writeKey']}")) == len(sent)
    # the lib: filter finds them by client id
    assert len(collector.events(f'lib:"{exp["client"]}"')) == len(sent)


@pytest.mark.parametrize(
    "fx", [f for f in FIXTURES if "sourceConfig" in f.meta], ids=lambda f: f.name
)
def test_rudderstack_source_config(collector: Collector, fx: Fixture) -> None:
    """RudderStack's mobile SDKs send nothing until the control plane says the source is on."""
    sc = fx.meta["sourceConfig"]
    req = urllib.request.Request(collector.url + sc["path"], headers=sc["headers"])
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        config = json.loads(resp.read())
    source = config["source"]
    assert source["enabled"] is True
    key = base64.b64decode(sc["headers"]["Authorization"].split()[1]).decode().rstrip(":")
    assert source["writeKey"] == key == fx.expect["writeKey"]
    # fields rudder-sdk-kotlin's SourceConfig decodes as required
    for field in ("id", "name", "writeKey", "enabled", "workspaceId", "updatedAt"):
        assert field in source
    assert source["destinations"] == []
    assert source["config"]["statsCollection"]["metrics"]["enabled"] is False
