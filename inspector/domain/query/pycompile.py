"""AST -> Python predicate over a :class:`CapturedEvent` (for events as they arrive)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.capture import SEVERITY_LEVEL, CapturedEvent
from inspector.domain.query.ast import (
    COLUMN_FIELDS,
    DEVICE_PATHS,
    USER_COLUMNS,
    And,
    ColumnTerm,
    Compare,
    DupTerm,
    FreeText,
    HasTerm,
    LintTerm,
    MatchAll,
    Node,
    Not,
    Or,
    PathTerm,
    Regex,
    Text,
    Value,
)
from inspector.domain.query.textops import (
    MISSING,
    column_text,
    fold,
    get_path,
    glob_full,
    glob_search,
    is_number,
    json_escape,
    parse_number,
)


@dataclass(slots=True)
class MatchContext:
    """What a query needs from outside the event. ``identifiers_of(id)`` returns every id of the
    person ``id`` belongs to (merged through identify/alias); used by ``user:``."""

    identifiers_of: Callable[[str], set[str]] | None = None
    #: ``fts_docs(trigram, cap)``: how common a trigram is in the free-text index (capped);
    #: with it the SQL looks up only rare trigrams, or none (see ftsindex.match_expr)
    fts_docs: Callable[[str, int], int] | None = None
    #: ``num_rows(key, op, number, cap)``: candidates of a comparison in the number index
    #: (capped); with it the SQL drives a rare comparison from the index (see numindex)
    num_rows: Callable[[str, str, float, int], int] | None = None
    #: ``shape_rows(key)``: how many indexed events had the path, how many not, and up to
    #: which event id (None: no shape index); with it ``has:`` reads the shape index
    shape_rows: Callable[[str], tuple[int, int, int] | None] | None = None

    def user_ids(self, value: str) -> set[str]:
        ids = {value}
        if self.identifiers_of is not None:
            ids.update(str(i) for i in (self.identifiers_of(value) or ()) if i is not None)
        return ids


class EventView:
    """One event as the predicate sees it, with its JSON text computed once."""

    __slots__ = ("_folded", "_json", "ctx", "ev")

    def __init__(self, ev: CapturedEvent, ctx: MatchContext | None) -> None:
        self.ev = ev
        self.ctx = ctx
        self._json: str | None = None
        self._folded: str | None = None

    @property
    def json(self) -> str:
        if self._json is None:
            self._json = jsoncodec.dumps_str(self.ev.message)
        return self._json

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.json)
        return self._folded

    def column(self, name: str) -> str | None:
        """The value the store keeps in column ``name``."""
        ev = self.ev
        m = ev.message
        if name == "type":
            return ev.type
        if name in ("event", "name"):
            return column_text(m.get(name))
        if name == "user_id":
            return column_text(m.get("userId"))
        if name == "anonymous_id":
            return column_text(m.get("anonymousId"))
        if name == "previous_id":
            return column_text(m.get("previousId"))
        if name == "group_id":
            return column_text(m.get("groupId"))
        if name == "message_id":
            return ev.message_id
        if name == "write_key":
            return ev.source.write_key
        if name == "lib":
            return ev.source.library
        if name == "client":
            return ev.source.client
        raise KeyError(name)  # pragma: no cover


Pred = Callable[[EventView], bool]


def compile_python(node: Node) -> Pred:
    if isinstance(node, MatchAll):
        return lambda v: True
    if isinstance(node, And):
        parts = [compile_python(i) for i in node.items]
        return lambda v: all(p(v) for p in parts)
    if isinstance(node, Or):
        parts = [compile_python(i) for i in node.items]
        return lambda v: any(p(v) for p in parts)
    if isinstance(node, Not):
        inner = compile_python(node.item)
        return lambda v: not inner(v)
    if isinstance(node, FreeText):
        return _free(node.value)
    if isinstance(node, ColumnTerm):
        return _column(node)
    if isinstance(node, LintTerm):
        return _lint(node)
    if isinstance(node, DupTerm):
        want = node.dup
        return lambda v: v.ev.dup is want
    if isinstance(node, HasTerm):
        path = node.path
        return lambda v: get_path(v.ev.message, path) is not MISSING
    if isinstance(node, PathTerm):
        return _path(node.path, node.value)
    raise TypeError(node)  # pragma: no cover


# -- free text ----------------------------------------------------------------------------
def _free(value: Text | Regex) -> Pred:
    if isinstance(value, Regex):
        rx = value.compiled
        return lambda v: rx.search(v.json)
    if value.is_glob:
        chunks = free_glob_chunks(value.text)
        return lambda v: glob_search(chunks, v.folded)
    needle = fold(json_escape(value.text))
    return lambda v: needle in v.folded


def free_glob_chunks(text: str) -> list[str]:
    """A free-text glob's literal pieces as they appear in the folded message JSON."""
    return [fold(json_escape(c)) for c in text.split("*")]


