"""The real Node libraries (pinned in package.json), unmodified but for their host."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest

from inspector.domain.secrets import mask_key
from tests.clients.harness import Collector, by_tag, check_scenario, scenario
from tests.clients.npm import NODE_DIR, installed_version

pytestmark = pytest.mark.node


def run_node(script: str, *args: str, timeout: float = 90) -> str:
    node = shutil.which("node")
    assert node is not None
    proc = subprocess.run(
        [node, str(NODE_DIR / script), *args],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, f"{script} {args[0]} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def send(
    collector: Collector, tmp_path: Path, driver: str, key: str, tag: str, burst: int = 300
) -> dict:
    sc = scenario(tag, burst=burst)
    path = tmp_path / f"{tag}.json"
    path.write_text(json.dumps(sc))
    run_node("send.mjs", driver, collector.url, key, str(path))
    return sc


# driver name, npm package, write key, expected source.client, expected context.library.name
CASES = [
    (
        "segment-node",
        "@segment/analytics-node",
        "WK_SEGMENT_NODE",
        "@segment/analytics-node",
        "@segment/analytics-node",
    ),
    ("legacy-node", "analytics-node", "WK_LEGACY_NODE", "analytics-node", "analytics-node"),
    (
        "cio-node",
        "@customerio/cdp-analytics-node",
        "WK_CIO_NODE",
        "@customerio/cdp-analytics-node",
        "@customerio/cdp-analytics-node",
    ),
    (
        "rudder-node",
        "@rudderstack/rudder-sdk-node",
        "WK_RUDDER_NODE",
        "@rudderstack/rudder-sdk-node",
        "analytics-node",
    ),
]


@pytest.mark.parametrize(
    ("driver", "package", "key", "client", "library"), CASES, ids=[c[0] for c in CASES]
)
def test_node_client(
    collector: Collector,
    tmp_path: Path,
    node_modules: Path,
    driver: str,
    package: str,
    key: str,
    client: str,
    library: str,
) -> None:
    sc = send(collector, tmp_path, driver, key, driver)
    events = collector.wait_for(6 + sc["burst"], by_tag(driver))
    by = check_scenario(events, sc, client=client, write_key=key, library=library)
    version = installed_version(package)
    ident = by["identify"][0]
    raw = collector.api(f"/api/events/{ident['id']}")["raw"]
    headers = {k.lower(): v for k, v in raw["headers"].items()}
    assert ident["source"]["auth"] == "basic"
    assert raw["path"] == "/v1/batch" and raw["method"] == "POST"
    if driver == "segment-node":
        assert ident["source"]["libraryVersion"] == version
        assert headers["user-agent"] == "analytics-node-next/latest"
        assert ident["message"]["messageId"].startswith("node-next-")
    elif driver == "legacy-node":
        assert headers["user-agent"] == f"analytics-node/{version}"
        assert ident["message"]["messageId"].startswith("node-")
    elif driver == "cio-node":
        assert headers["user-agent"] == "cdp-analytics-node/latest"
        assert "sentAt" not in json.loads(raw["body"])  # {batch} only: no sentAt, no writeKey
    elif driver == "rudder-node":
        assert headers["user-agent"] == f"analytics-node/{version}"
        assert raw["contentEncoding"] == "gzip"
        assert raw["contentType"] == "application/x-www-form-urlencoded"
        m = ident["message"]
        assert "timestamp" not in m and "originalTimestamp" in m
        assert m["channel"] == "server"
        # the event time comes from originalTimestamp (skew-corrected), not the arrival time
        assert ident["timestamp"][:16] == m["originalTimestamp"][:16]


def test_lib_filter_tells_legacy_and_rudder_node_apart(
    collector: Collector, tmp_path: Path, node_modules: Path
) -> None:
    """Both report ``context.library.name = "analytics-node"``."""
    send(collector, tmp_path, "legacy-node", "WK_L", "f-legacy", burst=10)
    send(collector, tmp_path, "rudder-node", "WK_R", "f-rudder", burst=10)
    evs = collector.wait_for(32, settle=0.1)
    assert Counter(e["source"]["library"] for e in evs) == {"analytics-node": 32}

    def q(expr: str) -> Counter[str]:
        page = collector.api("/api/events?limit=1000&q=" + urllib.parse.quote(expr))
        return Counter(e["source"]["writeKey"] for e in page["events"])

    assert q('lib:"@rudderstack/rudder-sdk-node"') == {mask_key("WK_R"): 16}
    assert q("lib:*rudder*") == {mask_key("WK_R"): 16}
    assert q("lib:analytics-node") == {mask_key("WK_L"): 16, mask_key("WK_R"): 16}
    assert q("lib:analytics-node -lib:*rudder*") == {mask_key("WK_L"): 16}
