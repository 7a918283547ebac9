"""Which of the auth forms a request used, and masking of credentials for display."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

SECRET_HEADERS = {"authorization", "cookie", "proxy-authorization", "x-api-key"}


def header_key(headers: Mapping[str, str]) -> tuple[str | None, str]:
    """Write key and auth form from the Authorization header (``none`` when absent)."""
    value = headers.get("Authorization") or headers.get("authorization") or ""
    scheme, _, cred = value.strip().partition(" ")
    scheme = scheme.lower()
    cred = cred.strip()
    if scheme == "basic" and cred:
        try:
            decoded = base64.b64decode(cred + "=" * (-len(cred) % 4), validate=False).decode(
                "utf-8", "replace"
            )
        except (binascii.Error, ValueError):
            return None, "basic-invalid"
        if ":" in decoded:
            return decoded.split(":", 1)[0] or None, "basic"
        return decoded or None, "basic-nocolon"
    if scheme == "bearer" and cred:
        return cred, "bearer"
    return None, "none"


def resolve_key(
    headers: Mapping[str, str],
    query: Mapping[str, str],
    envelope: Mapping[str, Any] | None,
    message: Mapping[str, Any] | None,
) -> tuple[str | None, str]:
    """Header auth first, then body ``writeKey`` (envelope or event), then ``?writeKey=``."""
    key, form = header_key(headers)
    if form != "none":
        return key, form
    for holder in (envelope, message):
        if holder is not None:
            wk = holder.get("writeKey")
            if isinstance(wk, str) and wk:
                return wk, "body"
    wk = query.get("writeKey") or query.get("writekey")
    if wk:
        return wk, "query"
    return None, "none"


def mask(value: str) -> str:
    """Keep a hint of a credential (its scheme and last four characters), hide the rest."""
    scheme, sep, cred = value.partition(" ")
    if not sep:
        cred, scheme = value, ""
    tail = cred[-4:] if len(cred) > 8 else ""
    masked = "•" * 8 + tail
    return f"{scheme} {masked}" if scheme else masked


def masked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in headers.items():
        out[k] = mask(v) if k.lower() in SECRET_HEADERS else v
    return out
