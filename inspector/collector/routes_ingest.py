"""The Segment-compatible tracking routes (``/v1/*``), thin over :class:`CollectorService`."""

from __future__ import annotations

import time

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.collector.slow_clients import BodyTimeout, timed_out
from inspector.domain import jsoncodec, sdk_settings
from inspector.domain.errors import IntakeError
from inspector.domain.intake import BATCH_ROUTES, ROUTE_TYPES

JSON = "application/json"


def json_response(status: int, body: object, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status, body=jsoncodec.dumps(body), content_type=JSON, headers=headers
    )


async def read_body(request: web.Request, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes; the caller decides what over-limit means. A body
    that stopped arriving (:mod:`~inspector.collector.slow_clients`) raises
    :class:`BodyTimeout` with what did arrive."""
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = await request.content.read(65536)
        except ConnectionError:
            why = timed_out(request)
            if why is None:
                raise
            raise BodyTimeout(why, b"".join(chunks)) from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(chunks)


async def track_route(request: web.Request) -> web.StreamResponse:
    started = time.monotonic()
    svc = request.app[SERVICE]
    route = request.match_info.get("route", "").strip("/").lower()
    if route in ("m",):  # analytics.js metrics: accept and ignore
        await request.read()
        return json_response(200, {"success": True})
    try:
        body = await read_body(request, svc.max_body)
    except BodyTimeout as exc:  # the client is gone or too slow: keep what came, say why
        raw = svc.new_raw(
            request.method,
            request.path,
            request.rel_url.raw_query_string,
            request.headers,
            len(exc.partial),
        )
        raw.body = exc.partial
        why = f"the body stopped arriving: {exc.why}; nothing was recorded as events"
        err = IntakeError("body_timeout", why, status=408)
        return await _answer(svc, await svc.reject(raw, err, started))
    if route not in ROUTE_TYPES and route not in BATCH_ROUTES:
        # unknown path under /v1: answer 200 (never make a client drop data) and keep it visible
        raw = svc.new_raw(
            request.method,
            request.path,
            request.rel_url.raw_query_string,
            request.headers,
            len(body),
        )
        raw.body = body
        return await _answer(
            svc,
            await svc.reject(
                raw,
                IntakeError(
                    "unknown_route",
                    f"{request.path} is not a tracking route; nothing was recorded",
                    status=200,
                ),
                started,
            ),
        )
    outcome = await svc.ingest(
        method=request.method,
        path=request.path,
        route=route,
        query_string=request.rel_url.raw_query_string,
        query=request.query,
        headers=request.headers,
        body=body,
        started=started,
    )
    return await _answer(svc, outcome)


async def _answer(svc: object, outcome: object) -> web.Response:
    from inspector.collector.service import CollectorService, Outcome

    assert isinstance(svc, CollectorService) and isinstance(outcome, Outcome)
    await svc.sleep(outcome.delay_ms)
    return json_response(outcome.status, outcome.body, outcome.headers)


async def project_settings(request: web.Request) -> web.Response:
    """``GET [prefix]/[v1/]projects/<writeKey>/settings`` so analytics.js and the mobile SDKs
    load with nothing from the CDN, whatever ``cdnURL``/``cdnHost`` they were given."""
    svc = request.app[SERVICE]
    wk = request.match_info["write_key"]
    first = request.path.split("/", 2)[1]  # a cdnURL ending in /cio or /segment names one
    choice = (
        svc.settings_vendor.get(wk)
        or request.query.get("vendor")
        or (first if first in ("cio", "segment") else None)
    )
    from inspector.collector.hosts import own_address

    host = own_address(request)  # checked: never a foreign (rebinding) name
    protocol = "https" if request.secure else "http"
    body = sdk_settings.project_settings(wk, host, protocol, sdk_settings.settings_vendors(choice))
    return json_response(200, body)


async def not_found_cdn(request: web.Request) -> web.Response:
    return json_response(404, {"code": "not_found", "message": "no device-mode destinations here"})


def add_routes(app: web.Application) -> None:
    r = app.router
    # settings at any prefix (a cdnURL with a path or a trailing slash, a cdnHost with or
    # without /v1); /cio/ and /segment/ name only that vendor's integration
    r.add_get(r"/{prefix:(?!api/)(?:.*/)?}projects/{write_key:[^/]+}/settings", project_settings)
    r.add_get("/next-integrations/{tail:.*}", not_found_cdn)
    r.add_post("/v1/{route:.*}", track_route)
    r.add_put("/v1/{route:.*}", track_route)