# -- columns ------------------------------------------------------------------------------
def text_matcher(value: Text | Regex, ci: bool) -> Callable[[str | None], bool]:
    """How a column value (str or None) is tested; ``ci``: Unicode case-insensitive."""
    if isinstance(value, Regex):
        rx = value.compiled
        return lambda x: x is not None and rx.search(x)
    if value.is_glob:
        chunks = (fold(value.text) if ci else value.text).split("*")
        if ci:
            return lambda x: x is not None and glob_full(chunks, fold(x))
        return lambda x: x is not None and glob_full(chunks, x)
    if ci:
        want = fold(value.text)
        return lambda x: x is not None and fold(x) == want
    exact = value.text
    return lambda x: x == exact


def _column(node: ColumnTerm) -> Pred:
    value = node.value
    if node.field == "rule":
        test = text_matcher(value, False)
        return lambda v: any(test(f.rule) for f in v.ev.lint)
    if node.field == "device":
        return _device(text_matcher(value, True))
    if node.field == "user":
        if isinstance(value, Text) and not value.is_glob:
            raw = value.text

            def user(v: EventView) -> bool:
                ids = v.ctx.user_ids(raw) if v.ctx is not None else {raw}
                return any(v.column(c) in ids for c in USER_COLUMNS)

            return user
        test = text_matcher(value, False)
        return lambda v: any(test(v.column(c)) for c in USER_COLUMNS)
    columns, ci = COLUMN_FIELDS[node.field]
    test = text_matcher(value, ci)
    if len(columns) == 1:
        col = columns[0]
        return lambda v: test(v.column(col))
    return lambda v: any(test(v.column(c)) for c in columns)


def _device(test: Callable[[str | None], bool]) -> Pred:
    def device(v: EventView) -> bool:
        m = v.ev.message
        for path in DEVICE_PATHS:
            x = get_path(m, path)
            if isinstance(x, str) and test(x):
                return True
        return False

    return device


def _lint(node: LintTerm) -> Pred:
    level = node.level
    if node.op == "none":
        return lambda v: not v.ev.lint
    if node.op == "has":
        return lambda v: any(SEVERITY_LEVEL.get(f.severity) == level for f in v.ev.lint)
    cmp = _CMP[node.op]
    return lambda v: cmp(v.ev.lint_level, level)


# -- message paths ------------------------------------------------------------------------
_CMP: dict[str, Callable[[Any, Any], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}


def path_value_matcher(value: Value) -> Callable[[Any], bool]:
    """How the JSON value found at a path (or MISSING) is tested."""
    if isinstance(value, Compare):
        cmp = _CMP[value.op]
        if value.number is not None:
            num = value.number
            return lambda x: is_number(x) and cmp(x, num)
        operand = value.operand
        return lambda x: isinstance(x, str) and cmp(x, operand)
    if isinstance(value, Regex):
        rx = value.compiled
        return lambda x: isinstance(x, str) and rx.search(x)
    if value.is_glob:
        chunks = value.text.split("*")
        return lambda x: isinstance(x, str) and glob_full(chunks, x)
    text = value.text
    if value.quoted:
        return lambda x: isinstance(x, str) and x == text
    num2 = parse_number(text)
    has_lit = text in _LITERALS
    lit = _LITERALS.get(text)

    def eq(x: Any) -> bool:
        if isinstance(x, str):
            return x == text
        if num2 is not None and is_number(x):
            return bool(x == num2)
        return has_lit and x is lit

    return eq


def _path(path: tuple[str, ...], value: Value) -> Pred:
    test = path_value_matcher(value)
    return lambda v: test(get_path(v.ev.message, path))
