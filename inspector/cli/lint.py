"""``event-inspector lint FILE.ndjson [--plan PLAN] [--format text|json|junit]`` for CI.

The text report starts with the totals and a summary per rule (count, first example), then
lists the findings, at most ``--max-per-rule`` of each rule, from ``--min-severity`` up.
Exit status: 0 no error-severity finding, 1 at least one, 2 unusable input or options.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

import orjson

from inspector.domain.labels import row_label
from inspector.domain.ndjson import NdjsonError, messages_of, objects

Row = dict[str, Any]
SEVERITIES = ("error", "warning", "info")
LEVEL = {"error": 3, "warning": 2, "info": 1}
TEXT_MAX_PER_RULE = 20


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "lint",
        help="lint an NDJSON file against the spec and a tracking plan",
        description="Lint Segment-style messages (one JSON object per line) against "
        "the spec and an optional tracking plan. Exit 0: no error-severity finding, 1: at "
        "least one, 2: unusable input or options.",
    )
    p.add_argument("file", help="NDJSON file of messages ('-' for standard input)")
    p.add_argument("--plan", help="tracking plan (JSON Schema rules or simple YAML)")
    p.add_argument("--format", choices=("text", "json", "junit"), default="text")
    p.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        default="info",
        help="show findings of this severity and above (the exit status still counts errors)",
    )
    p.add_argument(
        "--max-per-rule",
        type=int,
        metavar="N",
        help=f"list at most N findings of each rule (text default {TEXT_MAX_PER_RULE}; "
        "0: all; the summary counts every one)",
    )
    p.set_defaults(run=run)


def _label(msg: Any) -> tuple[str, str]:
    """The type and the name of a JUnit case (the table's name column, ``row_label``)."""
    if not isinstance(msg, dict):
        return "invalid", ""
    t = str(msg.get("type") or "unknown")
    return t, row_label(t, msg) or ""


def run(args: argparse.Namespace) -> int:
    from inspector.domain.dialects import normalise
    from inspector.domain.lint import ConfigError, LintEngine, PlanError, load_config, load_plan

    out, err = sys.stdout, sys.stderr
    try:
        config = load_config(Path.cwd())
        for w in config.warnings:
            print(f"event-inspector lint: {config.path}: {w}", file=err)
        plan = (
            load_plan(args.plan) if args.plan else (load_plan(config.plan) if config.plan else None)
        )
        engine = LintEngine(config, plan)
    except (ConfigError, PlanError) as exc:
        print(f"event-inspector lint: {exc}", file=err)
        return 2
    parsed: list[tuple[int, Any]] = []
    try:
        for n, obj in objects(args.file):
            parsed.extend((n, m) for m in messages_of(obj, keep_invalid=True))
    except NdjsonError as exc:
        print(f"event-inspector lint: {exc}", file=err)
        return 2
    rows: list[Row] = []
    cases: list[tuple[int, Any, list[Row]]] = []
    for n, msg in parsed:
        if isinstance(msg, dict):
            norm, original = normalise(msg)
            findings = engine.lint_message(norm, original=original)
        else:
            findings = engine.lint_message(msg)
        mid = msg.get("messageId") if isinstance(msg, dict) else None
        these = [
            {
                "line": n,
                "messageId": mid,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "path": f.path,
            }
            for f in findings
        ]
        rows.extend(these)
        cases.append((n, msg, these))
    if args.max_per_rule is not None and args.max_per_rule < 0:
        print("event-inspector lint: --max-per-rule must be 0 (all) or more", file=err)
        return 2
    summary = _summary(rows, len(parsed))
    floor = LEVEL[args.min_severity]
    shown = [r for r in rows if LEVEL[r["severity"]] >= floor]
    cap = (
        args.max_per_rule
        if args.max_per_rule is not None
        else (TEXT_MAX_PER_RULE if args.format == "text" else 0)
    )
    listed, omitted = _capped(shown, cap)
    if args.format == "json":
        body: dict[str, Any] = {"findings": listed, "summary": summary}
        body["rules"] = _by_rule(shown)
        if omitted:
            body["omitted"] = omitted
        out.write(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif args.format == "junit":
        out.write(_junit(cases, args.file, summary, floor))
    else:
        _text(listed, omitted, _by_rule(shown), summary, args.file, out, cap)
    return 1 if summary["bySeverity"]["error"] else 0


def _summary(rows: list[Row], events: int) -> dict[str, Any]:
    sev = Counter(r["severity"] for r in rows)
    return {
        "events": events,
        "findings": len(rows),
        "bySeverity": {s: sev.get(s, 0) for s in ("error", "warning", "info")},
        "byRule": dict(sorted(Counter(r["rule"] for r in rows).items())),
    }


def _by_rule(rows: list[Row]) -> list[Row]:
    """One row per rule, most severe first, then most frequent: count and first example."""
    first: dict[str, Row] = {}
    count: Counter[str] = Counter()
    for r in rows:
        count[r["rule"]] += 1
        first.setdefault(r["rule"], r)
    order = sorted(first, key=lambda k: (-LEVEL[first[k]["severity"]], -count[k], k))
    return [
        {
            "rule": k,
            "severity": first[k]["severity"],
            "count": count[k],
            "first": {key: first[k][key] for key in ("line", "message", "path")},
        }
        for k in order
    ]


def _capped(rows: list[Row], cap: int) -> tuple[list[Row], dict[str, int]]:
    """At most ``cap`` rows of each rule (0: all), in file order; how many were left out."""
    if cap <= 0:
        return rows, {}
    seen: Counter[str] = Counter()
    kept: list[Row] = []
    for r in rows:
        seen[r["rule"]] += 1
        if seen[r["rule"]] <= cap:
            kept.append(r)
    return kept, {k: n - cap for k, n in sorted(seen.items()) if n > cap}


def _text(
    rows: list[Row],
    omitted: dict[str, int],
    rules: list[Row],
    summary: dict[str, Any],
    name: str,
    out: TextIO,
    cap: int,
) -> None:
    s = summary["bySeverity"]
    out.write(
        f"{summary['events']} events linted: {s['error']} error{'s' * (s['error'] != 1)}, "
        f"{s['warning']} warning{'s' * (s['warning'] != 1)}, {s['info']} info\n"
    )
    if not rules:
        return
    out.write("by rule (count, first example):\n")
    width = max(len(str(r["count"])) for r in rules)
    for r in rules:
        f = r["first"]
        where = f" [{f['path']}]" if f["path"] else ""
        out.write(
            f"  {r['rule']:<5} {r['severity']:<7} {r['count']:>{width}}  "
            f"{name}:{f['line']}: {f['message']}{where}\n"
        )
    out.write(
        "findings"
        + (f" (at most {cap} per rule; --max-per-rule 0 lists all)" if cap else "")
        + ":\n"
    )
    for r in rows:
        where = f" [{r['path']}]" if r["path"] else ""
        out.write(f"{name}:{r['line']}: {r['severity']:<7} {r['rule']} {r['message']}{where}\n")
    for rule, n in omitted.items():
        out.write(f"… {n} more {rule} finding{'s' * (n != 1)} not listed\n")


def _junit(
    cases: list[tuple[int, Any, list[Row]]], name: str, summary: dict[str, Any], floor: int = 1
) -> str:
    failures = sum(1 for _, _, rows in cases if any(r["severity"] == "error" for r in rows))
    suites = ET.Element("testsuites", name="event-inspector lint")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=name,
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for n, msg, rows in cases:
        t, label = _label(msg)
        case = ET.SubElement(
            suite,
            "testcase",
            classname="event-inspector.lint",
            name=f"line {n}: {t} {label}".rstrip(),
        )
        errors = [r for r in rows if r["severity"] == "error"]
        if errors:
            fail = ET.SubElement(
                case,
                "failure",
                type=errors[0]["rule"],
                message="; ".join(f"{r['rule']} {r['message']}" for r in errors),
            )
            fail.text = "\n".join(
                f"{r['rule']} {r['severity']}: {r['message']}"
                + (f" [{r['path']}]" if r["path"] else "")
                for r in errors
            )
        rest = [r for r in rows if r["severity"] != "error" and LEVEL[r["severity"]] >= floor]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(
                f"{r['rule']} {r['severity']}: {r['message']}" for r in rest
            )
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
