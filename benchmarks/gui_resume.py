"""The window resuming a large stored session: time to first paint and to a usable table.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_resume.py [--events 1000000] [--rounds 3]

Builds a session of ``--events`` realistic events once (in a temporary directory it deletes
at the end; ``--data-dir D`` keeps and reuses one instead), then, per round, in a fresh Python
process (so importing the window's modules counts, as it does for a user), opens the window on
it as ``event-inspector --session resume-bench`` does and measures, from the first import of
the window's modules:

* **first paint**: the window has painted (counted from the start of the process);
* **usable table**: the events table has painted the session's newest rows, the status bar
  says how many events the session holds, and the UI thread answers a timer within 50 ms;
* **counts**: the lint and duplicate counts of the whole session are shown (counted from
  the store's grouped findings before the older rows arrive);
* **all rows**: the older rows, read by a background thread, are in the table (with the lint
  and duplicate counts of the whole session), and the longest UI stall meanwhile.

The baseline, measured in the same run: reading every row of the session the way the window
now does in the background (what a window that reads everything first waits for before it
shows anything).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _resume_store import SESSION, build
from PySide6.QtCore import QEvent, QObject


class PaintWatch(QObject):
    """Times the first paint of the window and of the table's rows."""

    def __init__(self, t0: float, window: Any) -> None:
        super().__init__()
        self.t0, self.window = t0, window
        self.first_paint: float | None = None
        self.table_paint: float | None = None

    def eventFilter(self, obj: Any, event: Any) -> bool:
        if event.type() == QEvent.Type.Paint:
            now = time.perf_counter() - self.t0
            if self.first_paint is None:
                self.first_paint = now
            table = self.window.table
            if (
                obj is table.viewport()
                and self.table_paint is None
                and table.model().rowCount() > 0
            ):
                self.table_paint = now
        return False


def baseline(data_dir: Path) -> float:
    """Seconds to read every row of the session (display rows, lint and duplicate counts)."""
    from inspector.domain.store import Store
    from inspector.domain.view import loader

    store = Store(data_dir, read_only=True)
    try:
        sid = store.session(SESSION).id
        reader = store.reader()
        t = time.perf_counter()
        rows, _counts, _dups = loader.read_before(
            reader, sid, (2**62, 2**62), cancelled=lambda: False
        )
        spent = time.perf_counter() - t
        assert len(rows) > 0
        reader.close()
        return spent
    finally:
        store.close()


def window_round(data_dir: Path, started: float, timeout: float = 120.0) -> dict[str, float]:
    """One start of the window on the session, as ``run_gui`` does it: the window built and
    shown, its collector started (a writer process, port 0) on the qasync loop. Times count
    from ``started`` (``time.time()`` when the process was started)."""
    t0 = time.perf_counter() - (time.time() - started)
    import qasync

    from inspector.gui.main import build_window, make_qapp, show_and_start, shutdown

    app = make_qapp()

    args = SimpleNamespace(
        host="127.0.0.1",
        port=0,
        data_dir=str(data_dir),
        session=SESSION,
        fault=None,
        no_lint=False,
        token=None,
    )
    config = Path(tempfile.mkdtemp(prefix="ei-resume-config-"))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    def spin(seconds: float) -> None:
        loop.run_until_complete(asyncio.sleep(seconds))

    try:
        w = build_window(args, config_dir=config)
        watch = PaintWatch(t0, w)
        w.installEventFilter(watch)
        w.table.viewport().installEventFilter(watch)
        w.resize(1600, 900)
        show_and_start(app, loop, w)
        deadline = t0 + timeout
        while watch.table_paint is None and time.perf_counter() < deadline:
            spin(0.001)
        # usable: the UI thread answers a timer promptly (not busy with the session)
        while time.perf_counter() < deadline:
            asked = time.perf_counter()
            spin(0)
            if time.perf_counter() - asked < 0.05:
                break
        usable = time.perf_counter() - t0
        stalls: list[float] = []
        last = time.perf_counter()
        counted = usable if not w.feed.loading else 0.0
        while w.feed.loading and time.perf_counter() < deadline:
            spin(0.001)
            now = time.perf_counter()
            stalls.append(now - last - 0.001)
            last = now
            if not counted and w.feed.view.older_counted:
                counted = now - t0
        done = time.perf_counter() - t0
        held, total = len(w.feed.view.rows), w.feed.view.total
        assert held == total, (held, total)
        w.close()
        loop.run_until_complete(shutdown(w))
        w.deleteLater()
        spin(0)
        return {
            "first_paint": watch.first_paint or 0.0,
            "table_paint": watch.table_paint or 0.0,
            "usable": usable,
            "counts": counted or done,
            "all_rows": done,
            "stall": max(stalls, default=0.0),
            "rows": float(held),
        }
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        shutil.rmtree(config, ignore_errors=True)


def fresh_round(data_dir: Path) -> dict[str, float]:
    """:func:`window_round` in a new Python process (nothing imported yet). Bytecode is
    written and reused, as an installed program's is (pip compiles it when it installs):
    a ``PYTHONDONTWRITEBYTECODE`` environment would compile every module at each start."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, __file__, "--round", str(time.time()), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        env=env,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--data-dir", help="keep the built session here and reuse it next time")
    ap.add_argument("--round", type=float, help=argparse.SUPPRESS)  # one round, started then
    args = ap.parse_args()
    if args.round:
        print(json.dumps(window_round(Path(args.data_dir), args.round)))
        return 0
    with contextlib.ExitStack() as stack:
        if args.data_dir:
            data_dir = Path(args.data_dir)
        else:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ei-resume-")))
        spent = build(data_dir, args.events)
        print(
            f"session of {args.events:,} events "
            + (f"built in {spent:.0f} s" if spent else f"reused from {data_dir}"),
            flush=True,
        )
        fresh_round(data_dir)  # once, untimed: the bytecode an install would have compiled
        results = []
        bases = []
        for r in range(args.rounds):
            bases.append(baseline(data_dir))
            res = fresh_round(data_dir)
            results.append(res)
            print(
                f"round {r}: first paint {res['first_paint']:.2f} s, table painted "
                f"{res['table_paint']:.2f} s, usable {res['usable']:.2f} s, whole session's "
                f"lint and duplicate counts {res['counts']:.2f} s, all "
                f"{res['rows']:,.0f} rows {res['all_rows']:.2f} s (longest UI stall meanwhile "
                f"{res['stall'] * 1e3:.0f} ms); baseline: reading every row {bases[-1]:.2f} s",
                flush=True,
            )

        def med(key: str) -> float:
            return statistics.median(r[key] for r in results)

        base = statistics.median(bases)
        print(f"\n== resume, {args.events:,} events (median of {args.rounds} fresh processes) ==")
        print(f"first paint      {med('first_paint'):6.2f} s")
        print(
            f"usable table     {med('usable'):6.2f} s  (target < 3 s; "
            f"{med('usable') / base:.2f}x the time to read every row)"
        )
        print(f"counts shown     {med('counts'):6.2f} s  (the whole session's lint and duplicates)")
        print(
            f"all rows in      {med('all_rows'):6.2f} s  (in the background; longest UI stall "
            f"{max(r['stall'] for r in results) * 1e3:.0f} ms)"
        )
        print(f"baseline         {base:6.2f} s  reading every row (display rows and counts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
