"""Command line: the window by default, and headless commands for scripts and CI.

Each command is a module of this package with ``add_parser(subparsers)`` (which sets
``run``); ``main`` parses and calls it. Nothing here imports Qt at module level: every command
runs on machines without a display, and only the window (no command) loads PySide6.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from inspector import __version__
from inspector.cli import (
    bundle,
    coverage,
    diff,
    export,
    flow,
    import_,
    lint,
    mcp,
    repair,
    report,
    serve,
    sessions,
)
from inspector.cli.common import damaged_line, quiet_broken_pipe, server_flags

COMMANDS = (
    serve,
    export,
    import_,
    sessions,
    lint,
    diff,
    report,
    flow,
    coverage,
    mcp,
    bundle,
    repair,
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="event-inspector",
        description="Local collector and inspector for Segment-style analytics. "
        "With no command, opens the window.",
    )
    p.add_argument("--version", action="version", version=f"event-inspector {__version__}")
    server_flags(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the store writer runs in a spawned process (frozen apps)
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        if args.command is None:
            from inspector.gui.main import run_gui  # the only path that loads Qt

            return run_gui(args)
        code: int = args.run(args)
    except BrokenPipeError:
        quiet_broken_pipe()
        return 0
    except Exception as exc:
        line = damaged_line(exc, getattr(args, "data_dir", None))
        if line is None:
            raise
        print(f"error: {line}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
