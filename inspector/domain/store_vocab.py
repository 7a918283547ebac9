"""Query hints from a stored session, for the doors without a window: ``/api/events`` and
CLI ``export --q``. The window builds its vocabulary from its display rows
(``gui/vocabulary.py``); this one asks the store, cheaply enough for every empty answer:

* the session's distinct ``type`` and ``event`` values, by a skip scan of their indexes (one
  index probe per distinct value; more than :data:`MAX_VALUES` and no claim is made);
* message paths, their JSON types and some values, from the newest :data:`SAMPLE` messages
  (the hint says so when the session is larger).

Fields it cannot list cheaply (``name``, ``writekey``, rules seen) make no claim.
"""

from __future__ import annotations

from inspector.domain import jsoncodec
from inspector.domain.query.api import Query
from inspector.domain.query.hints import Hint, Vocabulary, hints
from inspector.domain.store_read import SEQ_INDEX, Reader

SAMPLE = 2000
MAX_VALUES = 2000
#: the columns listed, each with an index that leads with (session_id, column COLLATE NOCASE)
_COLUMNS = ("type", "event")

_DISTINCT = """
WITH RECURSIVE d(v) AS (
  SELECT (SELECT {c} FROM events WHERE session_id=?1 AND {c} COLLATE NOCASE >= ''
          ORDER BY {c} COLLATE NOCASE LIMIT 1)
  UNION ALL
  SELECT (SELECT {c} FROM events WHERE session_id=?1 AND {c} COLLATE NOCASE > d.v
          ORDER BY {c} COLLATE NOCASE LIMIT 1) FROM d WHERE d.v IS NOT NULL
) SELECT v FROM d WHERE v IS NOT NULL LIMIT ?2
"""


def distinct_values(reader: Reader, session_id: int, column: str) -> set[str] | None:
    """The column's distinct values in the session (one of each case-insensitive spelling),
    or None when there are more than :data:`MAX_VALUES`."""
    assert column in _COLUMNS
    rows = reader.rows(_DISTINCT.format(c=column), (session_id, MAX_VALUES + 1))
    return None if len(rows) > MAX_VALUES else {str(r[0]) for r in rows}


def session_vocabulary(reader: Reader, session_id: int) -> Vocabulary:
    v = Vocabulary()
    for column in _COLUMNS:
        values = distinct_values(reader, session_id, column)
        if values is not None:
            v.add_values(column, values)
    for (msg,) in reader.rows(
        f"SELECT message FROM events INDEXED BY {SEQ_INDEX} WHERE session_id=? "
        "ORDER BY seq DESC, id DESC LIMIT ?",
        (session_id, SAMPLE),
    ):
        try:
            v.observe(jsoncodec.loads(msg))
        except (jsoncodec.JSONDecodeError, TypeError):
            continue
    v.total = max(reader.session_size(session_id), v.observed)
    return v


def query_hints(reader: Reader, session_id: int, query: Query) -> list[Hint]:
    """What in ``query`` cannot match what the session holds (see query/hints.py)."""
    if query.matches_all:
        return []
    return hints(query, session_vocabulary(reader, session_id))


def hints_json(found: list[Hint]) -> list[dict[str, object]]:
    """Hints as the API answers them: ``[{"column": 1, "text": "…"}]``."""
    return [{"column": h.column, "text": h.text} for h in found]
