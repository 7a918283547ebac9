"""The Segment-compatible tracking routes (``/v1/*``), thin over :class:`CollectorService`."""

from __future__ import annotations

import time

from aiohttp import web

from inspector.collector.keys import SERVICE
from inspector.domain import jsoncodec
from inspector.domain.errors import IntakeError
from inspector.domain.intake import BATCH_ROUTES, ROUTE_TYPES

JSON = "application/json"


def json_response(status: int, body: object, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status, body=jsoncodec.dumps(body), content_type=JSON, headers=headers
    )


async def read_body(request: web.Request, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes; the caller decides what over-limit means."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = await request.content.read(65536)
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
    body = await read_body(request, svc.max_body)
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
    """``GET /v1/projects/<writeKey>/settings`` so analytics.js loads with nothing from the CDN."""
    svc = request.app[SERVICE]
    wk = request.match_info["write_key"]
    vendor = (
        svc.settings_vendor.get(wk)
        or request.query.get("vendor")
        or ("customerio" if request.path.startswith("/cio/") else "Segment.io")
    )
    if vendor.lower() in ("customerio", "customer.io", "cio"):
        vendor = "Customer.io Data Pipelines"
    from inspector.collector.hosts import own_address

    host = own_address(request)  # checked: never a foreign (rebinding) name
    body = {
        "integrations": {vendor: {"apiKey": wk, "apiHost": f"{host}/v1", "protocol": "http"}},
        "metrics": {"sampleRate": 0},
        "plan": {},
        "enabledMiddleware": {},
        "middlewareSettings": {},
        "remotePlugins": [],
    }
    return json_response(200, body)


async def not_found_cdn(request: web.Request) -> web.Response:
    return json_response(404, {"code": "not_found", "message": "no device-mode destinations here"})


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/v1/projects/{write_key}/settings", project_settings)
    # cdnURL "http://host:port/cio" serves the Customer.io browser library its settings
    r.add_get("/cio/v1/projects/{write_key}/settings", project_settings)
    r.add_get("/next-integrations/{tail:.*}", not_found_cdn)
    r.add_post("/v1/{route:.*}", track_route)
    r.add_put("/v1/{route:.*}", track_route)
