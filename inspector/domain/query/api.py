"""The query object: ``parse(text)`` once, then ``matches`` (Python) or ``to_sql`` (SQLite).

Language
--------
* ``field:value`` terms; a space (or ``and``/``AND``) means AND; ``or``/``OR``; parentheses;
  negation with ``-term`` (no space) or ``not term``. Precedence: not > and > or.
* Values: bare words, ``"quoted phrases"`` (``\\"`` escapes), globs with ``*`` (bare words
  only: quotes make ``*`` literal), comparisons ``>`` ``>=`` ``<`` ``<=`` (``price:>30``),
  regexes ``/…/`` and ``/…/i`` (``\\/`` for a slash; a regex *searches*, anchor it with ^…$).
* Errors: :class:`QueryError` with a 1-based character ``column`` into the whole string.

Fields (names case-insensitive: ``userid`` = ``userId``)
* ``type`` ``event`` ``name`` ``lib`` — case-insensitive (Unicode casefold) equality / glob;
  ``lib`` is ``context.library.name`` or the detected client id (``lib:rudder-sdk-python``).
* ``userId`` ``anonymousId`` ``previousId`` ``groupId`` ``messageId`` ``writekey`` ``rule`` —
  exact (case-sensitive) equality / glob. Non-string ids compare as their JSON text (``7``).
* ``user:X`` — X or any id of the same person (``MatchContext.identifiers_of``) in userId,
  anonymousId or previousId; without a context just X. Globs/regexes test the three ids as is.
* ``device:X`` — any of :data:`~inspector.domain.query.ast.DEVICE_PATHS` (the device's id,
  model, manufacturer, name, type, and ``context.os.name``) is a string equal to X
  case-insensitively (Unicode casefold), or matching its glob/regex.
* ``lint:error|warning|info`` — the event has at least one finding of that severity (so
  ``lint:warning`` also matches an event whose highest is error, if it has a warning too);
  ``lint:none`` — no findings. ``lint:>=warning`` compares the highest severity.
* ``rule:ID`` — a finding with that rule id. ``dup:true|false`` (also yes/no/1/0).
* ``has:path`` — the dotted path exists in the message (a JSON null counts as existing).
* any other name is a dotted path into the message (``properties.price``,
  ``context.app.version``); all-digit segments index arrays (``properties.products.0.sku``).
  Path values: a bare word equals a string exactly, or a number numerically (``price:30``
  matches 30 and 30.0), ``true``/``false``/``null`` the JSON literals; a quoted phrase, glob or
  regex matches strings only; ``>30`` compares numbers (not numeric strings, not booleans),
  ``>abc`` compares strings (by code point). Objects/arrays never equal a value.
* Free text (no field): case-insensitive (Unicode casefold) substring of the message JSON as
  stored (keys included; a phrase with ``"`` or a newline is looked for JSON-escaped). A
  ``*`` in a bare word spans anything. A free ``/regex/`` searches the raw (unfolded) JSON.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from inspector.domain.capture import CapturedEvent
from inspector.domain.query.ast import MatchAll, Node, asks_identity
from inspector.domain.query.parser import parse_ast, simplify
from inspector.domain.query.pycompile import EventView, MatchContext, Pred, compile_python
from inspector.domain.query.sqlcompile import compile_sql


class Query:
    """A parsed expression. Immutable; cheap to share between threads."""

    __slots__ = ("_pred", "ast", "text", "uses_identity")

    def __init__(self, text: str, ast: Node) -> None:
        self.text = text
        self.ast = ast
        self._pred: Pred = compile_python(ast)
        #: whether a ``user:X`` term asks the identity graph for X's other ids
        self.uses_identity: bool = asks_identity(ast)

    @property
    def matches_all(self) -> bool:
        return isinstance(self.ast, MatchAll)

    def matches(self, ev: CapturedEvent, ctx: MatchContext | None = None) -> bool:
        return bool(self._pred(EventView(ev, ctx)))

    def to_sql(self, ctx: MatchContext | None = None) -> tuple[str, list[Any]]:
        """A WHERE fragment over ``events`` ('' matches all) and its parameters."""
        return compile_sql(self.ast, ctx)

    def __repr__(self) -> str:
        return f"Query({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Query) and other.ast == self.ast

    def __hash__(self) -> int:
        return hash(self.ast)


@lru_cache(maxsize=256)
def parse(text: str) -> Query:
    """Parse ``text``; raises :class:`QueryError`. Blank text gives a query matching all."""
    return Query(text, simplify(parse_ast(text)))
