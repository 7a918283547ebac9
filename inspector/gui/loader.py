"""Read display rows and lint counts of a stored session without building CapturedEvents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.labels import row_label
from inspector.domain.store import Store
from inspector.gui.rows import source_text

# The label is row_label's; json_extract only runs for page/screen without a name.
_SQL = (
    "SELECT id, received_at, type, event, name, user_id, anonymous_id, previous_id, group_id, "
    "write_key, client, lib, lint_level, lint, dup, "
    "CASE WHEN type IN ('page','screen') AND name IS NULL "
    "THEN json_extract(message, '$.category') END, "
    "CASE WHEN type='identify' THEN json_extract(message, '$.traits') END, "
    "CASE WHEN type='identify' THEN json_extract(message, '$.context.traits') END "
    "FROM events WHERE session_id=? AND id>? ORDER BY id LIMIT ?"
)


def _json(text: Any) -> Any:
    if not isinstance(text, str | bytes):
        return text
    try:
        return jsoncodec.loads(text)
    except jsoncodec.JSONDecodeError:
        return None


def _label(
    typ: str,
    event: Any,
    name: Any,
    prev: Any,
    group: Any,
    category: Any,
    traits: Any = None,
    ctx_traits: Any = None,
) -> str | None:
    """The row's label from its columns, as :func:`row_label` reads a message."""
    head = {
        "event": event,
        "name": name,
        "previousId": prev,
        "groupId": group,
        "category": category,
    }
    if typ == "identify":
        head["traits"] = _json(traits)
        head["context"] = {"traits": _json(ctx_traits)}
    return row_label(typ, head)


def display_rows(
    store: Store, session_id: int, after_id: int = 0, chunk: int = 20000
) -> Iterator[list[tuple[tuple[Any, ...], list[Any], bool]]]:
    """Chunks of ``(display tuple, lint findings (dicts), duplicate)`` in arrival order."""
    rows_fn = getattr(store, "display_rows", None)
    if rows_fn is not None:  # a public store API, when the store grows one
        yield from rows_fn(session_id, after_id, chunk)
        return
    sources: dict[tuple[Any, ...], str] = {}
    select = getattr(store, "select", None) or store._rows  # Store.select: a newer store
    last = after_id
    while True:
        rows = select(_SQL, (session_id, last, chunk))
        if not rows:
            return
        out = []
        for (
            eid,
            recv,
            typ,
            event,
            name,
            uid,
            aid,
            prev,
            gid,
            wk,
            client,
            lib,
            lvl,
            lint,
            dup,
            category,
            traits,
            ctx_traits,
        ) in rows:
            key = (wk, client, lib)
            src = sources.get(key)
            if src is None:
                src = sources[key] = source_text(wk, client, lib)
            label = _label(typ, event, name, prev, gid, category, traits, ctx_traits)
            findings = jsoncodec.loads(lint) if lint else []
            out.append(((recv, typ, label, uid, aid, src, lvl or 0, eid), findings, bool(dup)))
        last = rows[-1][0]
        yield out
