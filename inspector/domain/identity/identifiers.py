"""Which identifiers become nodes, and the warnings about identifiers themselves
(reference §6).

A new identifier gets a node unless it is a placeholder (E020) or, in Amplitude mode, shorter
than 5 characters (I010); a value refused once is refused at once afterwards (its warning
counts the message). A new node may raise W077 (PII as a userId), I013 (one value used in two
namespaces: userId, anonymousId, groupId) and W019 (near-identical ids, ``ABC`` / ``abc ``).
"""

from __future__ import annotations

from inspector.domain.identity.ids import fold, is_placeholder, looks_like_pii
from inspector.domain.identity.person import USER, Person
from inspector.domain.identity.state import IdentityState


class Identifiers:
    """Node creation with identifier hygiene, over one state."""

    __slots__ = ("bad", "groups", "min_len", "s", "variants")

    def __init__(self, state: IdentityState, min_id_length: int = 0) -> None:
        self.s = state
        self.min_len = min_id_length
        self.bad: dict[str, int] = {}  # value that gets no node -> its warning
        self.variants: dict[str, int] = {}  # folded value -> first node folding to it
        self.groups: dict[str, None] = {}  # every groupId seen

    def node(self, kind: int, value: str, seq: int, at: float, mid: str) -> int:
        """Create the node for a value seen for the first time; -1 when it gets no node."""
        s = self.s
        w = s.warnings
        bad = self.bad.get(value)
        if bad is not None:
            w.add(bad, mid=mid)
            return -1
        if is_placeholder(value):
            self.bad[value] = w.raise_(
                "E020",
                ("E020", value),
                f"Blank or placeholder identifier '{value}' would merge unrelated users",
                mid=mid,
                extra=(value,),
            )
            return -1
        if len(value) < self.min_len:
            self.bad[value] = w.raise_(
                "I010",
                ("I010", value),
                f"Amplitude rejects ids shorter than {self.min_len} characters: '{value}'",
                mid=mid,
                extra=(value,),
            )
            return -1
        n = s.add_node(kind, value, seq, at)
        if kind == USER:
            other = s.anons.get(value)
            if looks_like_pii(value):
                w.raise_(
                    "W077",
                    ("W077", n),
                    f"userId '{value}' looks like an email/phone number; use a stable "
                    "database id, not PII",
                    (n,),
                    mid,
                )
        else:
            other = s.users.get(value)
        if other is not None:
            w.raise_(
                "I013",
                ("I013", value),
                f"Identifier namespace collision: '{value}' is used as userId and as anonymousId",
                (other, n),
                mid,
            )
        self._near_duplicates(n, value, mid)
        return n

    def _near_duplicates(self, n: int, value: str, mid: str) -> None:
        """W019: ``ABC`` / ``abc `` are different users. Only non-folded ids are indexed."""
        s = self.s
        f = fold(value)
        if f != value:
            m = s.users.get(f)
            if m is None:
                m = s.anons.get(f)
            if m is None:
                m = self.variants.get(f)
                if m is None:
                    self.variants[f] = n
        else:
            m = self.variants.get(f)
        if m is not None and m != n:
            a, b = s.value[m], value
            s.warnings.raise_(
                "W019",
                ("W019", f),
                f"Near-identical ids '{a}' / '{b}' count as different users",
                (m, n),
                mid,
            )

    def bad_ids_on_message(self, uid: str | None, aid: str | None, u: int, a: int) -> None:
        """Name the message's valid identifier on its placeholder warning (for ``user=``)."""
        for bad, other in ((uid, a), (aid, u)):
            if bad is not None and other >= 0:
                w = self.bad.get(bad)
                if w is not None:
                    self.s.warnings.add(w, nodes=(other,))

    def group(self, person: Person, gid: str, u: int) -> None:
        """Record ``gid`` on ``person``; I013 when a groupId is also a userId."""
        if person.groups is None:
            person.groups = {gid: None}
        elif gid not in person.groups:
            person.groups[gid] = None
        s = self.s
        if gid not in self.groups:
            self.groups[gid] = None
            n = s.users.get(gid)
            if n is not None:
                s.warnings.raise_(
                    "I013",
                    ("I013g", gid),
                    f"Identifier namespace collision: '{gid}' is used as userId and as groupId",
                    (n,),
                )
        elif u >= 0 and s.value[u] == gid:
            s.warnings.raise_(
                "I013",
                ("I013g", gid),
                f"Identifier namespace collision: '{gid}' is used as userId and as groupId",
                (u,),
            )
