"""``event-inspector repair``: move a damaged store or inbox file aside, save what it holds."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inspector import paths


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "repair",
        help="move a damaged store or inbox file aside (nothing is deleted) and save every "
        "row that can still be read into a fresh one",
    )
    p.add_argument("--data-dir")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inspector.ingest.repair import InUse, repair

    root = paths.data_dir(args.data_dir)
    if not root.is_dir():
        print(f"error: no data directory {root}", file=sys.stderr)
        return 2
    try:
        store, inboxes = repair(root)
    except InUse as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if store is None and not inboxes:
        print(f"nothing to repair: the store and inbox files in {root} read whole")
        return 0
    if store is not None:
        s = store.saved
        print(f"{store.path} was damaged: moved aside to {store.moved_to.name}")
        print(
            f"  saved {s.get('events', 0)} events, {s.get('requests', 0)} requests and "
            f"{s.get('sessions', 0)} sessions into a fresh store"
        )
    for inbox in inboxes:
        print(f"{inbox.path} was damaged: moved aside to {inbox.moved_to.name}")
        print(
            f"  saved {inbox.saved.get('inbox', 0)} requests not stored yet "
            "(stored on the next start)"
        )
    return 0
