"""Where the MCP tools get their answers: a running collector over HTTP, or a data directory
opened read-only. Both answer in the query API's JSON shapes, so the tools shape one kind of
answer; both raise :class:`ToolFailure` with the API's own error text."""

from __future__ import annotations

from typing import Any, Protocol

MAX_LIMIT = 100  # events an answer may list
MAX_WAIT = 120.0  # seconds a tool may block (agents' MCP clients time out past a few minutes)


class ToolFailure(Exception):
    """What the API answers with a 4xx (``{"code", "message", …}``): the tool's error."""

    def __init__(self, code: str, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.body = dict(body) if body else {"code": code, "message": message}
        self.body.setdefault("code", code)
        self.body.setdefault("message", message)


class Backend(Protocol):
    """The reads the tools need. ``session`` '' means the default: the collector's live
    session (``--url``), the latest stored one (``--data-dir``), or ``--session``."""

    where: str  # "collector at URL" / "data directory D (read-only)", for answers

    async def events(self, q: str, limit: int, session: str) -> dict[str, Any]:
        """``{"total", "session", "events"}``: the ``limit`` newest matches, oldest first."""

    async def event(self, event_id: int) -> dict[str, Any]: ...

    async def wait(self, q: str, count: int, timeout: float, limit: int) -> dict[str, Any]:
        """The body of ``GET /api/wait`` (200 or 408): matched, events, closest misses."""

    async def lint(self, q: str, min_severity: str, session: str) -> dict[str, Any]: ...

    async def identities(self, user: str, session: str) -> dict[str, Any]: ...

    async def check_flow(
        self, flow: dict[str, Any], timeout: float, session: str
    ) -> dict[str, Any]:
        """The body of ``POST /api/flows/check``."""

    async def coverage(self, session: str) -> dict[str, Any]:
        """The body of ``GET /api/coverage``: the tracking plan against the session."""

    async def sessions(self) -> dict[str, Any]: ...

    async def stats(self, session: str) -> dict[str, Any]: ...

    async def close(self) -> None: ...
