"""``event-inspector import``: an NDJSON or HAR file into a session."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector.cli.common import open_store
from inspector.cli.import_har import import_har, is_har


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="load an NDJSON file, or the tracking calls of a HAR file (*.har), into a session",
    )
    p.add_argument("file")
    p.add_argument("--data-dir")
    p.add_argument("--session", help="session to import into (default: new, named after file)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if is_har(args.file):
        return import_har(args)
    from inspector.domain.importer import ImportError_, import_ndjson

    store = open_store(args.data_dir)
    name = args.session or f"import {Path(args.file).name}"
    try:
        session, n = import_ndjson(store, Path(args.file), name)
    except ImportError_ as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"imported {n} events into session {session.name!r}", file=sys.stderr)
    return 0
