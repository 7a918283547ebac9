"""Where a flow's events come from: a list in memory (an NDJSON file, the window) or a stored
session (SQL does the matching). Both say whose each event is, identity-aware."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from inspector.domain.capture import CapturedEvent
from inspector.domain.flows.evaluate import Hit
from inspector.domain.identity.ids import is_placeholder
from inspector.domain.query import CompiledQuery, IdentitySource, Query, compile_query
from inspector.domain.store import Store

MISS_SCAN = 5000  # most recent events looked at for closest misses


def actor_of(user_id: Any, anonymous_id: Any, previous_id: Any = None) -> str | None:
    """The identifier an event is attributed to (as the identity graph does): the userId,
    else the anonymousId, else an alias's previousId."""
    for v in (user_id, anonymous_id, previous_id):
        if v is not None and v != "":
            return v if isinstance(v, str) else str(v)
    return None


class People:
    """Whose an identifier is: the canonical id of its person after every merge so far
    (``person_of``), the id itself without identity resolution; None for placeholders."""

    def __init__(self, person_of: Callable[[str], str | None] | None = None) -> None:
        self._person_of = person_of
        self._known: dict[str, str | None] = {}  # one check's answers (the graph holds still)

    def of(self, actor: str | None) -> str | None:
        if actor is None:
            return None
        known = self._known
        if actor in known:
            return known[actor]
        p = self._person_of(actor) if self._person_of is not None else None
        if p is None:
            p = None if is_placeholder(actor) else actor
        if len(known) < 1_000_000:
            known[actor] = p
        return p

    def of_event(self, ev: CapturedEvent) -> str | None:
        m = ev.message
        return self.of(actor_of(m.get("userId"), m.get("anonymousId"), m.get("previousId")))


class FlowSource(Protocol):
    people: People
    identity: IdentitySource

    def compile(self, query: Query) -> CompiledQuery:
        """``query`` through the one query door, with this source's people."""

    def hits(self, query: Query) -> list[Hit]:
        """Events matching ``query``, in arrival order, as hits."""

    def recent(self, limit: int = MISS_SCAN) -> Sequence[CapturedEvent]:
        """The most recent events, newest first (candidates for closest misses)."""

    def position(self, ev: CapturedEvent) -> int: ...

    def events_by_id(self, ids: Iterable[int]) -> dict[int, CapturedEvent]: ...


class ListSource:
    """Events in memory, in arrival order; an event's position is its index."""

    def __init__(
        self,
        events: Sequence[CapturedEvent],
        people: People | None = None,
        identity: IdentitySource = None,
    ) -> None:
        self.events = list(events)
        self.people = people or People()
        self.identity = identity
        self._index = {id(ev): i for i, ev in enumerate(self.events)}
        self._by_id = {ev.id: ev for ev in self.events}

    def compile(self, query: Query) -> CompiledQuery:
        return compile_query(query.text, self.identity)

    def hits(self, query: Query) -> list[Hit]:
        matches, of = self.compile(query).matches, self.people.of_event
        return [Hit(i, ev.id, of(ev)) for i, ev in enumerate(self.events) if matches(ev)]

    def recent(self, limit: int = MISS_SCAN) -> Sequence[CapturedEvent]:
        return self.events[::-1][:limit]

    def position(self, ev: CapturedEvent) -> int:
        return self._index.get(id(ev), -1)

    def events_by_id(self, ids: Iterable[int]) -> dict[int, CapturedEvent]:
        return {i: self._by_id[i] for i in ids if i in self._by_id}


class StoreSource:
    """A stored session: each step is one SQL query; an event's position is its id."""

    def __init__(
        self,
        store: Store,
        session_id: int,
        people: People | None = None,
        identity: IdentitySource = None,
        *,
        where: str = "",
        params: Iterable[Any] = (),
    ) -> None:
        self.store, self.session_id = store, session_id
        self.people = people or People()
        self.identity = identity
        self.where, self.params = where, list(params)  # a scope ANDed to every step

    def _cond(self, where: str, params: list[Any]) -> tuple[str, list[Any]]:
        parts = [w for w in (self.where, where) if w]
        return " AND ".join(f"({p})" for p in parts), [*self.params, *params]

    def compile(self, query: Query) -> CompiledQuery:
        return compile_query(query.text, self.identity)

    def hits(self, query: Query) -> list[Hit]:
        cq = self.compile(query)
        where, params = self._cond(cq.where, list(cq.params))
        cond = f" AND {where}" if where else ""
        rows = self.store.select(
            f"SELECT id, user_id, anonymous_id, previous_id FROM events{self.store.join} "
            f"WHERE session_id=?{cond} ORDER BY id",
            [self.session_id, *params],
        )
        of = self.people.of
        return [Hit(r[0], r[0], of(actor_of(r[1], r[2], r[3]))) for r in rows]

    def recent(self, limit: int = MISS_SCAN) -> Sequence[CapturedEvent]:
        where, params = self._cond("", [])
        return self.store.events(self.session_id, where, params, limit=limit, descending=True)

    def position(self, ev: CapturedEvent) -> int:
        return ev.id

    def events_by_id(self, ids: Iterable[int]) -> dict[int, CapturedEvent]:
        out = {}
        for i in ids:
            ev = self.store.get_event(i)
            if ev is not None and ev.session_id == self.session_id:
                out[i] = ev
        return out


def session_source(
    store: Store,
    session_id: int,
    graph: Any = None,
    *,
    replay: bool = True,
    merge_mode: str = "default",
    scope: CompiledQuery | str | None = None,
) -> StoreSource:
    """A stored session with its people: ``graph`` (an IdentityGraph up to date with the
    session), else one replayed from the store (``replay``; False: no identity resolution);
    ``scope`` (a query) is ANDed to every step."""
    if graph is None and replay:
        from inspector.domain.identity import replay as replayed

        graph = replayed(store.iter_events(session_id), merge_mode)
    if isinstance(scope, str):
        scope = compile_query(scope, graph) if scope.strip() else None
    where, params = (scope.where, list(scope.params)) if scope is not None else ("", [])
    people = People(graph.person_of if graph is not None else None)
    return StoreSource(store, session_id, people, graph, where=where, params=params)
