"""Typed keys for state kept on the aiohttp application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from inspector.collector.hosts import HostPolicy
    from inspector.collector.origins import OriginPolicy
    from inspector.collector.service import CollectorService
    from inspector.collector.slow_clients import Timeouts
    from inspector.domain.certs import TlsFiles
    from inspector.domain.phone_setup import Endpoints

SERVICE: web.AppKey[CollectorService] = web.AppKey("service")
API_TOKEN: web.AppKey[str | None] = web.AppKey("api_token")
TLS_FILES: web.AppKey[TlsFiles | None] = web.AppKey("tls_files")
ENDPOINTS: web.AppKey[Endpoints] = web.AppKey("endpoints")
ORIGINS: web.AppKey[OriginPolicy] = web.AppKey("origins")
HOSTS: web.AppKey[HostPolicy] = web.AppKey("hosts")
TIMEOUTS: web.AppKey[Timeouts] = web.AppKey("timeouts")
