"""The report as one standalone HTML file: inline CSS and an SVG chart drawn here, no script,
no external asset."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

from inspector.domain.capture import epoch_iso
from inspector.domain.report.build import TOP, parse_iso


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
    start = parse_iso(tl["start"])
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
