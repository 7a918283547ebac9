"""Requests as an HTTP Archive (HAR 1.2), the format Chrome DevTools and HAR viewers read.

One entry per request, in arrival order: the request as it arrived (credentials masked in the
headers, the query string and the body) and the answer it got. Written a piece at a time
(:func:`har_chunks`), so a session of any size streams to a file or an HTTP response.
Spec: http://www.softwareishard.com/blog/har-12-spec/
"""

from __future__ import annotations

import base64
import http
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

from inspector import __version__
from inspector.domain import jsoncodec
from inspector.domain.capture import RawRequest, epoch_iso
from inspector.domain.secrets import mask_key

CREATOR = {"name": "Event Inspector", "version": __version__}
# query parameters and body fields that carry a credential (KISSmetrics' API key is ``_k``)
SECRET_PARAMS = frozenset({"writekey", "write_key", "_k", "api_key", "apikey", "token"})
DEFAULT_ORIGIN = "http://127.0.0.1:8787"


def _pairs(d: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in d.items()]


def masked_query(query: str) -> list[tuple[str, str]]:
    return [
        (k, mask_key(v) if k.lower() in SECRET_PARAMS and v else v)
        for k, v in parse_qsl(query, keep_blank_values=True)
    ]


def _query_string(pairs: list[tuple[str, str]]) -> str:
    return urlencode(pairs)


def _mask_fields(obj: Any) -> tuple[Any, bool]:
    """``writeKey``-like fields of a JSON body (the envelope and each batch item) masked."""
    changed = False
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if isinstance(k, str) and k.lower() in SECRET_PARAMS and isinstance(v, str) and v:
                out[k] = mask_key(v)  # first and last characters, as everywhere
                changed = True
            elif k == "batch" and isinstance(v, list):
                items = [_mask_fields(i) for i in v]
                out[k] = [i for i, _ in items]
                changed = changed or any(c for _, c in items)
            else:
                out[k] = v
        return out, changed
    return obj, False


def masked_body(raw: RawRequest) -> tuple[str, str | None]:
    """The body as text for ``postData.text`` (and ``"base64"`` when it is not text), with
    credentials in it masked. A body the collector could read is kept decoded; a rejected one
    as it arrived."""
    body = raw.body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(body).decode(), "base64"
    ctype = raw.content_type.lower()
    if "x-www-form-urlencoded" in ctype and not text.lstrip().startswith("{"):
        return _query_string(masked_query(text)), None
    if "writekey" not in text.lower() and "_k" not in text:
        return text, None
    try:
        data = jsoncodec.loads(body)
    except (jsoncodec.JSONDecodeError, ValueError, RecursionError):
        return text, None
    masked, changed = _mask_fields(data)
    return (jsoncodec.dumps_str(masked), None) if changed else (text, None)


def origin_of(raw: RawRequest, default: str = DEFAULT_ORIGIN) -> str:
    """``http://host:port`` the client sent the request to (its ``Host`` header)."""
    for k, v in raw.headers.items():
        if k.lower() == "host" and v:
            return f"http://{v}"
    return default


def entry(raw: RawRequest, origin: str | None = None) -> dict[str, Any]:
    """One HAR entry for a stored request (with its body)."""
    query = masked_query(raw.query)
    # the query string as sent, unless a credential in it had to be masked
    qs = (
        raw.query if query == parse_qsl(raw.query, keep_blank_values=True) else _query_string(query)
    )
    url = (origin or origin_of(raw)) + raw.path + (f"?{qs}" if qs else "")
    request: dict[str, Any] = {
        "method": raw.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _pairs(raw.headers),
        "queryString": [{"name": k, "value": v} for k, v in query],
        "headersSize": -1,
        "bodySize": raw.size,
    }
    if raw.body or raw.method not in ("GET", "HEAD"):
        text, encoding = masked_body(raw)
        post: dict[str, Any] = {"mimeType": raw.content_type or "", "text": text}
        if encoding:
            post["_encoding"] = encoding  # not in HAR 1.2: a body that is not text
        request["postData"] = post
    answer = raw.answer or {}
    status = int(answer.get("status") or raw.status or 0)
    headers = dict(answer.get("headers") or {})
    body = str(answer.get("body") or "")
    content: dict[str, Any] = {
        "size": len(base64.b64decode(body)) if answer.get("bodyEncoding") else len(body.encode()),
        "mimeType": headers.get("Content-Type", ""),
        "text": body,
    }
    if answer.get("bodyEncoding"):
        content["encoding"] = answer["bodyEncoding"]
    wait = float(raw.duration_ms or 0.0)
    ext: dict[str, Any] = {
        "requestId": raw.id,
        "session": raw.session_id,
        "client": raw.client,
        "eventCount": raw.event_count,
        "rejected": raw.rejected,
        "fault": raw.fault,
        "error": {"code": raw.error_code, "message": raw.error} if raw.error_code else None,
        "upstream": raw.upstream,
    }
    if raw.content_encoding:
        # the body above is decoded (a rejected one excepted); this is how it was sent
        ext["contentEncoding"] = raw.content_encoding
    return {
        "startedDateTime": epoch_iso(raw.received_at),
        "time": wait,
        "request": request,
        "response": {
            "status": status,
            "statusText": _reason(status),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(headers),
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": content["size"],
        },
        "cache": {},
        "timings": {"blocked": -1, "dns": -1, "connect": -1, "send": 0, "wait": wait, "receive": 0},
        "_inspector": ext,
    }


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def har_head(comment: str = "") -> str:
    """The HAR document's text up to its first entry."""
    head: dict[str, Any] = {"version": "1.2", "creator": CREATOR, "pages": []}
    if comment:
        head["comment"] = comment
    opening = jsoncodec.dumps_str({"log": head})
    return opening[: -len("}}")] + ',"entries":['


HAR_TAIL = "\n]}}\n"


def har_entries(requests: Iterable[RawRequest], *, first: bool) -> Iterator[str]:
    """Entries as text pieces; ``first``: the first of them opens the list (no comma)."""
    for raw in requests:
        yield ("" if first else ",") + "\n" + jsoncodec.dumps_str(entry(raw))
        first = False


def har_chunks(requests: Iterable[RawRequest], comment: str = "") -> Iterator[str]:
    """The HAR document as text pieces, one entry a piece (join them for the whole file)."""
    yield har_head(comment)
    yield from har_entries(requests, first=True)
    yield HAR_TAIL
