"""Building a session's report: a plain dict of counts, sources, lint, identity warnings,
rejections and a timeline (what ``report --format json`` prints)."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from inspector.domain import secrets
from inspector.domain.capture import CapturedEvent, RawRequest, epoch_iso

BUCKETS = 40
TOP = 50


def mask_key(key: str | None) -> str:
    return secrets.mask_key(key) if key else "(none)"


def _nice_step(span: float, buckets: int) -> float:
    """A bucket width of 1/2/5 × 10^n seconds covering ``span`` in about ``buckets`` bars."""
    raw = max(span / max(buckets, 1), 0.001)
    for unit in (
        1,
        2,
        5,
        10,
        15,
        30,
        60,
        120,
        300,
        600,
        900,
        1800,
        3600,
        7200,
        21600,
        43200,
        86400,
    ):
        if raw <= unit:
            return float(unit)
    exp = 10 ** math.floor(math.log10(raw))
    return float(next(m * exp for m in (1, 2, 5, 10) if raw <= m * exp))


def timeline(
    times: Sequence[float], errors: Sequence[float] = (), buckets: int = BUCKETS
) -> dict[str, Any]:
    """Events per time bucket (and lint errors per bucket) between the first and last event."""
    if not times:
        return {"start": None, "end": None, "bucketSeconds": 0, "counts": [], "errors": []}
    lo, hi = min(times), max(times)
    step = _nice_step(hi - lo, buckets)
    start = math.floor(lo / step) * step
    n = max(1, math.floor((hi - start) / step) + 1)
    counts, errs = [0] * n, [0] * n
    for t in times:
        counts[min(int((t - start) // step), n - 1)] += 1
    for t in errors:
        errs[min(int((t - start) // step), n - 1)] += 1
    return {
        "start": epoch_iso(start),
        "end": epoch_iso(start + n * step),
        "bucketSeconds": step,
        "counts": counts,
        "errors": errs,
    }


def build_report(
    session: Mapping[str, Any],
    events: Iterable[CapturedEvent],
    rejected: Sequence[RawRequest] = (),
    identity_warnings: Sequence[Mapping[str, Any]] = (),
    *,
    buckets: int = BUCKETS,
    now: float | None = None,
) -> dict[str, Any]:
    by_name: Counter[tuple[str, str]] = Counter()
    name_lint: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_source: Counter[tuple[str, str, str]] = Counter()
    by_type: Counter[str] = Counter()
    rules: dict[str, dict[str, Any]] = {}
    severities: Counter[str] = Counter()
    times: list[float] = []
    err_times: list[float] = []
    dups = 0
    for ev in events:
        key = (ev.type, ev.label or "")
        by_name[key] += 1
        by_type[ev.type] += 1
        src = ev.source
        lib = src.library or "(unknown)"
        if src.library_version:
            lib += f" {src.library_version}"
        by_source[(src.client or "—", lib, mask_key(src.write_key))] += 1
        times.append(ev.received_at)
        dups += ev.dup
        level = ev.lint_level
        severities[{3: "error", 2: "warning", 1: "info"}.get(level, "none")] += 1
        if level >= 3:
            err_times.append(ev.received_at)
        for f in ev.lint:
            name_lint[key][f.severity] += 1
            r = rules.setdefault(
                f.rule,
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "count": 0,
                    "events": set(),
                    "example": f.message,
                    "eventIds": [],
                },
            )
            r["count"] += 1
            if ev.id not in r["events"]:
                r["events"].add(ev.id)
                if len(r["eventIds"]) < 5:
                    r["eventIds"].append(ev.id)
    lint_rules = sorted(
        ({**r, "events": len(r["events"])} for r in rules.values()),
        key=lambda r: ({"error": 0, "warning": 1}.get(r["severity"], 2), -r["count"], r["rule"]),
    )
    rej_codes: dict[str, dict[str, Any]] = {}
    for req in rejected:
        code = req.error_code or str(req.status)
        d = rej_codes.setdefault(
            code, {"code": code, "count": 0, "example": req.error, "paths": Counter()}
        )
        d["count"] += 1
        d["paths"][req.path] += 1
    warn_rules = Counter(str(w.get("rule", "?")) for w in identity_warnings)
    total = len(times)
    return {
        "generatedAt": epoch_iso(now if now is not None else time.time()),
        "session": dict(session),
        "totals": {
            "events": total,
            "kinds": len(by_name),
            "duplicates": dups,
            "rejectedRequests": len(rejected),
            "identityWarnings": len(identity_warnings),
            "lint": {s: severities.get(s, 0) for s in ("error", "warning", "info", "none")},
            "first": epoch_iso(min(times)) if times else None,
            "last": epoch_iso(max(times)) if times else None,
        },
        "byType": dict(by_type.most_common()),
        "byName": [
            {
                "type": t,
                "name": n,
                "count": c,
                "lintErrors": name_lint[(t, n)].get("error", 0),
                "lintWarnings": name_lint[(t, n)].get("warning", 0),
            }
            for (t, n), c in sorted(by_name.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "bySource": [
            {"client": cl, "library": lib, "writeKey": wk, "count": c}
            for (cl, lib, wk), c in by_source.most_common()
        ],
        "lintByRule": lint_rules,
        "identityWarnings": {
            "byRule": [{"rule": r, "count": c} for r, c in warn_rules.most_common()],
            "items": [dict(w) for w in identity_warnings[:TOP]],
        },
        "rejected": [
            {**d, "paths": dict(d["paths"].most_common(5))}
            for d in sorted(rej_codes.values(), key=lambda d: -d["count"])
        ],
        "timeline": timeline(times, err_times, buckets),
    }


def parse_iso(s: str) -> float:
    """Epoch seconds of an ISO 8601 time as the report writes them (``…Z``)."""
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
