"""What the shown session holds, for the filter bar's hints and completion (Qt-free).

Field values come from the display rows (every row of the session is held there); message
paths, their JSON types and some of their values from the newest stored messages (a sample:
the hints say so when the session is larger). Built on demand, reused while the session has
not grown and for a few seconds after it has (typing must not re-read the store each key).
"""

from __future__ import annotations

import time
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.query.hints import Vocabulary
from inspector.domain.store import Store
from inspector.domain.view.rows import RowStore

SAMPLE = 2000  # newest messages walked for paths
MAX_AGE_S = 3.0


class SessionVocabulary:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._key: tuple[int, int] | None = None
        self._at = 0.0
        self._vocab = Vocabulary()
        # distinct (type, label) pairs and sources of the rows seen so far (incremental)
        self._seen: tuple[int, int] = (0, 0)  # (session id, rows read)
        self._pairs: set[tuple[int, int]] = set()
        self._sources: set[int] = set()

    def invalidate(self) -> None:
        self._key = None

    def _distinct(self, session_id: int, rows: RowStore) -> None:
        sid, upto = self._seen
        if sid != session_id or upto > len(rows):
            self._pairs, self._sources, upto = set(), set(), 0
        self._pairs.update(zip(rows.type[upto:], rows.label[upto:], strict=True))
        self._sources.update(rows.source[upto:])
        self._seen = (session_id, len(rows))

    def get(self, session_id: int, rows: RowStore, rules_seen: Any = ()) -> Vocabulary:
        key = (session_id, len(rows))
        now = time.monotonic()
        if self._key is not None and (
            key == self._key or (key[0] == self._key[0] and now - self._at < MAX_AGE_S)
        ):
            return self._vocab
        self._vocab = self.build(session_id, rows, rules_seen)
        self._key, self._at = key, now
        return self._vocab

    def build(self, session_id: int, rows: RowStore, rules_seen: Any = ()) -> Vocabulary:
        v = Vocabulary()
        self._distinct(session_id, rows)
        vals = rows.strings.values
        track, page, screen = (rows.strings.idx(t) for t in ("track", "page", "screen"))
        v.add_values("type", {vals[t] for t, _ in self._pairs})
        v.add_values("event", {vals[lab] for t, lab in self._pairs if t == track})
        v.add_values("name", {vals[lab] for t, lab in self._pairs if t in (page, screen)})
        keys = {vals[i].rsplit(" · ", 1)[1] for i in self._sources if " · " in vals[i]}
        v.add_values("writekey", keys)
        v.values["rule"] = set(rules_seen)
        for (msg,) in self.store.select(
            "SELECT message FROM events WHERE session_id=? ORDER BY id DESC LIMIT ?",
            (session_id, SAMPLE),
        ):
            try:
                v.observe(jsoncodec.loads(msg))
            except (jsoncodec.JSONDecodeError, TypeError):
                continue
        v.total = len(rows)
        return v
