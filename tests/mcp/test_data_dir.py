"""``event-inspector mcp --data-dir``: the same answers from the store, opened read-only."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from inspector.domain.query.indexer import INDEX_NAME
from inspector.domain.store import DB_NAME
from inspector.testing.serve import serve
from tests.mcp.conftest import Collector, segment_client, send_sample
from tests.mcp.stdio import McpServerProcess
from tests.qa.journeys import CHECKOUT, background

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("query_events", {"q": "type:track", "limit": 3}),
    ("query_events", {"q": "user:anon-a"}),
    ("lint_findings", {}),
    ("lint_findings", {"q": "userId:u-lint", "min_severity": "info"}),
    ("identity", {"user": "anon-a"}),
    ("check_flow", {"flow": CHECKOUT}),
    ("check_flow", {"flow": {"name": "Backwards", "steps": ["type:identify", "type:page"]}}),
    ("explain_rule", {"rule": "W034"}),
    ("tracking_plan_coverage", {}),
]


def _same(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("waitedMs", "source")}


def test_a_data_directory_answers_as_the_collector_does(mcp_url, mcp_dir, collector: Collector):
    for tool, args in CALLS:
        assert _same(mcp_dir.answer(tool, **args)) == _same(mcp_url.answer(tool, **args)), tool
    by_dir, by_url = mcp_dir.answer("stats"), mcp_url.answer("stats")
    assert by_dir["events"] == by_url["events"] and by_dir["lint"] == by_url["lint"]
    assert by_dir["source"] == f"data directory {collector.data_dir} (read-only)"
    assert mcp_dir.answer("sessions")["current"]["name"] == "mcp"


def test_errors_read_the_same_from_a_data_directory(mcp_url, mcp_dir):
    for tool, args in [
        ("query_events", {"q": "properties.revenue:>"}),
        ("lint_findings", {"q": "(type:track"}),
        ("check_flow", {"flow": {"steps": ["type:track (x"]}}),
        ("query_events", {"q": "", "session": "no-such-session"}),
        ("get_event", {"id": 10**9}),
    ]:
        assert mcp_dir.error(tool, **args) == mcp_url.error(tool, **args), tool


def test_a_wait_on_a_data_directory_sees_what_the_collector_stores(mcp_dir, collector):
    q = 'type:track event:"Stored Later"'
    with background(lambda: mcp_dir.answer("wait_for_events", q=q, timeout=30)) as out:
        client = segment_client(collector.url)
        client.track(user_id="u-later", event="Stored Later")
        client.flush()
    assert "error" not in out, out.get("error")
    assert out["result"]["matched"] and out["result"]["events"][0]["userId"] == "u-later"
    missed = mcp_dir.answer("wait_for_events", q='event:"Stored Latr"', timeout=0.3)
    assert not missed["matched"]
    assert missed["closestMisses"][0]["event"]["name"] == "Stored Later"


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_data_directory_is_only_read(tmp_path, collector: Collector):
    data = tmp_path / "data"
    with serve(data, session="ro") as url:
        send_sample(url)
    before = _files(data)
    assert DB_NAME in before
    with McpServerProcess("--data-dir", str(data), "--plan", str(collector.plan)) as proc:
        for tool, args in [*CALLS, ("sessions", {}), ("stats", {})]:
            proc.answer(tool, **args)
        assert proc.answer("wait_for_events", q="type:identify", timeout=1)["matched"]
        assert proc.error("query_events", q="(")["code"] == "invalid_query"
    after = _files(data)
    assert {k: after[k] for k in before} == before  # every file as it was
    # SQLite may leave an empty write-ahead log and its index beside a file read in WAL mode
    # (the store, and the query indexes' file beside it)
    files = (DB_NAME, INDEX_NAME)
    assert set(after) - set(before) <= {f"{f}-{x}" for f in files for x in ("wal", "shm")}
    for f in files:
        wal = data / f"{f}-wal"
        assert not wal.exists() or wal.stat().st_size == 0


def test_an_empty_data_directory_is_a_tool_error_and_stays_empty(tmp_path):
    with McpServerProcess("--data-dir", str(tmp_path / "none"), cwd=str(tmp_path)) as proc:
        err = proc.error("tracking_plan_coverage")
        assert err["code"] == "no_plan" and "--plan FILE" in err["message"]
        err = proc.error("query_events", q="type:track")
        assert err == {
            "code": "no_store",
            "message": f"no sessions in {tmp_path / 'none'} (no {DB_NAME})",
        }
        assert proc.answer("explain_rule", rule="E001")["id"] == "E001"
    assert not (tmp_path / "none").exists()
