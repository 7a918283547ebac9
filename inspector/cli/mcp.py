"""``event-inspector mcp [--url URL | --data-dir D] [--session S] [--token T]``: an MCP server
on standard input/output for coding agents (see :mod:`inspector.mcp`).

Standard output carries the protocol only; messages for people go to standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8787"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "mcp",
        help="MCP server on stdio: coding agents query what the app sent",
        description="Serve Event Inspector's tools (query_events, wait_for_events, "
        "lint_findings, explain_rule, identity, check_flow, tracking_plan_coverage, sessions, "
        "stats, get_event) and "
        "resources (query language, lint catalogue) to a coding agent over the Model Context "
        "Protocol on standard input/output. Reads a running collector (--url, default "
        f"$EVENT_INSPECTOR_URL or {DEFAULT_URL}) or a data directory opened read-only "
        "(--data-dir).",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--url",
        help=f"a running collector (default: $EVENT_INSPECTOR_URL or {DEFAULT_URL})",
    )
    where.add_argument(
        "--data-dir", help="read this data directory's stored sessions instead (read-only)"
    )
    p.add_argument(
        "--session",
        help="the session the tools read by default, by name or id (default: the collector's "
        "live session, or a data directory's latest)",
    )
    p.add_argument("--token", help="the collector's /api token (default: $EVENT_INSPECTOR_TOKEN)")
    p.add_argument(
        "--plan",
        help="with --data-dir: the tracking plan of tracking_plan_coverage (default: plan = "
        "of .event-inspector.toml; a collector uses its own)",
    )
    p.set_defaults(run=run)


def backend_for(args: argparse.Namespace) -> Any:
    if args.data_dir:
        from inspector.mcp.store_backend import StoreBackend

        return StoreBackend(args.data_dir, args.session, args.plan)
    from inspector.mcp.http_backend import HttpBackend

    url = args.url or os.environ.get("EVENT_INSPECTOR_URL") or DEFAULT_URL
    token = args.token or os.environ.get("EVENT_INSPECTOR_TOKEN") or None
    return HttpBackend(url, token, args.session)


def run(args: argparse.Namespace) -> int:
    if args.data_dir and args.token:
        print("event-inspector mcp: --token is for --url, not --data-dir", file=sys.stderr)
        return 2
    if args.plan and not args.data_dir:
        print(
            "event-inspector mcp: --plan is for --data-dir; a collector uses its own plan "
            "(serve --plan, the window, .event-inspector.toml)",
            file=sys.stderr,
        )
        return 2
    from inspector.mcp.server import run_stdio

    backend = backend_for(args)
    print(f"event-inspector mcp: serving over stdio; reading the {backend.where}", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        run_stdio(backend)
    return 0
