"""Applying a mode's merge policy to an :class:`~.state.IdentityState`, and the warnings
that go with merging (reference §5.2, §6).

A message carrying two identifiers proposes an edge: the mode's :class:`~.modes.Policy`
decides whether it is applied, blocked or a no-op; an edge inside one person is redundant.
Each edge keeps the call and messageId that made it; repeats with the same verdict only bump
its ``count`` (and the count of its warnings). After a union the mode's cluster limits (W067,
W074) and the alias chain length (W066) are checked.
"""

from __future__ import annotations

from array import array
from typing import Any

from inspector.domain.identity.identifiers import Identifiers
from inspector.domain.identity.ids import is_uuid
from inspector.domain.identity.modes import Policy
from inspector.domain.identity.person import (
    ANON,
    APPLIED,
    BLOCKED,
    F_ALIAS_PREV,
    F_ALIAS_TARGET,
    F_IDENTIFIED,
    K_ALIAS,
    K_IMPLICIT,
    NOOP,
    REDUNDANT,
    USER,
    VERDICT_NAMES,
    Person,
)
from inspector.domain.identity.state import IdentityState

ALIAS_CHAIN_LIMIT = 3
_MAX_CHAIN_EDGES = 2000  # beyond this many alias edges in one person the diameter is not recomputed


