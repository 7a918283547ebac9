"""The report as Markdown (a table per section, a sparkline for the timeline)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from inspector.domain.capture import epoch_iso
from inspector.domain.report.build import TOP, parse_iso

SPARKS = "▁▂▃▄▅▆▇█"


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
    start = parse_iso(tl["start"])
    out = []
    for i in range(0, len(counts), per):
        out.append(
            (epoch_iso(start + i * step)[11:19], sum(counts[i : i + per]), sum(errs[i : i + per]))
        )
    return out


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
