"""``event-inspector export --format har``: a session's requests as HAR 1.2."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inspector.cli.common import output


def write_har(args: argparse.Namespace, store: Any, session: Any) -> int:
    from inspector.domain.har import har_chunks
    from inspector.domain.query import QueryError
    from inspector.domain.request_query import compile_request_query
    from inspector.domain.requests_read import iter_requests

    try:
        where, params = compile_request_query(args.q)
    except QueryError as exc:
        print(f"error: --q (a request filter for HAR): {exc}", file=sys.stderr)
        return 2
    counted = _Counted(iter_requests(store, session.id, where, params))
    with output(args.out) as out:
        for piece in har_chunks(counted, comment=f"session {session.name}"):
            out.write(piece)
    print(
        f"exported {counted.n} requests from session {session.name!r} to {args.out} (HAR)",
        file=sys.stderr,
    )
    return 0


class _Counted:
    def __init__(self, items: Any) -> None:
        self.items, self.n = items, 0

    def __iter__(self) -> Any:
        for item in self.items:
            self.n += 1
            yield item
