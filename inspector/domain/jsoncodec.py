"""JSON encoding that is fast (orjson) yet exact: integers beyond 64 bits fall back to stdlib."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import orjson

# orjson turns integers over 64 bits into floats; bodies with a run of 19+ digits go to the
# exact stdlib parser. Mapping every digit to "0" and searching with bytes.find is ~30x faster
# than a regular expression over a 70 KB batch.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19


def _has_long_number(raw: bytes) -> bool:
    return raw.translate(_DIGITS_TO_ZERO).find(_LONG_RUN) != -1


class JSONDecodeError(ValueError):
    """The body is not JSON; ``line``/``column``/``pos`` say where."""

    def __init__(self, message: str, pos: int, line: int, column: int) -> None:
        super().__init__(message)
        self.pos, self.line, self.column = pos, line, column


def loads(data: bytes | str) -> Any:
    """Parse JSON as orjson does (RFC 8259: no ``NaN``/``Infinity``, no lone surrogates,
    at most 1024 levels), exactly for integers beyond 64 bits, and with bytes that are not
    UTF-8 replaced by U+FFFD. Anything else raises :class:`JSONDecodeError` with a position:
    never a value that could not be sent back, never another exception."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if _has_long_number(raw):
        return _loads_exact(raw)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        failure = exc
    text = raw.decode("utf-8", "replace")
    cleaned = text.encode()
    if len(cleaned) != len(raw) or cleaned != raw:
        try:  # the only fault may have been bytes that are not UTF-8: kept, replaced
            return orjson.loads(cleaned)
        except orjson.JSONDecodeError as exc:
            failure = exc
    raise _located(text, failure)


def _located(text: str, failure: json.JSONDecodeError) -> JSONDecodeError:
    """The error to report: the stdlib's message and position where it has one (they are
    more precise), else orjson's."""
    try:
        json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return JSONDecodeError(exc.msg, exc.pos, exc.lineno, exc.colno)
    except _Refused as exc:  # NaN or Infinity, at orjson's position
        return JSONDecodeError(str(exc), failure.pos, failure.lineno, failure.colno)
    except (RecursionError, ValueError):
        pass  # nesting, a lone surrogate or a huge number: orjson's words
    return JSONDecodeError(failure.msg, failure.pos, failure.lineno, failure.colno)


class _Refused(ValueError):
    """A value the stdlib would accept but nothing downstream could keep."""


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON value (numbers must be finite)")


def _exact_int(digits: str) -> int:
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise _Refused(
            f"a number of {len(digits.lstrip('-'))} digits is longer than the {limit} "
            "digits an integer may have here"
        )
    return int(digits)


def _position(text: str, pattern: str) -> tuple[int, int, int]:
    m = re.search(pattern, text)
    pos = m.start() if m else 0
    line = text.count("\n", 0, pos) + 1
    return pos, line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _loads_exact(raw: bytes) -> Any:
    """Bodies with integers beyond 64 bits: the stdlib, held to orjson's rules."""
    text = raw.decode("utf-8", "replace")
    try:
        obj = json.loads(text, parse_constant=_no_constant, parse_int=_exact_int)
    except json.JSONDecodeError as exc:
        raise JSONDecodeError(exc.msg, exc.pos, exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise JSONDecodeError("nesting is too deep", *_position(text, r"[\[{]")) from exc
    except _Refused as exc:
        where = r"\d{400,}" if "digits" in str(exc) else r"NaN|-?Infinity"
        raise JSONDecodeError(str(exc), *_position(text, where)) from exc
    try:  # the stdlib keeps lone surrogates (\ud800), which no encoder can write back
        json.dumps(obj, ensure_ascii=False).encode()
    except UnicodeEncodeError as exc:
        raise JSONDecodeError(
            "a \\u escape is a lone surrogate, not a character",
            *_position(text, r"\\u[dD][89a-fA-F]"),
        ) from exc
    except (RecursionError, ValueError) as exc:
        raise JSONDecodeError(str(exc), 0, 1, 1) from exc
    return obj


def dumps(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:  # integer over 64 bits, or a non-str key
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def dumps_str(obj: Any) -> str:
    return dumps(obj).decode()


def pretty(obj: Any) -> str:
    try:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode()
    except TypeError:
        return json.dumps(obj, ensure_ascii=False, indent=2)
