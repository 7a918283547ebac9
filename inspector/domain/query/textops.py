"""Text helpers both compilers share, so that Python and SQL answers agree by construction."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import re2

from inspector.domain import jsoncodec

_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INT64 = (-(2**63), 2**63 - 1)
MISSING: Any = object()


def fold(s: str) -> str:
    """Unicode case folding (``ZOË`` -> ``zoë``, ``Straße`` -> ``strasse``)."""
    return s.casefold()


#: the characters beyond ASCII whose case folding holds ASCII (``ß`` -> ``ss``, ``ſ`` -> ``s``,
#: Kelvin ``K`` -> ``k``, ``ﬁ`` -> ``fi``, ``İ`` -> ``i̇``): the only way a text that does not hold
#: an ASCII needle (case aside) can hold it once folded (tests/domain/query/test_fold_ascii.py
#: checks the list against every code point of this Python's Unicode data)
FOLDS_TO_ASCII = (
    "\u00df\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
    + "".join(chr(c) for c in range(0xFB00, 0xFB07))
)


def folds_into(needle: str) -> bool:
    """Whether folding some character of :data:`FOLDS_TO_ASCII` can make an occurrence of
    ``needle`` (ASCII) in a folded text that the text without folding (ASCII case aside)
    does not hold: only if the needle's occurrence overlaps that character's folded text
    ``f``, i.e. one holds the other, or an end of ``f`` begins or ends the needle (``shirt``:
    ``ſ`` -> ``s`` begins it; ``blue``: no character's folding can take part)."""
    for c in FOLDS_TO_ASCII:
        f = c.casefold()
        if f in needle or needle in f:
            return True
        for k in range(1, len(f)):
            if needle.startswith(f[k:]) or needle.endswith(f[:k]):
                return True
    return False


def json_escape(s: str) -> str:
    """``s`` as it appears inside a JSON string written by the store (without the quotes)."""
    return jsoncodec.dumps_str(s)[1:-1]


def parse_number(s: str) -> int | float | None:
    """A JSON-style number literal, or None. Integers beyond 64 bits become floats."""
    if not _NUMBER.fullmatch(s):
        return None
    if any(c in s for c in ".eE") or len(s) > 20:
        return float(s)  # 5,000 digits: inf, never Python's int-from-string digit limit
    n = int(s)
    return n if _INT64[0] <= n <= _INT64[1] else float(n)


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """``*`` matches any run of characters (newlines too); everything else is literal."""
    return re.compile(".*".join(re.escape(p) for p in pattern.split("*")), re.DOTALL)


def sqlite_glob(pattern: str) -> str:
    """The same glob for SQLite's GLOB: escape its own specials ``?`` and ``[``."""
    out = []
    for c in pattern:
        if c == "?":
            out.append("[?]")
        elif c == "[":
            out.append("[[]")
        else:
            out.append(c)
    return "".join(out)


def json_path(path: tuple[str, ...]) -> str:
    """A SQLite JSON path: keys quoted, all-digit segments index arrays."""
    out = ["$"]
    for seg in path:
        out.append(f"[{int(seg)}]" if seg.isascii() and seg.isdigit() else f'."{seg}"')
    return "".join(out)


def get_path(message: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` (MISSING if absent); all-digit segments index arrays only."""
    cur = message
    for seg in path:
        if seg.isascii() and seg.isdigit():
            if not isinstance(cur, list):
                return MISSING
            i = int(seg)
            if i >= len(cur):
                return MISSING
            cur = cur[i]
        elif isinstance(cur, dict):
            if seg not in cur:
                return MISSING
            cur = cur[seg]
        else:
            return MISSING
    return cur


def column_text(v: Any) -> str | None:
    """How the store writes a message field into its text column (``userId`` 7 -> ``"7"``)."""
    if v is None:
        return None
    return v if isinstance(v, str) else jsoncodec.dumps_str(v)


def glob_full(chunks: Sequence[str], s: str) -> bool:
    """``s`` matches the glob whose literal pieces between ``*`` are ``chunks``: in linear
    time (each piece found leftmost after the previous one), never by backtracking."""
    if len(chunks) == 1:
        return s == chunks[0]
    first, last = chunks[0], chunks[-1]
    if len(s) < len(first) + len(last) or not s.startswith(first) or not s.endswith(last):
        return False
    return _in_order(chunks[1:-1], s, len(first), len(s) - len(last))


def glob_search(chunks: Sequence[str], s: str) -> bool:
    """Some part of ``s`` matches the glob (the pieces occur in order, not overlapping)."""
    return _in_order(chunks, s, 0, len(s))


def _in_order(chunks: Sequence[str], s: str, pos: int, end: int) -> bool:
    for c in chunks:
        if c:
            i = s.find(c, pos, end)
            if i < 0:
                return False
            pos = i + len(c)
    return True


class Regex:
    """A user's regular expression, run by RE2: linear in the text searched, whatever the
    pattern (``/^(a+)+$/`` cannot backtrack for seconds), so no query can stall on one."""

    __slots__ = ("_rx", "pattern")

    def __init__(self, pattern: str, ignore_case: bool) -> None:
        re.compile(pattern)  # Python's parser first: its errors say where (re.error.pos)
        opts = re2.Options()
        opts.log_errors = False
        opts.case_sensitive = not ignore_case
        try:
            self._rx = re2.compile(pattern, opts)
        except re2.error as exc:
            msg = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
            raise ValueError(
                f"{msg} (regexes run in linear time: no look-around or backreferences)"
            ) from None
        self.pattern = pattern

    def search(self, text: str) -> bool:
        try:
            return self._rx.search(text) is not None
        except UnicodeEncodeError:  # a lone surrogate (kept by the stdlib JSON parser)
            return self._rx.search(text.encode("utf-8", "surrogatepass")) is not None


@lru_cache(maxsize=512)
def compile_regex(pattern: str, ignore_case: bool) -> Regex:
    return Regex(pattern, ignore_case)


def non_ascii(col: str) -> str:
    """True for a text that holds a character beyond ASCII (more bytes than characters),
    where NOCASE is not enough: as the partial indexes in store_schema.SCHEMA say it, word
    for word (then SQLite uses them). Cheaper on every insert than ``GLOB '*[^ -~]*'``."""
    return f"length(CAST({col} AS BLOB)) <> length({col})"
