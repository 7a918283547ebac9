"""Where the time per event goes on the ingest path: py-spy, per process, under batch load.

Starts the collector as ``benchmarks/ingest.py`` does (``full``: inbox, prepare worker with
lint, store writer), sends 100-event batches for ``--seconds`` and waits until every event is
stored, while ``py-spy record --subprocesses --format raw`` samples the collector and its
workers. Prints, per process, how busy it was (samples / (rate x wall time)) and the functions
holding the most time (inclusive, as a share of that process's samples).

    python benchmarks/ingest_profile.py [--seconds 10] [--rate 100] [--top 15] [--raw FILE]

py-spy is a tool, not a dependency: ``.venv/bin/pip install py-spy``. It needs ptrace
(root, or ``kernel.yama.ptrace_scope=0``).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import batches
from ingest import load, settle, start

_PROC = re.compile(r'process (\d+):"[^"]*";?')
# the frame that says which worker a process is (what it is called through)
ROLES = {
    "prepare_packed": "prepare worker",
    "store_packed": "store writer",
    "process_step": "worker (prepare + store)",
    "index": "query indexer",
}


def parse(raw: Path) -> dict[int, tuple[collections.Counter[str], int]]:
    """Per process: inclusive samples per function, total samples."""
    out: dict[int, tuple[collections.Counter[str], int]] = {}
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        # "process P:"cmdline";process C:"cmdline";frame;frame...": the last process named
        pids = _PROC.findall(stack)
        pid = int(pids[-1]) if pids else 0
        frames = _PROC.sub("", stack).split(";")
        incl, total = out.get(pid, (collections.Counter(), 0))
        n = int(count)
        for f in dict.fromkeys(_name(f) for f in frames if f):
            incl[f] += n
        out[pid] = (incl, total + n)
    return out


def _name(frame: str) -> str:
    # "fn (path/to/module.py:123)" -> "fn (module.py)"
    fn, _, where = frame.partition(" (")
    mod = where.rsplit("/", 1)[-1].split(":", 1)[0]
    return f"{fn} ({mod})" if mod else fn


_PLUMBING = (
    "<module>",
    "spawn_main",
    "_main (spawn",
    "BaseProcess.",
    "_process_worker",
    "call (stages.py",
    "_collector_server",
    "Runner.run",
    "run (runners",
    "BaseEventLoop.run_",
    "BaseEventLoop._run_once",
    "Handle._run",
    "main (ingest.py",
)


def role(pid: int, server: int, incl: collections.Counter[str]) -> str | None:
    if pid == server:
        return "collector"
    for fn, name in ROLES.items():
        if any(k.startswith(f"Stages.{fn} ") for k in incl):
            return name
    return None  # the resource tracker and such


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--config", default="full")
    ap.add_argument("--raw", help="keep py-spy's raw output here")
    args = ap.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy not found: .venv/bin/pip install py-spy", file=sys.stderr)
        return 2
    bodies = [
        orjson.dumps({"batch": b, "sentAt": "2026-11-22T10:31:20.000Z", "writeKey": "WK"})
        for b in batches(400)
    ]
    with tempfile.TemporaryDirectory() as d:
        proc, port = start(args.config, d)
        raw = Path(args.raw or os.path.join(d, "spy.txt"))
        try:
            asyncio.run(load(port, bodies[:20], 0.5, args.connections, 100))  # warm-up
            asyncio.run(settle(port))
            cmd = [spy, "record", "--subprocesses", "--format", "raw", "--nonblocking"]
            cmd += ["--rate", str(args.rate), "-o", str(raw), "--pid", str(proc.pid)]
            sp = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(1.0)  # py-spy attaches
            t0 = time.perf_counter()
            rate, _lat, sent, elapsed = asyncio.run(
                load(port, bodies, args.seconds, args.connections, 100)
            )
            drain, _ = asyncio.run(settle(port))
            wall = time.perf_counter() - t0
            sp.send_signal(signal.SIGINT)
            _, err = sp.communicate(timeout=60)
        finally:
            proc.kill()
            proc.join()
        if not raw.exists():
            print(err.decode(errors="replace"), file=sys.stderr)
            return 1
        per = parse(raw)
    load_avg = os.getloadavg()[0]
    print(
        f"{args.config}: {sent:,} events in {elapsed:.1f} s load + {drain:.1f} s until stored "
        f"({sent / (elapsed + drain):,.0f} events/s processed, {rate:,.0f} acknowledged); "
        f"sampled {wall:.1f} s at {args.rate}/s; load average {load_avg:.1f}"
    )
    for pid, (incl, total) in sorted(per.items(), key=lambda kv: -kv[1][1]):
        name = role(pid, proc.pid, incl)
        if name is None:
            continue
        busy = total / (args.rate * wall)
        print(
            f"\n{name} (pid {pid}): busy {busy:.0%} of the wall time, "
            f"{total / args.rate / max(sent, 1) * 1e6:.1f} µs per event"
        )
        shown = 0
        for fn, n in incl.most_common():
            if fn.startswith(_PLUMBING):
                continue
            print(f"  {n / total:6.1%}  {fn}")
            shown += 1
            if shown >= args.top:
                break
    return 0


if __name__ == "__main__":
    import multiprocessing as mp

    mp.set_start_method("spawn")
    raise SystemExit(main())
