"""Read a stored session's display rows and lint counts without building CapturedEvents.

Rows come in arrival order ``(seq, id)`` by keyset on the session's seq index, over any
:class:`~inspector.domain.store_read.Reader`: the store's own, or one a background thread
opened for itself (:meth:`Store.reader`). :func:`newest` reads the last rows of a session
(what a window shows first); :func:`chunks` walks the rest, before or after a cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.labels import identify_label, row_label
from inspector.domain.store_read import SEQ_INDEX, Cursor, Reader
from inspector.domain.view.columns import source_text
from inspector.domain.view.counts import LintCounts
from inspector.domain.view.rows import RowStore, Strings

# The label mirrors CapturedEvent.label; json_extract only runs for page/screen without a name
# and for identify rows.
COLUMNS = (
    "seq, id, received_at, type, event, name, user_id, anonymous_id, previous_id, group_id, "
    "write_key, client, lib, lint_level, lint, dup, "
    "CASE WHEN type IN ('page','screen') AND name IS NULL "
    "THEN json_extract(message, '$.category') END, "
    "CASE WHEN type='identify' THEN json_extract(message, '$.traits') END, "
    "CASE WHEN type='identify' THEN json_extract(message, '$.context.traits') END"
)
CHUNK = 20_000


def _json(text: Any) -> Any:
    if not isinstance(text, str | bytes):
        return text
    try:
        return jsoncodec.loads(text)
    except jsoncodec.JSONDecodeError:
        return None


def _label(row: Sequence[Any]) -> Any:
    """The name column, as :func:`row_label` reads a message, from the stored columns."""
    typ = row[3]
    if typ == "identify":
        return identify_label({"traits": _json(row[17]), "context": {"traits": _json(row[18])}})
    head = {"event": row[4], "name": row[5], "previousId": row[8], "groupId": row[9]}
    head["category"] = row[16]
    return row_label(typ, head)


def newest(reader: Reader, session_id: int, limit: int) -> list[Any]:
    """The session's last ``limit`` rows (``COLUMNS``), in arrival order."""
    rows = reader.rows(
        f"SELECT {COLUMNS} FROM events INDEXED BY {SEQ_INDEX}{reader.join} WHERE session_id=? "
        "ORDER BY seq DESC, id DESC LIMIT ?",
        (session_id, int(limit)),
    )
    rows.reverse()
    return rows


