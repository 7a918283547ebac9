"""After a burst: the data directory's size, how long free-text indexing runs on, and the
memory ``import`` needs for a file of the same events.

1. A collector as ``serve`` runs it (``benchmarks/ingest.py``'s ``full``: inbox, prepare worker
   with lint, store writer at serve's niceness, the indexer at 19) takes ``--events`` events
   in 100-event batches over ``--connections`` connections, as fast as it answers (a ``503``
   is retried after its ``Retry-After``). Messages are the shared corpus's 400 batches with a
   fresh ``messageId`` each time one is sent.
2. Once every event is stored (``/api`` reads wait for the writer), the query indexes'
   progress marks (free text and numbers, in ``inspector-index.sqlite3``) are read every 0.2 s
   until both reach the last event: each one's *catch-up* time (the indexer at nice 19 takes
   what CPU the rest leaves: it depends on the machine's load more than on the code; while
   the free text is a step or more behind, the indexer fills it alone, then the numbers).
3. The data directory's bytes (every file: store, its WAL, the inbox) as a ratio to the
   bytes of JSON request bodies sent (the baseline), at rest (once the indexer has finished,
   ``has:`` shapes included, and cut the write-ahead logs: up to ``--rest`` seconds) and at
   the catch-up, and what each file, table and index takes (SQLite's ``dbstat``).
4. ``event-inspector import`` of the same number of events as an NDJSON file (one message a
   line, as ``export`` writes it), with its peak resident memory against the same command on
   a one-line file (the interpreter and its imports).

    python benchmarks/ingest_size.py [--events 1000000] [--connections 8] [--no-import]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import batches
from ingest import settle, start

DB_NAME = "inspector.sqlite3"
INDEX_NAME = "inspector-index.sqlite3"
MARK = b"@@@@@@@@"


def templates() -> list[bytes]:
    """The corpus's batches as bodies whose messageIds start with :data:`MARK` (replaced by a
    counter on each send, so that every event is new)."""
    out = []
    for b in batches(400):
        for k, m in enumerate(b):
            m["messageId"] = f"{MARK.decode()}-{k:03d}-{m['messageId'][13:]}"
        out.append(
            orjson.dumps({"batch": b, "sentAt": "2026-11-22T10:31:20.000Z", "writeKey": "WK"})
        )
    return out


async def burst(port: int, bodies: list[bytes], events: int, connections: int) -> tuple[int, int]:
    """Send ``events`` events; returns (JSON bytes sent and answered 200, 503 answers)."""
    import aiohttp

    url = f"http://127.0.0.1:{port}/v1/batch"
    headers = {"Content-Type": "application/json", "Authorization": "Basic V0s6"}
    n_batches = events // 100
    nxt = 0
    sent_bytes = 0
    busy = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal nxt, sent_bytes, busy
        while nxt < n_batches:
            i = nxt
            nxt += 1
            body = bodies[i % len(bodies)].replace(MARK, b"%08x" % i)
            for _ in range(1000):  # bounded: a collector that never takes it fails the run
                async with session.post(url, data=body, headers=headers) as r:
                    await r.read()
                    if r.status == 200:
                        sent_bytes += len(body)
                        break
                    assert r.status == 503, r.status
                    busy += 1
                    await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
            else:
                raise RuntimeError("the collector answered 503 for too long")

    conn = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=conn, timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(connections)))
    return sent_bytes, busy


def fts_state(db: Path) -> tuple[int, int, int]:
    """(free text indexed up to, numbers indexed up to, last event id), from the progress
    marks in the index file beside the store (an older store kept them in its meta table)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        index = db.with_name(INDEX_NAME)
        if index.exists():
            conn.execute("ATTACH DATABASE ? AS ix", (f"file:{index}?mode=ro",))
            marks = "SELECT key, value FROM ix.index_progress WHERE key IN ('fts_upto', 'num_upto')"
        else:
            marks = (
                "SELECT key, CAST(value AS INTEGER) FROM meta WHERE key IN ('fts_upto', 'num_upto')"
            )
        found = {k: int(v) for k, v in conn.execute(marks)}
        return found.get("fts_upto", 0), found.get("num_upto", 0), int(last)
    finally:
        conn.close()


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def breakdown(db: Path, total: int) -> list[tuple[str, float]]:
    """What each table and index takes, the store's and the index file's."""
    rows = []
    index = db.with_name(INDEX_NAME)
    # each file on a connection of its own: dbstat on an attached file of another page size
    # counts its pages at the main file's size
    for path, prefix, top in ((db, "", 8), (index, "index file: ", 4)):
        if not path.exists():
            continue
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows += conn.execute(
                "SELECT ? || name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT ?",
                (prefix, top),
            ).fetchall()
        except sqlite3.OperationalError:  # SQLite built without dbstat
            return []
        finally:
            conn.close()
    return [(name, size / total) for name, size in rows]


