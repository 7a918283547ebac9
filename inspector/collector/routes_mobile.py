"""Routes for phones and mobile SDKs: RudderStack's ``GET /sourceConfig``, the local CA.

``GET /ca.pem`` (PEM) and ``GET /ca.crt`` (DER) both use ``application/x-x509-ca-cert``, the type
Android's certificate installer and iOS Safari's profile download recognise.
"""

from __future__ import annotations

from aiohttp import web

from inspector.collector.keys import TLS_FILES
from inspector.collector.routes_ingest import json_response
from inspector.domain.auth import header_key
from inspector.domain.sdk_settings import rudder_source_config


async def source_config(request: web.Request) -> web.Response:
    """RudderStack's control-plane config (``controlPlaneUrl`` pointed at the collector)."""
    key, _form = header_key(request.headers)
    key = key or request.query.get("writeKey") or ""
    return json_response(200, rudder_source_config(key))


CA_TYPE = "application/x-x509-ca-cert"
CA_NAME = "event-inspector-ca"


def _no_ca() -> web.Response:
    return json_response(
        404,
        {
            "code": "tls_off",
            "message": "this collector serves no HTTPS, so it has no CA to hand out; "
            "start it with --tls (or --lan)",
        },
    )


async def ca_pem(request: web.Request) -> web.Response:
    files = request.app.get(TLS_FILES)
    if files is None:
        return _no_ca()
    return web.Response(
        body=files.ca_pem(),
        content_type=CA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{CA_NAME}.pem"'},
    )


async def ca_crt(request: web.Request) -> web.Response:
    files = request.app.get(TLS_FILES)
    if files is None:
        return _no_ca()
    return web.Response(
        body=files.ca_der(),
        content_type=CA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{CA_NAME}.crt"'},
    )


def add_routes(app: web.Application) -> None:
    from inspector.collector import routes_phone

    routes_phone.add_routes(app)
    app.router.add_get("/sourceConfig", source_config)
    app.router.add_get("/sourceConfig/", source_config)
    app.router.add_get("/ca.pem", ca_pem)
    app.router.add_get("/ca.crt", ca_crt)