def chunks(
    reader: Reader,
    session_id: int,
    *,
    after: Cursor = (0, 0),
    where: str = "",
    params: Sequence[Any] = (),
    chunk: int = CHUNK,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[list[Any]]:
    """Chunks of rows (``COLUMNS``) after ``after`` (and matching ``where``), in arrival
    order; stops early once ``cancelled()``."""
    cursor = after
    while not cancelled():
        rows = reader.chunk_after(session_id, cursor, where, params, limit=chunk, columns=COLUMNS)
        if rows:
            yield rows
        if len(rows) < chunk:
            return
        cursor = (rows[-1][0], rows[-1][1])


def after_id(
    reader: Reader, session_id: int, event_id: int, chunk: int = CHUNK
) -> Iterator[list[Any]]:
    """Chunks of the rows that arrived after the event ``event_id`` (0: every row)."""
    cursor, where = reader.start_after(session_id, event_id)
    return chunks(reader, session_id, after=cursor, where=where, chunk=chunk)


def _codes(strings: Strings, values: list[Any]) -> list[int]:
    """The string table's index of each value (new values are added)."""
    found = list(map(strings.lookup, values))  # a C loop: known values and None
    if None not in found:
        return found  # type: ignore[return-value]  # no None in it
    idx = strings.idx
    return [c if c is not None else idx(v) for c, v in zip(found, values, strict=True)]


def append(rows: RowStore, counts: LintCounts, stored: Sequence[Sequence[Any]]) -> int:
    """Append stored rows (``COLUMNS``) to ``rows`` and their findings to ``counts``;
    returns how many of them are duplicates. Column by column, in C loops where it can: a
    background thread reads a million rows with it."""
    if not stored:
        return 0
    strings = rows.strings
    ids = [r[1] for r in stored]
    in_order = (not len(rows.ids) or rows.ids[-1] < ids[0]) and ids == sorted(ids)
    rows.time.extend(r[2] for r in stored)
    rows.ids.extend(ids)
    rows.type.extend(_codes(strings, [r[3] for r in stored]))
    labels = [r[4] if r[3] == "track" and r[4].__class__ is str else _label(r) for r in stored]
    rows.label.extend(_codes(strings, labels))
    rows.user.extend(_codes(strings, [r[6] for r in stored]))
    rows.anon.extend(_codes(strings, [r[7] for r in stored]))
    keys = [(r[10], r[11], r[12]) for r in stored]
    sources = rows.source_index
    src = list(map(sources.get, keys))
    if None in src:
        for i, key in enumerate(keys):
            if src[i] is None:
                code = sources.get(key)
                if code is None:
                    code = sources[key] = strings.idx(source_text(*key))
                src[i] = code
    rows.source.extend(src)  # type: ignore[arg-type]
    rows.lint.extend(r[13] or 0 for r in stored)
    add = counts.add
    for r in stored:
        if r[14]:
            add(jsoncodec.loads(r[14]))
    dup = [1 if r[15] else 0 for r in stored]
    rows.dup.extend(dup)
    rows.note_appended(in_order)
    return sum(dup)


def count_before(reader: Reader, session_id: int, before: Cursor) -> int:
    """How many rows of the session arrived before ``before`` (an index range count)."""
    return int(
        reader.scalar(
            f"SELECT COUNT(*) FROM events INDEXED BY {SEQ_INDEX} "
            "WHERE session_id=? AND (seq, id) < (?, ?)",
            (session_id, *before),
        )
    )


def counts_before(reader: Reader, session_id: int, before: Cursor) -> tuple[LintCounts, int]:
    """The lint counts and duplicates of the rows before ``before``, from one grouped read of
    the findings and duplicate flags (each distinct list of findings is decoded once): what
    the status bar and the lint panel show while :func:`read_before` reads the rows, which at
    a million events takes ten times longer."""
    counts, dups = LintCounts(), 0
    # by the lints' ids where events name them (grouping their texts sorted 1M strings)
    by_id = bool(reader.join_for("lint"))
    grouped = reader.rows(
        f"SELECT {'lint_id' if by_id else 'lint'}, dup, COUNT(*) FROM events "
        f"INDEXED BY {SEQ_INDEX} WHERE session_id=? AND (seq, id) < (?, ?) GROUP BY 1, 2",
        (session_id, *before),
    )
    texts: dict[Any, Any] = {}
    if by_id:
        ids = sorted({key for key, _, _ in grouped if key is not None})
        for at in range(0, len(ids), 500):
            part = ids[at : at + 500]
            marks = ",".join("?" * len(part))
            texts.update(
                reader.rows(f"SELECT lint_id, lint FROM lints WHERE lint_id IN ({marks})", part)
            )
    for key, dup, n in grouped:
        lint = texts.get(key) if by_id else key
        if lint:
            counts.add(jsoncodec.loads(lint), n)
        if dup:
            dups += n
    return counts, dups


def read_before(
    reader: Reader, session_id: int, before: Cursor, cancelled: Callable[[], bool]
) -> tuple[RowStore, LintCounts, int]:
    """Every row of the session before ``before`` (a background thread's job): the rows,
    their lint counts and how many are duplicates."""
    rows, counts, dups = RowStore(), LintCounts(), 0
    where = "(seq, id) < (?, ?)"
    for chunk in chunks(reader, session_id, where=where, params=before, cancelled=cancelled):
        dups += append(rows, counts, chunk)
    return rows, counts, dups
