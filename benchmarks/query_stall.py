"""Does a query stall ingest? The ingest rate while queries run, against ingest alone (same run).

    python benchmarks/query_stall.py [--events 200000] [--seconds 10] [--readers 1]
                                     [--requests 100000]

``event-inspector serve`` runs as a subprocess (the topology users run) on a data directory
holding ``--events`` stored events. The load comes from this process: 8 connections posting
100-event batches to ``/v1/batch``, paced to ``--rate`` events/s (below what the store writer
processes, so that reads, which first wait for the writer, run during the phase; ``--rate 0``
saturates). A stall shows as a lower acknowledged rate and long answer times. Three phases of
``--seconds`` each: ingest alone, ingest while queries run, ingest alone again. During the
second (which lasts until the last query started in it has its answer), one client loops a
pathological query (``event:/^(a+)+$/`` with one event named ``a…a!``: hours of backtracking
for a backtracking engine) and ``--readers`` clients loop a 100,000-event read
(``/api/events?limit=100000``); with ``--requests N`` (that many requests stored beforehand),
one client loops the request list (``/api/requests?limit=100000``) and one the HAR export
(``/api/export?format=har``) as well. Reported: acknowledged events/s per phase,
the ratio of the middle phase to the mean of the other two, the worst ingest answer time, how
many queries answered (and how), and the server's peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus import batches
from query import load as store_load

# backtracks for hours in a backtracking engine against the one event named "a" * 28 + "!"
# (14 s with Python's re, all on the event loop, before queries moved off it)
PATHOLOGICAL = "event:/^(a+)+$/"
SESSION = ("--session", "bench")
CLI = "import sys, inspector.cli; sys.exit(inspector.cli.main())"


def prepare(data_dir: str, n: int, requests: int = 0) -> None:
    from inspector.domain.capture import RawRequest
    from inspector.domain.store import Store

    store = Store(data_dir)
    sid = store.open_session("bench").id
    if store.count_events(sid) < n:
        store_load(store, sid, n)
        store.index_all()
    have = int(store.select("SELECT COUNT(*) FROM requests WHERE session_id=?", (sid,))[0][0])
    for start in range(have, requests, 10_000):  # small tracking requests, as SDKs send
        store.write(
            [
                RawRequest(
                    session_id=sid,
                    received_at=1.7e9 + i,
                    method="POST",
                    path="/v1/track",
                    headers={"Content-Type": "application/json"},
                    content_type="application/json",
                    body=b'{"type":"track","event":"Stored Request","userId":"u%d"}' % i,
                    size=60,
                )
                for i in range(start, min(requests, start + 10_000))
            ],
            [],
        )
    store.close()


def start_serve(data_dir: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "serve", "--port", "0", "--data-dir", data_dir, *SESSION],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise RuntimeError("serve did not start")


def peak_rss_mib(pid: int) -> float:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def query_loop(
    port: int,
    params: dict[str, str],
    stop_at: float,
    out: list[tuple[int, float]],
    path: str = "/api/events",
) -> None:
    url = f"http://127.0.0.1:{port}{path}"
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(timeout=timeout) as s:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            async with s.get(url, params=params) as r:
                await r.read()
                out.append((r.status, time.perf_counter() - t0))


async def ingest_load(
    port: int, bodies: list[bytes], seconds: float, rate: float, until: list[asyncio.Task[None]]
) -> tuple[float, list[float]]:
    """8 connections posting 100-event batches, each paced to ``rate``/8 events/s (0: as
    fast as answered), for ``seconds`` and until the ``until`` tasks are done. Returns
    acknowledged events/s and each answer's seconds."""
    url = f"http://127.0.0.1:{port}/v1/batch"
    headers = {"Content-Type": "application/json", "Authorization": "Basic V0s6"}
    lat: list[float] = []
    sent = 0
    every = 8 * 100 / rate if rate else 0.0
    start = time.perf_counter()
    stop_at = start + seconds

    async def worker(k: int, session: aiohttp.ClientSession) -> None:
        nonlocal sent
        i, due = k, start + k * every / 8
        while time.perf_counter() < stop_at or not all(t.done() for t in until):
            if every:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                due += every
            t0 = time.perf_counter()
            async with session.post(url, data=bodies[i % len(bodies)], headers=headers) as r:
                await r.read()
                assert r.status == 200, r.status
            lat.append(time.perf_counter() - t0)
            sent += 100
            i += 8

    conn = aiohttp.TCPConnector(limit=8)
    async with aiohttp.ClientSession(connector=conn) as session:
        await asyncio.gather(*(worker(k, session) for k in range(8)))
    return sent / (time.perf_counter() - start), lat


