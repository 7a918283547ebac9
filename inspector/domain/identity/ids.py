"""Identifier checks shared by every mode: placeholders, UUID shape, PII-looking user ids."""

from __future__ import annotations

import re

# E020: blank or placeholder values (Segment Unify blocked values, PostHog's illegal
# distinct ids, KISSmetrics "squishing" constants, Amplitude's "never set None").
_ILLEGAL_FOLDED = frozenset(
    {
        "anonymous",
        "guest",
        "distinctid",
        "distinct_id",
        "id",
        "not_authenticated",
        "email",
        "undefined",
        "true",
        "false",
        "null",
        "none",
        "nil",
        "nan",
        "[object object]",
        "-1",
        "unknown",
        "n/a",
    }
)
_ILLEGAL_EXACT = frozenset({"[object Object]", "NaN", "None", "none", "null", "0", "undefined"})
_ZEROS = re.compile(r"^[0-]*$")
_UUID4 = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?4[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}$"
)
_UUID_ANY = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")

AMPLITUDE_MIN_ID_LENGTH = 5


def is_placeholder(value: str) -> bool:
    """True for ids that would merge unrelated users (E020): blank, ``null``, ``0``, ``"null"``…"""
    v = value.strip()
    if not v:
        return True
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        v = v[1:-1].strip()
        if not v:
            return True
    if v in _ILLEGAL_EXACT or v.casefold() in _ILLEGAL_FOLDED:
        return True
    return bool(_ZEROS.match(v))


def is_uuid(value: str) -> bool:
    return bool(_UUID_ANY.match(value))


def is_uuid4(value: str) -> bool:
    return bool(_UUID4.match(value))


def looks_like_pii(value: str) -> str | None:
    """``"email"`` or ``"phone"`` when a userId looks like personal data (W077), else None."""
    if "@" in value and _EMAIL.match(value):
        return "email"
    if _PHONE.match(value) and sum(c.isdigit() for c in value) >= 7 and not value.isdigit():
        return "phone"
    return None


def fold(value: str) -> str:
    """The form two ids share when they differ only in case or surrounding whitespace (W019)."""
    return value.strip().casefold()
