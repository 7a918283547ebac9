"""What a valid query will not find, and why: hints for a person typing a filter.

Separate from the compile path (it never changes what a query matches). Given the parsed
query and a :class:`Vocabulary` of what the session holds (values of the fixed fields seen,
message paths with the JSON types and some values seen at each), :func:`hints` names the
terms that cannot match and suggests what was probably meant::

    type:trak                   no event has type “trak” — did you mean track?
    foo:bar                     no event has a field foo
    properties.revenue:>abc     properties.revenue holds numbers here; “abc” is not a number …

The vocabulary is filled by :meth:`Vocabulary.observe` (one message at a time, bounded in
paths, depth and values) and :meth:`Vocabulary.add_values` (distinct column values).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from inspector.domain.query.api import Query
from inspector.domain.query.ast import (
    FIELD_ALIASES,
    And,
    ColumnTerm,
    Compare,
    HasTerm,
    Node,
    Not,
    Or,
    PathTerm,
    Regex,
    Text,
)
from inspector.domain.query.textops import fold, parse_number

CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")
MAX_PATHS = 4000
MAX_DEPTH = 6
MAX_VALUES = 40
MAX_VALUE_LEN = 80
ARRAY = "#"  # an array index in a vocabulary path (properties.products.#.sku)

_NAMED = {"event": "no event is named", "name": "no page or screen is named"}


def json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


@dataclass(slots=True)
class PathInfo:
    types: set[str] = field(default_factory=set)
    values: dict[str, int] = field(default_factory=dict)  # scalar text -> times seen

    def add(self, v: Any) -> None:
        t = json_type(v)
        self.types.add(t)
        if t not in ("string", "number", "boolean"):
            return
        text = (
            v
            if isinstance(v, str)
            else ("true" if v is True else "false" if v is False else str(v))
        )
        n = self.values.get(text)
        if n is not None:
            self.values[text] = n + 1
        elif len(self.values) < MAX_VALUES and len(text) <= MAX_VALUE_LEN:
            self.values[text] = 1


@dataclass(slots=True)
class Vocabulary:
    """What a session holds, as far as hints and completion need it."""

    values: dict[str, set[str]] = field(default_factory=dict)  # field -> values seen
    paths: dict[str, PathInfo] = field(default_factory=dict)  # "properties.revenue" -> info
    observed: int = 0  # messages walked
    total: int = 0  # events in the session (more than ``observed``: paths are a sample)

    # -- filling ---------------------------------------------------------------------------
    def add_values(self, name: str, values: Iterable[str]) -> None:
        self.values.setdefault(name, set()).update(v for v in values if v)

    def observe(self, message: Any) -> None:
        if isinstance(message, dict):
            self.observed += 1
            self._walk(message, "", 0)

    def _walk(self, obj: dict[str, Any], prefix: str, depth: int) -> None:
        paths = self.paths
        for k, v in obj.items():
            if not isinstance(k, str) or "." in k or not k:
                continue
            if not prefix and k.lower() in FIELD_ALIASES:
                continue  # userId, type, event …: fields of their own, not paths
            path = prefix + k
            info = paths.get(path)
            if info is None:
                if len(paths) >= MAX_PATHS:
                    continue
                info = paths[path] = PathInfo()
            info.add(v)
            if depth + 1 >= MAX_DEPTH:
                continue
            if isinstance(v, dict):
                self._walk(v, path + ".", depth + 1)
            elif isinstance(v, list):
                for item in v[:5]:
                    if isinstance(item, dict):
                        self._walk(item, f"{path}.{ARRAY}.", depth + 1)

    # -- reading ---------------------------------------------------------------------------
    @property
    def sampled(self) -> bool:
        return self.observed < self.total

    def path_names(self) -> list[str]:
        """Paths as a query spells them (array items as index 0), most common first."""
        names = sorted(self.paths, key=lambda p: (-sum(self.paths[p].values.values()), p))
        return [p.replace(f".{ARRAY}.", ".0.") for p in names]

    def path_values(self, path: str, limit: int = 200) -> list[str]:
        info = self.paths.get(_norm(path.split(".")))
        if info is None:
            return []
        return [v for v, _ in sorted(info.values.items(), key=lambda kv: -kv[1])][:limit]


@dataclass(frozen=True, slots=True)
class Hint:
    column: int | None  # 1-based column of the term, when known
    text: str


def _norm(segs: Iterable[str]) -> str:
    return ".".join(ARRAY if s.isascii() and s.isdigit() else s for s in segs)


def _close(value: str, candidates: Collection[str], n: int = 2, cutoff: float = 0.6) -> list[str]:
    by_fold: dict[str, str] = {}
    for c in candidates:
        by_fold.setdefault(fold(c), c)
        if len(by_fold) >= 5000:
            break
    return [by_fold[m] for m in difflib.get_close_matches(fold(value), list(by_fold), n, cutoff)]


def _did_you_mean(options: list[str]) -> str:
    if not options:
        return ""
    return " — did you mean " + " or ".join(options) + "?"


def _terms(node: Node) -> Iterable[Node]:
    if isinstance(node, (And, Or)):
        for it in node.items:
            yield from _terms(it)
    elif isinstance(node, Not):
        yield from _terms(node.item)
    else:
        yield node


def hints(query: Query, vocab: Vocabulary, rules: Collection[str] = ()) -> list[Hint]:
    """Terms of ``query`` that cannot match what ``vocab`` holds, each with a suggestion."""
    out: list[Hint] = []
    for term in _terms(query.ast):
        h: Hint | None = None
        if isinstance(term, ColumnTerm):
            h = _column_hint(term, vocab, rules)
        elif isinstance(term, PathTerm):
            h = _path_hint(term.path, term.value, vocab)
        elif isinstance(term, HasTerm):
            h = _path_hint(term.path, None, vocab)
        if h is not None and h not in out:
            out.append(h)
    return out


def _column_hint(term: ColumnTerm, vocab: Vocabulary, rules: Collection[str]) -> Hint | None:
    v = term.value
    if not isinstance(v, Text) or v.is_glob:
        return None
    name, text, col = term.field, v.text, v.column
    if name == "type":
        known = set(CALL_TYPES) | vocab.values.get("type", set())
        if fold(text) not in {fold(k) for k in known}:
            return Hint(col, f"no event has type “{text}”" + _did_you_mean(_close(text, known)))
        return None
    if name == "rule":
        if rules and text not in rules:
            near = [r for r in rules if r.lower() == text.lower()] or _close(text, rules)
            return Hint(col, f"there is no lint rule “{text}”" + _did_you_mean(near))
        seen = vocab.values.get("rule")
        if seen is not None and text not in seen:
            return Hint(col, f"no event in this session has a finding of rule {text}")
        return None
    if name in ("event", "name", "writekey"):
        seen = vocab.values.get(name)
        if not seen:
            return None
        if name == "writekey":
            if text in seen:
                return None
            return Hint(
                col,
                f"no event was sent with write key “{text}”" + _did_you_mean(_close(text, seen)),
            )
        if fold(text) in {fold(s) for s in seen}:
            return None
        return Hint(col, f"{_NAMED[name]} “{text}”" + _did_you_mean(_close(text, seen)))
    return None


def _near_paths(path: tuple[str, ...], names: list[str]) -> list[str]:
    """What a mistyped path probably meant: the same name elsewhere (``revenue`` ->
    ``properties.revenue``), else a sibling spelt alike, else any path spelt alike."""
    leaf = path[-1]
    same_leaf = [p for p in names if p.rsplit(".", 1)[-1] == leaf]
    if same_leaf:
        return same_leaf[:2]
    parent = ".".join(path[:-1])
    siblings = {
        p.rsplit(".", 1)[-1]: p for p in names if "." in p and p.rsplit(".", 1)[0] == parent
    }
    near = [siblings[x] for x in _close(leaf, siblings, cutoff=0.7)]
    return near or _close(".".join(path), names, cutoff=0.8)


def _path_hint(path: tuple[str, ...], value: Any, vocab: Vocabulary) -> Hint | None:
    if not vocab.paths:
        return None  # nothing observed yet: no claim either way
    dotted = ".".join(path)
    key = _norm(path)
    col = getattr(value, "column", None)
    info = vocab.paths.get(key)
    where = f" (in the last {vocab.observed:,} events)" if vocab.sampled else ""
    if info is None:
        if any(p.startswith(key + ".") for p in vocab.paths):
            return None  # an object that exists: has: finds it; a value never equals it
        near = _near_paths(path, vocab.path_names())
        return Hint(col, f"no event has a field {dotted}{where}" + _did_you_mean(near))
    if value is None or isinstance(value, Regex):
        return None
    types = info.types
    numbers_only = "number" in types and "string" not in types
    if isinstance(value, Compare):
        if value.number is None and numbers_only:
            return Hint(
                col,
                f"{dotted} holds numbers here; “{value.operand}” is not a number, so "
                f"“{value.op}{value.operand}” compares text and matches nothing — compare "
                f"with a number, e.g. {dotted}:{value.op}30",
            )
        if value.number is not None and "number" not in types and "string" in types:
            sample = next(iter(info.values), "")
            return Hint(
                col,
                f"{dotted} holds text here (e.g. “{sample}”), and “{value.op}{value.operand}” "
                "compares numbers only: text that looks like a number does not count",
            )
        return None
    if isinstance(value, Text):
        text = value.text
        if (value.quoted or value.is_glob) and "string" not in types:
            kinds = "|".join(sorted(types))
            return Hint(col, f"{dotted} holds {kinds} here; a quoted or * value matches text only")
        literal = text in ("true", "false", "null")
        if not value.quoted and not value.is_glob and not literal and parse_number(text) is None:
            if numbers_only:
                return Hint(col, f"{dotted} holds numbers here; “{text}” is not a number")
            if types == {"boolean"}:
                return Hint(col, f"{dotted} holds true or false here, not “{text}”")
    return None
