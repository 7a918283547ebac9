"""``event-inspector bundle``: a session as one zip file to attach to a bug report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector.cli.common import Unusable, open_store, pick_session, say_unusable


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "bundle",
        help="write a session as one zip: the session in capture NDJSON, its requests (HAR), "
        "report, lint findings, identity graph",
    )
    p.add_argument("--data-dir")
    p.add_argument("--session", help="session name or id (default: the latest)")
    p.add_argument("--out", required=True, help="the zip file to write")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inspector.domain.bundle import write_bundle
    from inspector.ingest.capture import export_lines

    store = open_store(args.data_dir)
    try:
        session = pick_session(store, args.session)
    except Unusable as exc:
        return say_unusable(exc)
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"error: --out: no directory {str(out.parent)!r}", file=sys.stderr)
        return 2
    try:
        manifest = write_bundle(store, session, out, capture_lines=export_lines)
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {args.out}: session {session.name!r}, {manifest['events']} events, "
        f"{manifest['requests']} requests, {manifest['lintFindings']} lint findings, "
        f"{manifest['people']} people",
        file=sys.stderr,
    )
    return 0
