"""An optional shared secret on ``/api/*`` for a collector that listens beyond loopback.

The tracking routes (``/v1/*``) stay open: SDKs cannot send an extra header. The query API
reads and deletes captured data, so once a token is set every ``/api`` request must carry it
in ``X-Inspector-Token`` (or ``?token=`` where a header is awkward, e.g. a browser tab).
Preflights (``OPTIONS``) pass, so browsers can learn that the header is allowed.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from inspector.collector.keys import API_TOKEN
from inspector.collector.routes_ingest import json_response

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HEADER = "X-Inspector-Token"
QUERY = "token"


def generate_token() -> str:
    """A URL-safe random token (32 bytes of entropy)."""
    return secrets.token_urlsafe(32)


def presented_token(request: web.Request) -> str | None:
    value = request.headers.get(HEADER)
    if value:
        return value.strip()
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.query.get(QUERY) or None


def token_ok(expected: str, presented: str | None) -> bool:
    if presented is None:
        return False
    return hmac.compare_digest(expected.encode(), presented.encode())


def needs_token(request: web.Request) -> bool:
    path = request.path
    return request.method != "OPTIONS" and (path == "/api" or path.startswith("/api/"))


@web.middleware
async def token_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    expected = request.app.get(API_TOKEN)
    if expected and needs_token(request):
        presented = presented_token(request)
        if not token_ok(expected, presented):
            why = "is missing" if presented is None else "is wrong"
            return json_response(
                401,
                {
                    "code": "unauthorized",
                    "message": f"the API token {why}: send it in the {HEADER} header "
                    f"or as ?{QUERY}= (it was printed when the collector started)",
                },
                {"WWW-Authenticate": f'{HEADER} realm="event-inspector"'},
            )
    return await handler(request)
