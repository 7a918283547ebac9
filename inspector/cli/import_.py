"""``event-inspector import``: an NDJSON or capture file into a session, all or nothing, or
the tracking calls of a HAR file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector.cli.common import open_store
from inspector.cli.import_har import import_har, is_har

SHOWN_BAD = 20  # bad lines listed one by one; past it, how many more


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="load an NDJSON file (messages, or export --format capture), or the tracking "
        "calls of a HAR file (*.har), into a session",
    )
    p.add_argument("file")
    p.add_argument("--data-dir")
    p.add_argument("--session", help="session to import into (default: new, named after file)")
    p.add_argument(
        "--on-error",
        choices=["stop", "skip"],
        default="stop",
        help="a bad line: stop and import nothing (default), or skip it and import the rest",
    )
    p.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="store events whose messageId the session holds already (flagged duplicate); "
        "by default they are skipped and counted",
    )
    p.add_argument("--no-lint", action="store_true", help="do not lint plain messages")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if is_har(args.file):
        return import_har(args)
    from inspector.ingest import default_linter
    from inspector.ingest.importer import ImportFailed, import_file

    store = open_store(args.data_dir)
    name = args.session or f"import {Path(args.file).name}"
    try:
        result = import_file(
            store,
            Path(args.file),
            name,
            linter_factory=None if args.no_lint else default_linter,
            on_error=args.on_error,
            allow_duplicates=args.allow_duplicates,
        )
    except ImportFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        if "cannot read" not in str(exc):
            print("nothing was imported (--on-error skip imports the other lines)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing was imported", file=sys.stderr)
        return 130
    for n, why in result.bad[:SHOWN_BAD]:
        print(f"{args.file}:{n}: skipped: {why}", file=sys.stderr)
    if len(result.bad) > SHOWN_BAD:
        print(f"... and {len(result.bad) - SHOWN_BAD} more bad lines", file=sys.stderr)
    parts = [f"imported {result.imported} events"]
    if result.requests:
        parts.append(f"{result.requests} requests without events")
    parts.append(f"skipped {result.skipped} already in the session")
    if result.bad:
        parts.append(f"{len(result.bad)} bad lines")
    print(f"{', '.join(parts)} into session {result.session.name!r}", file=sys.stderr)
    return 0
