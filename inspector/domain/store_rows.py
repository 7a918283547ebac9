"""Events and requests as store rows, and back: the one place that knows the column order.

An event row is written as :data:`~inspector.domain.store_write.EVENT_ASSIGNED` (what a
write transaction assigns: id, seq, request id, duplicate flag) followed by its *body*
(:func:`event_body`, built before the transaction; on the ingest path in two halves: the
prepare worker reads what it needs of the event, :func:`pre_body`, and the store worker makes
the body of that, :func:`body_of`).
In a body, the ``source_id`` place holds the source itself (:data:`SOURCE_COLUMNS` order);
the transaction turns it into the id of its ``sources`` row (:meth:`Txn.insert`), and leaves
out the messageId at its end (the store reads it from the message). Reads
select :data:`~inspector.domain.store_schema.EVENT_COLUMNS` (the source's columns joined
in) and :func:`event_from_row` makes the event.

Each message is serialised once (:func:`dumps`): exact for integers beyond 64 bits, and a
message nested deeper than orjson serialises (255 levels) is kept to :data:`KEEP_DEPTH`
levels, the rest replaced by a note (the stored request keeps the body whole), so that no
reader of the store ever has to recurse that deep.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson

from inspector.domain import jsoncodec
from inspector.domain.capture import CapturedEvent, Finding, RawRequest, Source
from inspector.domain.store_body import unpack as unpack_body
from inspector.domain.store_schema import REQUEST_COLUMNS, at_of

KEEP_DEPTH = 100
_CLIPPED = "…(nested deeper than {} levels: not kept here; the request's body has it whole)"

SourceKey = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


class TooDeep(ValueError):
    pass


def dumps(obj: Any) -> str:
    """JSON text, exact for big integers; :class:`TooDeep` past what orjson nests."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError as exc:
        if "ecursion" in str(exc):
            raise TooDeep(str(exc)) from exc
    try:  # an integer over 64 bits: the stdlib is exact
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    except RecursionError as exc:
        raise TooDeep(str(exc)) from exc


def clip(obj: Any, limit: int = KEEP_DEPTH) -> Any:
    """A copy of ``obj`` with containers below ``limit`` levels replaced by a note."""
    note = _CLIPPED.format(limit)

    def copy(o: Any, depth: int) -> Any:
        if o.__class__ is dict:
            if depth >= limit:
                return note
            return {k: copy(v, depth + 1) for k, v in o.items()}
        if o.__class__ is list:
            if depth >= limit:
                return note
            return [copy(v, depth + 1) for v in o]
        return o

    return copy(obj, 1)


def _text(v: Any) -> str | None:
    """A column copied from the message: strings as they are, anything else as JSON."""
    if v is None or v.__class__ is str:
        return v
    try:
        return dumps(v)
    except TooDeep:
        return dumps(clip(v, 10))


def source_key(s: Source) -> SourceKey:
    """A source as the ``sources`` table keeps it (:data:`SOURCE_COLUMNS` order)."""
    return (s.write_key, s.auth, s.library, s.library_version, s.client, s.user_agent)


def source_of(key: Sequence[Any]) -> Source:
    write_key, auth, lib, lib_version, client, user_agent = key
    return Source(
        write_key=write_key,
        auth=auth,
        library=lib,
        library_version=lib_version,
        client=client,
        user_agent=user_agent,
    )


def _kept(v: Any) -> str | None:
    """What the store keeps of a userId or anonymousId beside the message, which it reads the
    value from (a virtual column, ``json_extract``): nothing for a plain string (SQLite reads
    it the same, but for NUL characters) or none; else the value as :func:`_text` gives it."""
    if v is None or (v.__class__ is str and "\x00" not in v):
        return None
    return _text(v)


def lint_text(findings: Sequence[Finding]) -> str | None:
    return dumps([f.to_dict() for f in findings]) if findings else None


def lint_of(text: str | None) -> list[Finding]:
    if not text:
        return []
    return [
        Finding(f["rule"], f["severity"], f["message"], f.get("path"))
        for f in jsoncodec.loads(text)
    ]


def _placed(text: str, kept: str | None, value: Any) -> tuple[str | None, int | None]:
    """``(kept, at)`` of a messageId, userId or anonymousId: what is kept already stays; a
    value the message holds as it is is read by where it is (:func:`at_of`), or kept when
    the text does not hold it character for character."""
    if kept is not None or value is None:
        return kept, None
    at = at_of(text, value)
    return (value, None) if at is None else (None, at)


def pre_body(
    ev: CapturedEvent, text: str, original: str | None, lint: str | None
) -> tuple[Any, ...]:
    """What :func:`body_of` makes an event's row of (:data:`PRE_COLUMNS` order): the values
    read from the event and its message, its message's and original's JSON (``text``,
    ``original``) and its findings' (``lint``); flat, so that the prepare worker hands it to
    the store worker cheaply, which does the rest (:func:`body_of`) while the next step is
    prepared."""
    g = ev.message.get
    return (
        ev.session_id,
        ev.received_at,
        ev.timestamp,
        ev.type,
        g("event"),
        g("name"),
        g("userId"),
        g("anonymousId"),
        g("previousId"),
        g("groupId"),
        g("messageId"),
        ev.message_id,
        ev.generated_message_id,
        ev.batch_index,
        ev.batch_size,
        ev.lint_level if ev.lint else 0,
        text,
        original,
        source_key(ev.source),
        lint,
    )


