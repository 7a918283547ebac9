"""What a person is: the record each union-find root keeps, and the codes the graph uses.

Nodes are typed identifiers (``userId`` / ``anonymousId``) numbered in order of first
appearance. Each root owns a :class:`Person` that keeps everything a query needs (members,
edges, event sequence numbers, counters) so that nothing has to scan the whole graph; the
union-find itself is :class:`~.state.IdentityState`'s.
"""

from __future__ import annotations

from array import array

USER = 0
ANON = 1
KIND_NAMES = ("userId", "anonymousId")

# Edge kinds: what produced the proposal.
K_IDENTIFY = 0  # identify call carrying anonymousId and userId
K_IMPLICIT = 1  # any other call carrying both ids
K_ALIAS = 2  # alias previousId -> userId

# Verdicts.
APPLIED = 0
BLOCKED = 1
NOOP = 2
REDUNDANT = 3
VERDICT_NAMES = ("applied", "blocked", "no-op", "redundant")

# Node flags.
F_IDENTIFIED = 1  # the userId appeared in an identify call
F_ALIAS_TARGET = 2  # the userId was the target of an applied alias
F_ALIAS_PREV = 4  # the id was the previousId of an applied alias


class Person:
    """What a root of the union-find knows about its component."""

    __slots__ = (
        "anons",
        "canon",
        "edges",
        "first",
        "groups",
        "members",
        "merges",
        "seqs",
        "sorted",
        "users",
        "warn",
    )

    def __init__(self, node: int, kind: int) -> None:
        self.members: list[int] = [node]
        self.seqs: array[int] | None = None  # arrival seqs of the events attributed here
        self.sorted = True
        self.edges: list[int] | None = None  # indices into the graph's edge table
        self.users = 1 if kind == USER else 0
        self.anons = 1 - self.users
        self.merges = 0
        self.canon = node  # canonical node (see IdentityState.better)
        self.first = node  # smallest node index (stable ordering)
        self.groups: dict[str, None] | None = None
        self.warn: dict[str, int] | None = None  # per-person rules already raised -> warning

    def add_edge(self, e: int) -> None:
        if self.edges is None:
            self.edges = [e]
        elif self.edges[-1] != e:
            self.edges.append(e)

    def absorb(self, other: Person) -> None:
        """Move ``other`` (a smaller component) into this one. Canonical is set by the caller."""
        self.members.extend(other.members)
        if other.seqs is not None:
            if self.seqs is None:
                self.seqs = other.seqs
                self.sorted = other.sorted
            else:
                self.seqs.extend(other.seqs)
                self.sorted = False
        if other.edges:
            if self.edges is None:
                self.edges = list(other.edges)
            else:
                self.edges.extend(other.edges)  # de-duplicated and ordered when read
        self.users += other.users
        self.anons += other.anons
        self.merges += other.merges + 1
        if other.first < self.first:
            self.first = other.first
        if other.groups:
            if self.groups is None:
                self.groups = dict(other.groups)
            else:
                self.groups.update(other.groups)
        if other.warn:
            if self.warn is None:
                self.warn = dict(other.warn)
            else:
                for k, v in other.warn.items():
                    self.warn.setdefault(k, v)

    def ordered_seqs(self) -> array[int]:
        if self.seqs is None:
            return array("q")
        if not self.sorted:
            self.seqs = array("q", sorted(self.seqs))
            self.sorted = True
        return self.seqs

    def edge_list(self) -> list[int]:
        """Edge indices in creation order, without duplicates."""
        return sorted(set(self.edges)) if self.edges else []

    @property
    def size(self) -> int:
        return len(self.members)