class Merger:
    """One mode's merge policy over one state."""

    __slots__ = ("alias_chain_limit", "edge_warn", "ids", "naive", "policy", "s")

    def __init__(
        self,
        state: IdentityState,
        ids: Identifiers,
        policy: Policy,
        alias_chain_limit: int = ALIAS_CHAIN_LIMIT,
    ) -> None:
        self.s = state
        self.ids = ids
        self.policy = policy
        self.naive = policy.name == "naive"
        self.alias_chain_limit = alias_chain_limit
        self.edge_warn: dict[int, list[int]] = {}  # edge -> the warnings it raised

    # ------------------------------------------------------------------ edges
    def alias(
        self, prev: Any, aid: str | None, u: int, a: int, seq: int, mid: str, at: float
    ) -> int:
        """An alias call: the previousId's node (made if new), proposed into the userId."""
        if prev == "":
            return -1
        if prev.__class__ is not str:
            prev = str(prev)
        s = self.s
        p = s.users.get(prev)
        if p is None:
            p = s.anons.get(prev)
        if p is None:
            kind = ANON if prev == aid or is_uuid(prev) else USER
            p = self.ids.node(kind, prev, seq, at, mid)
            if p < 0:
                if u >= 0:
                    s.warnings.add(self.ids.bad[prev], nodes=(u,))
                return -1
        if u >= 0:
            call = s.types["alias"]
            self.propose(p, u, K_ALIAS, call, seq, mid, at)
            if a >= 0 and a != p:
                self.propose(a, u, K_IMPLICIT, call, seq, mid, at)
        return p

    def propose(self, x: int, y: int, kind: int, call: int, seq: int, mid: str, at: float) -> None:
        """Propose merging node ``x`` (anon / previousId side) into ``y`` (the userId)."""
        s = self.s
        # identify and other calls carrying the same pair share one record (its count grows);
        # alias edges are kept apart so that an alias is always visible as such.
        key = (x << 32) | y if kind != K_ALIAS else ~((x << 32) | y)
        e = s.pair.get(key)
        parent = s.parent
        rx = x if parent[x] == x else s.find(x)
        ry = y if parent[y] == y else s.find(y)
        if e is not None and rx == ry:
            v = s.e_verdict[e]
            if v in (APPLIED, REDUNDANT):
                s.e_count[e] += 1
                return
        rule: str | None = None
        reason: str | None
        if x == y:
            verdict, reason = NOOP, "self-alias (previousId == userId)"
        elif rx == ry:
            verdict, reason = REDUNDANT, "already in the same person"
        else:
            px, py = s.pp[rx], s.pp[ry]
            assert px is not None and py is not None
            verdict, reason, rule = self.policy.accept(s, kind, x, y, px, py)
        if rx != ry and x != y and verdict != APPLIED:
            f = s.foreign.get(x)
            if f is None:
                s.foreign[x] = array("q", (seq,))
            elif f[-1] != seq:
                f.append(seq)
        w = s.warnings
        if e is not None and s.e_verdict[e] == verdict and s.e_reason[e] == reason:
            s.e_count[e] += 1
            ws = self.edge_warn.get(e)
            if ws:
                for i in ws:
                    w.add(i, mid=mid)
            return
        e = len(s.e_mid)
        s.pair[key] = e
        s.e_x.append(x)
        s.e_y.append(y)
        s.e_kind.append(kind)
        s.e_call.append(call if call < 256 else 255)
        s.e_verdict.append(verdict)
        s.e_reason.append(reason)
        s.e_mid.append(mid)
        s.e_at.append(at)
        s.e_seq.append(seq)
        s.e_count.append(1)
        px, py = s.pp[rx], s.pp[ry]
        assert px is not None and py is not None
        px.add_edge(e)
        if ry != rx:
            py.add_edge(e)
        warns: list[int] = []
        if kind == K_ALIAS:
            self._alias_warnings(e, x, y, rx, ry, px, py, verdict, seq, mid, warns)
        else:
            self._co_occurrence(x, y, mid, warns)
        if verdict in (BLOCKED, NOOP) and rx != ry and not self.naive:
            vx, vy = s.value[x], s.value[y]
            warns.append(
                w.raise_(
                    "W069",
                    ("W069", e),
                    f"{self.policy.name} would not merge {vx} and {vy}: {reason}",
                    (x, y),
                    mid,
                )
            )
        if rule is not None:
            warns.append(self._rule_on_edge(rule, e, x, y, reason, mid))
        if verdict == APPLIED:
            r = s.union(rx, ry)
            if kind == K_ALIAS:
                s.nflags[y] |= F_ALIAS_TARGET
                s.nflags[x] |= F_ALIAS_PREV
            self._check_limits(r, e, x, y, mid)
            if kind == K_ALIAS:
                self._check_alias_chain(r, x, mid)
        if warns:
            self.edge_warn[e] = warns

    # ------------------------------------------------------------------ warnings
    def _co_occurrence(self, x: int, y: int, mid: str, warns: list[int]) -> None:
        """W060: one anonymousId seen with two or more userIds."""
        s = self.s
        first = s.nco[x]
        if first < 0:
            s.nco[x] = y
            return
        if first == y:
            return
        users = s.anon_multi.get(x)
        if users is None:
            users = s.anon_multi[x] = [first, y]
        elif y in users:
            return
        else:
            users.append(y)
        first_mids = []
        e0 = s.pair.get((x << 32) | users[0])
        if e0 is not None:
            first_mids.append(s.e_mid[e0])
        names = ",".join(s.value[n] for n in users)
        w = s.warnings
        i = w.raise_(
            "W060",
            ("W060", x),
            f"anon {s.value[x]} used by users {names}: shared device or missing reset()",
            (x, *users),
        )
        for m in first_mids[:1]:
            w.add(i, mid=m)
        w.add(i, mid=mid)
        warns.append(i)

    def regression(self, a: int, mid: str) -> None:
        """I014: an anonymousId sent without its userId after an identify."""
        s = self.s
        users = s.anon_multi.get(a) or [s.nco[a]]
        s.warnings.raise_(
            "I014",
            ("I014", a),
            f"Identity regression: anonymousId {s.value[a]} sent without its "
            f"userId ({s.value[users[-1]]}) after identify",
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
        s = self.s
        w = s.warnings
        vx, vy = s.value[x], s.value[y]
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
        elif s.nseq[x] == seq:
            warns.append(
                w.raise_(
                    "I011",
                    ("I011", e),
                    f"Alias previousId {vx} was never seen before (dangling)",
                    (x, y),
                    mid,
                )
            )
        if rx != ry and px.users and py.users and s.nseq[x] != seq:
            cx, cy = s.value[px.canon], s.value[py.canon]
            warns.append(
                w.raise_(
                    "W062",
                    ("W062", e),
                    f"Alias merges two known users {cx},{cy} "
                    f"({self.policy.name}: {VERDICT_NAMES[verdict]})",
                    (x, y, px.canon, py.canon),
                    mid,
                )
            )
        if self.policy.warn_alias_after_identify and s.nflags[y] & F_IDENTIFIED:
            warns.append(
                w.raise_(
                    "W063",
                    ("W063", y),
                    f"Alias after identify for {vy}: Mixpanel needs alias first",
                    (x, y),
                    mid,
                )
            )

    def _rule_on_edge(self, rule: str, e: int, x: int, y: int, reason: str | None, mid: str) -> int:
        vx, vy = self.s.value[x], self.s.value[y]
        if rule == "E064":
            text = f"Alias target already mapped; Mixpanel will reject alias {vx} -> {vy}"
        elif rule == "I012":
            text = f"Alias {vx} -> {vy} does not merge Unify profiles"
        elif rule == "W075":
            text = f"PostHog refuses to merge {vx} into {vy}: cannot_merge_already_identified"
        else:  # W067 from a blocking limit
            text = f"Identity cluster exceeds {self.policy.name} limit: {reason}"
        return self.s.warnings.raise_(rule, (rule, e), text, (x, y), mid)

    def _check_limits(self, r: int, e: int, x: int, y: int, mid: str) -> None:
        limits = self.policy.limits
        if not limits:
            return
        s = self.s
        p = s.pp[r]
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
                f"Identity cluster of {s.value[p.canon]} exceeds {lim.label} ({value} {lim.metric})"
            )
            if lim.rule == "W074":
                text = (
                    f"Possible identity squishing (irreversible): {value} userIds in the "
                    f"person of {s.value[p.canon]}"
                )
            if p.warn is None:
                p.warn = {}
            w = p.warn.get(lim.label)
            if w is None:
                w = s.warnings.raise_(
                    lim.rule, (lim.rule, lim.label, p.first, e), text, (p.canon, x, y), mid
                )
                p.warn[lim.label] = w
            else:
                s.warnings.messages[w] = text
                s.warnings.add(w, (x, y), mid)

    def _check_alias_chain(self, r: int, start: int, mid: str) -> None:
        s = self.s
        p = s.pp[r]
        assert p is not None and p.edges is not None
        adj: dict[int, list[int]] = {}
        n_alias = 0
        for e in p.edge_list():
            if s.e_kind[e] == K_ALIAS and s.e_verdict[e] == APPLIED:
                ex, ey = s.e_x[e], s.e_y[e]
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
        names = " -> ".join(s.value[n] for n in path)
        text = f"Alias chain of {hops} hops: {names}"
        if p.warn is None:
            p.warn = {}
        w = p.warn.get("W066")
        if w is None:
            p.warn["W066"] = s.warnings.raise_("W066", ("W066", p.first, start), text, path, mid)
        else:
            s.warnings.messages[w] = text
            s.warnings.add(w, path, mid)


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
