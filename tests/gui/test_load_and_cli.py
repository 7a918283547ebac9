"""The window under load over real HTTP (guards the qasync/PySide trap), and the CLI contract."""

from __future__ import annotations

import concurrent.futures
import os
import subprocess
import sys
import time

from PySide6.QtCore import QTimer

from tests.gui.conftest import http


def test_window_stays_responsive_under_thousands_of_events(inspector):
    h = inspector
    w = h.window
    w.resize(1400, 800)
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(beat)
    timer.start()
    n_threads, n_batches, per_batch = 4, 15, 100
    total = n_threads * n_batches * per_batch
    url = h.url + "/v1/batch"

    def client(t: int) -> int:
        ok = 0
        for b in range(n_batches):
            batch = [
                {
                    "type": "track",
                    "userId": f"u{t}-{i % 7}",
                    "event": f"Load {i % 11}",
                    "messageId": f"m-{t}-{b}-{i}",
                    "properties": {"i": i},
                }
                for i in range(per_batch)
            ]
            status, _ = http(url, {"batch": batch, "writeKey": "WK_LOAD"}, key="WK_LOAD")
            ok += status == 200
        return ok

    pool = concurrent.futures.ThreadPoolExecutor(n_threads)
    futs = [pool.submit(client, t) for t in range(n_threads)]
    h.wait_until(
        lambda: len(w.feed.model.rows) == total and all(f.done() for f in futs),
        timeout=60,
        what=f"{total} rows",
    )
    timer.stop()
    assert sum(f.result() for f in futs) == n_threads * n_batches
    assert h.rows == total
    # rows were coalesced into few model inserts, not one per request or per event
    assert w.feed._rows.ticks < n_threads * n_batches
    # the Qt loop kept running while the collector worked on the same thread
    assert len(gaps) > 10
    assert max(gaps) < 1.0, f"event loop stalled for {max(gaps):.3f}s"
    # the view is still usable: select the last row and see its detail
    w.table.select_row(h.rows - 1)
    assert w.detail.shown_event is not None and w.detail.shown_event.type == "track"
    pool.shutdown()


def test_cli_without_command_opens_the_window_and_prints_the_url(tmp_path):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        EVENT_INSPECTOR_CONFIG_DIR=str(tmp_path / "c"),
        EVENT_INSPECTOR_LOG_DIR=str(tmp_path / "l"),
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "inspector",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            "--session",
            "cli",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("listening on") or not line:
                break
        assert line.startswith("listening on http://127.0.0.1:"), line
        url = line.split()[2]
        status, _ = http(url + "/v1/track", {"userId": "u1", "event": "CLI"})
        assert status == 200
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
