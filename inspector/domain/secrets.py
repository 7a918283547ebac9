"""Credentials masked wherever they are shown: write keys, API keys and tokens in query
strings, JSON bodies and messages.

The store keeps what arrived (a query like ``writekey:WK_FULL`` still finds it); everything
that shows a request or an event to a person or a file (the API, exports, reports, logs, the
window) shows a write key as its first and last characters only: ``W••••••1``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, overload

MASK = "•"
# query-string parameters and JSON fields that carry a credential (KISSmetrics: ``_k``)
SECRET_PARAMS = frozenset(
    {"writekey", "write_key", "_k", "api_key", "apikey", "token", "access_token", "key"}
)
SECRET_FIELDS = frozenset({"writeKey", "writekey", "write_key", "apiKey", "api_key"})
_PARAM = re.compile(r"(?<![^?&;\s'\"(])([A-Za-z_]+)=([^&;\s'\"#]*)")
_FIELD = re.compile(r'("(?:' + "|".join(sorted(SECRET_FIELDS)) + r')"\s*:\s*")((?:[^"\\]|\\.)*)(")')


@overload
def mask_key(key: str) -> str: ...
@overload
def mask_key(key: None) -> None: ...
def mask_key(key: str | None) -> str | None:
    """``W••••••1``: a credential's first and last characters (nothing of it when short)."""
    if key is None:
        return None
    if MASK in key:  # masked already (an import of an export): the same again
        return key
    if len(key) < 3:
        return MASK * 6
    return f"{key[0]}{MASK * 6}{key[-1]}"  # six dots whatever the length: it is not shown


def mask_query(query: str) -> str:
    """A raw query string with the values of credential parameters masked (as sent
    otherwise: same order, same percent-encoding)."""
    if not query:
        return query
    return _PARAM.sub(_mask_param, query)


def _mask_param(m: re.Match[str]) -> str:
    name, value = m.group(1), m.group(2)
    if name.lower() not in SECRET_PARAMS or not value:
        return m.group(0)
    return f"{name}={mask_key(value)}"


def mask_json_text(text: str) -> str:
    """JSON text with the string values of credential fields (``"writeKey": "…"``) masked."""
    if '"' not in text:
        return text
    return _FIELD.sub(lambda m: f"{m.group(1)}{mask_key(m.group(2))}{m.group(3)}", text)


def mask_text(text: str) -> str:
    """Free text (a log line, an error message): query parameters and JSON fields."""
    return mask_json_text(mask_query(text))


def mask_fields(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a message with its top-level credential fields masked (and, in the
    ``original`` of a KISSmetrics event, its ``params`` such as ``_k``)."""
    out = dict(obj)
    for k in SECRET_FIELDS & out.keys():
        if isinstance(out[k], str):
            out[k] = mask_key(out[k])
    params = out.get("params")
    if isinstance(params, dict):
        out["params"] = {
            k: mask_key(v) if isinstance(v, str) and k.lower() in SECRET_PARAMS else v
            for k, v in params.items()
        }
    return out