async def phase(
    port: int,
    bodies: list[bytes],
    seconds: float,
    queries: bool,
    readers: int,
    rate: float,
    requests: bool = False,
) -> dict[str, object]:
    stop_at = time.perf_counter() + seconds
    slow: list[tuple[int, float]] = []
    big: list[tuple[int, float]] = []
    reqs: list[tuple[int, float]] = []
    har: list[tuple[int, float]] = []
    tasks = []
    if queries:
        tasks.append(asyncio.create_task(query_loop(port, {"q": PATHOLOGICAL}, stop_at, slow)))
        for _ in range(readers):
            tasks.append(asyncio.create_task(query_loop(port, {"limit": "100000"}, stop_at, big)))
        if requests:
            page = {"limit": "100000"}
            tasks.append(
                asyncio.create_task(query_loop(port, page, stop_at, reqs, "/api/requests"))
            )
            tasks.append(
                asyncio.create_task(
                    query_loop(port, {"format": "har"}, stop_at, har, "/api/export")
                )
            )
    got, lat = await ingest_load(port, bodies, seconds, rate, tasks)
    await asyncio.gather(*tasks)
    lat.sort()
    return {
        "rate": got,
        "p99_ms": lat[int(0.99 * (len(lat) - 1))] * 1000,
        "worst_ms": lat[-1] * 1000,
        "slow": slow,
        "big": big,
        "requests": reqs,
        "har": har,
    }


def describe(results: list[tuple[int, float]]) -> str:
    if not results:
        return "none answered"
    codes: dict[int, int] = {}
    for status, _ in results:
        codes[status] = codes.get(status, 0) + 1
    worst = max(t for _, t in results)
    return f"{len(results)} answered {codes}, slowest {worst:.1f}s"


async def run(port: int, seconds: float, readers: int, rate: float, requests: bool) -> None:
    bodies = [
        __import__("orjson").dumps({"batch": b, "sentAt": "2026-01-01T00:00:00Z"})
        for b in batches(400)
    ]
    async with aiohttp.ClientSession() as s:  # one event the pathological regex fights with
        body = {"batch": [{"type": "track", "event": "a" * 28 + "!", "userId": "u"}]}
        async with s.post(f"http://127.0.0.1:{port}/v1/batch", json=body) as r:
            assert r.status == 200
    await phase(port, bodies, min(seconds, 3.0), False, readers, rate)  # warm-up, not counted
    alone1 = await phase(port, bodies, seconds, False, readers, rate)
    mixed = await phase(port, bodies, seconds, True, readers, rate, requests)
    alone2 = await phase(port, bodies, seconds, False, readers, rate)
    base = (alone1["rate"] + alone2["rate"]) / 2  # type: ignore[operator]
    for name, p in (("ingest alone", alone1), ("with queries", mixed), ("alone again", alone2)):
        print(
            f"  {name:<14} {p['rate']:>9,.0f} events/s acknowledged, answer p99 "
            f"{p['p99_ms']:,.0f} ms, slowest {p['worst_ms']:,.0f} ms"
        )
    print(f"  ratio (with queries / alone): {mixed['rate'] / base:.2f}")  # type: ignore[operator]
    print(f"  pathological query {PATHOLOGICAL!r}: {describe(mixed['slow'])}")  # type: ignore[arg-type]
    print(f"  100k-event reads x{readers}: {describe(mixed['big'])}")  # type: ignore[arg-type]
    if requests:
        print(f"  100k-request lists: {describe(mixed['requests'])}")  # type: ignore[arg-type]
        print(f"  HAR exports: {describe(mixed['har'])}")  # type: ignore[arg-type]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--events", type=int, default=200_000, help="events stored before the run")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    ap.add_argument("--readers", type=int, default=1, help="concurrent 100k-event readers")
    ap.add_argument(
        "--rate",
        type=float,
        default=4000,
        help="events/s offered (0: as fast as answered; then /api reads wait up to 30 s "
        "for the store writer's backlog before they run)",
    )
    ap.add_argument(
        "--requests",
        type=int,
        default=0,
        help="requests stored before the run; with any, the request list and HAR export are "
        "read during the middle phase too",
    )
    ap.add_argument("--data-dir", help="keep the store here and reuse it (default: a temp dir)")
    args = ap.parse_args()
    with contextlib.ExitStack() as stack:
        d = args.data_dir or stack.enter_context(tempfile.TemporaryDirectory())
        prepare(d, args.events, args.requests)
        proc, port = start_serve(d)
        try:
            print(f"serve on port {port}, {args.events:,} events stored (pid {proc.pid})")
            print(f"  offered: {args.rate:,.0f} events/s" if args.rate else "  offered: saturating")
            asyncio.run(run(port, args.seconds, args.readers, args.rate, args.requests > 0))
            print(f"  serve peak resident memory: {peak_rss_mib(proc.pid):,.0f} MiB")
        finally:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(30)
            if proc.poll() is None:
                proc.kill()


if __name__ == "__main__":
    main()