_INT_SIZE = (
    "CASE WHEN {c} IN (0, 1) THEN 0 WHEN {c} BETWEEN -128 AND 127 THEN 1 "
    "WHEN {c} BETWEEN -32768 AND 32767 THEN 2 WHEN {c} BETWEEN -8388608 AND 8388607 THEN 3 "
    "WHEN {c} BETWEEN -2147483648 AND 2147483647 THEN 4 "
    "WHEN {c} BETWEEN -140737488355328 AND 140737488355327 THEN 6 ELSE 8 END"
)


def column_sizes(db: Path, total: int) -> list[tuple[str, float]]:
    """Each stored column of the events table: the bytes of its values as SQLite's records
    keep them (text and blobs their length, integers 0-8 bytes, reals 8; the rowid column
    none) as a ratio to ``total``, largest first."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(events)") if r[1] != "id"]
        sizes = ", ".join(
            f"SUM(CASE typeof({c}) WHEN 'null' THEN 0 WHEN 'integer' THEN "
            f"{_INT_SIZE.format(c=c)} WHEN 'real' THEN 8 ELSE length(CAST({c} AS BLOB)) END)"
            for c in cols
        )
        row = conn.execute(f"SELECT {sizes} FROM events").fetchone()
    finally:
        conn.close()
    found = [(c, (n or 0) / total) for c, n in zip(cols, row, strict=True)]
    return sorted(found, key=lambda x: -x[1])


def peak_rss(cmd: list[str]) -> tuple[float, float, str]:
    """(peak resident MiB, seconds, last line of output) of one command."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert p.stdout is not None
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd} failed: {out.decode(errors='replace')[-500:]}")
    last = out.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return usage.ru_maxrss / 1024, time.perf_counter() - t0, last[0]


