"""A filter compiled for the QA routes: SQL for what is stored, a predicate for what arrives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspector.collector.routes_api import BadRequest
from inspector.collector.service import CollectorService
from inspector.domain.capture import CapturedEvent

Predicate = Callable[[CapturedEvent], bool]
MAX_TIMEOUT = 600.0
MISS_SCAN = 5000  # most recent events scanned for closest misses
MISS_SHOWN = 5


# -- compiling -------------------------------------------------------------------------------
@dataclass(slots=True)
class Compiled:
    q: str
    predicate: Predicate
    where: str
    params: list[Any]
    ctx: Any = None
    scope: Compiled | None = None  # what the events are limited to (misses too): ?scope=


def _context(svc: CollectorService) -> Any:
    from inspector.domain.query import MatchContext

    ident = svc.identity
    return MatchContext(
        identifiers_of=getattr(ident, "identifiers_of", None) if ident is not None else None
    )


def compile_q(svc: CollectorService, q: str, what: str = "q") -> Compiled:
    """Python predicate and SQL for one expression; BadRequest (400) with the parser's text."""
    if not q.strip():
        return Compiled(q, lambda ev: True, "", [])
    from inspector.domain.query import QueryError, parse

    try:
        query = parse(q)
    except QueryError as exc:
        raise BadRequest("invalid_query", f"{what}: {exc}") from exc
    ctx = _context(svc)
    where, params = query.to_sql(ctx)

    def predicate(ev: CapturedEvent) -> bool:
        return bool(query.matches(ev, ctx))

    return Compiled(q, predicate, where, list(params), ctx)


def and_where(where: str, extra: str) -> str:
    return f"({where}) AND {extra}" if where else extra


def within(svc: CollectorService, comp: Compiled, scope: str) -> Compiled:
    """``comp`` limited to the events matching ``scope`` (a query, e.g. ``writekey:K``: the
    pytest plugin's test), remembering the scope for the closest misses."""
    if not scope.strip():
        return comp
    sc = compile_q(svc, scope, "scope")
    pred, spred = comp.predicate, sc.predicate
    where = f"({sc.where}) AND ({comp.where})" if comp.where else sc.where
    return Compiled(
        comp.q, lambda ev: spred(ev) and pred(ev), where, [*sc.params, *comp.params], comp.ctx, sc
    )
