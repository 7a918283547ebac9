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
from urllib.parse import parse_qsl

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.routes_ingest import read_body
from inspector.collector.service import CollectorService
from inspector.domain.intake import Parsed, build_events
from inspector.domain.kissmetrics import (
    KM_ROUTES,
    api_key,
    original_of,
    params_dict,
    to_message,
)

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
    """One KISSmetrics call (query ``pairs`` decoded, a form ``body``) into the store, the
    same for a live request and one read from a HAR file (``received_at``: when it was sent)."""
    t0 = time.monotonic() if started is None else started
    route = path.strip("/").rsplit("/", 1)[-1].lower()
    if body and len(body) <= FORM_LIMIT:
        pairs = pairs + parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    params = params_dict(pairs)
    raw = svc.new_raw(method, path, raw_query, headers, len(body), received_at=received_at)
    raw.body = body
    key = api_key(params)
    message = to_message(route, params)
    events = build_events(
        Parsed([message], None, KM_ROUTES[route][0]),
        session_id=svc.session.id,
        received_at=raw.received_at,
        headers=headers,
        query={"writeKey": key} if key else {},
    )
    for ev in events:
        ev.original = original_of(route, params)
    raw.answer = gif_answer()
    raw.client = events[0].source.client if events else None
    raw.duration_ms = round((time.monotonic() - t0) * 1000, 3)
    await svc.ingest_events(raw, events, headers)


def add_routes(app: web.Application) -> None:
    r = app.router
    for path in ("/e", "/s", "/a"):
        r.add_get(path, km_route)
        r.add_post(path, km_route)
