"""What an identity graph holds: identifier nodes, events and edges in columns, the union-find
over the nodes, and the warnings raised so far.

Columns are arrays indexed by number: a node by order of first appearance, an event by arrival
``seq``, an edge by creation. Each union-find root owns a :class:`Person` with what a query
about that person needs (members, edges, event seqs, counters), so no read scans the graph.

Two kinds of code use an :class:`IdentityState`. The writers, :class:`~.graph.IdentityGraph`
(feeding events), :class:`~.identifiers.Identifiers` (new nodes) and :class:`~.merging.Merger`
(applying a mode's merge policy), use the columns directly: they sit on the hot path.
Everything else, the read-side views, the mode comparison and the merge policies' questions,
reads through the methods below (``value_of``, ``person``, ``edge``, ``event``…).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from inspector.domain.identity.person import KIND_NAMES, USER, Person
from inspector.domain.identity.warnings import WarningStore

CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")


class Edge(NamedTuple):
    """One recorded edge (a proposed merge), as read by the views."""

    x: int  # node proposed to merge (anonymousId or previousId side)
    y: int  # node it would merge into (the userId)
    kind: int  # K_IDENTIFY | K_IMPLICIT | K_ALIAS
    call: str  # the call type that proposed it
    verdict: int  # APPLIED | BLOCKED | NOOP | REDUNDANT
    reason: str | None
    message_id: str
    at: float
    seq: int
    times: int  # how many messages proposed it with the same verdict


class Event(NamedTuple):
    """What the graph keeps of one event."""

    id: int
    at: float
    node: int  # the identifier it is attributed to (-1: none)
    node2: int  # the other identifier it carried (-1: none)
    type: str
    label: str | None


class IdentityState:
    """Columns of nodes, events and edges; union-find; warnings. See the module docstring."""

    __slots__ = (
        "anon_multi",
        "anons",
        "e_at",
        "e_call",
        "e_count",
        "e_kind",
        "e_mid",
        "e_reason",
        "e_seq",
        "e_verdict",
        "e_x",
        "e_y",
        "ev_at",
        "ev_id",
        "ev_label",
        "ev_node",
        "ev_node2",
        "ev_type",
        "foreign",
        "kind",
        "label_list",
        "labels",
        "nat",
        "nco",
        "nflags",
        "nseq",
        "pair",
        "parent",
        "pp",
        "seq",
        "type_list",
        "types",
        "users",
        "value",
        "warnings",
    )

    def __init__(self) -> None:
        # nodes: userIds and anonymousIds by value; per node its root, kind, value, flags,
        # the seq and time of the message that created it, the first userId seen with it
        self.users: dict[str, int] = {}
        self.anons: dict[str, int] = {}
        self.parent: list[int] = []
        self.pp: list[Person | None] = []  # the Person of each root (None: not a root)
        self.kind = bytearray()
        self.value: list[str] = []
        self.nflags = bytearray()
        self.nseq: array[int] = array("q")
        self.nat: array[float] = array("d")
        self.nco: array[int] = array("i")  # first userId seen with this anon, or -1
        # events, indexed by arrival seq
        self.seq = 0  # events fed so far
        self.ev_id: array[int] = array("q")
        self.ev_at: array[float] = array("d")
        self.ev_node: array[int] = array("i")  # attributed identifier (or -1)
        self.ev_node2: array[int] = array("i")  # the other identifier carried (or -1)
        self.ev_type = bytearray()
        self.ev_label: array[int] = array("i")
        self.types: dict[str, int] = {t: i for i, t in enumerate(CALL_TYPES)}
        self.type_list: list[str] = list(CALL_TYPES)
        self.labels: dict[str, int] = {}
        self.label_list: list[str] = []
        # edges, and the edge of each (x, y) pair (alias edges under ~key)
        self.e_x: array[int] = array("i")
        self.e_y: array[int] = array("i")
        self.e_kind = bytearray()
        self.e_call = bytearray()
        self.e_verdict = bytearray()
        self.e_reason: list[str | None] = []
        self.e_mid: list[str] = []
        self.e_at: array[float] = array("d")
        self.e_seq: array[int] = array("q")
        self.e_count: array[int] = array("i")
        self.pair: dict[int, int] = {}
        # node -> seqs of events it was carried by but attributed to another person
        self.foreign: dict[int, array[int]] = {}
        self.anon_multi: dict[int, list[int]] = {}  # anon -> its userIds, once there are 2+
        self.warnings = WarningStore()

    # ------------------------------------------------------------------ writing
    def add_node(self, kind: int, value: str, seq: int, at: float) -> int:
        """A new node (and person) for ``value``; the caller has checked it is new."""
        n = len(self.parent)
        self.parent.append(n)
        self.pp.append(Person(n, kind))
        self.kind.append(kind)
        self.value.append(value)
        self.nflags.append(0)
        self.nseq.append(seq)
        self.nat.append(at)
        self.nco.append(-1)
        if kind == USER:
            self.users[value] = n
        else:
            self.anons[value] = n
        return n

    def find(self, x: int) -> int:
        """The root of ``x`` (path halving)."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, rx: int, ry: int) -> int:
        """Join two roots (the larger person absorbs the smaller); returns the new root."""
        px, py = self.pp[rx], self.pp[ry]
        assert px is not None and py is not None
        if px.size < py.size or (px.size == py.size and ry < rx):
            rx, ry, px, py = ry, rx, py, px
        canon = self.better(px.canon, py.canon)
        px.absorb(py)
        px.canon = canon
        self.parent[ry] = rx
        self.pp[ry] = None
        return rx

    def better(self, a: int, b: int) -> int:
        """Canonical rule: a userId beats an anonymousId, then the earliest, then the smaller."""
        ka, kb = self.kind[a], self.kind[b]
        if ka != kb:
            return a if ka == USER else b
        sa, sb = self.nseq[a], self.nseq[b]
        if sa != sb:
            return a if sa < sb else b
        return a if self.value[a] <= self.value[b] else b

    # ------------------------------------------------------------------ reading: nodes
    @property
    def node_count(self) -> int:
        return len(self.parent)

    def value_of(self, node: int) -> str:
        return self.value[node]

    def kind_of(self, node: int) -> str:
        """``userId`` or ``anonymousId``."""
        return KIND_NAMES[self.kind[node]]

    def node_flags(self, node: int) -> int:
        return self.nflags[node]

    def created_at(self, node: int) -> float:
        """Time of the message that first carried the identifier."""
        return self.nat[node]

    def is_new(self, node: int) -> bool:
        """True when the node was first seen in the message being processed."""
        return self.nseq[node] == self.seq - 1

    def node_of(self, kind: str, value: str) -> int | None:
        """Node of a ``(kind, value)`` identifier, or None."""
        return (self.users if kind == "userId" else self.anons).get(value)

    def nodes_of(self, value: str) -> list[int]:
        """Nodes holding ``value``: its userId first, then its anonymousId."""
        out = []
        n = self.users.get(value)
        if n is not None:
            out.append(n)
        n = self.anons.get(value)
        if n is not None:
            out.append(n)
        return out

    # ------------------------------------------------------------------ reading: people
    def person(self, node: int) -> Person:
        """The person holding ``node``."""
        p = self.pp[self.find(node)]
        assert p is not None
        return p

    def roots_of(self, value: str) -> list[int]:
        """Roots of the people holding ``value`` (its userId's person first)."""
        roots: list[int] = []
        for n in self.nodes_of(value):
            r = self.find(n)
            if r not in roots:
                roots.append(r)
        return roots

    def people_of(self, value: str) -> list[Person]:
        """The people holding ``value`` (its userId's person first)."""
        return [self.person(r) for r in self.roots_of(value)]

    def people(self) -> list[Person]:
        """Every person, in order of their first identifier."""
        people = [p for p in self.pp if p is not None]
        people.sort(key=lambda p: p.first)
        return people

    def people_count(self) -> int:
        return sum(1 for p in self.pp if p is not None)

    def canonical_of_node(self, node: int) -> str:
        return self.value[self.person(node).canon]

    def same_person(self, a: int, b: int) -> bool:
        return self.find(a) == self.find(b)

    def foreign_seqs(self, node: int) -> array[int] | None:
        """Seqs of events that carried ``node`` but were attributed to another person."""
        return self.foreign.get(node) if self.foreign else None

    # ------------------------------------------------------------------ reading: edges, events
    @property
    def edge_count(self) -> int:
        return len(self.e_mid)

    def edge(self, e: int) -> Edge:
        return Edge(
            self.e_x[e],
            self.e_y[e],
            self.e_kind[e],
            self.type_list[self.e_call[e]],
            self.e_verdict[e],
            self.e_reason[e],
            self.e_mid[e],
            self.e_at[e],
            self.e_seq[e],
            self.e_count[e],
        )

    def edge_ends(self, e: int) -> tuple[int, int]:
        return self.e_x[e], self.e_y[e]

    def event(self, seq: int) -> Event:
        li = self.ev_label[seq]
        return Event(
            self.ev_id[seq],
            self.ev_at[seq],
            self.ev_node[seq],
            self.ev_node2[seq],
            self.type_list[self.ev_type[seq]],
            self.label_list[li] if li >= 0 else None,
        )

    def event_id(self, seq: int) -> int:
        return self.ev_id[seq]

    def event_at(self, seq: int) -> float:
        return self.ev_at[seq]

    def event_times(self, seqs: Iterable[int]) -> list[float]:
        """Arrival times of the events ``seqs`` (one call for a whole person)."""
        at = self.ev_at
        return [at[s] for s in seqs]

    def carried(self, seqs: Iterable[int]) -> list[tuple[int, int]]:
        """(seq, node) for every identifier each event of ``seqs`` carried."""
        ev_node, ev_node2 = self.ev_node, self.ev_node2
        return [(s, n) for s in seqs for n in (ev_node[s], ev_node2[s]) if n >= 0]

    def event_nodes(self, seq: int) -> tuple[int, int]:
        """(attributed identifier, other identifier carried); -1 where there is none."""
        return self.ev_node[seq], self.ev_node2[seq]

    def warning_dicts(self, which: Iterable[int] | None = None) -> list[dict[str, Any]]:
        """The warnings (all, or those numbered in ``which``) as the API shows them."""
        w = self.warnings
        return [w.to_dict(i, self.value) for i in (range(len(w)) if which is None else which)]

    def warning_roots(self) -> Iterator[set[int]]:
        """For each warning, the roots of the people it names."""
        find = self.find
        for nodes in self.warnings.nodes:
            yield {find(n) for n in nodes}