#: the order of :func:`pre_body`'s values
PRE_COLUMNS = (
    "session_id",
    "received_at",
    "timestamp",
    "type",
    "event",
    "name",
    "userId",
    "anonymousId",
    "previousId",
    "groupId",
    "messageId",  # as the message holds it (any value, or None)
    "message_id",  # the event's (the message's, or one made for it)
    "generated_mid",
    "batch_index",
    "batch_size",
    "lint_level",
    "message",
    "original",
    "source",
    "lint",
)


def body_of(pre: tuple[Any, ...]) -> tuple[Any, ...]:
    """The event's row but what a write transaction assigns (``BODY_COLUMNS`` order: its
    source's key and its findings' JSON last), from what :func:`pre_body` read of it. The
    messageId is kept (``mid_kept``) only when the message does not hold it as it is, the
    userId and anonymousId only when it does not hold them as plain strings (:func:`_kept`);
    else the store reads them out of the text by where they are (``*_at``; kept where the
    JSON text escapes them). A column that is mostly NULL holds 0 or -1 for it
    (:data:`~inspector.domain.store_write.NULL_AS`: the insert makes it NULL)."""
    (
        session_id,
        received_at,
        timestamp,
        typ,
        event,
        name,
        uid,
        aid,
        previous,
        group,
        message_mid,
        mid,
        generated,
        batch_index,
        batch_size,
        level,
        text,
        original,
        source,
        lint,
    ) = pre
    mid_kept, mid_at = _placed(text, None if message_mid == mid else mid, mid)
    uid_kept, uid_at = _placed(text, _kept(uid), uid)
    aid_kept, aid_at = _placed(text, _kept(aid), aid)
    event, name = _text(event), _text(name)
    previous, group = _text(previous), _text(group)
    # (0 and -1 for NULL: store_write.NULL_AS)
    return (
        session_id,
        received_at,
        timestamp,
        typ,
        0 if event is None else event,
        0 if name is None else name,
        0 if uid_kept is None else uid_kept,
        0 if aid_kept is None else aid_kept,
        0 if previous is None else previous,
        0 if group is None else group,
        0 if mid_kept is None else mid_kept,
        -1 if mid_at is None else mid_at,
        -1 if uid_at is None else uid_at,
        -1 if aid_at is None else aid_at,
        int(generated),
        batch_index,
        batch_size,
        level,
        text,
        0 if original is None else original,
        source,
        lint,
        mid,
    )


def event_body(
    ev: CapturedEvent, text: str, original: str | None, lint: str | None
) -> tuple[Any, ...]:
    """The event's row but what a write transaction assigns (:func:`body_of`)."""
    return body_of(pre_body(ev, text, original, lint))


def stored_body(ev: CapturedEvent) -> tuple[Any, ...]:
    """:func:`event_body` of an event whose message is not serialised yet (tools, tests)."""
    original = dumps(ev.original) if ev.original is not None else None
    return event_body(ev, dumps(ev.message), original, lint_text(ev.lint))


def event_from_row(row: Sequence[Any]) -> CapturedEvent:
    """An event from a row of ``EVENT_COLUMNS`` (positional: this runs for every event read,
    so it builds no dict per row)."""
    (
        eid,
        session_id,
        seq,
        received_at,
        ts,
        typ,
        _event,
        _name,
        _uid,
        _aid,
        _prev,
        _gid,
        message_id,
        generated_mid,
        write_key,
        auth,
        lib,
        lib_version,
        client,
        user_agent,
        request_id,
        batch_index,
        batch_size,
        dup,
        _level,
        lint,
        message,
        original,
    ) = row
    return CapturedEvent(
        id=eid,
        session_id=session_id,
        seq=seq,
        received_at=received_at,
        timestamp=ts,
        type=typ,
        message=jsoncodec.loads(message),
        original=jsoncodec.loads(original) if original else None,
        message_id=message_id,
        generated_message_id=bool(generated_mid),
        source=Source(
            write_key=write_key,
            auth=auth,
            library=lib,
            library_version=lib_version,
            client=client,
            user_agent=user_agent,
        ),
        request_id=request_id,
        batch_index=batch_index,
        batch_size=batch_size,
        dup=bool(dup),
        lint=lint_of(lint),
    )


def request_row(r: RawRequest) -> tuple[Any, ...]:
    return (
        r.id,
        r.session_id,
        r.received_at,
        r.method,
        r.path,
        r.query,
        jsoncodec.dumps_str(r.headers),
        r.content_type,
        r.content_encoding,
        r.size,
        r.body,
        r.status,
        r.error_code,
        r.error,
        int(r.rejected),
        r.fault,
        r.event_count,
        r.client,
        r.duration_ms,
        jsoncodec.dumps_str(r.answer) if r.answer is not None else None,
        jsoncodec.dumps_str(r.upstream) if r.upstream is not None else None,
        r.auth,
        r.write_key,
    )


def request_from_row(row: Sequence[Any]) -> RawRequest:
    d = dict(zip(REQUEST_COLUMNS, row, strict=True))
    return RawRequest(
        id=d["id"],
        session_id=d["session_id"],
        received_at=d["received_at"],
        method=d["method"],
        path=d["path"],
        query=d["query"] or "",
        headers=jsoncodec.loads(d["headers"] or "{}"),
        content_type=d["content_type"] or "",
        content_encoding=d["content_encoding"] or "",
        size=d["size"] or 0,
        body=unpack_body(d["body"]),
        status=d["status"],
        error_code=d["error_code"],
        error=d["error"],
        rejected=bool(d["rejected"]),
        fault=d["fault"],
        event_count=d["event_count"],
        client=d["client"],
        duration_ms=d["duration_ms"],
        answer=jsoncodec.loads(d["answer"]) if d["answer"] else None,
        upstream=jsoncodec.loads(d["upstream"]) if d["upstream"] else None,
        auth=d["auth"],
        write_key=d["write_key"],
    )
