"""What the inspector keeps of each call: the captured event, its source and its raw request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from inspector.domain.labels import event_label
from inspector.domain.secrets import mask_fields, mask_json_text, mask_key, mask_query

Severity = Literal["error", "warning", "info"]
SEVERITY_LEVEL: dict[str, int] = {"info": 1, "warning": 2, "error": 3}
LEVEL_NAME: dict[int, str] = {0: "none", 1: "info", 2: "warning", 3: "error"}


@dataclass(slots=True)
class Finding:
    """One lint finding on one event. ``path`` is a dotted path into the message, or None."""

    rule: str
    severity: Severity
    message: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
        }


@dataclass(slots=True)
class Source:
    """Who sent the call: write key, how it authenticated, the library and the real client."""

    write_key: str | None = None
    auth: str = "none"  # basic | basic-nocolon | bearer | body | query | none
    library: str | None = None
    library_version: str | None = None
    user_agent: str | None = None
    client: str | None = None  # the real client library, told apart from headers and shape

    def to_dict(self, *, masked: bool = False) -> dict[str, Any]:
        return {
            "writeKey": mask_key(self.write_key) if masked else self.write_key,
            "auth": self.auth,
            "library": self.library,
            "libraryVersion": self.library_version,
            "userAgent": self.user_agent,
            "client": self.client,
        }


@dataclass(slots=True)
class RawRequest:
    """The HTTP request as it arrived (body decoded, credentials masked in ``headers``)."""

    session_id: int
    received_at: float
    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    content_encoding: str = ""
    size: int = 0
    body: bytes = b""
    status: int = 200
    error_code: str | None = None
    error: str | None = None
    rejected: bool = False
    fault: str | None = None
    event_count: int = 0
    id: int = 0
    client: str | None = None  # the client library (from its events, else the User-Agent)
    duration_ms: float | None = None  # from arrival until the answer was ready
    answer: dict[str, Any] | None = None  # what we answered: status, headers, body
    upstream: dict[str, Any] | None = None  # what the forward URL answered (``--forward``)
    auth: str | None = None  # the Authorization header's form (basic, bearer, ...), if any
    write_key: str | None = None  # the write key that header carried (never shown unmasked)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "receivedAt": epoch_iso(self.received_at),
            "method": self.method,
            "path": self.path,
            "query": mask_query(self.query),
            "status": self.status,
            "error": self.error,
            "code": self.error_code,
            "fault": self.fault,
            "size": self.size,
            "contentType": self.content_type,
            "contentEncoding": self.content_encoding,
            "eventCount": self.event_count,
            "rejected": self.rejected,
            "client": self.client,
            "durationMs": self.duration_ms,
            "upstream": self.upstream,
        }

    def to_dict(self) -> dict[str, Any]:
        d = self.summary()
        d["headers"] = self.headers
        d["body"] = mask_json_text(self.body.decode("utf-8", "replace"))
        return d


@dataclass(slots=True)
class CapturedEvent:
    """One message after a batch was split, enriched with everything the inspector knows."""

    session_id: int
    received_at: float
    message: dict[str, Any]
    type: str
    timestamp: float
    source: Source
    message_id: str
    request_id: int = 0
    batch_index: int = 0
    batch_size: int = 1
    original: dict[str, Any] | None = None  # the message before a dialect was normalised
    generated_message_id: bool = False
    dup: bool = False
    lint: list[Finding] = field(default_factory=list)
    id: int = 0
    seq: int = 0

    # -- convenient views of the message --------------------------------------------------
    @property
    def head(self) -> dict[str, Any]:
        """The fields that name and place the event (type, ids, label; for identify, who):
        the message itself here; an event announced by the store writer carries just those,
        so that the table and the identity graph need not decode the whole message."""
        return self.message

    def message_json(self) -> str:
        """The message as JSON text (as stored)."""
        from inspector.domain import jsoncodec

        return jsoncodec.dumps_str(self.message)

    def _str(self, key: str) -> str | None:
        v = self.message.get(key)
        if v is None:
            return None
        return v if isinstance(v, str) else str(v)

    @property
    def event(self) -> str | None:
        return self._str("event")

    @property
    def name(self) -> str | None:
        return self._str("name")

    @property
    def label(self) -> str | None:
        """What a person calls this event (:func:`~inspector.domain.labels.event_label`)."""
        return event_label(self.type, self.head)

    @property
    def user_id(self) -> str | None:
        return self._str("userId")

    @property
    def anonymous_id(self) -> str | None:
        return self._str("anonymousId")

    @property
    def previous_id(self) -> str | None:
        return self._str("previousId")

    @property
    def group_id(self) -> str | None:
        return self._str("groupId")

    @property
    def lint_level(self) -> int:
        return max((SEVERITY_LEVEL[f.severity] for f in self.lint), default=0)

    def to_api(self, request: RawRequest | None = None) -> dict[str, Any]:
        raw: dict[str, Any] = {
            "requestId": self.request_id,
            "batchIndex": self.batch_index,
            "batchSize": self.batch_size,
        }
        if request is not None:
            raw.update(request.to_dict())
            raw["requestId"] = request.id
            raw.pop("id", None)
        return {
            "id": self.id,
            "session": self.session_id,
            "seq": self.seq,
            "receivedAt": epoch_iso(self.received_at),
            "timestamp": epoch_iso(self.timestamp),
            "type": self.type,
            "messageId": self.message_id,
            "generatedMessageId": self.generated_message_id,
            "duplicate": self.dup,
            "message": mask_fields(self.message),
            "original": mask_fields(self.original) if self.original is not None else None,
            "source": self.source.to_dict(masked=True),
            "raw": raw,
            "lint": [f.to_dict() for f in self.lint],
            "lintLevel": LEVEL_NAME[self.lint_level],
        }


def epoch_iso(ts: float) -> str:
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
