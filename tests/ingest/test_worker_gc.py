"""A worker process settles its garbage collector once started: what it holds at start is
frozen (never walked again) and young collections run every 20,000 allocations."""

from __future__ import annotations

import subprocess
import sys


def test_a_started_worker_freezes_what_it_holds_and_collects_less_often() -> None:
    code = (
        "import gc, os\n"
        "from inspector.ingest import stages\n"
        "before = gc.get_threshold()\n"
        "stages.start(None, True, 0, os.getppid())\n"
        "print(before, gc.get_threshold(), gc.get_freeze_count() > 1000)\n"
        "print(stages.call('ping'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    assert out == ["(700, 10, 10) (20000, 50, 100) True", "True"]
