"""Command line: the window by default, and headless commands for scripts and CI.

Nothing here imports Qt at module level: ``serve``, ``export``, ``import``, ``lint``, ``diff``
and ``report`` run on machines without a display.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inspector import __version__, paths

# subcommands that own their argument parsing: name -> (module, function)
DELEGATED: dict[str, tuple[str, str]] = {
    "lint": ("inspector.lint_cli", "run_lint"),
    "diff": ("inspector.diff_cli", "run_diff"),
    "report": ("inspector.report_cli", "run_report"),
}


def _server_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything else is reachable "
        "from other machines)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=None,
        help="port to listen on (default 8787; 0 picks a free port)",
    )
    p.add_argument("--data-dir", help="where sessions are stored (default: platform data dir)")
    p.add_argument(
        "--session", help="session to resume or create (default: new, named by start time)"
    )
    p.add_argument(
        "--fault",
        action="append",
        metavar="SPEC",
        help="inject a fault: 429, 503:count=3, 500:share=0.5, delay=2000, "
        "429:key=WRITEKEY,retry-after=2 (repeatable)",
    )
    p.add_argument("--no-lint", action="store_true", help="do not lint incoming events")
    p.add_argument("--token", help="require this token (X-Inspector-Token or ?token=) on /api")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="event-inspector",
        description="Local collector and inspector for Segment-style analytics. "
        "With no command, opens the window.",
    )
    p.add_argument("--version", action="version", version=f"event-inspector {__version__}")
    _server_flags(p)
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("serve", help="run the collector and query API headless (no Qt)")
    _server_flags(s)
    s.add_argument("--print", action="store_true", help="echo one NDJSON line per event")
    s.add_argument("--max-seconds", type=float, help=argparse.SUPPRESS)

    e = sub.add_parser("export", help="write a stored session as NDJSON, one message a line")
    e.add_argument("--data-dir")
    e.add_argument("--session", help="session name or id (default: the latest)")
    e.add_argument("--q", default="", help="filter expression (query language)")
    e.add_argument("--out", required=True, help="output file ('-' for stdout)")

    i = sub.add_parser("import", help="load an NDJSON file into a session")
    i.add_argument("file")
    i.add_argument("--data-dir")
    i.add_argument("--session", help="session to import into (default: new, named after file)")

    ss = sub.add_parser("sessions", help="list, rename or delete stored sessions")
    ss.add_argument("--data-dir")
    ss.add_argument("action", nargs="?", default="list", choices=["list", "rename", "delete"])
    ss.add_argument("name", nargs="?")
    ss.add_argument("new_name", nargs="?")

    for name in DELEGATED:
        sub.add_parser(name, add_help=False, help=f"see 'event-inspector {name} --help'")
    return p


def _delegate(name: str, argv: Sequence[str]) -> int:
    module, func = DELEGATED[name]
    fn: Callable[[list[str]], int] = getattr(importlib.import_module(module), func)
    return fn(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the store writer runs in a spawned process (frozen apps)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        return _delegate(argv[0], argv[1:])
    args = build_parser().parse_args(argv)
    cmd = args.command
    if cmd == "serve":
        from inspector.headless import run_serve

        if args.port is None:
            args.port = 8787
        return run_serve(args)
    if cmd == "export":
        return cmd_export(args)
    if cmd == "import":
        return cmd_import(args)
    if cmd == "sessions":
        return cmd_sessions(args)
    from inspector.gui.main import run_gui  # the only path that loads Qt

    return run_gui(args)


def _open_store(data_dir: str | None) -> Any:
    from inspector.domain.pipeline import default_linter
    from inspector.domain.processing import recover
    from inspector.domain.store import Store

    store = Store(paths.data_dir(data_dir))
    # what a killed collector acknowledged but had not stored yet (none is running on it)
    recover(store, default_linter)
    return store


def cmd_export(args: argparse.Namespace) -> int:
    store = _open_store(args.data_dir)
    session = store.find_session(args.session) if args.session else store.latest_session()
    if session is None:
        print(
            f"error: no session {args.session!r}" if args.session else "error: no sessions",
            file=sys.stderr,
        )
        return 2
    where, params = "", []
    if args.q.strip():
        from inspector.domain.query import QueryError, parse

        try:
            where, params = parse(args.q).to_sql(None)
        except QueryError as exc:
            print(f"error: --q: {exc}", file=sys.stderr)
            return 2
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    n = 0
    try:
        for line in store.iter_messages_json(session.id, where, list(params)):
            out.write(line + "\n")
            n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"exported {n} events from session {session.name!r} to {args.out}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from inspector.domain.importer import ImportError_, import_ndjson

    store = _open_store(args.data_dir)
    name = args.session or f"import {Path(args.file).name}"
    try:
        session, n = import_ndjson(store, Path(args.file), name)
    except ImportError_ as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"imported {n} events into session {session.name!r}", file=sys.stderr)
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    store = _open_store(args.data_dir)
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


if __name__ == "__main__":
    raise SystemExit(main())
