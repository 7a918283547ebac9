"""What the inbox keeps of a request: one row, written before the client is answered.

The row holds what processing needs and nothing more sensitive: the headers are kept with
their credentials masked (``Authorization``, ``Cookie``, ``X-Api-Key``...), and the write key
that the ``Authorization`` header carried, with the form it came in, has columns of its own
(``auth_key``, ``auth_form``), shown masked wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.auth import header_key, masked_headers

COLUMNS = (
    "id",
    "session_id",
    "received_at",
    "route",
    "method",
    "path",
    "query",
    "headers",
    "content_type",
    "content_encoding",
    "size",
    "body",
    "status",
    "error_code",
    "error",
    "rejected",
    "fault",
    "event_count",
    "duration_ms",
    "answer",
    "auth_key",
    "auth_form",
)
AT = {c: i for i, c in enumerate(COLUMNS)}
BODY = AT["body"] - 1  # where the body is in a record (a row without its id)
# KISSmetrics calls are kept with their path as the route: "km/e", "km/s", "km/a"
KM_PREFIX = "km/"


def record(
    *,
    session_id: int,
    received_at: float,
    route: str,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    content_type: str,
    content_encoding: str,
    size: int,
    body: bytes,
    status: int = 200,
    error_code: str | None = None,
    error: str | None = None,
    rejected: bool = False,
    fault: str | None = None,
    event_count: int = 0,
    duration_ms: float | None = None,
    answer: dict[str, Any] | None = None,
) -> tuple[Any, ...]:
    """An inbox row (without its id) for a request whose ``headers`` are as sent."""
    key, form = header_key(headers)
    return (
        session_id,
        received_at,
        route,
        method,
        path,
        query,
        jsoncodec.dumps_str(masked_headers(headers)),
        content_type,
        content_encoding,
        size,
        body,
        status,
        error_code,
        error,
        int(rejected),
        fault,
        event_count,
        duration_ms,
        jsoncodec.dumps_str(answer) if answer is not None else None,
        key,
        form,
    )
