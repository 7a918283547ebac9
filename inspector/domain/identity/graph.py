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
from inspector.domain.identity.ids import fold, is_placeholder, is_uuid, looks_like_pii
from inspector.domain.identity.modes import Policy, policy_for
from inspector.domain.identity.unionfind import (
    ANON,
    APPLIED,
    BLOCKED,
    F_ALIAS_PREV,
    F_ALIAS_TARGET,
    F_IDENTIFIED,
    K_ALIAS,
    K_IDENTIFY,
    K_IMPLICIT,
    KIND_NAMES,
    NOOP,
    REDUNDANT,
    USER,
    Person,
)
from inspector.domain.identity.warnings import WarningStore

ALIAS_CHAIN_LIMIT = 3
_MAX_CHAIN_EDGES = 2000  # beyond this many alias edges in one person the diameter is not recomputed

_SETTLED = (APPLIED, REDUNDANT)  # verdicts that stay true while the two ids remain one person
CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")


class IdentityGraph:
    """Union-find over typed identifiers, fed event by event. See the module docstring."""

    __slots__ = (
        "_anon_multi",
        "_anons",
        "_bad",
        "_e_at",
        "_e_call",
        "_e_count",
        "_e_kind",
        "_e_mid",
        "_e_reason",
        "_e_seq",
        "_e_verdict",
        "_e_x",
        "_e_y",
        "_edge_warn",
        "_ev_at",
        "_ev_id",
        "_ev_label",
        "_ev_node",
        "_ev_node2",
        "_ev_type",
        "_foreign",
        "_groups",
        "_kind",
        "_label_list",
        "_labels",
        "_min_len",
        "_naive",
        "_nat",
        "_nco",
        "_nflags",
        "_nseq",
        "_pair",
        "_parent",
        "_pp",
        "_seq",
        "_type_list",
        "_types",
        "_users",
        "_value",
        "_variants",
        "_w",
        "alias_chain_limit",
        "mode",
        "policy",
    )

    def __init__(
        self, mode: str = "default", *, alias_chain_limit: int = ALIAS_CHAIN_LIMIT
    ) -> None:
        self.policy: Policy = policy_for(mode)
        self.mode: str = self.policy.name
        self.alias_chain_limit = alias_chain_limit
        self._naive = self.mode == "naive"
        self._min_len = self.policy.min_id_length
        # nodes
        self._users: dict[str, int] = {}
        self._anons: dict[str, int] = {}
        self._parent: list[int] = []
        self._pp: list[Person | None] = []
        self._kind = bytearray()
        self._value: list[str] = []
        self._nflags = bytearray()
        self._nseq: array[int] = array("q")
        self._nat: array[float] = array("d")  # time of the message that created it
        self._nco: array[int] = array("i")  # first userId seen with this anon, or -1
        # events, indexed by arrival seq
        self._ev_id: array[int] = array("q")
        self._ev_at: array[float] = array("d")
        self._ev_node: array[int] = array("i")  # attributed identifier (or -1)
        self._ev_node2: array[int] = array("i")  # the other identifier carried (or -1)
        self._ev_type = bytearray()
        self._ev_label: array[int] = array("i")
        self._types: dict[str, int] = {t: i for i, t in enumerate(CALL_TYPES)}
        self._type_list: list[str] = list(CALL_TYPES)
        self._labels: dict[str, int] = {}
        self._label_list: list[str] = []
        # edges
        self._e_x: array[int] = array("i")
        self._e_y: array[int] = array("i")
        self._e_kind = bytearray()
        self._e_call = bytearray()
        self._e_verdict = bytearray()
        self._e_reason: list[str | None] = []
        self._e_mid: list[str] = []
        self._e_at: array[float] = array("d")
        self._e_seq: array[int] = array("q")
        self._e_count: array[int] = array("i")
        self._pair: dict[int, int] = {}
        self._edge_warn: dict[int, list[int]] = {}
        # warning state
        self._w = WarningStore()
        self._foreign: dict[int, array[int]] = {}  # node -> seqs of events it was carried
        #                                             by but attributed to another person
        self._anon_multi: dict[int, list[int]] = {}  # anon -> its userIds, once there are 2+
        self._bad: dict[str, int] = {}
        self._variants: dict[str, int] = {}
        self._groups: dict[str, None] = {}
        self._seq = 0

    # ------------------------------------------------------------------ feeding
    def observe(self, ev: CapturedEvent) -> None:
        # the head: the fields the graph reads, without decoding a whole announced message
        self.observe_message(ev.head, event_id=ev.id, message_id=ev.message_id, at=ev.timestamp)

    def observe_message(
        self, message: Mapping[str, Any], *, event_id: int, message_id: str, at: float
    ) -> None:
        seq = self._seq
        self._seq = seq + 1
        mid = message_id
        get = message.get
        typ = get("type")
        uid = get("userId")
        aid = get("anonymousId")
        u = a = -1
        if uid is not None and uid != "":
            if uid.__class__ is not str:
                uid = str(uid)
            n = self._users.get(uid)
            u = n if n is not None else self._node(USER, uid, seq, at, mid)
        else:
            uid = None
        if aid is not None and aid != "":
            if aid.__class__ is not str:
                aid = str(aid)
            n = self._anons.get(aid)
            a = n if n is not None else self._node(ANON, aid, seq, at, mid)
        else:
            aid = None
        if (u < 0 and uid is not None) or (a < 0 and aid is not None):
            self._bad_ids_on_message(uid if u < 0 else None, aid if a < 0 else None, u, a)

        tcode = self._types.get(typ) if typ.__class__ is str else None
        if tcode is None:
            typ = self._type_code_slow(typ)
            tcode = self._types[typ]
        parent = self._parent
        prim = other = -1
        root = -1
        label: Any = None
        if typ == "alias":
            prev = get("previousId")
            p = self._alias(prev, aid, u, a, seq, mid, at) if prev is not None else -1
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
                e = self._pair.get((a << 32) | u)
                ra = parent[a]
                if parent[ra] != ra:
                    ra = self._find(a)
                root = parent[u]
                if parent[root] != root:
                    root = self._find(u)
                if e is not None and ra == root and self._e_verdict[e] in _SETTLED:
                    self._e_count[e] += 1
                else:
                    self._propose(a, u, kind, tcode, seq, mid, at)
                    root = -1
            if typ == "identify":
                self._nflags[u] |= F_IDENTIFIED
        elif a >= 0:
            prim = a
            if uid is None and self._nco[a] >= 0:
                self._regression(a, mid)
        if typ == "track":
            label = get("event")
        elif typ == "page" or typ == "screen":
            label = get("name") or get("category")
        elif typ == "group":
            label = get("groupId")

        self._ev_id.append(event_id)
        self._ev_at.append(at)
        self._ev_node.append(prim)
        self._ev_node2.append(other)
        self._ev_type.append(tcode if tcode < 256 else 255)
        if label is None:
            self._ev_label.append(-1)
        else:
            if label.__class__ is not str:
                label = str(label)
            li = self._labels.get(label)
            if li is None:
                li = len(self._label_list)
                self._labels[label] = li
                self._label_list.append(label)
            self._ev_label.append(li)
        if prim < 0:
            return
        if root < 0:
            root = parent[prim]
            if parent[root] != root:
                root = self._find(prim)
        person = self._pp[root]
        assert person is not None
        s = person.seqs
        if s is None:
            person.seqs = array("q", (seq,))
        else:
            s.append(seq)
        if typ == "group":
            if label is not None:
                self._group(person, label, u)
        else:
            ctx = get("context")
            if ctx.__class__ is dict:
                g = ctx.get("groupId")
                if g:
                    self._group(person, g if g.__class__ is str else str(g), u)

    def _type_code_slow(self, typ: Any) -> str:
        if typ.__class__ is not str:
            typ = "" if typ is None else str(typ)
        if typ not in self._types:
            self._types[typ] = len(self._type_list)
            self._type_list.append(typ)
        return str(typ)

    # ------------------------------------------------------------------ nodes
    def _node(self, kind: int, value: str, seq: int, at: float, mid: str) -> int:
        """Create the node for a value seen for the first time; -1 when it gets no node."""
        w = self._bad.get(value)
        if w is not None:
            self._w.add(w, mid=mid)
            return -1
        if is_placeholder(value):
            self._bad[value] = self._w.raise_(
                "E020",
                ("E020", value),
                f"Blank or placeholder identifier '{value}' would merge unrelated users",
                mid=mid,
                extra=(value,),
            )
            return -1
        if len(value) < self._min_len:
            self._bad[value] = self._w.raise_(
                "I010",
                ("I010", value),
                f"Amplitude rejects ids shorter than {self._min_len} characters: '{value}'",
                mid=mid,
                extra=(value,),
            )
            return -1
        n = len(self._parent)
        self._parent.append(n)
        self._pp.append(Person(n, kind))
        self._kind.append(kind)
        self._value.append(value)
        self._nflags.append(0)
        self._nseq.append(seq)
        self._nat.append(at)
        self._nco.append(-1)
        if kind == USER:
            self._users[value] = n
            other = self._anons.get(value)
            if looks_like_pii(value):
                self._w.raise_(
                    "W077",
                    ("W077", n),
                    f"userId '{value}' looks like an email/phone number; use a stable "
                    "database id, not PII",
                    (n,),
                    mid,
                )
        else:
            self._anons[value] = n
            other = self._users.get(value)
        if other is not None:
            self._w.raise_(
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
        f = fold(value)
        if f != value:
            m = self._users.get(f)
            if m is None:
                m = self._anons.get(f)
            if m is None:
                m = self._variants.get(f)
                if m is None:
                    self._variants[f] = n
        else:
            m = self._variants.get(f)
        if m is not None and m != n:
            a, b = self._value[m], value
            self._w.raise_(
                "W019",
                ("W019", f),
                f"Near-identical ids '{a}' / '{b}' count as different users",
                (m, n),
                mid,
            )

    def _bad_ids_on_message(self, uid: str | None, aid: str | None, u: int, a: int) -> None:
        """Name the message's valid identifier on its placeholder warning (for ``user=``)."""
        for bad, other in ((uid, a), (aid, u)):
            if bad is not None and other >= 0:
                w = self._bad.get(bad)
                if w is not None:
                    self._w.add(w, nodes=(other,))

    def _group(self, person: Person, gid: str, u: int) -> None:
        if person.groups is None:
            person.groups = {gid: None}
        elif gid not in person.groups:
            person.groups[gid] = None
        if gid not in self._groups:
            self._groups[gid] = None
            n = self._users.get(gid)
            if n is not None:
                self._w.raise_(
                    "I013",
                    ("I013g", gid),
                    f"Identifier namespace collision: '{gid}' is used as userId and as groupId",
                    (n,),
                )
        elif u >= 0 and self._value[u] == gid:
            self._w.raise_(
                "I013",
                ("I013g", gid),
                f"Identifier namespace collision: '{gid}' is used as userId and as groupId",
                (u,),
            )

    # ------------------------------------------------------------------ union-find
    def _find(self, x: int) -> int:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def _better(self, a: int, b: int) -> int:
        """Canonical rule: a userId beats an anonymousId, then the earliest, then the smaller."""
        ka, kb = self._kind[a], self._kind[b]
        if ka != kb:
            return a if ka == USER else b
        sa, sb = self._nseq[a], self._nseq[b]
        if sa != sb:
            return a if sa < sb else b
        return a if self._value[a] <= self._value[b] else b

    def _union(self, rx: int, ry: int) -> int:
        px, py = self._pp[rx], self._pp[ry]
        assert px is not None and py is not None
        if px.size < py.size or (px.size == py.size and ry < rx):
            rx, ry, px, py = ry, rx, py, px
        canon = self._better(px.canon, py.canon)
        px.absorb(py)
        px.canon = canon
        self._parent[ry] = rx
        self._pp[ry] = None
        return rx

    # ------------------------------------------------------------------ edges
    def _alias(
        self, prev: Any, aid: str | None, u: int, a: int, seq: int, mid: str, at: float
    ) -> int:
        if prev == "":
            return -1
        if prev.__class__ is not str:
            prev = str(prev)
        p = self._users.get(prev)
        if p is None:
            p = self._anons.get(prev)
        if p is None:
            kind = ANON if prev == aid or is_uuid(prev) else USER
            p = self._node(kind, prev, seq, at, mid)
            if p < 0:
                if u >= 0:
                    self._w.add(self._bad[prev], nodes=(u,))
                return -1
        if u >= 0:
            self._propose(p, u, K_ALIAS, self._types["alias"], seq, mid, at)
            if a >= 0 and a != p:
                self._propose(a, u, K_IMPLICIT, self._types["alias"], seq, mid, at)
        return p

    def _propose(self, x: int, y: int, kind: int, call: int, seq: int, mid: str, at: float) -> None:
        """Propose merging node ``x`` (anon / previousId side) into ``y`` (the userId)."""
        # identify and other calls carrying the same pair share one record (its count grows);
        # alias edges are kept apart so that an alias is always visible as such.
        key = (x << 32) | y if kind != K_ALIAS else ~((x << 32) | y)
        e = self._pair.get(key)
        parent = self._parent
        rx = x if parent[x] == x else self._find(x)
        ry = y if parent[y] == y else self._find(y)
        if e is not None and rx == ry:
            v = self._e_verdict[e]
            if v in (APPLIED, REDUNDANT):
                self._e_count[e] += 1
                return
        rule: str | None = None
        reason: str | None
        if x == y:
            verdict, reason = NOOP, "self-alias (previousId == userId)"
        elif rx == ry:
            verdict, reason = REDUNDANT, "already in the same person"
        else:
            px, py = self._pp[rx], self._pp[ry]
            assert px is not None and py is not None
            verdict, reason, rule = self.policy.accept(self, kind, x, y, px, py)
        if rx != ry and x != y and verdict != APPLIED:
            f = self._foreign.get(x)
            if f is None:
                self._foreign[x] = array("q", (seq,))
            elif f[-1] != seq:
                f.append(seq)
        if e is not None and self._e_verdict[e] == verdict and self._e_reason[e] == reason:
            self._e_count[e] += 1
            ws = self._edge_warn.get(e)
            if ws:
                for w in ws:
                    self._w.add(w, mid=mid)
            return
        e = len(self._e_mid)
        self._pair[key] = e
        self._e_x.append(x)
        self._e_y.append(y)
        self._e_kind.append(kind)
        self._e_call.append(call if call < 256 else 255)
        self._e_verdict.append(verdict)
        self._e_reason.append(reason)
        self._e_mid.append(mid)
        self._e_at.append(at)
        self._e_seq.append(seq)
        self._e_count.append(1)
        px, py = self._pp[rx], self._pp[ry]
        assert px is not None and py is not None
        px.add_edge(e)
        if ry != rx:
            py.add_edge(e)
        warns: list[int] = []
        if kind == K_ALIAS:
            self._alias_warnings(e, x, y, rx, ry, px, py, verdict, seq, mid, warns)
        else:
            self._co_occurrence(x, y, mid, warns)
        if verdict in (BLOCKED, NOOP) and rx != ry and not self._naive:
            vx, vy = self._value[x], self._value[y]
            warns.append(
                self._w.raise_(
                    "W069",
                    ("W069", e),
                    f"{self.mode} would not merge {vx} and {vy}: {reason}",
                    (x, y),
                    mid,
                )
            )
        if rule is not None:
            warns.append(self._rule_on_edge(rule, e, x, y, rx, ry, reason, mid))
        if verdict == APPLIED:
            r = self._union(rx, ry)
            if kind == K_ALIAS:
                self._nflags[y] |= F_ALIAS_TARGET
                self._nflags[x] |= F_ALIAS_PREV
            self._check_limits(r, e, x, y, mid)
            if kind == K_ALIAS:
                self._check_alias_chain(r, x, mid)
        if warns:
            self._edge_warn[e] = warns

    # ------------------------------------------------------------------ warnings
    def _co_occurrence(self, x: int, y: int, mid: str, warns: list[int]) -> None:
        """W060: one anonymousId seen with two or more userIds."""
        first = self._nco[x]
        if first < 0:
            self._nco[x] = y
            return
        if first == y:
            return
        users = self._anon_multi.get(x)
        if users is None:
            users = self._anon_multi[x] = [first, y]
        elif y in users:
            return
        else:
            users.append(y)
        first_mids = []
        e0 = self._pair.get((x << 32) | users[0])
        if e0 is not None:
            first_mids.append(self._e_mid[e0])
        names = ",".join(self._value[n] for n in users)
        w = self._w.raise_(
            "W060",
            ("W060", x),
            f"anon {self._value[x]} used by users {names}: shared device or missing reset()",
            (x, *users),
        )
        for m in first_mids[:1]:
            self._w.add(w, mid=m)
        self._w.add(w, mid=mid)
        warns.append(w)

    def _regression(self, a: int, mid: str) -> None:
        users = self._anon_multi.get(a) or [self._nco[a]]
        self._w.raise_(
            "I014",
            ("I014", a),
            f"Identity regression: anonymousId {self._value[a]} sent without its "
            f"userId ({self._value[users[-1]]}) after identify",
            (a, *users),
            mid,
        )

    def _alias_warnings(
        self,
        e: int,
        x: int,
        y: int,
        rx: int,
        ry: int,
        px: Person,
        py: Person,
        verdict: int,
        seq: int,
        mid: str,
        warns: list[int],
    ) -> None:
        w = self._w
        vx, vy = self._value[x], self._value[y]
        if x == y:
            warns.append(
                w.raise_("W065", ("W065", x), f"Self-alias ({vx} -> {vy}) is a no-op", (x,), mid)
            )
            return
        if verdict == REDUNDANT:
            warns.append(
                w.raise_(
                    "I011",
                    ("I011", e),
                    f"Alias {vx} -> {vy} is redundant: already the same person",
                    (x, y),
                    mid,
                )
            )
        elif self._nseq[x] == seq:
            warns.append(
                w.raise_(
                    "I011",
                    ("I011", e),
                    f"Alias previousId {vx} was never seen before (dangling)",
                    (x, y),
                    mid,
                )
            )
        if rx != ry and px.users and py.users and self._nseq[x] != seq:
            cx, cy = self._value[px.canon], self._value[py.canon]
            warns.append(
                w.raise_(
                    "W062",
                    ("W062", e),
                    f"Alias merges two known users {cx},{cy} "
                    f"({self.mode}: {_VERDICT_WORD[verdict]})",
                    (x, y, px.canon, py.canon),
                    mid,
                )
            )
        if self.policy.warn_alias_after_identify and self._nflags[y] & F_IDENTIFIED:
            warns.append(
                w.raise_(
                    "W063",
                    ("W063", y),
                    f"Alias after identify for {vy}: Mixpanel needs alias first",
                    (x, y),
                    mid,
                )
            )

    def _rule_on_edge(
        self, rule: str, e: int, x: int, y: int, rx: int, ry: int, reason: str | None, mid: str
    ) -> int:
        vx, vy = self._value[x], self._value[y]
        if rule == "E064":
            text = f"Alias target already mapped; Mixpanel will reject alias {vx} -> {vy}"
        elif rule == "I012":
            text = f"Alias {vx} -> {vy} does not merge Unify profiles"
        elif rule == "W075":
            text = f"PostHog refuses to merge {vx} into {vy}: cannot_merge_already_identified"
        else:  # W067 from a blocking limit
            text = f"Identity cluster exceeds {self.mode} limit: {reason}"
        return self._w.raise_(rule, (rule, e), text, (x, y), mid)

    def _check_limits(self, r: int, e: int, x: int, y: int, mid: str) -> None:
        limits = self.policy.limits
        if not limits:
            return
        p = self._pp[r]
        assert p is not None
        for lim in limits:
            value = (
                p.users
                if lim.metric == "users"
                else p.anons
                if lim.metric == "anons"
                else p.merges
                if lim.metric == "merges"
                else p.size
            )
            if value <= lim.maximum:
                continue
            text = (
                f"Identity cluster of {self._value[p.canon]} exceeds {lim.label} "
                f"({value} {lim.metric})"
            )
            if lim.rule == "W074":
                text = (
                    f"Possible identity squishing (irreversible): {value} userIds in the "
                    f"person of {self._value[p.canon]}"
                )
            if p.warn is None:
                p.warn = {}
            w = p.warn.get(lim.label)
            if w is None:
                w = self._w.raise_(
                    lim.rule, (lim.rule, lim.label, p.first, e), text, (p.canon, x, y), mid
                )
                p.warn[lim.label] = w
            else:
                self._w.messages[w] = text
                self._w.add(w, (x, y), mid)

    def _check_alias_chain(self, r: int, start: int, mid: str) -> None:
        p = self._pp[r]
        assert p is not None and p.edges is not None
        adj: dict[int, list[int]] = {}
        n_alias = 0
        for e in p.edge_list():
            if self._e_kind[e] == K_ALIAS and self._e_verdict[e] == APPLIED:
                ex, ey = self._e_x[e], self._e_y[e]
                adj.setdefault(ex, []).append(ey)
                adj.setdefault(ey, []).append(ex)
                n_alias += 1
        if n_alias <= self.alias_chain_limit or n_alias > _MAX_CHAIN_EDGES:
            return
        far, _ = _bfs(adj, start)
        _other, path = _bfs(adj, far)
        hops = len(path) - 1
        if hops <= self.alias_chain_limit:
            return
        names = " -> ".join(self._value[n] for n in path)
        text = f"Alias chain of {hops} hops: {names}"
        if p.warn is None:
            p.warn = {}
        w = p.warn.get("W066")
        if w is None:
            p.warn["W066"] = self._w.raise_("W066", ("W066", p.first, start), text, path, mid)
        else:
            self._w.messages[w] = text
            self._w.add(w, path, mid)

    # ------------------------------------------------------------------ helpers for policies
    def value_of(self, node: int) -> str:
        return self._value[node]

    def node_flags(self, node: int) -> int:
        return self._nflags[node]

    def is_new(self, node: int) -> bool:
        """True when the node was first seen in the message being processed."""
        return self._nseq[node] == self._seq - 1

    # ------------------------------------------------------------------ queries
    def _nodes_of(self, value: str) -> list[int]:
        out = []
        n = self._users.get(value)
        if n is not None:
            out.append(n)
        n = self._anons.get(value)
        if n is not None:
            out.append(n)
        return out

    def _roots_of(self, value: str) -> list[int]:
        roots: list[int] = []
        for n in self._nodes_of(value):
            r = self._find(n)
            if r not in roots:
                roots.append(r)
        return roots

    def person_of(self, value: str) -> str | None:
        """Canonical id of the person holding ``value`` (its userId node first), or None."""
        roots = self._roots_of(value)
        if not roots:
            return None
        p = self._pp[roots[0]]
        assert p is not None
        return self._value[p.canon]

    def identifiers_of(self, value: str) -> set[str]:
        """Every identifier value of the person(s) holding ``value``.

        Unknown values, and placeholders that never get a node, give an **empty set**; a
        query layer that also wants raw matching should add ``value`` itself.
        """
        out: set[str] = set()
        for r in self._roots_of(value):
            p = self._pp[r]
            assert p is not None
            out.update(self._value[n] for n in p.members)
        return out

    def event_ids_of(self, value: str) -> list[int]:
        """Event ids of the person(s) holding ``value``, in arrival order."""
        roots = self._roots_of(value)
        ev_id = self._ev_id
        if len(roots) == 1:
            p = self._pp[roots[0]]
            assert p is not None
            return [ev_id[s] for s in p.ordered_seqs()]
        seqs: list[int] = []
        for r in roots:
            p = self._pp[r]
            assert p is not None
            seqs.extend(p.ordered_seqs())
        return [ev_id[s] for s in sorted(seqs)]

    def snapshot(self, user: str | None = None) -> dict[str, Any]:
        return views.snapshot(self, user)

    def people_rows(self) -> list[dict[str, Any]]:
        return views.people_rows(self)

    def timeline(self, value: str) -> dict[str, Any]:
        return views.timeline(self, value)

    def edges(self) -> list[dict[str, Any]]:
        """Every recorded edge, in creation order."""
        return [views.edge_dict(self, e) for e in range(len(self._e_mid))]

    def warnings(self) -> list[dict[str, Any]]:
        return [self._w.to_dict(w, self._value) for w in range(len(self._w))]

    @property
    def event_count(self) -> int:
        return self._seq

    @property
    def node_count(self) -> int:
        return len(self._parent)

    def people_count(self) -> int:
        return sum(1 for p in self._pp if p is not None)

    def key_of(self, node: int) -> tuple[str, str]:
        return (KIND_NAMES[self._kind[node]], self._value[node])

    def find_key(self, key: tuple[str, str]) -> int | None:
        """Node of a ``(kind, value)`` identifier, or None."""
        d = self._users if key[0] == "userId" else self._anons
        return d.get(key[1])

    def same_person(self, a: int, b: int) -> bool:
        return self._find(a) == self._find(b)

    def canonical_of_node(self, node: int) -> str:
        p = self._pp[self._find(node)]
        assert p is not None
        return self._value[p.canon]


_VERDICT_WORD = ("applied", "blocked", "no-op", "redundant")


def _bfs(adj: dict[int, list[int]], start: int) -> tuple[int, list[int]]:
    """Farthest node from ``start`` and the path to it (ties: first found, deterministic)."""
    prev: dict[int, int] = {start: -1}
    frontier = [start]
    last = start
    while frontier:
        nxt: list[int] = []
        for n in frontier:
            for m in adj.get(n, ()):
                if m not in prev:
                    prev[m] = n
                    nxt.append(m)
        if nxt:
            last = nxt[0]
        frontier = nxt
    path = [last]
    while prev[path[-1]] != -1:
        path.append(prev[path[-1]])
    path.reverse()
    return last, path


def replay(events: Iterable[CapturedEvent], mode: str = "default") -> IdentityGraph:
    """A fresh graph in ``mode`` fed with ``events`` in order."""
    g = IdentityGraph(mode)
    for ev in events:
        g.observe(ev)
    return g
