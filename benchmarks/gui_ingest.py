"""The window under load: events/s into the table vs the headless collector, row delay, stalls,
and resident memory per event.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_ingest.py \
        [--seconds 6] [--connections 8] [--rounds 2] [--memory-events 1000000]

1. headless: ``event-inspector serve`` (plain asyncio) in a child process; a load generator
   process posts 100-event batches to 127.0.0.1 for ``--seconds``; the rate is the events
   stored and linted over the time until the last one was (``serve`` acknowledges from its
   inbox first and processes after).
2. window: the real window, shown (offscreen), with the collector on the qasync loop in this
   process; the same generator. Measured: events/s that reached the table model, the delay
   from the HTTP answer (client clock) to the row being in the model (p50/p99, per batch),
   and the longest gap between ticks of a 5 ms QTimer (= longest event-loop stall), during the
   load and in the ``--quiet-seconds`` after it (when the feed's idle GC pass may run).
   Rounds alternate headless/window; medians are reported.
3. memory: ``--memory-events`` display rows fed straight into the shown table's model (as
   the feed does, in 1,000-row ticks), resident set size before/after.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# every data directory of a run lives here and is deleted at its end (a run stores ~1.6 GB);
# the load generators (spawned, they import this module as __mp_main__) make none
_TMP = tempfile.mkdtemp(prefix="ei-bench-") if __name__ == "__main__" else ""
if _TMP:
    os.environ.setdefault("EVENT_INSPECTOR_CONFIG_DIR", f"{_TMP}/config")
    os.environ.setdefault("EVENT_INSPECTOR_LOG_DIR", f"{_TMP}/log")
BATCH = 100


# -- load generator (child process) --------------------------------------------------------
def _payload(run: str, k: int) -> bytes:
    msgs = []
    for i in range(BATCH):
        u = (k * 7 + i) % 500
        msgs.append(
            {
                "type": "track" if i % 5 else "identify",
                "userId": f"user-{u}",
                "anonymousId": f"anon-{u}",
                "event": f"Event {i % 23}",
                "messageId": f"{run}-{k}-{i}",
                "properties": {"i": i, "plan": "pro", "revenue": 9.99, "currency": "EUR"},
                "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
                "timestamp": "2026-01-01T00:00:00.000Z",
            }
        )
    return json.dumps(
        {"batch": msgs, "writeKey": "WK_BENCH", "sentAt": "2026-01-01T00:00:00.000Z"}
    ).encode()


def _generator(url: str, seconds: float, connections: int, run: str, out: mp.Queue) -> None:
    import aiohttp

    answers: dict[str, float] = {}  # first messageId of a batch -> wall time of the answer
    counter = iter(range(10**9))

    async def worker(session: aiohttp.ClientSession, deadline: float) -> int:
        n = 0
        headers = {"Content-Type": "application/json", "Authorization": "Basic V0tfQkVOQ0g6"}
        while time.monotonic() < deadline:
            k = next(counter)
            async with session.post(url + "/v1/batch", data=_payload(run, k), headers=headers) as r:
                await r.read()
                if r.status == 200:
                    answers[f"{run}-{k}-0"] = time.time()
                    n += BATCH
        return n

    async def main() -> None:
        conn = aiohttp.TCPConnector(limit=connections)
        async with aiohttp.ClientSession(connector=conn) as s:
            t0 = time.monotonic()
            deadline = t0 + seconds
            counts = await asyncio.gather(*(worker(s, deadline) for _ in range(connections)))
            elapsed = time.monotonic() - t0
        out.put({"events": sum(counts), "elapsed": elapsed, "answers": answers})

    asyncio.run(main())


def run_load(url: str, seconds: float, connections: int, run: str) -> dict:
    ctx = mp.get_context("spawn")
    q: mp.Queue = ctx.Queue()
    p = ctx.Process(target=_generator, args=(url, seconds, connections, run, q))
    p.start()
    return {"proc": p, "queue": q}


# -- headless ------------------------------------------------------------------------------
def headless_round(seconds: float, connections: int, run: str) -> float:
    data = tempfile.mkdtemp(dir=_TMP)
    srv = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "inspector",
            "serve",
            "--port",
            "0",
            "--data-dir",
            data,
            "--session",
            run,
            "--max-seconds",
            str(seconds + 30),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = srv.stdout.readline()
        url = line.split()[2]
        job = run_load(url, seconds, connections, run)
        res = job["queue"].get(timeout=seconds + 60)
        job["proc"].join()
        # serve acknowledges from its inbox and processes after: its rate is the events
        # stored, linted and queryable over the time that took (/api reads wait for that)
        import urllib.request

        t0 = time.perf_counter()
        for _ in range(40):  # each read waits up to 30 s for the writer, then says how far
            with urllib.request.urlopen(url + "/api/stats", timeout=600) as r:
                stored = json.loads(r.read())["events"]
                if r.headers.get("X-Inspector-Backlog") is None:
                    break
        drain = time.perf_counter() - t0
        assert stored == res["events"], (stored, res["events"])
        return res["events"] / (res["elapsed"] + drain)
    finally:
        srv.terminate()
        srv.wait()


# -- window --------------------------------------------------------------------------------
class WindowBench:
    def __init__(self) -> None:
        import qasync

        from inspector.gui.main import build_window, make_qapp

        self.app = make_qapp()
        self.loop = qasync.QEventLoop(self.app)
        asyncio.set_event_loop(self.loop)
        self.build_window = build_window

    def round(self, seconds: float, connections: int, run: str, quiet_s: float = 0) -> dict:
        from PySide6.QtCore import QTimer

        from inspector.gui.main import shutdown

        ns = SimpleNamespace(
            host="127.0.0.1",
            port=0,
            data_dir=tempfile.mkdtemp(dir=_TMP),
            session=run,
            fault=None,
            no_lint=False,
            token=None,
        )
        w = self.build_window(ns)
        w.resize(1400, 850)
        w.show()
        loop = self.loop
        url = loop.run_until_complete(w.controller.start())
        row_times: dict[str, float] = {}
        rows_at: list[tuple[float, int]] = []

        def on_flush(events: list) -> None:
            now = time.time()
            for ev in events:
                if ev.batch_index == 0:
                    row_times[ev.message_id] = now
            rows_at.append((time.monotonic(), len(w.feed.model.rows)))

        w.feed.on_flush.append(on_flush)
        gaps: list[float] = []
        last = [time.perf_counter()]

        def beat() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(beat)
        job = run_load(url, seconds, connections, run)

        # one coroutine for the whole measurement: qasync's run_until_complete processes Qt
        # events once more after it stops, which would run socket callbacks outside the loop
        async def measure() -> tuple[dict, float, float]:
            while not rows_at:  # the generator process needs ~1 s to start
                await asyncio.sleep(0.001)
            last[0] = time.perf_counter()
            timer.start()
            while job["queue"].empty():
                await asyncio.sleep(0.05)
            res = job["queue"].get()
            end = time.monotonic() + 5
            while len(w.feed.model.rows) < res["events"] and time.monotonic() < end:
                await asyncio.sleep(0.02)
            timer.stop()
            stall = max(gaps) * 1000 if gaps else float("nan")
            quiet = float("nan")
            if quiet_s > 0:  # traffic stopped: the feed's idle timer may run its full GC pass
                del gaps[:]
                last[0] = time.perf_counter()
                timer.start()
                await asyncio.sleep(quiet_s)
                timer.stop()
                quiet = max(gaps) * 1000 if gaps else float("nan")
            return res, stall, quiet

        passes0 = w.feed._rows.full_passes
        res, stall, quiet = loop.run_until_complete(measure())
        idle_passes = w.feed._rows.full_passes - passes0
        job["proc"].join()
        rows = len(w.feed.model.rows)
        # table rate: rows that reached the model over the generator's active time
        table_rate = rows / max(1e-6, res["elapsed"])
        delays = sorted(
            (row_times[m] - t) * 1000 for m, t in res["answers"].items() if m in row_times
        )
        loop.run_until_complete(w.controller.stop())
        w.close()
        loop.run_until_complete(shutdown(w))
        w.deleteLater()
        gc.collect()
        return {
            "acked_rate": res["events"] / res["elapsed"],
            "table_rate": table_rate,
            "rows": rows,
            "acked": res["events"],
            "p50": statistics.median(delays) if delays else float("nan"),
            "p99": delays[int(len(delays) * 0.99) - 1] if delays else float("nan"),
            "stall": stall,
            "quiet": quiet,
            "idle_passes": idle_passes,
            "ticks": w.feed._rows.ticks,
        }


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory_round(n: int, people: int = 20000) -> dict:
    from inspector.gui.main import build_window, make_qapp

    make_qapp()

    ns = SimpleNamespace(
        host="127.0.0.1",
        port=0,
        data_dir=tempfile.mkdtemp(dir=_TMP),
        session="mem",
        fault=None,
        no_lint=False,
        token=None,
    )
    w = build_window(ns)
    w.resize(1400, 850)
    w.show()
    w.stack.setCurrentWidget(w.table)
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    gc.collect()
    before = rss()
    rows = w.feed.model.rows
    t0 = time.perf_counter()
    base = 1_767_000_000.0
    events = [f"Event {i}" for i in range(40)]
    for start in range(0, n, 1000):
        first = len(rows)
        for i in range(start, min(n, start + 1000)):
            u = i % people  # each person has a userId and an anonymousId
            rows.append_tuple(
                (
                    base + i * 0.001,
                    "track" if i % 5 else "identify",
                    events[i % 40],
                    f"user-{u:06d}",
                    f"6f1c2a3b-4d5e-4f60-8a7b-{u:012d}",
                    "analytics-python · WK",
                    (0, 0, 2, 3)[i % 4],
                    i + 1,
                )
            )
        w.feed.model.beginInsertRows(QModelIndex(), first, len(rows) - 1)
        w.feed.model.endInsertRows()
        if start % 100_000 == 0:
            w.table.scrollToBottom()
            QApplication.processEvents()
    QApplication.processEvents()
    gc.collect()
    after = rss()
    elapsed = time.perf_counter() - t0
    w.close()
    return {
        "n": n,
        "bytes_per_event": (after - before) / n,
        "rss_mb": after / 2**20,
        "feed_s": elapsed,
        "array_bytes_per_event": rows.memory_bytes() / n,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--memory-events", type=int, default=1_000_000)
    ap.add_argument(
        "--memory-people",
        type=int,
        default=20000,
        help="distinct people in the memory run (= --memory-events: unique ids)",
    )
    ap.add_argument(
        "--quiet-seconds",
        type=float,
        default=6.5,
        help="after each window round, keep measuring stalls this long with no "
        "traffic (covers the feed's idle GC pass; 0: skip)",
    )
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args()
    print(
        f"cpus={os.cpu_count()} batch={BATCH} connections={args.connections} "
        f"seconds={args.seconds} rounds={args.rounds}",
        flush=True,
    )
    if not args.skip_load:
        bench = WindowBench()
        head, win = [], []
        for r in range(args.rounds):
            h = headless_round(args.seconds, args.connections, f"h{r}")
            head.append(h)
            print(f"round {r}: headless {h:,.0f} events/s", flush=True)
            res = bench.round(args.seconds, args.connections, f"w{r}", args.quiet_seconds)
            win.append(res)
            print(
                f"round {r}: window acked {res['acked_rate']:,.0f}/s, table "
                f"{res['table_rate']:,.0f}/s ({res['rows']:,}/{res['acked']:,} rows, "
                f"{res['ticks']} ticks), delay p50 {res['p50']:.0f} ms p99 {res['p99']:.0f} "
                f"ms, longest stall {res['stall']:.0f} ms; once quiet {res['quiet']:.0f} ms "
                f"({res['idle_passes']} idle GC pass)",
                flush=True,
            )
        hm = statistics.median(head)
        tm = statistics.median(r["table_rate"] for r in win)
        print("\n== load ==")
        print(f"headless collector      {hm:,.0f} events/s (median of {len(head)})")
        print(
            f"window, into the table  {tm:,.0f} events/s  = {tm / hm:.2f}x headless "
            f"(target >= 0.70)"
        )
        print(
            f"row delay after answer  p50 {statistics.median(r['p50'] for r in win):.0f} ms, "
            f"p99 {max(r['p99'] for r in win):.0f} ms (worst round; target p99 < 150)"
        )
        print(
            f"longest loop stall      {max(r['stall'] for r in win):.0f} ms "
            f"(worst round; target < 100)"
        )
        if args.quiet_seconds > 0:
            print(
                f"after the burst         {max(r['quiet'] for r in win):.0f} ms longest stall "
                f"in the {args.quiet_seconds:g} s after traffic stops (idle GC pass; "
                f"target < 100)"
            )
    if args.memory_events:
        m = memory_round(args.memory_events, args.memory_people)
        print("\n== memory ==")
        print(
            f"{m['n']:,} rows ({args.memory_people:,} distinct people) in the shown table: "
            f"{m['bytes_per_event']:.0f} bytes/event "
            f"resident (arrays {m['array_bytes_per_event']:.0f} B/event; RSS "
            f"{m['rss_mb']:.0f} MB; fed in {m['feed_s']:.1f} s) (target < 300)"
        )
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        shutil.rmtree(_TMP, ignore_errors=True)
    sys.exit(code)
