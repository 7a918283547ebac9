"""Identity warnings (rule ids of the reference §6), aggregated per key.

A warning that keeps happening (a placeholder id on every event, a blocked pair seen again)
is one warning whose ``messageIds`` grows (capped at :data:`MAX_MESSAGE_IDS`) and whose
``count`` says how many messages triggered it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

MAX_MESSAGE_IDS = 50

SEVERITY = {
    "E020": "error",
    "E064": "error",
    "W019": "warning",
    "W060": "warning",
    "W062": "warning",
    "W063": "warning",
    "W065": "warning",
    "W066": "warning",
    "W067": "warning",
    "W069": "warning",
    "W074": "warning",
    "W075": "warning",
    "W077": "warning",
    "I010": "info",
    "I011": "info",
    "I012": "info",
    "I013": "info",
    "I014": "info",
}


class WarningStore:
    """Append-only list of warnings with an index by key and by identifier node."""

    __slots__ = ("by_key", "by_node", "counts", "extra", "messages", "mids", "nodes", "rules")

    def __init__(self) -> None:
        self.rules: list[str] = []
        self.messages: list[str] = []
        self.nodes: list[list[int]] = []  # identifier nodes concerned
        self.extra: list[list[str]] = []  # identifier values that have no node
        self.mids: list[list[str]] = []
        self.counts: list[int] = []
        self.by_key: dict[Hashable, int] = {}
        self.by_node: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def raise_(
        self,
        rule: str,
        key: Hashable,
        message: str,
        nodes: Iterable[int] = (),
        mid: str | None = None,
        extra: Iterable[str] = (),
    ) -> int:
        """Create the warning for ``key`` or add to it (new nodes, messageId, count)."""
        w = self.by_key.get(key)
        if w is None:
            w = len(self.rules)
            self.by_key[key] = w
            self.rules.append(rule)
            self.messages.append(message)
            self.nodes.append([])
            self.extra.append([])
            self.mids.append([])
            self.counts.append(0)
        else:
            self.messages[w] = message
        self.add(w, nodes, mid, extra)
        return w

    def add(
        self, w: int, nodes: Iterable[int] = (), mid: str | None = None, extra: Iterable[str] = ()
    ) -> None:
        ns = self.nodes[w]
        for n in nodes:
            if n >= 0 and n not in ns:
                ns.append(n)
                self.by_node.setdefault(n, []).append(w)
        ex = self.extra[w]
        for v in extra:
            if v not in ex:
                ex.append(v)
        if mid is not None:
            self.counts[w] += 1
            ms = self.mids[w]
            if len(ms) < MAX_MESSAGE_IDS and (not ms or ms[-1] != mid) and mid not in ms:
                ms.append(mid)

    def of_nodes(self, nodes: Iterable[int]) -> list[int]:
        """Warning indices that concern any of ``nodes``, in creation order."""
        out: set[int] = set()
        by_node = self.by_node
        for n in nodes:
            ws = by_node.get(n)
            if ws:
                out.update(ws)
        return sorted(out)

    def to_dict(self, w: int, values: list[str]) -> dict[str, Any]:
        """``values`` maps node index -> identifier value."""
        ids = [values[n] for n in self.nodes[w]]
        for v in self.extra[w]:
            if v not in ids:
                ids.append(v)
        return {
            "rule": self.rules[w],
            "severity": SEVERITY.get(self.rules[w], "warning"),
            "message": self.messages[w],
            "identifiers": ids,
            "messageIds": list(self.mids[w]),
            "count": self.counts[w],
        }
