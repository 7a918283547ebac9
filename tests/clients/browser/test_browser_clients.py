"""@segment/analytics-next and @customerio/cdp-analytics-browser in headless Chromium.

The page is served from a second loopback port (cross-origin, like a real site); the library
bundle comes from node_modules; its settings come from the collector's
``GET /v1/projects/<writeKey>/settings``; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.clients.harness import Collector, by_tag, check_scenario, scenario
from tests.clients.npm import NODE_DIR, installed_version

pytestmark = [pytest.mark.browser, pytest.mark.node]


def run_browser(
    collector: Collector,
    tmp_path: Path,
    chromium: Path,
    client: str,
    key: str,
    tag: str,
    mode: str,
    burst: int = 300,
    cdn_url: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    sc = scenario(tag, burst=burst)
    path = tmp_path / f"{tag}.json"
    path.write_text(json.dumps(sc))
    node = shutil.which("node")
    assert node is not None
    proc = subprocess.run(
        [
            node,
            str(NODE_DIR / "browser.mjs"),
            client,
            collector.url,
            key,
            str(path),
            mode,
            cdn_url or collector.url,
        ],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=150,
        env={**os.environ, "CHROMIUM_PATH": str(chromium), "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, f"browser run failed:\n{proc.stdout}\n{proc.stderr}"
    return sc, json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["standard", "batching"])
def test_segment_analytics_next(
    collector: Collector, tmp_path: Path, chromium: Path, node_modules: Path, mode: str
) -> None:
    key = f"WK_BROWSER_{mode.upper()}"
    tag = f"ajs-{mode}"
    sc, run = run_browser(collector, tmp_path, chromium, "segment-browser", key, tag, mode)
    version = installed_version("@segment/analytics-next")
    assert run["version"] == version
    events = collector.wait_for(306, by_tag(tag))
    by = check_scenario(
        events, sc, client="@segment/analytics-next", write_key=key, library="analytics.js"
    )
    track = by["track"][0]
    assert track["source"]["libraryVersion"] == f"next-{version}"  # the UMD (CDN) build
    assert track["source"]["auth"] == "basic"  # the Authorization header made Chrome preflight
    raw = collector.api(f"/api/events/{track['id']}")["raw"]
    assert raw["headers"]["Origin"].startswith("http://127.0.0.1:")
    assert raw["headers"]["Origin"] != collector.url
    assert raw["contentType"].startswith("text/plain")
    assert raw["path"] == ("/v1/b" if mode == "batching" else "/v1/t")
    assert track["message"]["integrations"] == {"Segment.io": True}
    assert track["message"]["messageId"].startswith("ajs-next-")


def test_customerio_cdp_analytics_browser(
    collector: Collector, tmp_path: Path, chromium: Path, node_modules: Path
) -> None:
    key = "WK_CIO_BROWSER"  # no vendor chosen: the settings name both libraries
    sc, run = run_browser(
        collector, tmp_path, chromium, "cio-browser", key, "cio-browser", "standard"
    )
    version = installed_version("@customerio/cdp-analytics-browser")
    events = collector.wait_for(306, by_tag("cio-browser"))
    by = check_scenario(
        events,
        sc,
        client="@customerio/cdp-analytics-browser",
        write_key=key,
        library="analytics.js",
    )
    track = by["track"][0]
    assert track["source"]["libraryVersion"] == f"next-{version}"
    assert track["source"]["auth"] == "body"  # no Authorization header: no preflight at all
    assert "Customer.io Data Pipelines" in track["message"]["integrations"]
    assert run["version"]


@pytest.mark.parametrize(
    ("client", "library", "cdn"),
    [
        ("cio-browser", "@customerio/cdp-analytics-browser", ""),
        ("segment-browser", "@segment/analytics-next", "/"),
    ],
)
def test_each_library_as_its_docs_load_it(
    collector: Collector,
    tmp_path: Path,
    chromium: Path,
    node_modules: Path,
    client: str,
    library: str,
    cdn: str,
) -> None:
    """``AnalyticsBrowser.load({ writeKey, cdnURL })`` with cdnURL at the collector's root (as
    Customer.io's and Segment's docs show; with a trailing slash the library asks for
    ``//v1/projects/…``) and no integration options: the settings alone, the same for every
    library, send each library's events here, labelled as that library."""
    key, tag = f"WK_DOCS_{client}", f"docs-{client}"
    sc, run = run_browser(
        collector, tmp_path, chromium, client, key, tag, "docs", 20, collector.url + cdn
    )
    assert run["settings"] == [200]
    events = collector.wait_for(26, by_tag(tag))
    by = check_scenario(events, sc, client=library, write_key=key, library="analytics.js")
    assert run["settingsPaths"] == [f"{cdn}/v1/projects/{key}/settings"]
    assert by["track"][0]["source"]["libraryVersion"] == f"next-{installed_version(library)}"


def test_analytics_next_metrics_are_accepted(
    collector: Collector, tmp_path: Path, chromium: Path, node_modules: Path
) -> None:
    """analytics-next's own telemetry (POST /v1/m, text/plain) is answered 200 and not stored."""
    sc, run = run_browser(
        collector,
        tmp_path,
        chromium,
        "segment-browser",
        "WK_METRICS",
        "ajs-metrics",
        "metrics",
        burst=10,
    )
    assert run["metrics"] and set(run["metrics"]) == {200}
    events = collector.wait_for(16, by_tag("ajs-metrics"))
    check_scenario(events, sc, client="@segment/analytics-next", write_key="WK_METRICS")
    assert collector.api("/api/rejected")["total"] == 0


def test_page_on_a_public_origin(
    collector: Collector, tmp_path: Path, chromium: Path, node_modules: Path
) -> None:
    """A page Chromium counts as public calling the loopback collector (Local Network Access).

    Chromium 142+ gates these behind a permission rather than the older Private Network Access
    preflight (test_preflight.py covers that header); once allowed, the preflighted requests
    must still pass the collector's CORS.
    """
    sc, _ = run_browser(
        collector,
        tmp_path,
        chromium,
        "segment-browser",
        "WK_PUBLIC",
        "ajs-public",
        "public",
        burst=20,
    )
    events = collector.wait_for(26, by_tag("ajs-public"))
    check_scenario(events, sc, client="@segment/analytics-next", write_key="WK_PUBLIC")
