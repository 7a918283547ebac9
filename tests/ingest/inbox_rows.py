"""What a collector puts in its inbox for one JSON POST, for tests that leave an inbox behind
as a killed collector does."""

from __future__ import annotations

import time
from typing import Any

from inspector.ingest.records import record


def json_post(session_id: int, route: str, body: bytes) -> Any:
    """The inbox row of ``POST /v1/<route>`` with a JSON ``body`` and no headers."""
    return record(
        session_id=session_id,
        received_at=time.time(),
        route=route,
        method="POST",
        path=f"/v1/{route}",
        query="",
        headers={},
        content_type="application/json",
        content_encoding="",
        size=len(body),
        body=body,
    )
