"""The tools' answers from a running collector's query API (``/api/*``), with its token."""

from __future__ import annotations

from typing import Any

import aiohttp

from inspector.domain import jsoncodec
from inspector.mcp.backend import ToolFailure

TOKEN_HEADER = "X-Inspector-Token"
SLACK = 15.0  # seconds on top of a wait's own timeout before the HTTP call gives up


class HttpBackend:
    def __init__(self, url: str, token: str | None = None, session: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.default_session = session or ""
        self.where = f"collector at {self.url}"
        self._http: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            headers = {TOKEN_HEADER: self.token} if self.token else {}
            self._http = aiohttp.ClientSession(headers=headers)
        return self._http

    def _params(self, session: str, **params: Any) -> dict[str, str]:
        out = {k: str(v) for k, v in params.items() if v is not None}
        if session or self.default_session:
            out["session"] = session or self.default_session
        return out

    async def _call(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        *,
        json_body: Any = None,
        timeout: float = 30.0,
        ok: tuple[int, ...] = (200,),
    ) -> dict[str, Any]:
        data = jsoncodec.dumps_str(json_body) if json_body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else None
        try:
            async with self._client().request(
                method,
                self.url + path,
                params=params,
                data=data,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as resp:
                raw = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise ToolFailure(
                "collector_unreachable",
                f"cannot reach the collector at {self.url} ({type(exc).__name__}: {exc}); "
                "start it with `event-inspector serve` or the window, or give --url",
            ) from None
        try:
            body = jsoncodec.loads(raw) if raw else {}
        except (jsoncodec.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            text = raw[:300].decode("utf-8", "replace")
            raise ToolFailure("collector_error", f"HTTP {status} from {path}: {text}")
        if status in ok:
            return body
        code = str(body.get("code") or f"http_{status}")
        message = str(body.get("message") or f"HTTP {status} from {path}")
        if status == 401:  # the API's words are for HTTP clients; say how the server gets it
            message += "; give it to `event-inspector mcp --token` or EVENT_INSPECTOR_TOKEN"
            body = {**body, "message": message}
        raise ToolFailure(code, message, body)

    async def events(self, q: str, limit: int, session: str) -> dict[str, Any]:
        head = await self._call("GET", "/api/events", self._params(session, q=q, limit=0))
        offset = max(int(head.get("total", 0)) - limit, 0)
        return await self._call(
            "GET", "/api/events", self._params(session, q=q, limit=limit, offset=offset)
        )

    async def event(self, event_id: int) -> dict[str, Any]:
        return await self._call("GET", f"/api/events/{event_id}", {})

    async def wait(self, q: str, count: int, timeout: float, limit: int) -> dict[str, Any]:
        params = {"q": q, "count": str(count), "timeout": f"{timeout:g}", "limit": str(limit)}
        return await self._call("GET", "/api/wait", params, timeout=timeout + SLACK, ok=(200, 408))

    async def lint(self, q: str, min_severity: str, session: str) -> dict[str, Any]:
        params = self._params(session, q=q, minSeverity=min_severity)
        return await self._call("GET", "/api/lint", params)

    async def identities(self, user: str, session: str) -> dict[str, Any]:
        return await self._call("GET", "/api/identities", self._params(session, user=user))

    async def check_flow(
        self, flow: dict[str, Any], timeout: float, session: str
    ) -> dict[str, Any]:
        params = self._params(session, timeout=f"{timeout:g}")
        return await self._call(
            "POST", "/api/flows/check", params, json_body=flow, timeout=timeout + SLACK
        )

    async def coverage(self, session: str) -> dict[str, Any]:
        return await self._call("GET", "/api/coverage", self._params(session))

    async def sessions(self) -> dict[str, Any]:
        return await self._call("GET", "/api/sessions", {})

    async def stats(self, session: str) -> dict[str, Any]:
        return await self._call("GET", "/api/stats", self._params(session))

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
