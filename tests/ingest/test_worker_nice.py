"""``serve``'s processes step back as much as they should, no more: the worker that builds,
lints and stores at ``SERVE_NICE``, the query indexer at the lowest priority (19, and under
Linux's ``SCHED_IDLE``), the collector itself where it was started."""

from __future__ import annotations

import os
from pathlib import Path

import psutil

from inspector.ingest.indexing import INDEXER_NICE
from inspector.ingest.workers import SERVE_NICE
from tests.ingest.procs import Serve, wait_for


def _message(i: int) -> dict[str, object]:
    return {"type": "track", "event": "Order Completed", "userId": f"u{i}", "messageId": f"m{i}"}


def test_serve_runs_its_worker_at_serve_nice_and_its_indexer_at_19(tmp_path: Path) -> None:
    base = os.nice(0)
    with Serve(tmp_path / "data") as s:
        r = s.post("/v1/batch", {"batch": [_message(i) for i in range(50)]})
        assert r.status_code == 200, r.text
        assert len(s.events()) == 50  # stored (reads wait for the worker)
        me = psutil.Process(s.proc.pid)

        def niceness() -> set[int]:
            return {p.nice() for p in me.children(recursive=True) if p.is_running()}

        # the indexer starts on the first step there is something to index
        wait_for(lambda: min(19, base + INDEXER_NICE) in niceness(), 30, "the indexer")
        assert me.nice() == base
        assert min(19, base + SERVE_NICE) in niceness()
        assert niceness() <= {base, min(19, base + SERVE_NICE), min(19, base + INDEXER_NICE)}
        if hasattr(os, "SCHED_IDLE"):  # the indexer alone runs only when nothing else would
            policies = {
                p.nice(): os.sched_getscheduler(p.pid)
                for p in me.children(recursive=True)
                if p.is_running()
            }
            assert policies[min(19, base + INDEXER_NICE)] == os.SCHED_IDLE
            assert policies[min(19, base + SERVE_NICE)] == os.SCHED_OTHER
            assert os.sched_getscheduler(me.pid) == os.SCHED_OTHER
