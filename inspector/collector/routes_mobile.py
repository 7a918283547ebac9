"""Routes the mobile SDKs call besides sending events: RudderStack's ``GET /sourceConfig``."""

from __future__ import annotations

from aiohttp import web

from inspector.collector.routes_ingest import json_response
from inspector.domain.auth import header_key
from inspector.domain.sdk_settings import rudder_source_config


async def source_config(request: web.Request) -> web.Response:
    """RudderStack's control-plane config (``controlPlaneUrl`` pointed at the collector)."""
    key, _form = header_key(request.headers)
    key = key or request.query.get("writeKey") or ""
    return json_response(200, rudder_source_config(key))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/sourceConfig", source_config)
    app.router.add_get("/sourceConfig/", source_config)
