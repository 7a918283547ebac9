"""No bare 500s and no secrets in the log.

:func:`failsafe_middleware` is the outermost middleware: a handler that fails unexpectedly is
logged with its traceback (the request named by method and path; the query and the
traceback's text masked, as an exception's message may quote a URL or a body) and
answered ``500 {"code": "internal_error", "message": …}``, never aiohttp's text page; the
errors aiohttp raises itself (404, 405, 413) are answered as JSON too.

:class:`ServerLog` is the logger aiohttp's HTTP layer writes to: a request it cannot parse
(an over-long line, a malformed header, a non-HTTP client) is a client's mistake, logged in one
line without a traceback, and whatever of the request it quotes is masked first.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from inspector.collector.routes_ingest import json_response
from inspector.collector.slow_clients import BodyTimeout
from inspector.domain.secrets import mask_query, mask_text

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("inspector.collector")
_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def _where(request: web.Request) -> str:
    """The request for a log line: method, path and query (masked, cut at 300 characters)."""
    qs = request.rel_url.raw_query_string
    where = f"{request.method} {request.path}" + (f"?{mask_query(qs)}" if qs else "")
    return where if len(where) <= 300 else where[:300] + "…"


def _code(status: int, reason: str) -> str:
    return _CODES.get(status) or re.sub(r"[^a-z0-9]+", "_", reason.lower()).strip("_") or "error"


@web.middleware
async def failsafe_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json" or exc.empty_body:
            raise
        message = f"{request.method} {request.path}: {exc.reason}"
        if exc.status == 405:
            message += f" (allowed: {exc.headers.get('Allow', '')})"
        resp = json_response(
            exc.status, {"code": _code(exc.status, exc.reason), "message": message}
        )
        for key, value in exc.headers.items():
            if key.lower() not in ("content-type", "content-length"):
                resp.headers[key] = value
        return resp
    except (ConnectionError, BodyTimeout) as exc:  # the client went away, or was too slow
        why = str(exc) or type(exc).__name__
        log.info("%s: connection lost (%s)", _where(request), why)
        return json_response(408, {"code": "connection_lost", "message": why})
    except Exception as exc:
        trace = "".join(traceback.format_exception(exc)).rstrip()
        log.error("failed on %s\n%s", _where(request), mask_text(trace))
        return json_response(
            500,
            {
                "code": "internal_error",
                "message": f"Event Inspector failed on {request.method} {request.path} "
                f"({type(exc).__name__}); this is a bug, the traceback is in its log",
            },
        )


class MaskingFormatter(logging.Formatter):
    """Log lines (and the tracebacks in them) with credentials masked: query parameters and
    JSON fields that carry a write key or token (:func:`mask_text`)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


def mask_stderr_log() -> None:
    """What ``serve`` logs goes to standard error masked (warnings and errors, one message a
    line as Python's default prints them), unless logging was set up already."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(MaskingFormatter("%(message)s"))
        root.addHandler(handler)


class ServerLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """aiohttp's server logger, quiet about clients' malformed HTTP and masking secrets."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        super().__init__(logger or logging.getLogger("aiohttp.server"), {})

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        return mask_text(str(msg)), kwargs

    def log(self, level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info")
        if isinstance(exc, HttpProcessingError):
            # the client sent something that is not HTTP we read: one line, no traceback
            kwargs.pop("exc_info")
            first = str(exc.message).splitlines()[0] if exc.message else type(exc).__name__
            level = logging.INFO
            args = (*args, exc.code, first[:200])
            msg = f"{msg}: answered %s, %s"
        if args:
            msg, args = str(msg) % args, ()
        super().log(level, msg, **kwargs)

    def exception(self, msg: Any, *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        self.log(logging.ERROR, msg, *args, exc_info=exc_info, **kwargs)
