"""CORS on every response, and preflights answered the way browser SDKs need.

analytics-next sends ``Authorization`` with every event, so the browser preflights; without
``Access-Control-Allow-Headers`` echoing the requested headers, no event is ever delivered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
DEFAULT_HEADERS = "authorization, content-type, content-encoding, x-retry-count, x-inspector-token"


def apply_cors(request: web.Request, response: web.StreamResponse) -> None:
    origin = request.headers.get("Origin")
    h = response.headers
    if origin:
        h["Access-Control-Allow-Origin"] = origin
        h["Access-Control-Allow-Credentials"] = "true"
        h.add("Vary", "Origin")
    else:
        h["Access-Control-Allow-Origin"] = "*"
    h["Access-Control-Expose-Headers"] = "Retry-After, X-Total-Count"


def preflight(request: web.Request) -> web.Response:
    resp = web.Response(status=204)
    apply_cors(request, resp)
    asked = request.headers.get("Access-Control-Request-Headers")
    resp.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
    resp.headers["Access-Control-Allow-Headers"] = asked or DEFAULT_HEADERS
    resp.headers["Access-Control-Max-Age"] = "600"
    if request.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
        resp.headers["Access-Control-Allow-Private-Network"] = "true"
    return resp


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method == "OPTIONS":
        return preflight(request)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        apply_cors(request, exc)
        raise
    if not response.prepared:
        apply_cors(request, response)
    return response
