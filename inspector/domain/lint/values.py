"""Cheap value checks shared by the rules: JSON type names, ISO-8601 shapes, emails, ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

# RFC 3339 profile of the reference (§1.4), with the designator optional so that a missing
# timezone (W005) can be told apart from a value that is not a date at all (E012).
ISO_RE = re.compile(
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d"
    r"(?::[0-5]\d(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?"
)
# ISO_RE split where a UTC value with seconds ("...T10:31:19" + ".522Z" or "Z") splits: for a
# string of 20 or more characters ending in "Z" whose 20th is "." or "Z", ISO_RE matches it
# exactly when ISO_SECONDS_RE matches its first 19 characters and ISO_UTC_TAIL_RE the rest
ISO_SECONDS_RE = re.compile(
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
)
ISO_UTC_TAIL_RE = re.compile(r"(?:\.\d{1,9})?Z")
DATE_ONLY_RE = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])")
UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
    r"[0-9a-fA-F]{12}"
)
CURRENCY_RE = re.compile(r"[A-Z]{3}")
LOCALE_RE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
TIMEZONE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-:]*(?:/[A-Za-z0-9_+\-:]+)*")
PHONE_RE = re.compile(r"\+?[\d\s().\-]{7,}")

_JSON_NAMES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
    dict: "object",
    list: "array",
}


def json_type(value: Any) -> str:
    """The JSON type of a decoded value; int and float are both "number"."""
    t = type(value)
    if t is int or t is float:
        return "number"
    return _JSON_NAMES.get(t, t.__name__)


def json_type_exact(value: Any) -> str:
    """Like :func:`json_type` but says "integer" for ints (for plan messages)."""
    return _JSON_NAMES.get(type(value), type(value).__name__)


def is_number(value: Any) -> bool:
    t = type(value)
    return t is int or t is float


def is_integer(value: Any) -> bool:
    t = type(value)
    return t is int or (t is float and value.is_integer())


def iso_status(value: Any) -> str:
    """'ok', 'notz' (no timezone designator) or 'bad' for a timestamp value."""
    if type(value) is not str:
        return "bad"
    m = ISO_RE.fullmatch(value)
    if m is None:
        return "bad"
    return "ok" if m.group(1) else "notz"


def is_date_like(value: Any) -> bool:
    """An ISO date-time (any designator) or a date-only ``YYYY-MM-DD`` string."""
    return type(value) is str and (
        ISO_RE.fullmatch(value) is not None or DATE_ONLY_RE.fullmatch(value) is not None
    )


def parse_ts(value: Any) -> float | None:
    """Epoch seconds of an ISO-8601 string (naive = UTC), or None."""
    if type(value) is not str:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def is_email(value: Any) -> bool:
    if type(value) is not str:
        return False
    at = value.find("@")
    if at <= 0 or value.find("@", at + 1) != -1 or " " in value:
        return False
    dot = value.rfind(".")
    return at + 1 < dot < len(value) - 1


def looks_like_phone(value: str) -> bool:
    """Formatted like a phone number (a bare run of digits is a database id, not a phone)."""
    if value.isdigit() or PHONE_RE.fullmatch(value) is None:
        return False
    return sum(c.isdigit() for c in value) >= 7 and ("-" not in value[4:5] or value[0] == "+")


def short(value: Any, limit: int = 40) -> str:
    """A value for a message, shortened."""
    s = value if isinstance(value, str) else repr(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"
