"""Ingest throughput through POST /v1/batch, as a ratio to a minimal durable baseline.

Each configuration runs as its own server process (plain asyncio, like ``serve``); the load
comes from this process over several concurrent connections to 127.0.0.1. Configurations are
run in interleaved rounds and the median is reported, since this machine is noisy.

    python benchmarks/ingest.py [--seconds 5] [--rounds 3] [--connections 8] [--no-index]

``--no-index`` runs the collectors without the query indexer (queries stay exact without it),
to see what filling the free-text and number indexes during the burst costs the rest. Each
round's line splits the CPU per event by process: the collector (c), its ingest workers (w)
and the query indexer (i, the process at nice 19).

Configurations:
  baseline     bare aiohttp: read, orjson.loads, one executemany of raw messages (WAL) per request
  full         the collector as shipped (serve): inbox, then build, lint, store; in two worker
               processes side by side with 3 cores or more, else in one
  full-1w      the same with one worker doing both stages (what the window runs)
  full-2w      the same with two workers whatever the number of cores
  no-lint      the collector without linting
  no-identity  the collector without identity resolution
  bare         the collector with neither (what lint and identity cost is measured against)
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import batches

CONFIGS = [
    "baseline",
    "full",
    "full-1w",
    "full-2w",
    "no-lint",
    "no-identity",
    "bare",
]


# -- servers (child processes) ------------------------------------------------------------
def _baseline_server(port_q: mp.Queue, data_dir: str) -> None:
    import sqlite3

    from aiohttp import web

    db = sqlite3.connect(os.path.join(data_dir, "base.sqlite3"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE ev (id INTEGER PRIMARY KEY, body BLOB)")

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        data = orjson.loads(body)
        rows = [(orjson.dumps(m),) for m in data["batch"]]
        db.execute("BEGIN")
        db.executemany("INSERT INTO ev (body) VALUES (?)", rows)
        db.execute("COMMIT")
        return web.Response(body=b'{"success":true}', content_type="application/json")

    async def main() -> None:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post("/v1/batch", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_q.put(site._server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def _collector_server(
    port_q: mp.Queue,
    data_dir: str,
    lint: bool,
    identity: bool,
    lint_stage: bool = True,
    force_split: bool = False,
    index: bool = True,
) -> None:
    from inspector.collector.server import CollectorServer
    from inspector.ingest import pipeline

    if force_split:
        pipeline.SPLIT_MIN_CORES = 0
    from inspector.collector.service import CollectorService
    from inspector.domain.store import Store
    from inspector.ingest.workers import SERVE_NICE

    async def main() -> None:
        store = Store(data_dir)
        svc = CollectorService(
            store,
            store.open_session("bench"),
            lint=lint,
            identity=identity,
            writer_process=True,
            lint_stage=lint_stage,
            worker_nice=SERVE_NICE,
        )  # as serve
        if not index:
            svc.writer.index_chunk = 0
        server = CollectorServer(svc, "127.0.0.1", 0)
        await server.start()
        port_q.put(server.port)
        await asyncio.Event().wait()

    asyncio.run(main())


def start(config: str, data_dir: str, index: bool = True) -> tuple[mp.Process, int]:
    q: mp.Queue = mp.Queue()
    if config == "baseline":
        p = mp.Process(target=_baseline_server, args=(q, data_dir), daemon=True)
    else:
        lint = config in ("full", "full-1w", "full-2w", "no-identity")
        identity = config in ("full", "full-1w", "full-2w", "no-lint")
        stage, force = config != "full-1w", config == "full-2w"
        p = mp.Process(
            target=_collector_server, args=(q, data_dir, lint, identity, stage, force, index)
        )
    p.start()
    return p, q.get(timeout=60)


# -- load ---------------------------------------------------------------------------------
async def load(
    port: int, bodies: list[bytes], seconds: float, connections: int, per_batch: int
) -> tuple[float, list[float]]:
    import aiohttp

    url = f"http://127.0.0.1:{port}/v1/batch"
    latencies: list[float] = []
    sent = 0
    stop_at = time.perf_counter() + seconds
    headers = {"Content-Type": "application/json", "Authorization": "Basic V0s6"}

    async def worker(k: int, session: aiohttp.ClientSession) -> None:
        nonlocal sent
        i = k
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            async with session.post(url, data=bodies[i % len(bodies)], headers=headers) as r:
                await r.read()
                assert r.status == 200, r.status
            latencies.append(time.perf_counter() - t0)
            sent += per_batch
            i += connections

    conn = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=conn) as session:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(k, session) for k in range(connections)))
        elapsed = time.perf_counter() - t0
    return sent / elapsed, latencies, sent, elapsed


async def settle(port: int) -> tuple[float, int]:
    """Wait until every acknowledged event is stored, linted and queryable (``/api`` reads wait
    for the store writer); returns the seconds that took and the events stored."""
    import aiohttp

    t0 = time.perf_counter()
    url = f"http://127.0.0.1:{port}/api/stats"
    async with aiohttp.ClientSession() as session:
        for _ in range(40):  # each read waits up to 30 s for the writer, then says how far
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=600)) as r:
                stats = await r.json()
                if "X-Inspector-Backlog" not in r.headers:
                    return time.perf_counter() - t0, stats["events"]
    raise RuntimeError("the store writer did not catch up in 20 minutes")


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time (user + system) so far of a server process ("c"), its ingest workers ("w")
    and its query indexer ("i", the child at nice 19)."""
    import psutil

    proc = psutil.Process(pid)
    total = {"c": 0.0, "w": 0.0, "i": 0.0}
    for p in (proc, *proc.children(recursive=True)):
        try:
            t = p.cpu_times()
            role = "c" if p.pid == pid else "i" if p.nice() >= 19 else "w"
        except psutil.NoSuchProcess:
            continue
        total[role] += t.user + t.system
    return total


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] * 1000 if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--no-index", action="store_true", help="collectors without the indexer")
    args = ap.parse_args()
    configs = args.configs.split(",")
    raw = batches(400)
    bodies = [
        orjson.dumps({"batch": b, "sentAt": "2026-11-22T10:31:20.000Z", "writeKey": "WK"})
        for b in raw
    ]
    avg = sum(len(orjson.dumps(m)) for m in raw[0]) / len(raw[0])
    print(
        f"corpus: {len(bodies)} batches x 100 events, {avg:.0f} bytes/event, "
        f"{len(bodies[0]) / 1024:.0f} KB/request; {args.connections} connections, "
        f"{args.seconds:.0f} s x {args.rounds} interleaved rounds"
    )
    results: dict[str, list[float]] = {c: [] for c in configs}
    processed: dict[str, list[float]] = {c: [] for c in configs}
    lats: dict[str, list[float]] = {c: [] for c in configs}
    cpu: dict[str, list[float]] = {c: [] for c in configs}
    split: dict[str, list[dict[str, float]]] = {c: [] for c in configs}
    for rnd in range(args.rounds):
        for config in configs:
            with tempfile.TemporaryDirectory() as d:
                proc, port = start(config, d, not args.no_index)
                try:
                    asyncio.run(load(port, bodies[:20], 0.5, args.connections, 100))  # warm-up
                    before = 0
                    if config != "baseline":
                        before = asyncio.run(settle(port))[1]
                    cpu0 = cpu_seconds(proc.pid)
                    rate, lat, sent, elapsed = asyncio.run(
                        load(port, bodies, args.seconds, args.connections, 100)
                    )
                    done = rate
                    if config != "baseline":
                        drain, stored = asyncio.run(settle(port))
                        assert stored - before == sent, (stored, before, sent)
                        done = sent / (elapsed + drain)
                    cpu1 = cpu_seconds(proc.pid)
                    per = {k: (cpu1[k] - cpu0.get(k, 0.0)) / sent * 1e6 for k in cpu1}
                    split[config].append(per)
                    cpu[config].append(sum(per.values()))
                finally:
                    proc.kill()
                    proc.join()
            results[config].append(rate)
            processed[config].append(done)
            lats[config].extend(lat)
            print(
                f"  round {rnd + 1} {config:<12} {rate:>10,.0f} events/s acknowledged, "
                f"{done:>8,.0f} processed, {cpu[config][-1]:6.1f} µs CPU/event ("
                + " ".join(f"{k} {v:.1f}" for k, v in split[config][-1].items())
                + ")",
                flush=True,
            )
    base = statistics.median(results["baseline"]) if "baseline" in results else None
    print("\nacknowledged: events/s answered 200 (durable in the inbox) while the load ran;")
    print("processed: events sent / (load time + time until all were stored, linted and queryable)")
    print("CPU µs/event: CPU time of the server process and its workers per event sent (less")
    print("  noisy than rates on a shared machine)")
    print(
        f"\n{'config':<12} {'ack ev/s':>10} {'ratio':>7} {'processed':>10} {'ratio':>7} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'CPU µs/ev':>10}"
    )
    for c in configs:
        med = statistics.median(results[c])
        pmed = statistics.median(processed[c])
        ratio = f"{med / base:.2f}" if base else "-"
        pratio = f"{pmed / base:.2f}" if base else "-"
        p50, p99 = pct(lats[c], 0.5), pct(lats[c], 0.99)
        print(
            f"{c:<12} {med:>10,.0f} {ratio:>7} {pmed:>10,.0f} {pratio:>7} {p50:>8.1f} "
            f"{p99:>8.1f} {statistics.median(cpu[c]):>10.1f}"
        )
    for name, other in (("lint", "no-lint"), ("identity", "no-identity")):
        if {"full", other} <= set(configs):
            full, without = (statistics.median(results[c]) for c in ("full", other))
            pfull, pwithout = (statistics.median(processed[c]) for c in ("full", other))
            target = " (target < 25%)" if name == "lint" else ""
            cfull, cwithout = (statistics.median(cpu[c]) for c in ("full", other))
            print(
                f"{name} cost: {1 - full / without:+.0%} of the acknowledged rate, "
                f"{1 - pfull / pwithout:+.0%} of the processed rate{target}; "
                f"{cfull - cwithout:+.1f} µs CPU per event = {1 - cwithout / cfull:+.0%} of "
                "the CPU an event costs (collector and workers)"
            )
    if base and "full" in results:
        print(
            f"collector/baseline: {statistics.median(results['full']) / base:.2f} (target >= 0.50)"
        )
    return 0


if __name__ == "__main__":
    mp.set_start_method("spawn")
    raise SystemExit(main())
