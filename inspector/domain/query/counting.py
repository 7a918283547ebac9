"""How many events of a session match a query: the same number as counting the rows its SQL
selects (``SELECT COUNT(*) ... WHERE <where>``), found by cheaper reads where the query's
shape allows:

* **A lone numeric comparison** (``properties.revenue:>10``) **or** ``has:path``: the number
  index (query/numindex.py) or the shape index (query/shapeindex.py) answers it exactly for
  the events it covers, the exact test only for the events not indexed yet; the rows are not
  read (``Reader.count_indexed``, when the session is one range of ids).
* **One negated term in an AND** (``type:track -event:"Order Completed" -lint:none``, or a
  bare ``-x``): the count without it less the count with it (a negated term is two-valued in
  SQL, ``NOT IFNULL(x, 0)``, so that is exact). Both read an index where the negated form
  would test each row (``NOT IFNULL(event IN (...), 0)`` for 700k rows of an index range:
  three times the read). Negated lint and dup terms are not split: they cost no more than
  their positive form.
* **Free text that no index narrows** (a common term: ``blue shirt`` is in 70% of a
  session): the rows are read anyway, so they are read as a range of the table, in id order,
  when the session is one range of ids (:data:`ROWS`), not through the session index, which
  looks every row up in the table on its own (at 1M events that lookup was half the count);
  a long range in two halves at once, on the reader's connection and a second one of its
  own (domain/store_twin.py: one state of the store for both). Its words are tested by
  LIKE alone where Unicode folding cannot make a match LIKE misses (sqlcompile.contains).
* **A lint severity in an AND** (``event:"Coupon Applied" lint:warning``): "has a warning"
  is "at level warning, or above it with a warning among the findings"; the two are counted
  apart (they are disjoint). The first reads the index alone; the second reads the findings
  of the events above the level only, where the term whole would look up every event's
  findings (an event's row for its findings id: 470 against ~30 ms at 1M).
* Anything else: the plain count.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from inspector.domain.query import numindex, shapeindex
from inspector.domain.query.ast import (
    And,
    Compare,
    DupTerm,
    FreeText,
    HasTerm,
    LintTerm,
    MatchAll,
    Node,
    Not,
    Or,
    PathTerm,
)
from inspector.domain.query.ftsindex import TABLE as FTS_TABLE
from inspector.domain.query.pycompile import MatchContext
from inspector.domain.query.sqlcompile import compile_sql


class Counter(Protocol):
    """What counting asks of a store reader (:class:`~inspector.domain.store_read.Reader`)."""

    def count(self, session_id: int, where: str = "", params: Sequence[Any] = ()) -> int: ...

    def count_indexed(
        self, session_id: int, index: Any, where: str, params: Sequence[Any] = ()
    ) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Numbers:
    """``key op number`` in the number index."""

    key: str
    op: str
    number: float

    def progress(self, conn: sqlite3.Connection) -> int:
        return numindex.progress(conn)

    def count(self, conn: sqlite3.Connection, ids: tuple[int, int] | None) -> int | None:
        return numindex.count_matches(conn, self.key, self.op, self.number, ids)


@dataclass(frozen=True, slots=True)
class Paths:
    """``has:key`` in the shape index."""

    key: str

    def progress(self, conn: sqlite3.Connection) -> int:
        return shapeindex.progress(conn)

    def count(self, conn: sqlite3.Connection, ids: tuple[int, int] | None) -> int | None:
        return shapeindex.count_having(conn, self.key, ids)


@dataclass(frozen=True, slots=True)
class Rows:
    """No index: every event of the session is tested by its row (``count_indexed`` reads
    them as the id range of the session)."""

    def progress(self, conn: sqlite3.Connection) -> int:
        return 0

    def count(self, conn: sqlite3.Connection, ids: tuple[int, int] | None) -> int | None:
        return None


ROWS = Rows()


def free_text_only(node: Node) -> bool:
    """Whether ``node`` is free text (terms, their negations, AND and OR of them)."""
    if isinstance(node, FreeText):
        return True
    if isinstance(node, Not):
        return free_text_only(node.item)
    if isinstance(node, (And, Or)):
        return all(free_text_only(i) for i in node.items)
    return False


def id_index(node: Node) -> Numbers | Paths | None:
    """The index that answers ``node`` alone, if one does."""
    if isinstance(node, PathTerm) and isinstance(node.value, Compare):
        key = numindex.path_key(node.path)
        number = node.value.number
        if key is not None and number is not None:
            return Numbers(key, node.value.op, number)
    if isinstance(node, HasTerm):
        key = numindex.path_key(node.path)
        if key is not None:
            return Paths(key)
    return None


def count(
    reader: Counter,
    session_id: int,
    node: Node,
    ctx: MatchContext | None,
    compiled: tuple[str, Sequence[Any]] | None = None,
) -> int:
    """Matches of ``node`` in the session; ``compiled`` is its SQL when the caller has it."""
    index = id_index(node)
    if index is not None:
        where, params = compiled or compile_sql(node, ctx)
        n = reader.count_indexed(session_id, index, where, params)
        if n is not None:
            return n
    if free_text_only(node):
        where, params = compiled or compile_sql(node, ctx)
        if f"{FTS_TABLE} MATCH" not in where:  # no candidates: every row is read
            n = reader.count_indexed(session_id, ROWS, where, params)
            if n is not None:
                return n
    split = split_negation(node)
    if split is not None:
        rest, positive = split
        return count(reader, session_id, rest, ctx) - count(reader, session_id, positive, ctx)
    levels = split_severity(node)
    if levels is not None:
        return sum(count(reader, session_id, part, ctx) for part in levels)
    where, params = compiled or compile_sql(node, ctx)
    return reader.count(session_id, where, params)


def split_negation(node: Node) -> tuple[Node, Node] | None:
    """``(rest, rest AND x)`` for ``rest AND -x`` (or ``-x`` alone: rest matches all) with one
    such ``-x`` whose ``x`` is not a lint or dup term; else None."""
    items = node.items if isinstance(node, And) else (node,)
    negated = [i for i, n in enumerate(items) if isinstance(n, Not) and not _cheap_negation(n.item)]
    if len(negated) != 1:
        return None
    at = negated[0]
    inner = items[at]
    assert isinstance(inner, Not)
    others = items[:at] + items[at + 1 :]
    rest: Node = MatchAll() if not others else others[0] if len(others) == 1 else And(others)
    positive: Node = inner.item if not others else And((*others, inner.item))
    return rest, positive


def split_severity(node: Node) -> tuple[Node, Node] | None:
    """``(rest AND level = L, rest AND level > L AND lint:L)`` for ``rest AND lint:L`` (or
    ``lint:L`` alone) with L below error and no other lint term; else None."""
    items = node.items if isinstance(node, And) else (node,)
    lints = [n for n in items if isinstance(n, LintTerm)]
    if len(lints) != 1 or lints[0].op != "has" or lints[0].level >= 3:
        return None
    term = lints[0]
    rest = tuple(n for n in items if n is not term)
    at = (*rest, LintTerm(">=", term.level), LintTerm("<=", term.level))
    above = (*rest, LintTerm(">", term.level), term)
    return And(at), And(above)


def _cheap_negation(node: Node) -> bool:
    return isinstance(node, (LintTerm, DupTerm))
