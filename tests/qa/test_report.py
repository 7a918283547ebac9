"""``event-inspector report``: html / md / json summaries of a session, and their pieces."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from inspector.cli import main
from inspector.domain.capture import CapturedEvent, Finding
from inspector.domain.report import build_report, render_html, sparkline, svg_chart, timeline
from inspector.testing.collector import ThreadedCollector
from inspector.testing.events import event
from tests.qa.conftest import FakeLinter, batch, post


@pytest.fixture
def data_dir(tmp_path):
    c = ThreadedCollector(tmp_path, session="qa run", linter_factory=FakeLinter).start()
    try:
        batch(
            c.url,
            [
                {
                    "type": "track",
                    "anonymousId": "a1",
                    "userId": "u1",
                    "event": "Order Completed",
                    "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
                },
                {"type": "track", "anonymousId": "a1", "userId": "u2", "event": "bad thing"},
                {"type": "page", "anonymousId": "a1", "name": "Home"},
                {"type": "page", "anonymousId": "a1", "name": "Home"},
            ],
        )
        post(
            c.url + "/v1/track",
            {
                "userId": "u3",
                "event": "warn <script>",
                "writeKey": "key-from-js",
                "context": {"library": {"name": "analytics.js", "version": "3.0"}},
            },
        )
        req = urllib.request.Request(c.url + "/v1/track", data=b"{nope", method="POST")
        try:
            urllib.request.urlopen(req, timeout=10)
        except urllib.error.HTTPError as e:
            assert e.code == 400
    finally:
        c.stop()
    return tmp_path


def report(data_dir, fmt, capsys, *extra):
    assert main(["report", "--data-dir", str(data_dir), "--format", fmt, *extra]) == 0
    return capsys.readouterr().out


def test_json_report(data_dir, capsys):
    r = json.loads(report(data_dir, "json", capsys, "--session", "qa run"))
    assert r["session"]["name"] == "qa run"
    t = r["totals"]
    assert t["events"] == 5 and t["kinds"] == 4 and t["rejectedRequests"] == 1
    assert t["lint"]["error"] == 1 and t["lint"]["warning"] == 1
    assert r["byName"][0] == {
        "type": "page",
        "name": "Home",
        "count": 2,
        "lintErrors": 0,
        "lintWarnings": 0,
    }
    bad = next(e for e in r["byName"] if e["name"] == "bad thing")
    assert bad["lintErrors"] == 1
    libs = {x["library"]: x for x in r["bySource"]}
    assert libs["analytics-python 2.4.0"]["count"] == 1
    assert libs["analytics.js 3.0"]["writeKey"] == "k••••••s"  # write keys are masked
    assert [x["rule"] for x in r["lintByRule"]] == ["T001", "T002"]
    assert r["lintByRule"][0]["events"] == 1 and r["lintByRule"][0]["example"]
    assert r["rejected"][0]["code"] == "invalid_json" and r["rejected"][0]["count"] == 1
    assert "W060" in [w["rule"] for w in r["identityWarnings"]["byRule"]]
    assert sum(r["timeline"]["counts"]) == 5


def test_markdown_report(data_dir, capsys):
    md = report(data_dir, "md", capsys)  # the latest session by default
    assert md.startswith("# Event Inspector report: qa run")
    assert "## Events over time" in md and re.search("`\\d\\d:\\d\\d:\\d\\d [▁-█ ]+ ", md)
    assert "| page | Home | 2 | 0 | 0 |" in md
    assert "| T001 | error | 1 | 1 | name says bad |" in md
    assert "| invalid_json | 1 |" in md and "W060" in md


def test_html_report_is_standalone(data_dir, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no external asset
    assert "<script" not in page.replace("&lt;script", "")  # event names are escaped
    assert "warn &lt;script&gt;" in page
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    root = ET.fromstring(svg)  # well-formed
    assert root.tag.endswith("svg")
    assert "T001" in page and "invalid_json" in page and "W060" in page


def test_format_from_extension_and_errors(data_dir, tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["report", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert out.read_text().startswith("# Event Inspector report")
    assert main(["report", "--data-dir", str(data_dir), "--session", "nope"]) == 2
    assert main(["report", "--data-dir", str(tmp_path / "empty")]) == 2
    assert "no sessions" in capsys.readouterr().err


def ev(t: float, name: str = "E", lint: list[Finding] | None = None) -> CapturedEvent:
    return event(
        {"event": name}, id=int(t), type="track", at=t, message_id=f"m{t}", lint=lint or []
    )


def test_timeline_buckets_and_chart():
    base = 1_700_000_000.0
    times = [base + s for s in (0, 1, 2, 60, 61, 119)]
    tl = timeline(times, [base + 60], buckets=40)
    assert tl["bucketSeconds"] == 5 and sum(tl["counts"]) == 6 and sum(tl["errors"]) == 1
    assert tl["counts"][0] == 3 and len(tl["counts"]) == 24
    assert timeline([])["counts"] == []
    svg = svg_chart(tl)
    ET.fromstring(svg)
    assert svg.count('class="ev"') == 3 and svg.count('class="er"') == 1
    ET.fromstring(svg_chart(timeline([])))
    assert sparkline([0, 1, 4, 8]) == " ▁▄█"
    assert sparkline([]) == ""


def test_empty_session_renders():
    r = build_report({"id": 1, "name": "empty"}, [], now=0)
    assert r["totals"]["events"] == 0 and r["timeline"]["counts"] == []
    assert "No events" in render_html(r)


def test_report_counts_lint_by_rule_and_events():
    err = [Finding("R1", "error", "boom"), Finding("R1", "error", "boom again")]
    r = build_report({"id": 1, "name": "x"}, [ev(1, lint=err), ev(2, lint=err[:1]), ev(3)])
    [rule] = r["lintByRule"]
    assert rule["count"] == 3 and rule["events"] == 2 and rule["eventIds"] == [1, 2]
