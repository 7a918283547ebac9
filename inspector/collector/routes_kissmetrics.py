"""The KISSmetrics tracking routes (``/e``, ``/s``, ``/a``): query in, 1x1 GIF out.

Like KISSmetrics' own server this answers 200 with a transparent GIF whatever arrives (its
clients never look at the answer, and pixels must not break a page); the request, with its
query string as sent, stays visible in the raw view, and the parameters as they came are the
event's ``original``.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.routes_ingest import read_body
from inspector.collector.service import CollectorService

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
FORM_LIMIT = 1024 * 1024


def gif() -> web.Response:
    return web.Response(
        body=GIF,
        content_type="image/gif",
        headers={"Cache-Control": "no-cache, no-store, must-revalidate"},
    )


def gif_answer() -> dict[str, object]:
    """The pixel's answer, as kept with the request."""
    return {
        "status": 200,
        "headers": {
            "Content-Type": "image/gif",
            "Cache-Control": "no-cache, no-store, must-revalidate",
        },
        "body": base64.b64encode(GIF).decode(),
        "bodyEncoding": "base64",
        "delayMs": 0,
    }


async def km_route(request: web.Request) -> web.Response:
    started = time.monotonic()
    svc = request.app[SERVICE]
    body = b""
    if request.method == "POST":
        body = await read_body(request, FORM_LIMIT)
    # the query string as sent (aiohttp's query_string is already percent-decoded)
    await ingest_kissmetrics(
        svc,
        request.method,
        request.path,
        request.rel_url.raw_query_string,
        list(request.query.items()),
        request.headers,
        body,
        started=started,
    )
    return gif()


async def ingest_kissmetrics(
    svc: CollectorService,
    method: str,
    path: str,
    raw_query: str,
    pairs: list[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
    *,
    started: float | None = None,
    received_at: float | None = None,
) -> None:
    """One KISSmetrics call into the ingest path (kept as it came: the prepare stage turns it
    into an event), the same for a live request and one read from a HAR file
    (``received_at``: when it was sent). ``pairs``: the query string decoded (it is decoded
    again from ``raw_query`` there)."""
    del pairs
    await svc.kissmetrics(
        method=method,
        path=path,
        query_string=raw_query,
        headers=headers,
        body=body,
        started=started,
        received_at=received_at,
        answer=gif_answer(),
    )


def add_routes(app: web.Application) -> None:
    r = app.router
    for path in ("/e", "/s", "/a"):
        r.add_get(path, km_route)
        r.add_post(path, km_route)
