"""The capture format: a session as NDJSON that ``import`` restores whole.

``export --format capture`` writes one line per event: the message as stored, plus an
``_inspector`` object with everything else the inspector knows of it (arrival and event
times, source with the write key masked, the request it came in, masked (headers, write keys
in its query string and body, as every export masks them), its place in the
batch, duplicate and lint state, the message before a dialect was normalised). Requests that
stored no events (rejected, answered with an injected fault, empty) are lines of their own,
``{"_inspector": {"kind": "request", ...}}``. Lines are in arrival order; a request's body is
written once, on its first line. ``import`` of such a file and ``export --format capture``
again gives the same bytes, but for ids and the session's name.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.capture import Finding, RawRequest, Source
from inspector.domain.secrets import mask_fields, mask_json_text, mask_key, mask_query, mask_text
from inspector.domain.store import Session, Store, request_from_row
from inspector.domain.timeparse import parse_iso

KEY = "_inspector"
_EV_SQL = (
    "SELECT id, seq, request_id, received_at, ts, message_id, generated_mid, write_key, auth, "
    "lib, lib_version, client, user_agent, batch_index, batch_size, dup, lint, message, original "
    "FROM events{join} WHERE session_id=? AND id>?{cond} ORDER BY id LIMIT {limit}"
)
_REQ_SQL = "SELECT {columns} FROM requests WHERE session_id=? AND id>? ORDER BY id LIMIT ?"


def iso(ts: float) -> str:
    """An epoch time as ISO-8601 to the microsecond (exact both ways)."""
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    dt = parse_iso(value)
    return dt.timestamp() if dt is not None else None


def _body(body: bytes) -> dict[str, Any]:
    try:
        return {"body": mask_text(body.decode("utf-8"))}  # write keys in it masked
    except UnicodeDecodeError:
        return {"body": base64.b64encode(body).decode(), "bodyEncoding": "base64"}


def _request(r: RawRequest, *, full: bool) -> dict[str, Any]:
    if not full:
        return {"id": r.id}
    return {
        "id": r.id,
        "receivedAt": iso(r.received_at),
        "method": r.method,
        "path": r.path,
        "query": mask_query(r.query),
        "headers": r.headers,
        "contentType": r.content_type,
        "contentEncoding": r.content_encoding,
        "size": r.size,
        "status": r.status,
        "code": r.error_code,
        "error": r.error,
        "rejected": r.rejected,
        "fault": r.fault,
        "eventCount": r.event_count,
        "auth": r.auth,
        "writeKey": _masked(r.write_key),
        "client": r.client,
        **_body(r.body),
    }


def _masked(key: str | None) -> str | None:
    return None if key is None else mask_key(key)


def _masked_original(text: str) -> Any:
    """The message before a dialect was normalised (KISSmetrics: its ``params``, ``_k``
    among them), credentials masked."""
    value = jsoncodec.loads(mask_json_text(text))
    return mask_fields(value) if isinstance(value, dict) else value


def _event_line(row: tuple[Any, ...], req: RawRequest, full: bool, session: str) -> str:
    (eid, seq, _rid, recv, ts, mid, generated, wk, auth, lib, libv, client, ua, bi, bs, dup,
     lint, message, original) = row  # fmt: skip
    env: dict[str, Any] = {
        "kind": "event",
        "session": session,
        "id": eid,
        "seq": seq,
        "receivedAt": iso(recv),
        "timestamp": iso(ts),
    }
    if generated:
        env["messageId"] = mid  # not in the message: made up when it arrived
    env["source"] = {
        "writeKey": _masked(wk),
        "auth": auth,
        "library": lib,
        "libraryVersion": libv,
        "client": client,
        "userAgent": ua,
    }
    env["request"] = _request(req, full=full)
    env["batch"] = {"index": bi, "size": bs}
    env["duplicate"] = bool(dup)
    env["lint"] = jsoncodec.loads(lint) if lint else []
    env["original"] = _masked_original(original) if original else None
    if f'"{KEY}"' in message:  # the message has a key of ours: keep it, and where it was
        m = jsoncodec.loads(message)
        if KEY in m:
            env["own"] = [list(m).index(KEY), m.pop(KEY)]
        message = jsoncodec.dumps_str(m)
    message = mask_json_text(message)  # a writeKey the message carries, as everywhere
    tail = f'"{KEY}":{jsoncodec.dumps_str(env)}}}'
    return str(message[:-1]) + ("," if message != "{}" else "") + tail


def _request_line(req: RawRequest, session: str) -> str:
    return jsoncodec.dumps_str(
        {KEY: {"kind": "request", "session": session, "request": _request(req, full=True)}}
    )


def export_lines(
    store: Store, session: Session, where: str = "", params: tuple[Any, ...] = ()
) -> Iterator[str]:
    """The capture lines of a session (events matching ``where``; every request that stored
    no event), in arrival order. Events come in request order (a request's events are stored
    together), so events and requests are merged in one pass over each."""
    cond = f" AND ({where})" if where else ""
    reqs = _requests(store, session.id)
    pending = next(reqs, None)
    current: RawRequest | None = None
    last = 0
    while rows := store.select(
        _EV_SQL.format(join=store.join, cond=cond, limit=2000), (session.id, last, *params)
    ):
        for row in rows:
            rid = row[2]
            first = current is None or current.id != rid
            if first:
                while pending is not None and pending.id < rid:
                    if _standalone(pending):
                        yield _request_line(pending, session.name)
                    pending = next(reqs, None)
                if pending is not None and pending.id == rid:
                    current, pending = pending, next(reqs, None)
                else:  # (not found: deleted under us) the event still goes out
                    current = store.get_request(rid) or RawRequest(0, 0.0, "", "", id=rid)
            assert current is not None
            yield _event_line(row, current, first, session.name)
        last = rows[-1][0]
    while pending is not None:
        if _standalone(pending):
            yield _request_line(pending, session.name)
        pending = next(reqs, None)


def _standalone(req: RawRequest) -> bool:
    """A request that stored no events (rejected, answered with a fault, empty)."""
    return req.rejected or req.status >= 300 or req.event_count == 0


def _requests(store: Store, session_id: int) -> Iterator[RawRequest]:
    last = 0
    sql = _REQ_SQL.format(columns=store.request_columns)
    while rows := store.select(sql, (session_id, last, 1000)):
        for r in rows:
            yield request_from_row(r)
        last = rows[-1][0]


# -- reading a capture line back ------------------------------------------------------------
@dataclass(slots=True)
class CapturedLine:
    """One line of a capture file, ready to store."""

    kind: str  # "event" or "request"
    request_key: Any  # lines with the same key (in a row) came in one request
    request: RawRequest | None  # given in full on the first line of its request
    message: dict[str, Any] = field(default_factory=dict)
    received_at: float = 0.0
    timestamp: float = 0.0
    message_id: str = ""
    generated: bool = False
    source: Source = field(default_factory=Source)
    batch_index: int = 0
    batch_size: int = 1
    dup: bool = False
    lint: list[Finding] = field(default_factory=list)
    original: dict[str, Any] | None = None


class BadLine(ValueError):
    pass


def _raw(d: dict[str, Any], session_id: int) -> RawRequest:
    body = d.get("body") or ""
    raw_body = base64.b64decode(body) if d.get("bodyEncoding") == "base64" else str(body).encode()
    received = epoch(d.get("receivedAt"))
    if received is None:
        raise BadLine("_inspector.request.receivedAt is not an ISO-8601 time")
    return RawRequest(
        session_id=session_id,
        received_at=received,
        method=str(d.get("method") or ""),
        path=str(d.get("path") or ""),
        query=str(d.get("query") or ""),
        headers=dict(d.get("headers") or {}),
        content_type=str(d.get("contentType") or ""),
        content_encoding=str(d.get("contentEncoding") or ""),
        size=int(d.get("size") or 0),
        body=raw_body,
        status=int(d.get("status") or 200),
        error_code=d.get("code"),
        error=d.get("error"),
        rejected=bool(d.get("rejected")),
        fault=d.get("fault"),
        event_count=int(d.get("eventCount") or 0),
        auth=d.get("auth"),
        write_key=d.get("writeKey"),
        client=d.get("client"),
    )


def read_line(obj: dict[str, Any], session_id: int) -> CapturedLine:
    """A parsed capture line (``obj`` has the ``_inspector`` key); :class:`BadLine` if it
    is not one this module writes."""
    env = obj.pop(KEY)
    if not isinstance(env, dict):
        raise BadLine(f"{KEY} is not an object")
    try:
        req = env.get("request")
        if not isinstance(req, dict):
            raise BadLine(f"{KEY}.request is missing")
        full = _raw(req, session_id) if "method" in req else None
        if env.get("kind") == "request":
            if full is None:
                raise BadLine(f"{KEY}.request is incomplete")
            return CapturedLine("request", req.get("id"), full)
        received, ts = epoch(env.get("receivedAt")), epoch(env.get("timestamp"))
        if received is None or ts is None:
            raise BadLine(f"{KEY}.receivedAt/timestamp are not ISO-8601 times")
        own = env.get("own")
        if isinstance(own, list) and len(own) == 2:
            items = list(obj.items())
            items.insert(int(own[0]), (KEY, own[1]))
            obj = dict(items)
        generated = "messageId" in env
        src = env.get("source") or {}
        batch = env.get("batch") or {}
        return CapturedLine(
            kind="event",
            request_key=req.get("id"),
            request=full,
            message=obj,
            received_at=received,
            timestamp=ts,
            message_id=str(env["messageId"] if generated else obj.get("messageId")),
            generated=generated,
            source=Source(
                write_key=src.get("writeKey"),
                auth=src.get("auth") or "none",
                library=src.get("library"),
                library_version=src.get("libraryVersion"),
                user_agent=src.get("userAgent"),
                client=src.get("client"),
            ),
            batch_index=int(batch.get("index") or 0),
            batch_size=int(batch.get("size") or 1),
            dup=bool(env.get("duplicate")),
            lint=[
                Finding(f["rule"], f["severity"], f["message"], f.get("path"))
                for f in env.get("lint") or []
            ],
            original=env.get("original"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, BadLine):
            raise
        raise BadLine(f"{KEY} is not as export --format capture writes it ({exc!r})") from exc
