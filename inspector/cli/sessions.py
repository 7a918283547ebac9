"""``event-inspector sessions``: list, rename or delete stored sessions."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inspector.cli.common import open_store


def add_parser(sub: Any) -> None:
    p = sub.add_parser("sessions", help="list, rename or delete stored sessions")
    p.add_argument("--data-dir")
    p.add_argument("action", nargs="?", default="list", choices=["list", "rename", "delete"])
    p.add_argument("name", nargs="?")
    p.add_argument("new_name", nargs="?")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args.data_dir)
    try:
        if args.action == "list":
            for s in store.list_sessions():
                print(
                    f"{s['id']:>4}  {s['name']:<30} {s['events']:>8} events  "
                    f"{s['rejected']:>4} rejected  created {s['createdAt']}"
                )
        elif args.action == "rename":
            if not args.name or not args.new_name:
                print("usage: event-inspector sessions rename NAME NEW_NAME", file=sys.stderr)
                return 2
            store.rename_session(args.name, args.new_name)
        elif args.action == "delete":
            if not args.name:
                print("usage: event-inspector sessions delete NAME", file=sys.stderr)
                return 2
            store.delete_session(args.name)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
