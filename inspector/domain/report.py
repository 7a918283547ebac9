"""A shareable summary of one session: counts, sources, lint, identity warnings, rejections, time.

:func:`build_report` folds a session's events into a plain dict (what ``--format json``
prints); :func:`render_markdown` and :func:`render_html` draw it. The HTML is one standalone
file: inline CSS and an SVG chart drawn here, no script, no external asset.
"""

from __future__ import annotations

import html
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from inspector.domain import secrets
from inspector.domain.capture import CapturedEvent, RawRequest, epoch_iso

BUCKETS = 40
SPARKS = "▁▂▃▄▅▆▇█"
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


# -- markdown --------------------------------------------------------------------------------
def sparkline(counts: Sequence[int]) -> str:
    top = max(counts, default=0)
    if top <= 0:
        return SPARKS[0] * len(counts)
    return "".join(
        " " if c == 0 else SPARKS[min(len(SPARKS) - 1, (c * len(SPARKS) - 1) // top)]
        for c in counts
    )


def _md(s: Any) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
    return out


def _coarse(tl: dict[str, Any], rows: int = 12) -> list[tuple[str, int, int]]:
    counts, errs = tl["counts"], tl["errors"]
    if not counts:
        return []
    per = max(1, math.ceil(len(counts) / rows))
    step = tl["bucketSeconds"]
    start = _parse_iso(tl["start"])
    out = []
    for i in range(0, len(counts), per):
        out.append(
            (epoch_iso(start + i * step)[11:19], sum(counts[i : i + per]), sum(errs[i : i + per]))
        )
    return out


def _parse_iso(s: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def render_markdown(r: dict[str, Any]) -> str:
    s, t, tl = r["session"], r["totals"], r["timeline"]
    lint = t["lint"]
    out = [
        f"# Event Inspector report: {_md(s.get('name', ''))}",
        "",
        f"Session #{s.get('id', '?')}, {t['events']} events of {t['kinds']} kinds"
        f" from {t['first'] or '-'} to {t['last'] or '-'}; generated {r['generatedAt']}.",
        "",
        f"- lint: **{lint['error']}** events with errors, {lint['warning']} with warnings, "
        f"{lint['info']} with info only",
        f"- rejected requests: **{t['rejectedRequests']}**",
        f"- identity warnings: **{t['identityWarnings']}**",
        f"- duplicate messageIds: {t['duplicates']}",
        "",
        "## Events over time",
        "",
    ]
    if tl["counts"]:
        out += [
            f"`{tl['start'][11:19]} {sparkline(tl['counts'])} {tl['end'][11:19]}` "
            f"({tl['bucketSeconds']:g} s per mark, peak {max(tl['counts'])})",
            "",
        ]
        out += _table(["from (UTC)", "events", "with lint errors"], _coarse(tl))
    else:
        out.append("No events.")
    out += ["", "## Events by name", ""]
    out += _table(
        ["type", "event / name", "count", "lint errors", "lint warnings"],
        [
            (e["type"], e["name"] or "—", e["count"], e["lintErrors"], e["lintWarnings"])
            for e in r["byName"][:TOP]
        ],
    )
    out += ["", "## Sources", ""]
    out += _table(
        ["client", "library", "write key", "count"],
        [(x["client"], x["library"], x["writeKey"], x["count"]) for x in r["bySource"]],
    )
    out += ["", "## Lint findings by rule", ""]
    out += (
        _table(
            ["rule", "severity", "findings", "events", "example"],
            [
                (x["rule"], x["severity"], x["count"], x["events"], x["example"])
                for x in r["lintByRule"]
            ],
        )
        if r["lintByRule"]
        else ["No findings."]
    )
    out += ["", "## Identity warnings", ""]
    iw = r["identityWarnings"]
    out += (
        _table(
            ["rule", "message", "identifiers"],
            [
                (w.get("rule"), w.get("message"), ", ".join(map(str, w.get("identifiers") or [])))
                for w in iw["items"]
            ],
        )
        if iw["items"]
        else ["None."]
    )
    out += ["", "## Rejected requests", ""]
    out += (
        _table(
            ["code", "count", "example", "paths"],
            [
                (x["code"], x["count"], x["example"] or "", ", ".join(x["paths"]))
                for x in r["rejected"]
            ],
        )
        if r["rejected"]
        else ["None."]
    )
    return "\n".join(out) + "\n"


# -- html ------------------------------------------------------------------------------------
def svg_chart(tl: dict[str, Any], width: int = 760, height: int = 200) -> str:
    """Bars of events per bucket (lint errors in red on top of each bar), with axes."""
    counts, errs = tl["counts"], tl["errors"]
    if not counts:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40" '
            'role="img" aria-label="no events"><text x="8" y="24">No events</text></svg>'
        )
    left, right, top, bottom = 44, 8, 12, 28
    w, h = width - left - right, height - top - bottom
    peak = max(counts)
    ymax = max(1, _nice_ceiling(peak))
    bw = w / len(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="events over time, peak {peak} per {tl["bucketSeconds"]:g} s">',
        "<style>text{font:11px sans-serif;fill:#555}.ax{stroke:#999}"
        ".ev{fill:#4f7cac}.er{fill:#c0392b}.gr{stroke:#eee}</style>",
    ]
    for frac in (0, 0.5, 1):
        y = top + h - frac * h
        parts.append(f'<line class="gr" x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{ymax * frac:g}</text>'
        )
    for i, (c, e) in enumerate(zip(counts, errs, strict=True)):
        if not c:
            continue
        x = left + i * bw
        bh = c / ymax * h
        eh = e / ymax * h
        title = f"{c} events, {e} with lint errors"
        parts.append(
            f"<g><title>{title}</title>"
            f'<rect class="ev" x="{x + 0.5:.1f}" y="{top + h - bh:.1f}" '
            f'width="{max(bw - 1, 0.5):.1f}" height="{bh:.1f}"/>'
            + (
                f'<rect class="er" x="{x + 0.5:.1f}" y="{top + h - bh:.1f}" '
                f'width="{max(bw - 1, 0.5):.1f}" height="{eh:.1f}"/>'
                if e
                else ""
            )
            + "</g>"
        )
    parts.append(f'<line class="ax" x1="{left}" x2="{left + w}" y1="{top + h}" y2="{top + h}"/>')
    parts.append(f'<line class="ax" x1="{left}" x2="{left}" y1="{top}" y2="{top + h}"/>')
    start = _parse_iso(tl["start"])
    span = tl["bucketSeconds"] * len(counts)
    for frac, anchor in ((0, "start"), (0.5, "middle"), (1, "end")):
        label = epoch_iso(start + frac * span)[11:19]
        parts.append(
            f'<text x="{left + frac * w:.1f}" y="{height - 8}" '
            f'text-anchor="{anchor}">{label} UTC</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _nice_ceiling(v: float) -> float:
    if v <= 0:
        return 1
    exp = 10.0 ** math.floor(math.log10(v))
    return float(next(m * exp for m in (1, 2, 2.5, 5, 10) if v <= m * exp))


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2em auto;max-width:900px;
color:#222;padding:0 1em}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;
border-bottom:1px solid #ddd}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.cards{display:flex;gap:12px;
flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:1.5em}.bad b{color:#c0392b}.muted{color:#777}
.sev-error{color:#c0392b}.sev-warning{color:#b9770e}
"""


def _h(s: Any) -> str:
    return html.escape("" if s is None else str(s))


def _html_table(
    head: Sequence[str],
    rows: Iterable[Sequence[Any]],
    numeric: set[int] | None = None,
    empty: str = "None.",
) -> str:
    numeric = numeric or set()
    body = [
        "<tr>"
        + "".join(
            f'<td class="n">{_h(c)}</td>'
            if i in numeric
            else f"<td>{c if isinstance(c, _Raw) else _h(c)}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    ]
    if not body:
        return f'<p class="muted">{_h(empty)}</p>'
    th = "".join(
        f'<th class="n">{_h(x)}</th>' if i in numeric else f"<th>{_h(x)}</th>"
        for i, x in enumerate(head)
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class _Raw(str):
    """Already-escaped HTML for a table cell."""


def _sev(s: str) -> _Raw:
    return _Raw(f'<span class="sev-{_h(s)}">{_h(s)}</span>')


def render_html(r: dict[str, Any]) -> str:
    s, t, tl = r["session"], r["totals"], r["timeline"]
    lint = t["lint"]

    def card(label: str, value: Any, bad: bool = False) -> str:
        return f'<div class="card{" bad" if bad else ""}"><b>{_h(value)}</b>{_h(label)}</div>'

    cards = "".join(
        [
            card("events", t["events"]),
            card("kinds", t["kinds"]),
            card("with lint errors", lint["error"], lint["error"] > 0),
            card("with warnings", lint["warning"]),
            card("rejected requests", t["rejectedRequests"], t["rejectedRequests"] > 0),
            card("identity warnings", t["identityWarnings"], t["identityWarnings"] > 0),
        ]
    )
    iw = r["identityWarnings"]["items"]
    sections = [
        "<h2>Events over time</h2>",
        svg_chart(tl),
        f'<p class="muted">{tl["bucketSeconds"]:g} s per bar; red: events with lint errors.</p>'
        if tl["counts"]
        else "",
        "<h2>Events by name</h2>",
        _html_table(
            ["type", "event / name", "count", "lint errors", "lint warnings"],
            [
                (e["type"], e["name"] or "—", e["count"], e["lintErrors"], e["lintWarnings"])
                for e in r["byName"][:TOP]
            ],
            {2, 3, 4},
            "No events.",
        ),
        "<h2>Sources</h2>",
        _html_table(
            ["client", "library", "write key", "count"],
            [(x["client"], x["library"], x["writeKey"], x["count"]) for x in r["bySource"]],
            {3},
        ),
        "<h2>Lint findings by rule</h2>",
        _html_table(
            ["rule", "severity", "findings", "events", "example"],
            [
                (x["rule"], _sev(x["severity"]), x["count"], x["events"], x["example"])
                for x in r["lintByRule"]
            ],
            {2, 3},
            "No findings.",
        ),
        "<h2>Identity warnings</h2>",
        _html_table(
            ["rule", "severity", "message", "identifiers"],
            [
                (
                    w.get("rule"),
                    _sev(str(w.get("severity", "warning"))),
                    w.get("message"),
                    ", ".join(map(str, w.get("identifiers") or [])),
                )
                for w in iw
            ],
        ),
        "<h2>Rejected requests</h2>",
        _html_table(
            ["code", "count", "example", "paths"],
            [
                (x["code"], x["count"], x["example"] or "", ", ".join(x["paths"]))
                for x in r["rejected"]
            ],
            {1},
        ),
    ]
    title = f"Event Inspector report: {s.get('name', '')}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>{_h(title)}</title><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>'
        f"<body><h1>{_h(title)}</h1>"
        f'<p class="muted">Session #{_h(s.get("id", "?"))}, {_h(t["first"] or "-")} to '
        f"{_h(t['last'] or '-')}; generated {_h(r['generatedAt'])}.</p>"
        f'<div class="cards">{cards}</div>{"".join(sections)}</body></html>\n'
    )
