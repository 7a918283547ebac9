"""``event-inspector report``: a shareable summary of a stored session (HTML, Markdown, JSON)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspector import paths
from inspector.cli.common import Unusable, output, pick_session, say_unusable
from inspector.domain import jsoncodec
from inspector.domain.report import build_report, render_html, render_markdown


def _json(report: dict[str, Any]) -> str:
    return jsoncodec.pretty(report) + "\n"


FORMATS: dict[str, Callable[[dict[str, Any]], str]] = {
    "html": render_html,
    "md": render_markdown,
    "json": _json,
}
SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="summarise a session as HTML, Markdown or JSON",
        description="Summarise a session: event counts by name and source, lint findings by "
        "rule, identity warnings, rejected requests and a chart of events over "
        "time. HTML is one standalone file.",
    )
    p.add_argument("--data-dir", help="where sessions are stored (default: platform data dir)")
    p.add_argument("--session", help="session name or id (default: the latest)")
    p.add_argument(
        "--format", choices=sorted(FORMATS), help="default: from --out's extension, else md"
    )
    p.add_argument("--out", help="output file (default: stdout)")
    p.set_defaults(run=run)


def identity_warnings(events: list[Any], mode: str) -> list[dict[str, Any]]:
    try:
        from inspector.domain.identity import replay
    except ImportError:  # pragma: no cover - ships with the package
        return []
    graph = replay(events, mode)
    warnings: list[dict[str, Any]] = graph.snapshot()["warnings"]
    return warnings


def run(args: argparse.Namespace) -> int:
    fmt = args.format or (SUFFIXES.get(Path(args.out).suffix.lower(), "md") if args.out else "md")
    from inspector.domain.store import DB_NAME, Store

    root = paths.data_dir(args.data_dir)
    if not (root / DB_NAME).exists():
        print(f"error: no sessions in {root}", file=sys.stderr)
        return 2
    store = Store(root, read_only=True)
    try:
        try:
            session = pick_session(store, args.session, f" in {root}")
        except Unusable as exc:
            return say_unusable(exc)
        events = list(store.iter_events(session.id))
        _, rejected = store.rejected(session.id, limit=None)
        report = build_report(
            session.to_dict(), events, rejected, identity_warnings(events, session.merge_mode)
        )
    finally:
        store.close()
    text = FORMATS[fmt](report)
    if args.out:
        with output(args.out) as fh:  # created 0600: it holds captured data
            fh.write(text)
        print(
            f"wrote {fmt} report of session {session.name!r} ({len(events)} events) to {args.out}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0
