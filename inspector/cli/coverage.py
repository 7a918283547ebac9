"""``event-inspector coverage --plan P [FILE.ndjson | --session S] [--format text|json|junit]``.

For every event in the tracking plan, how often it was seen and from which client; planned
events never seen; unplanned events seen. Exit status: 0, or 1 when an event the plan marks
``required: true`` was never seen, 2 on unusable input (plan, file or session).
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from inspector.cli.common import Unusable
from inspector.cli.events_input import add_input_flags, open_input


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "coverage",
        help="which planned events a session sent, from which clients; unplanned ones",
        description="Tracking-plan coverage of an NDJSON file or a stored session (default: "
        "the latest). Exit 0, 1 when an event the plan marks required was never seen, 2 on "
        "unusable input.",
    )
    p.add_argument("--plan", help="tracking plan (default: the plan of .event-inspector.toml)")
    add_input_flags(p)
    p.add_argument("--format", choices=("text", "json", "junit"), default="text")
    p.set_defaults(run=run)


def _plan(args: argparse.Namespace) -> Any:
    from inspector.domain.lint import ConfigError, PlanError, load_config, load_plan

    try:
        if args.plan:
            return load_plan(args.plan)
        config = load_config(Path.cwd())
        if config.plan is None:
            raise Unusable("no tracking plan: give --plan FILE (or plan = under [lint])")
        return load_plan(config.plan)
    except (ConfigError, PlanError) as exc:
        raise Unusable(str(exc)) from None


def _sources(by: dict[str, int]) -> str:
    return ", ".join(f"{client} {n}" for client, n in by.items())


def text_report(body: dict[str, Any], label: str) -> str:
    s = body["summary"]
    lines = [
        f"coverage of {body['plan']} in {label}: {s['seen']} of {s['planned']} planned events "
        f"seen, {len(s['requiredNeverSeen'])} required never seen, {s['unplanned']} unplanned"
    ]
    rows = body["planned"]
    width = max([len(r["event"]) for r in rows + body["unplanned"]] + [5])
    lines.append(f"  {'event'.ljust(width)}  {'type':<6} {'seen':>6}  by source")
    for r in rows:
        mark = "" if r["seen"] else ("  REQUIRED, NEVER SEEN" if r["required"] else "  never seen")
        lines.append(
            f"  {r['event'].ljust(width)}  {r['type']:<6} {r['seen']:>6}  {_sources(r['bySource'])}"
            + mark
        )
    if body["unplanned"]:
        lines.append("unplanned events seen:")
        for r in body["unplanned"]:
            lines.append(
                f"  {r['event'].ljust(width)}  {r['type']:<6} {r['seen']:>6}  "
                f"{_sources(r['bySource'])}"
            )
    return "\n".join(lines) + "\n"


def junit_report(body: dict[str, Any], label: str) -> str:
    rows = body["planned"]
    failures = [r for r in rows if r["required"] and not r["seen"]]
    skipped = [r for r in rows if not r["required"] and not r["seen"]]
    suites = ET.Element("testsuites", name="event-inspector coverage")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"coverage of {body['plan']} in {label}",
        tests=str(len(rows)),
        failures=str(len(failures)),
        errors="0",
        skipped=str(len(skipped)),
    )
    for r in rows:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="event-inspector.coverage",
            name=f"{r['type']} {r['event']}",
        )
        if r["seen"]:
            ET.SubElement(case, "system-out").text = f"seen {r['seen']}: {_sources(r['bySource'])}"
        elif r["required"]:
            ET.SubElement(case, "failure", type="never-seen", message="required, never seen")
        else:
            ET.SubElement(case, "skipped", message="never seen")
    if body["unplanned"]:
        ET.SubElement(suite, "system-out").text = "unplanned events seen: " + ", ".join(
            f"{r['event']} ({r['seen']})" for r in body["unplanned"]
        )
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def run(args: argparse.Namespace) -> int:
    from inspector.domain import jsoncodec
    from inspector.domain.lint.coverage import counts_of_events, counts_of_session, coverage

    try:
        plan = _plan(args)
        inp = open_input(args)
    except Unusable as exc:
        print(f"event-inspector coverage: {exc}", file=sys.stderr)
        return 2
    try:
        if inp.events is not None:
            counts = counts_of_events(inp.events)
        else:
            counts = counts_of_session(inp.store, inp.session.id)
    finally:
        inp.close()
    result = coverage(plan, counts)
    body = result.to_api()
    out = sys.stdout
    if args.format == "json":
        out.write(jsoncodec.dumps_str({**body, "source": inp.label}) + "\n")
    elif args.format == "junit":
        out.write(junit_report(body, inp.label))
    else:
        out.write(text_report(body, inp.label))
    return 1 if result.missing_required else 0
