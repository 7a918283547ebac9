"""CORS, preflights and the origin and content-type rules, per route family.

Three families. The **tracking routes** (``/v1/*``, KISSmetrics ``/e /s /a``, the settings
analytics.js asks for, RudderStack's ``/sourceConfig``, the CDN path analytics.js tries for
its plugins) are open to pages on any origin, as browser SDKs need:
analytics-next sends ``Authorization`` with every event, so the browser preflights, and
without ``Access-Control-Allow-Headers`` echoing the requested headers no event is ever
delivered; a public page's preflight to a private address asks for the private-network grant,
which these routes alone are given.

The **query API** (``/api``) reads and deletes captured data, so it is served only to
requests with no ``Origin`` (curl, CI, the pytest plugin), or from a loopback or user-allowed
origin (see :mod:`inspector.collector.origins`); any other origin gets ``403
origin_not_allowed`` with no CORS headers. It never grants credentials or private-network
access, and a ``POST``/``PUT``/``DELETE`` must be ``application/json`` (or carry no body), so
no "simple" request (a form, a ``text/plain`` fetch) that skips the preflight can change state.

**Everything else** (the phone page and its QR code, the CA files, unknown paths) is opened by
a person, never fetched by a page: no CORS headers, no private-network grant, so no page on
another origin can read it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from inspector.collector.keys import ORIGINS
from inspector.collector.routes_ingest import json_response

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
DEFAULT_HEADERS = "authorization, content-type, content-encoding, x-retry-count, x-inspector-token"
API_HEADERS = "content-type, x-inspector-token"
EXPOSE = "Retry-After, X-Total-Count, X-Inspector-Backlog"
STATE_CHANGING = frozenset({"POST", "PUT", "DELETE", "PATCH"})


def is_api(path: str) -> bool:
    """The query API family: ``/api`` and below (any spelling aiohttp could route there)."""
    return path.lstrip("/").lower().startswith("api")


TRACKING_PREFIXES = ("/v1/", "/next-integrations/")
TRACKING_PATHS = frozenset({"/e", "/s", "/a", "/sourceConfig", "/sourceConfig/"})
_SETTINGS = re.compile(r"/(?:.*/)?projects/[^/]+/settings")  # as routes_ingest routes it


def is_tracking(path: str) -> bool:
    """The tracking family: where SDKs in pages on any origin send events or ask settings."""
    if is_api(path):
        return False
    return (
        path.startswith(TRACKING_PREFIXES)
        or path in TRACKING_PATHS
        or _SETTINGS.fullmatch(path) is not None
    )


# -- tracking routes: open to every page ---------------------------------------------------
def apply_cors(request: web.Request, response: web.StreamResponse) -> None:
    """CORS headers for a response (the family and origin decide which)."""
    origin = request.headers.get("Origin")
    h = response.headers
    if is_api(request.path):
        h.add("Vary", "Origin")
        h["Cache-Control"] = "no-store"  # no cached answer is ever handed to another page
        if origin and request.app[ORIGINS].allows(origin):
            h["Access-Control-Allow-Origin"] = origin
            h["Access-Control-Expose-Headers"] = EXPOSE
        return
    if not is_tracking(request.path):
        return  # the phone page, the CA, unknown paths: for people, not for pages
    if origin:
        h["Access-Control-Allow-Origin"] = origin
        h["Access-Control-Allow-Credentials"] = "true"
        h.add("Vary", "Origin")
    else:
        h["Access-Control-Allow-Origin"] = "*"
    h["Access-Control-Expose-Headers"] = EXPOSE


def preflight(request: web.Request) -> web.Response:
    asked = request.headers.get("Access-Control-Request-Headers")
    resp = web.Response(status=204)
    h = resp.headers
    h["Access-Control-Allow-Methods"] = ALLOW_METHODS
    h["Access-Control-Max-Age"] = "600"
    if is_api(request.path):
        origin = request.headers.get("Origin")
        if origin and not request.app[ORIGINS].allows(origin):
            return refuse_origin(request, origin)
        h["Access-Control-Allow-Headers"] = asked or API_HEADERS
        apply_cors(request, resp)
        return resp  # never the private-network grant: no public page reaches /api
    if not is_tracking(request.path):
        return web.Response(status=204)  # no CORS headers: the browser refuses the call
    h["Access-Control-Allow-Headers"] = asked or DEFAULT_HEADERS
    apply_cors(request, resp)
    if request.headers.get("Access-Control-Request-Private-Network", "").lower() == "true":
        h["Access-Control-Allow-Private-Network"] = "true"
    return resp


# -- the query API: origin and content type -------------------------------------------------
def refuse_origin(request: web.Request, origin: str) -> web.Response:
    resp = json_response(
        403,
        {"code": "origin_not_allowed", "message": request.app[ORIGINS].refusal(origin)},
    )
    resp.headers["Vary"] = "Origin"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def is_json_type(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def content_type_problem(request: web.Request) -> str | None:
    """Why a state-changing ``/api`` request is refused (``None``: it is fine)."""
    if request.method not in STATE_CHANGING:
        return None
    ctype = request.headers.get("Content-Type")
    if ctype is not None and not is_json_type(ctype):
        return f"Content-Type {ctype[:100]!r} is not accepted on {request.method} {request.path}"
    if ctype is None and request.body_exists:
        return f"{request.method} {request.path} has a body but no Content-Type"
    return None


def refuse_content_type(request: web.Request, why: str) -> web.Response:
    resp = json_response(
        415,
        {
            "code": "unsupported_media_type",
            "message": f"{why}: send Content-Type: application/json, or no body at all "
            "(so that no web page can change captured data with a simple request)",
        },
    )
    apply_cors(request, resp)
    return resp


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method == "OPTIONS":
        return preflight(request)
    if is_api(request.path):
        origin = request.headers.get("Origin")
        if origin and not request.app[ORIGINS].allows(origin):
            return refuse_origin(request, origin)
        why = content_type_problem(request)
        if why is not None:
            return refuse_content_type(request, why)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        apply_cors(request, exc)
        raise
    if not response.prepared:
        apply_cors(request, response)
    return response
