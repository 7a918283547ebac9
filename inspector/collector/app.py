"""Build the aiohttp application around a :class:`CollectorService`."""

from __future__ import annotations

from aiohttp import web

from inspector.collector import (
    routes_api,
    routes_coverage,
    routes_flows,
    routes_ingest,
    routes_kissmetrics,
    routes_lint,
    routes_mobile,
    routes_qa,
    routes_requests,
)
from inspector.collector.api_token import token_middleware
from inspector.collector.cors import cors_middleware
from inspector.collector.failsafe import failsafe_middleware
from inspector.collector.hosts import HostPolicy, host_middleware
from inspector.collector.keys import API_TOKEN, HOSTS, ORIGINS, SERVICE, TIMEOUTS
from inspector.collector.origins import OriginPolicy
from inspector.collector.service import CollectorService
from inspector.collector.slow_clients import Timeouts, body_deadline_middleware


def make_app(
    service: CollectorService,
    *,
    api_token: str | None = None,
    origins: OriginPolicy | None = None,
    hosts: HostPolicy | None = None,
    timeouts: Timeouts | None = None,
) -> web.Application:
    # bodies are read by the routes with their own bound, so aiohttp's limit is set above it
    app = web.Application(
        client_max_size=service.max_body + 1024 * 1024,
        middlewares=[
            failsafe_middleware,
            host_middleware,
            cors_middleware,
            body_deadline_middleware,
            token_middleware,
            routes_api.settled_middleware,
            routes_api.bad_request_middleware,
        ],
    )
    app[SERVICE] = service
    app[API_TOKEN] = api_token
    app[ORIGINS] = origins if origins is not None else OriginPolicy()
    app[HOSTS] = hosts if hosts is not None else HostPolicy()
    app[TIMEOUTS] = timeouts if timeouts is not None else Timeouts()
    routes_ingest.add_routes(app)
    routes_api.add_routes(app)
    routes_kissmetrics.add_routes(app)
    routes_qa.add_routes(app)
    routes_mobile.add_routes(app)
    routes_requests.add_routes(app)
    routes_flows.add_routes(app)
    routes_coverage.add_routes(app)
    routes_lint.add_routes(app)

    async def lifecycle(app: web.Application):  # type: ignore[no-untyped-def]
        await service.start()
        yield
        await service.stop()

    app.cleanup_ctx.append(lifecycle)
    return app
