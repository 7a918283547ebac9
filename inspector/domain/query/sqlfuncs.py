"""SQL functions the compiled queries call, registered on every store connection.

They are the same Python code the predicate uses, so both targets agree by construction.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from typing import Any

from inspector.domain.query.textops import compile_regex, fold, glob_search


def _fold(x: Any) -> Any:
    return fold(x) if isinstance(x, str) else x


def _regexp(pattern: str, ignore_case: int, x: Any) -> int:
    if not isinstance(x, str):
        return 0
    return int(compile_regex(pattern, bool(ignore_case)).search(x))


def _glob(message: Any, chunks: str) -> int:
    """A free-text glob over the case-folded message JSON: its pieces (joined by ``*``) in
    order, found in linear time."""
    if not isinstance(message, str):
        return 0
    return int(glob_search(chunks.split("*"), fold(message)))


@lru_cache(maxsize=256)
def _search_re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


def _search(message: Any, pattern: str) -> int:
    """A regex over the case-folded message JSON (free-text globs)."""
    if not isinstance(message, str):
        return 0
    return int(_search_re(pattern).search(fold(message)) is not None)


def _contains(message: Any, needle: str) -> int:
    """Case-folded substring test (free text shorter than the trigram index can take)."""
    return int(isinstance(message, str) and needle in fold(message))


def register_functions(conn: sqlite3.Connection) -> None:
    """Make a connection able to run :meth:`Query.to_sql` fragments."""
    conn.create_function("q_fold", 1, _fold, deterministic=True)
    conn.create_function("q_regexp", 3, _regexp, deterministic=True)
    conn.create_function("q_search", 2, _search, deterministic=True)
    conn.create_function("q_contains", 2, _contains, deterministic=True)
    conn.create_function("q_glob", 2, _glob, deterministic=True)
