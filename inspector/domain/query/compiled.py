"""The one door: ``compile_query(q, identity)`` turns a query string into everything a consumer
needs, the same way for all of them (``/api/events``, ``/api/wait``, ``/api/assert``, the QA
misses, ``/api/export``, CLI ``export --q``, the pytest plugin through the API, the window).

    cq = compile_query('user:u1 type:track', graph)
    cq.where, cq.params          # SQL over ``events`` for what is stored
    cq.matches(event)            # the same answer for an event as it arrives

``identity`` is where ``user:X`` finds the other ids of X's person: an object with
``identifiers_of(value) -> set[str]`` (an :class:`~inspector.domain.identity.IdentityGraph`), a
function returning one (called only when the query has a ``user:`` term, so a query without one
never builds or updates a graph), or None (``user:X`` then means just X).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from inspector.domain.capture import CapturedEvent
from inspector.domain.query import counting
from inspector.domain.query.api import Query, parse
from inspector.domain.query.errors import QueryError
from inspector.domain.query.pycompile import MatchContext


@runtime_checkable
class IdentityLookup(Protocol):
    def identifiers_of(self, value: str) -> set[str]: ...


IdentitySource = IdentityLookup | Callable[[], IdentityLookup | None] | None


class IndexStats(Protocol):
    """What the SQL plan asks a store reader (:class:`~inspector.domain.store_read.Reader`):
    how common a trigram is in the free-text index, how many candidates a comparison has in
    the number index (both counted up to ``cap``), how many events have a path."""

    def fts_docs(self, gram: str, cap: int) -> int: ...

    def num_rows(self, key: str, op: str, value: float, cap: int) -> int: ...

    def shape_rows(self, key: str) -> tuple[int, int, int] | None: ...


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A query compiled for one identity: SQL for the store, a predicate for live events."""

    text: str
    query: Query
    ctx: MatchContext
    where: str
    params: tuple[Any, ...]

    @property
    def matches_all(self) -> bool:
        return self.query.matches_all

    @property
    def uses_identity(self) -> bool:
        return self.query.uses_identity

    def matches(self, ev: CapturedEvent) -> bool:
        return self.query.matches(ev, self.ctx)

    def count(self, reader: counting.Counter, session_id: int) -> int:
        """How many events of the session match: what ``reader.count(session_id, where,
        params)`` says, read more cheaply where the query's shape allows (query/counting.py).
        Every door counts through this."""
        return counting.count(
            reader, session_id, self.query.ast, self.ctx, (self.where, self.params)
        )

    def and_where(self, extra: str, *extra_params: Any) -> tuple[str, list[Any]]:
        """This query's SQL AND ``extra`` (e.g. ``id > ?``), with both parameter lists."""
        where = f"({self.where}) AND {extra}" if self.where else extra
        return where, [*self.params, *extra_params]


def resolve_identity(identity: IdentitySource) -> IdentityLookup | None:
    if identity is None or isinstance(identity, IdentityLookup):
        return identity
    return identity()


MAX_TERMS = 900  # AND/OR in one query's SQL (SQLite nests an expression 1000 deep)


def compile_query(
    q: str,
    identity: IdentitySource = None,
    *,
    fts: Callable[[str, int], int] | None = None,
    index: IndexStats | None = None,
) -> CompiledQuery:
    """Parse and compile ``q``; raises :class:`~inspector.domain.query.QueryError` (with the
    column) for a malformed query. Blank text matches everything. ``index`` (the store reader
    that will run the SQL) lets the SQL use only the rare trigrams of the free-text index,
    drive a rare comparison from the number index and ``has:`` from the shape index; ``fts``
    (a reader's ``fts_docs``) only the first."""
    query = parse(q)
    lookup = resolve_identity(identity) if query.uses_identity else None
    ctx = MatchContext(
        identifiers_of=getattr(lookup, "identifiers_of", None),
        fts_docs=index.fts_docs if index is not None and fts is None else fts,
        num_rows=index.num_rows if index is not None else None,
        shape_rows=index.shape_rows if index is not None else None,
    )
    where, params = query.to_sql(ctx)
    if where.count(" AND ") + where.count(" OR ") > MAX_TERMS:  # SQLite nests 1000 deep
        raise QueryError(1, "the query has too many terms for one search; narrow it")
    return CompiledQuery(q, query, ctx, where, tuple(params))
