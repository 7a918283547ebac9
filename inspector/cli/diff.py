"""``event-inspector diff BASELINE CURRENT``: does this release send what the last one did?

Each side is an NDJSON file (an export: one message a line; lines of the query API's event
objects work too) or a stored session, by name or id, in ``--data-dir``. Exit status: 0 when
nothing regressed, 1 when something did (``--strict``: when anything changed), 2 when an input
cannot be used. See :mod:`inspector.domain.diff` for what counts as a regression.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector import paths
from inspector.cli.common import Unusable
from inspector.domain import jsoncodec
from inspector.domain.diff import (
    DEFAULT_TOLERANCE,
    Profile,
    compare,
    profile_file,
    profile_typed,
    render_junit,
    render_text,
)
from inspector.domain.ndjson import NdjsonError


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="compare a release's events against a golden session",
        description="Compare the events of a release (CURRENT) against a golden session "
        "(BASELINE): events that disappeared or appeared, property keys, types, "
        "low-cardinality values and counts. Exit 1 when something regressed "
        "(an event or property gone, a property type changed), 0 otherwise, "
        "2 when an input is unusable.",
    )
    p.add_argument("baseline", help="NDJSON file, or a stored session's name or id")
    p.add_argument("current", help="NDJSON file, or a stored session's name or id")
    p.add_argument("--data-dir", help="where stored sessions are found (default: platform dir)")
    p.add_argument("--format", choices=["text", "json", "junit"], default="text")
    p.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="relative count change reported as a change (default %(default)s: "
        "counts within ±50%% of the baseline are the same)",
    )
    p.add_argument(
        "--strict", action="store_true", help="fail (exit 1) on any change, not only on regressions"
    )
    p.add_argument("--out", help="write the report here instead of stdout")
    p.set_defaults(run=run)


def load_session(key: str, data_dir: str | None) -> Profile:
    from inspector.domain.store import DB_NAME, Store

    root = paths.data_dir(data_dir)
    if not (root / DB_NAME).exists():
        raise Unusable(f"{key!r} is neither a file nor a session (no sessions in {root})")
    store = Store(root, read_only=True)
    try:
        session = store.find_session(key)
        if session is None:
            raise Unusable(f"{key!r} is neither a file nor a session in {root}")
        return profile_typed(
            ((ev.type, ev.message) for ev in store.iter_events(session.id)),
            f"session {session.name!r} (#{session.id})",
        )
    finally:
        store.close()


def load(spec: str, data_dir: str | None) -> Profile:
    path = Path(spec)
    if path.is_file():
        try:
            return profile_file(path)
        except NdjsonError as exc:
            raise Unusable(str(exc)) from None
    return load_session(spec, data_dir)


def run(args: argparse.Namespace) -> int:
    if not args.tolerance >= 0:
        print("error: --tolerance must be a non-negative number (0.5 = ±50%)", file=sys.stderr)
        return 2
    try:
        baseline = load(args.baseline, args.data_dir)
        current = load(args.current, args.data_dir)
    except Unusable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = compare(baseline, current, args.tolerance)
    if args.format == "json":
        body = result.to_dict()
        body["failed"] = result.failed(args.strict)
        report = jsoncodec.pretty(body)
    elif args.format == "junit":
        report = render_junit(result, args.strict)
    else:
        report = render_text(result, args.strict)
    if args.out:
        Path(args.out).write_text(
            report if report.endswith("\n") else report + "\n", encoding="utf-8"
        )
    else:
        sys.stdout.write(report if report.endswith("\n") else report + "\n")
    return 1 if result.failed(args.strict) else 0
