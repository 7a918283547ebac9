"""What the filter bar offers to complete a field with: the values the shown session holds."""

from __future__ import annotations

from collections import Counter

from inspector.domain.view.columns import ANON, LABEL, SOURCE, TYPE, USER
from inspector.domain.view.rows import RowStore
from inspector.domain.view.view import View
from inspector.domain.view.vocabulary import SessionVocabulary

RECENT = 50_000  # rows (the newest) whose column values are counted
_VALUE_COLUMNS = {
    "type": TYPE,
    "event": LABEL,
    "name": LABEL,
    "userid": USER,
    "user": USER,
    "anonymousid": ANON,
    "writekey": SOURCE,
}
_FIXED_VALUES = {"lint": ["error", "warning", "info", "none"], "dup": ["true", "false"]}
_NO_VALUES = ("rule", "lib", "messageid", "previousid", "groupid")


def values_for(view: View, vocab: SessionVocabulary, field: str, limit: int = 200) -> list[str]:
    """Distinct values seen in a column or message path, most common first."""
    path = field
    field = field.lower()
    if field == "has":
        return vocab.get(view.session_id, view.rows, view.lint.by_rule).path_names()[:limit]
    if field in _FIXED_VALUES:
        return _FIXED_VALUES[field]
    if field == "rule":
        return sorted(view.lint.by_rule)
    col = _VALUE_COLUMNS.get(field)
    if col is None:
        if field in _NO_VALUES:
            return []
        return vocab.get(view.session_id, view.rows, view.lint.by_rule).path_values(path, limit)
    return _column_values(view.rows, col, limit)


def _column_values(rows: RowStore, col: int, limit: int) -> list[str]:
    arr = {
        TYPE: rows.type,
        LABEL: rows.label,
        USER: rows.user,
        ANON: rows.anon,
        SOURCE: rows.source,
    }[col]
    if col == LABEL:  # identify rows show traits there, not an event name
        ident = rows.strings.idx("identify")
        counts = Counter(
            lab for lab, t in zip(arr[-RECENT:], rows.type[-RECENT:], strict=True) if t != ident
        )
    else:
        counts = Counter(arr[-RECENT:])
    counts.pop(0, None)
    vals = rows.strings.values
    if col == SOURCE:  # the source column shows "client · key"; offer the key
        return sorted(
            {vals[i].split(" · ")[-1] for i, _ in counts.most_common(limit) if " · " in vals[i]}
        )
    return [vals[i] for i, _ in counts.most_common(limit)]
