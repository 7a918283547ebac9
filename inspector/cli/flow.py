"""``event-inspector flow check FLOW [FILE.ndjson | --session S | --data-dir D]``.

Exit status: 0 the flow passed, 1 it did not (the checklist says which step is missing or out
of order, with the closest misses), 2 unusable input (the flow, the file or the session).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from inspector.cli.common import Unusable
from inspector.cli.events_input import Input, add_input_flags, open_input, reload

POLL = 0.25  # seconds between checks while --wait runs


def add_parser(sub: Any) -> None:
    p = sub.add_parser("flow", help="check expected journeys (flows) against captured events")
    fsub = p.add_subparsers(dest="flow_command", metavar="SUBCOMMAND", required=True)
    c = fsub.add_parser(
        "check",
        help="did one person go through the flow's steps, in order?",
        description="Check a flow (YAML or JSON: name, steps: [{q: QUERY}, ...]) against an "
        "NDJSON file or a stored session. Exit 0: passed, 1: not (which step is missing or "
        "out of order, and the closest misses), 2: unusable input.",
    )
    c.add_argument("flow", metavar="FLOW", help="the flow file (.yaml, .yml or .json)")
    add_input_flags(c)
    c.add_argument("--format", choices=("text", "json", "junit"), default="text")
    c.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="check again as events arrive until the flow passes or SECONDS are up",
    )
    c.set_defaults(run=run)


def evaluate(flow: Any, inp: Input) -> dict[str, Any]:
    from inspector.domain.flows import ListSource, People, check_flow, session_source
    from inspector.domain.identity import replay

    if inp.events is not None:
        graph = replay(inp.events)
        source: Any = ListSource(inp.events, People(graph.person_of), graph)
    else:
        source = session_source(inp.store, inp.session.id, merge_mode=inp.session.merge_mode)
    body = check_flow(flow, source).to_api()
    body["source"] = inp.label
    return body


def run(args: argparse.Namespace) -> int:
    from inspector.domain import jsoncodec
    from inspector.domain.flows import FlowError, checklist_text, junit_xml, load_flow

    err = sys.stderr
    if args.wait < 0 or args.wait != args.wait:
        print("event-inspector flow check: --wait must be a number of seconds >= 0", file=err)
        return 2
    try:
        flow = load_flow(args.flow)
    except FlowError as exc:
        print(f"event-inspector flow check: {args.flow}: {exc}", file=err)
        return 2
    deadline = time.monotonic() + args.wait
    try:
        inp = open_input(args)
        try:
            body = evaluate(flow, inp)
            while not body["passed"] and time.monotonic() < deadline:
                time.sleep(min(POLL, max(deadline - time.monotonic(), 0)))
                inp = reload(inp, args)
                body = evaluate(flow, inp)
        finally:
            inp.close()
    except Unusable as exc:
        print(f"event-inspector flow check: {exc}", file=err)
        return 2
    out = sys.stdout
    if args.format == "json":
        out.write(jsoncodec.dumps_str(body) + "\n")
    elif args.format == "junit":
        out.write(junit_xml(body, body["source"]))
    else:
        ids = "line numbers" if args.file else "event ids"
        out.write(f"{checklist_text(body)}\n  (events from {body['source']}; #N are {ids})\n")
    return 0 if body["passed"] else 1
