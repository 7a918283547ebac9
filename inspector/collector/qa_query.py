"""The collector's query door: every ``/api`` route compiles its ``q`` here, through the one
:func:`~inspector.domain.query.compile_query`, with the asked session's identity graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inspector.collector.routes_api import BadRequest
from inspector.collector.service import CollectorService
from inspector.domain.capture import CapturedEvent
from inspector.domain.query import CompiledQuery, QueryError, compile_query
from inspector.domain.store import Session
from inspector.domain.store_read import Reader

MAX_TIMEOUT = 600.0
MISS_SCAN = 5000  # most recent events scanned for closest misses
MISS_SHOWN = 5


def compile_for(
    svc: CollectorService,
    session: Session,
    q: str,
    what: str | None = None,
    reader: Reader | None = None,
) -> CompiledQuery:
    """``q`` compiled for ``session``: ``user:`` asks that session's graph (built or caught up
    only for a query that has a ``user:`` term). A malformed query is a 400 with the column."""
    try:
        # with the reader: only rare trigrams looked up, rare comparisons from the number index
        return compile_query(q, lambda: svc.identity_of(session), index=reader)
    except QueryError as exc:
        message = f"{what}: {exc}" if what else str(exc)
        raise BadRequest("invalid_query", message, column=exc.column) from exc


@dataclass(frozen=True, slots=True)
class Scoped:
    """A query limited to the events matching ``scope`` (``?scope=writekey:K``: the pytest
    plugin's test); the closest misses keep to the scope too."""

    query: CompiledQuery
    scope: CompiledQuery | None = None

    @property
    def text(self) -> str:
        return self.query.text

    @property
    def where(self) -> str:
        return self.and_where("")[0]

    @property
    def params(self) -> list[Any]:
        return self.and_where("")[1]

    def matches(self, ev: CapturedEvent) -> bool:
        sc = self.scope
        return (sc is None or sc.matches(ev)) and self.query.matches(ev)

    def and_where(self, extra: str, *extra_params: Any) -> tuple[str, list[Any]]:
        parts = [w for w in (self.scope.where if self.scope else "", self.query.where) if w]
        params = [*(self.scope.params if self.scope else ()), *self.query.params, *extra_params]
        if extra:
            parts.append(extra)
        return " AND ".join(f"({p})" for p in parts), params


def within(
    svc: CollectorService,
    session: Session,
    comp: CompiledQuery,
    scope: str,
    reader: Reader | None = None,
) -> Scoped:
    """``comp`` limited to the events matching ``scope`` (blank: no limit)."""
    if not scope.strip():
        return Scoped(comp)
    return Scoped(comp, compile_for(svc, session, scope, "scope", reader))