def measure_import(bodies: list[bytes], events: int, work: Path) -> None:
    exe = str(Path(sys.executable).with_name("event-inspector"))
    one, big = work / "one.ndjson", work / "events.ndjson"
    first = orjson.loads(bodies[0])["batch"][0]
    one.write_bytes(orjson.dumps(first) + b"\n")
    size = 0
    with big.open("wb") as fh:
        for i in range(events // 100):
            body = bodies[i % len(bodies)].replace(MARK, b"%08x" % (10**8 + i))
            for m in orjson.loads(body)["batch"]:
                line = orjson.dumps(m) + b"\n"
                size += len(line)
                fh.write(line)
    idle, _, _ = peak_rss([exe, "import", str(one), "--data-dir", str(work / "d1")])
    peak, secs, said = peak_rss([exe, "import", str(big), "--data-dir", str(work / "d2")])
    print(
        f"\nimport of {events:,} events ({size / 2**20:,.0f} MiB NDJSON): peak {peak:,.0f} MiB "
        f"resident against {idle:,.0f} MiB for a one-line file ({peak / idle:.2f}x; "
        f"{(peak - idle) * 2**20 / events:,.0f} B per event above it), {secs:.0f} s "
        f"({events / secs:,.0f} events/s)\n  it said: {said}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--no-import", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="copy the data directory here at the end")
    ap.add_argument("--catch-up-limit", type=float, default=1800.0, help="seconds")
    ap.add_argument(
        "--rest",
        type=float,
        default=180.0,
        help="seconds to wait after the catch-up for the write-ahead logs to be cut (the "
        "indexer goes on with the has: index, then cuts them 2 s after its last step)",
    )
    args = ap.parse_args()
    bodies = templates()
    print(
        f"{args.events:,} events in 100-event batches, {args.connections} connections; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "data"
        d.mkdir()
        db = d / DB_NAME
        proc, port = start("full", str(d))
        try:
            t0 = time.perf_counter()
            sent, busy = asyncio.run(burst(port, bodies, args.events, args.connections))
            t_sent = time.perf_counter()
            _, stored = asyncio.run(settle(port))
            t_stored = time.perf_counter()
            text_at_stored, num_at_stored, last = fts_state(db)
            # when each index caught up (free text first)
            t_text: float | None = None
            t_num: float | None = None
            while True:
                text, num, last = fts_state(db)
                now = time.perf_counter()
                if t_text is None and text >= last:
                    t_text = now
                if t_num is None and num >= last:
                    t_num = now
                if (t_text and t_num) or now - t_stored > args.catch_up_limit:
                    break
                time.sleep(0.2)
            t_indexed = time.perf_counter()
            size_caught_up = du(d)
            # at rest: once idle, the collector cuts the write-ahead logs to nothing
            # (Store.tidy, a few seconds after the last step) and drops a processed inbox file
            logs = [Path(f"{db}-wal"), Path(f"{db.with_name(INDEX_NAME)}-wal")]

            def at_rest() -> bool:
                return not any(f.exists() and f.stat().st_size for f in logs)

            while time.perf_counter() - t_indexed < args.rest and not at_rest():
                time.sleep(0.2)
            t_rest = time.perf_counter()
            rested = at_rest()
            size = du(d)
            files = sorted(
                ((str(f.relative_to(d)), f.stat().st_size) for f in d.rglob("*") if f.is_file()),
                key=lambda x: -x[1],
            )
            db_size = db.stat().st_size
            parts = breakdown(db, sent)
            columns = column_sizes(db, sent)
            if args.keep:
                shutil.copytree(d, args.keep, dirs_exist_ok=True)
        finally:
            proc.kill()
            proc.join()
        print(
            f"sent {stored:,} events ({sent / 2**20:,.0f} MiB JSON) in {t_sent - t0:.0f} s "
            f"({busy} answers 503), all stored {t_stored - t_sent:.0f} s later "
            f"({stored / (t_stored - t0):,.0f} events/s processed)"
        )

        def caught(t: float | None, upto: int) -> str:
            if t is None:
                return f"NOT caught up ({upto:,} of {last:,})"
            return f"caught up {t - t_stored:.1f} s after it"

        print(
            f"free-text index: {text_at_stored / max(last, 1):.0%} indexed when the last event "
            f"was stored; {caught(t_text, text)} (target <= 30 s); numbers (after the free "
            f"text): {num_at_stored / max(last, 1):.0%} then, {caught(t_num, num)}"
        )
        print(
            "data directory "
            + (
                f"at rest ({t_rest - t_indexed:.1f} s after the catch-up): "
                if rested
                else f"NOT at rest {t_rest - t_indexed:.0f} s after the catch-up (logs left): "
            )
            + f"{size / 2**20:,.0f} MiB = {size / sent:.3f}x the JSON sent (target <= 1.5x; "
            f"{size_caught_up / sent:.3f}x at the catch-up); the store file alone "
            f"{db_size / sent:.3f}x"
        )
        print("  files: " + ", ".join(f"{n} {b / sent:.3f}x" for n, b in files if b))
        for name, ratio in parts:
            print(f"  {ratio:5.2f}x  {name}")
        print("  the events table's columns (their values' bytes; SQLite adds a header a row):")
        print("    " + ", ".join(f"{name} {ratio:.3f}x" for name, ratio in columns if ratio))
        if not args.no_import:
            measure_import(bodies, args.events, Path(tmp))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    mp.set_start_method("spawn")
    raise SystemExit(main())
