"""Incremental, deterministic identity resolution (reference §5.2).

Every event is fed once, in arrival order. Identifiers become typed nodes (``userId`` /
``anonymousId``; a ``groupId`` is never a person id, it is only recorded on the person). A
message carrying two identifiers proposes an edge; the selected mode's policy decides whether
it is applied, blocked or a no-op, and an edge inside one component is redundant. Each edge
keeps the call and messageId that made it; repeats of the same edge with the same verdict only
bump its ``count``.

Events are attributed to one identifier (the userId when present, else the anonymousId, else
an alias's previousId) and therefore, retroactively, to that identifier's person after every
later merge. Placeholder ids (E020) and, in Amplitude mode, ids shorter than 5 characters
(I010) get no node at all.

Lookups by identifier value (``person_of``, ``identifiers_of``, ``snapshot(user=...)``…)
consider every node holding that value; when one string is both a userId and an anonymousId
(I013) the userId's person comes first.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from typing import Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.identity import views
from inspector.domain.identity.identifiers import Identifiers
from inspector.domain.identity.merging import ALIAS_CHAIN_LIMIT, Merger
from inspector.domain.identity.modes import Policy, policy_for
from inspector.domain.identity.person import (
    ANON,
    APPLIED,
    F_IDENTIFIED,
    K_IDENTIFY,
    K_IMPLICIT,
    REDUNDANT,
    USER,
)
from inspector.domain.identity.state import CALL_TYPES, IdentityState

_SETTLED = (APPLIED, REDUNDANT)  # verdicts that stay true while the two ids remain one person

__all__ = ["ALIAS_CHAIN_LIMIT", "CALL_TYPES", "IdentityGraph", "replay"]


class IdentityGraph:
    """Identity resolution fed event by event: the state (:mod:`.state`), which identifiers
    get a node (:mod:`.identifiers`), the mode's merge policy applied to it (:mod:`.merging`),
    and the questions a query or a view asks (the views in :mod:`.views`)."""

    __slots__ = ("alias_chain_limit", "ids", "merger", "mode", "policy", "state")

    def __init__(
        self, mode: str = "default", *, alias_chain_limit: int = ALIAS_CHAIN_LIMIT
    ) -> None:
        self.policy: Policy = policy_for(mode)
        self.mode: str = self.policy.name
        self.alias_chain_limit = alias_chain_limit
        self.state = IdentityState()
        self.ids = Identifiers(self.state, self.policy.min_id_length)
        self.merger = Merger(self.state, self.ids, self.policy, alias_chain_limit)

    # ------------------------------------------------------------------ feeding
    def observe(self, ev: CapturedEvent) -> None:
        # the head: the fields the graph reads, without decoding a whole announced message
        self.observe_message(ev.head, event_id=ev.id, message_id=ev.message_id, at=ev.timestamp)

    def observe_message(
        self, message: Mapping[str, Any], *, event_id: int, message_id: str, at: float
    ) -> None:
        s = self.state
        m = self.merger
        ids = self.ids
        seq = s.seq
        s.seq = seq + 1
        mid = message_id
        get = message.get
        typ = get("type")
        uid = get("userId")
        aid = get("anonymousId")
        u = a = -1
        if uid is not None and uid != "":
            if uid.__class__ is not str:
                uid = str(uid)
            n = s.users.get(uid)
            u = n if n is not None else ids.node(USER, uid, seq, at, mid)
        else:
            uid = None
        if aid is not None and aid != "":
            if aid.__class__ is not str:
                aid = str(aid)
            n = s.anons.get(aid)
            a = n if n is not None else ids.node(ANON, aid, seq, at, mid)
        else:
            aid = None
        if (u < 0 and uid is not None) or (a < 0 and aid is not None):
            ids.bad_ids_on_message(uid if u < 0 else None, aid if a < 0 else None, u, a)

        tcode = s.types.get(typ) if typ.__class__ is str else None
        if tcode is None:
            typ = self._type_code_slow(typ)
            tcode = s.types[typ]
        parent = s.parent
        prim = other = -1
        root = -1
        label: Any = None
        if typ == "alias":
            prev = get("previousId")
            p = m.alias(prev, aid, u, a, seq, mid, at) if prev is not None else -1
            if u >= 0:
                prim, other = u, p if p >= 0 else a
            else:
                prim, other = (p, a if a != p else -1) if p >= 0 else (a, -1)
            label = prev
        elif u >= 0:
            prim = u
            if a >= 0:
                other = a
                # Fast path: the pair was seen before and is already one person.
                kind = K_IDENTIFY if typ == "identify" else K_IMPLICIT
                e = s.pair.get((a << 32) | u)
                ra = parent[a]
                if parent[ra] != ra:
                    ra = s.find(a)
                root = parent[u]
                if parent[root] != root:
                    root = s.find(u)
                if e is not None and ra == root and s.e_verdict[e] in _SETTLED:
                    s.e_count[e] += 1
                else:
                    m.propose(a, u, kind, tcode, seq, mid, at)
                    root = -1
            if typ == "identify":
                s.nflags[u] |= F_IDENTIFIED
        elif a >= 0:
            prim = a
            if uid is None and s.nco[a] >= 0:
                m.regression(a, mid)
        if typ == "track":
            label = get("event")
        elif typ == "page" or typ == "screen":
            label = get("name") or get("category")
        elif typ == "group":
            label = get("groupId")

        s.ev_id.append(event_id)
        s.ev_at.append(at)
        s.ev_node.append(prim)
        s.ev_node2.append(other)
        s.ev_type.append(tcode if tcode < 256 else 255)
        if label is None:
            s.ev_label.append(-1)
        else:
            if label.__class__ is not str:
                label = str(label)
            li = s.labels.get(label)
            if li is None:
                li = len(s.label_list)
                s.labels[label] = li
                s.label_list.append(label)
            s.ev_label.append(li)
        if prim < 0:
            return
        if root < 0:
            root = parent[prim]
            if parent[root] != root:
                root = s.find(prim)
        person = s.pp[root]
        assert person is not None
        seqs = person.seqs
        if seqs is None:
            person.seqs = array("q", (seq,))
        else:
            seqs.append(seq)
        if typ == "group":
            if label is not None:
                ids.group(person, label, u)
        else:
            ctx = get("context")
            if ctx.__class__ is dict:
                g = ctx.get("groupId")
                if g:
                    ids.group(person, g if g.__class__ is str else str(g), u)

    def _type_code_slow(self, typ: Any) -> str:
        types = self.state.types
        if typ.__class__ is not str:
            typ = "" if typ is None else str(typ)
        if typ not in types:
            types[typ] = len(self.state.type_list)
            self.state.type_list.append(typ)
        return str(typ)

    # ------------------------------------------------------------------ queries
    def person_of(self, value: str) -> str | None:
        """Canonical id of the person holding ``value`` (its userId node first), or None."""
        people = self.state.people_of(value)
        return self.state.value_of(people[0].canon) if people else None

    def identifiers_of(self, value: str) -> set[str]:
        """Every identifier value of the person(s) holding ``value``.

        Unknown values, and placeholders that never get a node, give an **empty set**; a
        query layer that also wants raw matching should add ``value`` itself.
        """
        s = self.state
        return {s.value[n] for p in s.people_of(value) for n in p.members}

    def event_ids_of(self, value: str) -> list[int]:
        """Event ids of the person(s) holding ``value``, in arrival order."""
        s = self.state
        people = s.people_of(value)
        ev_id = s.ev_id
        if len(people) == 1:
            return [ev_id[q] for q in people[0].ordered_seqs()]
        seqs: list[int] = []
        for p in people:
            seqs.extend(p.ordered_seqs())
        return [ev_id[q] for q in sorted(seqs)]

    def snapshot(self, user: str | None = None) -> dict[str, Any]:
        return views.snapshot(self.state, user)

    def people_rows(self) -> list[dict[str, Any]]:
        return views.people_rows(self.state)

    def timeline(self, value: str) -> dict[str, Any]:
        return views.timeline(self.state, value)

    def edges(self) -> list[dict[str, Any]]:
        """Every recorded edge, in creation order."""
        return [views.edge_dict(self.state, e) for e in range(self.state.edge_count)]

    def warnings(self) -> list[dict[str, Any]]:
        return self.state.warning_dicts()

    @property
    def event_count(self) -> int:
        return self.state.seq

    @property
    def node_count(self) -> int:
        return self.state.node_count

    @property
    def edge_count(self) -> int:
        return self.state.edge_count

    @property
    def warning_count(self) -> int:
        return len(self.state.warnings)

    def people_count(self) -> int:
        return self.state.people_count()

    def key_of(self, node: int) -> tuple[str, str]:
        return (self.state.kind_of(node), self.state.value_of(node))

    def find_key(self, key: tuple[str, str]) -> int | None:
        """Node of a ``(kind, value)`` identifier, or None."""
        return self.state.node_of(*key)

    def same_person(self, a: int, b: int) -> bool:
        return self.state.same_person(a, b)

    def canonical_of_node(self, node: int) -> str:
        return self.state.canonical_of_node(node)


def replay(events: Iterable[CapturedEvent], mode: str = "default") -> IdentityGraph:
    """A fresh graph in ``mode`` fed with ``events`` in order."""
    g = IdentityGraph(mode)
    for ev in events:
        g.observe(ev)
    return g
