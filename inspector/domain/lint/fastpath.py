"""Fast-path guards: one cheap pass that proves a typical message clean for a whole group of
checks, so that the group's small rule functions run only when something looks off.

A guard must be conservative: True only when none of the guarded checks could report
anything. ``tests/domain/lint/test_fastpath.py`` runs every corpus with and without guards.
"""

from __future__ import annotations

from typing import Any

from inspector.domain.lint.context import CALL_TYPES, Ctx
from inspector.domain.lint.rules_envelope import _TOP_KEYS, placeholder

_TYPES = frozenset(CALL_TYPES)
_PHONEISH = frozenset("+(0123456789")
_TOP_KEYS_PAGE = _TOP_KEYS - {"name"}


def _id_fine(v: Any) -> bool:
    if type(v) is not str or not v or v[0].isspace() or v[-1].isspace():
        return False
    return not placeholder(v)


def envelope(m: dict[str, Any], x: Ctx) -> bool:
    """Types, ids, required fields, object-typed fields, messageId, top-level traits."""
    if x.original is not None:
        return False
    t = m.get("type")
    if t not in _TYPES or t == "alias":
        return False
    mid = m.get("messageId")
    if type(mid) is not str or not 0 < len(mid) <= 100:
        return False
    uid = m.get("userId")
    aid = m.get("anonymousId")
    if uid is None:
        if aid is None:
            return False
    elif not _id_fine(uid) or "@" in uid or uid[0] in _PHONEISH:
        return False
    if aid is not None and not _id_fine(aid):
        return False
    if t == "track":
        e = m.get("event")
        if type(e) is not str or not e or e[0].isspace() or e[-1].isspace():
            return False
    elif t == "group":
        g = m.get("groupId")
        if not _id_fine(g) or len(g) > 500:  # type: ignore[arg-type]
            return False
    if (t != "group" and "groupId" in m) or "previousId" in m:
        return False
    p, tr = m.get("properties"), m.get("traits")
    if (p is not None and type(p) is not dict) or (tr is not None and type(tr) is not dict):
        return False
    c, i = m.get("context"), m.get("integrations")
    if (c is not None and type(c) is not dict) or (i is not None and type(i) is not dict):
        return False
    if t == "track" and c is not None and c.get("groupId") == "":
        return False
    return (_TOP_KEYS_PAGE if t == "page" or t == "screen" else _TOP_KEYS).isdisjoint(m)


GUARDS = {"envelope": envelope}
