"""From an inbox row to the request and the events it carries (the second and last parse).

The collector parsed the body once to answer (a request that is not JSON is answered 400 and
kept as rejected); here, in a worker, it is parsed again and split: batch items merged with
their envelope, dialects normalised, write key, client and time resolved
(:func:`~inspector.domain.intake.build_events`). KISSmetrics calls (route ``km/e``...) are
turned into Segment messages the same way. Nothing here can lose a request: what cannot be
built is kept as a rejected request that says why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from inspector.domain import jsoncodec
from inspector.domain.auth import header_key
from inspector.domain.capture import CapturedEvent, RawRequest, Source
from inspector.domain.clients import detect_client
from inspector.domain.errors import IntakeError
from inspector.domain.intake import Parsed, build_events, parse_body
from inspector.domain.kissmetrics import KM_ROUTES, api_key, original_of, params_dict, to_message
from inspector.ingest.records import KM_PREFIX

log = logging.getLogger(__name__)
Row = tuple[Any, ...]


class Headers(dict[str, str]):
    """Headers as kept, looked up case-insensitively (as HTTP says they are)."""

    def __init__(self, items: Mapping[str, str]) -> None:
        super().__init__(items)
        self._folded = {k.lower(): v for k, v in items.items()}

    def get(self, key: str, default: Any = None) -> Any:
        return self._folded.get(key.lower(), default)


def request_of(row: Sequence[Any]) -> tuple[RawRequest, Headers, str, tuple[str | None, str]]:
    """The request an inbox row keeps, its headers, route and header auth (key, form)."""
    (
        _id,
        session_id,
        received_at,
        route,
        method,
        path,
        query,
        headers_json,
        ctype,
        cenc,
        size,
        body,
        status,
        error_code,
        error,
        rejected,
        fault,
        event_count,
        duration_ms,
        answer,
        auth_key,
        auth_form,
    ) = row
    headers = Headers(jsoncodec.loads(headers_json or "{}"))
    if auth_form is None:  # a row written by an earlier version kept the header as sent
        auth_key, auth_form = header_key(headers)
    raw = RawRequest(
        session_id=session_id,
        received_at=received_at,
        method=method,
        path=path,
        query=query or "",
        headers=dict(headers),
        content_type=ctype or "",
        content_encoding=cenc or "",
        size=size or 0,
        body=bytes(body or b""),
        status=status,
        error_code=error_code,
        error=error,
        rejected=bool(rejected),
        fault=fault,
        event_count=event_count,
        duration_ms=duration_ms,
        answer=jsoncodec.loads(answer) if answer else None,
        client=request_client(headers),
    )
    if auth_form != "none":  # the request keeps its Authorization form and write key
        raw.auth, raw.write_key = auth_form, auth_key
    return raw, headers, route, (auth_key, auth_form)


def request_client(headers: Mapping[str, str]) -> str | None:
    """The client a request without events came from, as far as its headers tell."""
    return detect_client(Source(), headers, None, {})


def build_request(row: Sequence[Any]) -> tuple[RawRequest, list[CapturedEvent]]:
    """An inbox row as the request and the events it carries (not yet stored)."""
    raw, headers, route, auth = request_of(row)
    if raw.rejected:
        return raw, []
    try:
        if route.startswith(KM_PREFIX):
            events = _kissmetrics(raw, headers, route[len(KM_PREFIX) :], auth)
        else:
            events = build_events(
                parse_body(route, raw.body),
                session_id=raw.session_id,
                received_at=raw.received_at,
                headers=headers,
                query=dict(parse_qsl(raw.query, keep_blank_values=True)),
                header_auth=auth,
            )
    except IntakeError as err:  # the collector parsed it before; kept visible regardless
        return rejected(raw, err.code, err.message), []
    except Exception as exc:  # a bug of ours must not lose the request: keep it, say why
        log.exception("could not process request")
        return rejected(raw, "internal_error", f"could not process this request: {exc!r}"), []
    if events and events[0].source.client:
        raw.client = events[0].source.client
    if raw.status >= 300:  # answered with an injected fault: the client sends them again
        return raw, []
    raw.event_count = len(events)
    return raw, events


def rejected(raw: RawRequest, code: str, message: str) -> RawRequest:
    raw.rejected, raw.error_code = True, code
    raw.error = f"Event Inspector {message}" if code == "internal_error" else message
    return raw


def _kissmetrics(
    raw: RawRequest, headers: Headers, route: str, auth: tuple[str | None, str]
) -> list[CapturedEvent]:
    """A KISSmetrics call (``/e``, ``/s``, ``/a``: query string, or a form body) as one event
    whose ``original`` is the call as it came."""
    pairs = parse_qsl(raw.query, keep_blank_values=True)
    if raw.method == "POST" and raw.body:
        pairs += parse_qsl(raw.body.decode("utf-8", "replace"), keep_blank_values=True)
    params = params_dict(pairs)
    key = api_key(params)
    events = build_events(
        Parsed([to_message(route, params)], None, KM_ROUTES[route][0]),
        session_id=raw.session_id,
        received_at=raw.received_at,
        headers=headers,
        query={"writeKey": key} if key else {},
        header_auth=auth,
    )
    for ev in events:
        ev.original = original_of(route, params)
    return events
