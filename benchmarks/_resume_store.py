"""A stored session of realistic events for the window's resume benchmark (built once a run)."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _corpus import message

from inspector.domain.capture import CapturedEvent, Finding, Source
from inspector.domain.store import Store

SESSION = "resume-bench"
RULES = [
    ("E001", "error", "revenue is a string"),
    ("W006", "warning", "currency is missing"),
    ("I001", "info", "event not in the plan"),
    ("W013", "warning", "timestamp is skewed"),
]


def _events(n: int, session_id: int, seed: int = 7) -> Iterator[CapturedEvent]:
    rng = random.Random(seed)
    start = time.time() - n * 1e-3
    for i in range(n):
        m = message(rng, i)
        lint: list[Finding] = []
        r = rng.random()
        if r < 0.02:
            lint.append(Finding(*RULES[0], "properties.revenue"))
        if r < 0.12:
            rule, sev, text = RULES[1 + rng.randrange(3)]
            lint.append(Finding(rule, sev, text, None))  # type: ignore[arg-type]
        lib = m["context"]["library"]
        yield CapturedEvent(
            session_id=session_id,
            received_at=start + i * 1e-3,
            message=m,
            type=m["type"],
            timestamp=start + i * 1e-3,
            source=Source(
                write_key="WK-bench-1234",
                auth="basic",
                library=lib["name"],
                library_version=lib["version"],
                client="@segment/analytics-next",
            ),
            message_id=m["messageId"],
            dup=rng.random() < 0.01,
            lint=lint,
        )


def build(data_dir: Path, n: int, chunk: int = 2000) -> float:
    """Store ``n`` events in the session ``resume-bench`` of ``data_dir`` (unless it holds
    them already); returns the seconds it took (0 when reused)."""
    store = Store(data_dir)
    try:
        sid = store.open_session(SESSION).id
        have = store.count_events(sid)
        if have == n:
            return 0.0
        if have:
            raise SystemExit(f"{data_dir} holds {have:,} events, not {n:,}")
        t = time.perf_counter()
        it = _events(n, sid)
        done = 0
        while done < n:
            batch = [next(it) for _ in range(min(chunk, n - done))]
            store.allocate(None, batch)
            store.write([], batch)
            done += len(batch)
        store.index_all()
        return time.perf_counter() - t
    finally:
        store.close()
