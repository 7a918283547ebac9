"""``event-inspector export``: a stored session as NDJSON (one message a line), in the capture
format that ``import`` restores whole (``--format capture``), or as HAR."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from inspector.cli.common import Unusable, open_store, output, pick_session, say_unusable
from inspector.cli.export_har import write_har


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write a stored session as NDJSON (one message a line), a capture file or HAR",
    )
    p.add_argument("--data-dir")
    p.add_argument("--session", help="session name or id (default: the latest)")
    p.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="ndjson",
        help="ndjson: one message a line; capture: each message with an _inspector object "
        "(and requests without events), which import restores whole; har: the session's "
        "requests as HAR 1.2",
    )
    p.add_argument(
        "--q",
        default="",
        help="filter expression (query language; for har, a request filter: "
        "status:>=400 method:post path:/v1/* client:… rejected:true fault:true)",
    )
    p.add_argument("--out", required=True, help="output file ('-' for stdout)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args.data_dir)
    try:
        session = pick_session(store, args.session)
    except Unusable as exc:
        return say_unusable(exc)
    return FORMATS[args.format](args, store, session)


def write_ndjson(args: argparse.Namespace, store: Any, session: Any) -> int:
    from inspector.domain.identity.stored import replay_stored
    from inspector.domain.query import QueryError, compile_query

    try:  # user:X asks the session's identity graph, replayed from the store (as the API does)
        cq = compile_query(
            args.q,
            lambda: replay_stored(store.identity_rows, session.id, session.merge_mode),
            index=store.read,
        )
    except QueryError as exc:
        print(f"error: --q: {exc}", file=sys.stderr)
        return 2
    n = 0
    with output(args.out) as out:
        if args.format == "capture":
            from inspector.ingest.capture import export_lines

            lines = export_lines(store, session, cq.where, tuple(cq.params))
        else:
            lines = store.iter_messages_json(session.id, cq.where, cq.params)
        for line in lines:
            out.write(line + "\n")
            n += 1
    what = "lines" if args.format == "capture" else "events"
    print(f"exported {n} {what} from session {session.name!r} to {args.out}", file=sys.stderr)
    if n == 0:  # why a valid query found nothing, as the window's filter bar says
        from inspector.domain.store_vocab import query_hints

        for h in query_hints(store.read, session.id, cq.query):
            where = f"column {h.column}: " if h.column else ""
            print(f"hint: --q {where}{h.text}", file=sys.stderr)
    return 0


FORMATS: dict[str, Callable[[argparse.Namespace, Any, Any], int]] = {
    "ndjson": write_ndjson,
    "capture": write_ndjson,
    "har": write_har,
}
