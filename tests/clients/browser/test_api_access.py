"""What a web page can do to the collector, in headless Chromium (node/api_access.mjs).

A page on this machine (a dev server on 127.0.0.1) may use the query API; a page on a
foreign origin may only send events: it can neither read captured data nor change anything,
not even with a "simple" request that the browser sends without asking. A page that rebinds
its own name to the collector gets nothing at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.clients.harness import Collector
from tests.clients.npm import NODE_DIR

pytestmark = [pytest.mark.browser, pytest.mark.node]
PAGES = ("loopback", "foreign", "rebinding")


def run_pages(collector: Collector, chromium: Path, tmp_path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    assert node is not None
    proc = subprocess.run(
        [node, str(NODE_DIR / "api_access.mjs"), collector.url, *PAGES],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "CHROMIUM_PATH": str(chromium), "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, f"browser run failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_what_pages_can_do(
    collector: Collector, tmp_path: Path, chromium: Path, node_modules: Path
) -> None:
    collector.api("/v1/track", "POST", {"userId": "owner", "event": "Private", "writeKey": "WK"})
    collector.wait_for(1)
    run = run_pages(collector, chromium, tmp_path)

    # a page on this machine (a dev server): reads, and changes state with JSON requests
    r = run["loopback"]
    assert r["before"] == {"faults": 0, "events": 1}
    assert r["readEvents"]["status"] == 200 and "Private" in r["readEvents"]["body"]
    assert r["readExport"]["status"] == 200 and "Private" in r["readExport"]["body"]
    assert r["jsonFault"]["status"] == 200  # preflighted JSON
    assert r["deleteFaults"]["status"] == 200
    assert r["deleteEvents"]["status"] == 200
    assert r["track"]["status"] == 200
    # the simple text/plain POST was refused even there: no fault is left
    assert r["after"] == {"faults": 0, "events": 1}  # cleared, then its own event

    # a foreign page: may send events, cannot read or change anything
    r = run["foreign"]
    for name in ("readEvents", "readExport", "jsonFault", "deleteFaults", "deleteEvents"):
        assert "error" in r[name], (name, r[name])  # the browser hid or stopped it (CORS)
    assert r["simpleFault"]["type"] == "opaque"  # sent without asking; the answer is hidden
    assert r["track"]["status"] == 200  # events are welcome from any page
    assert r["after"] == {"faults": 0, "events": r["before"]["events"] + 1}
    assert any(e["message"]["event"].startswith("From evil.test") for e in collector.events())

    # DNS rebinding: evil.test now resolves to the collector, so the browser counts the page
    # and the collector as one origin; the Host header still says evil.test
    r = run["rebinding"]
    assert r["navigation"] == 421
    for name in ("readEvents", "readExport", "simpleFault", "jsonFault", "deleteEvents", "track"):
        assert r[name]["status"] == 421, (name, r[name])
        assert "host_not_allowed" in r[name]["body"]
    assert "Private" not in r["readEvents"]["body"] + r["readExport"]["body"]
    assert r["after"] == r["before"]
