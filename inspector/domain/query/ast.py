"""The parsed form of a query: a small immutable tree, shared by both compilers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from inspector.domain.query.textops import Regex as RegexEngine

# -- fields -------------------------------------------------------------------------------
#: Fixed fields, canonical spelling. Anything else with a ``:`` is a dotted path into the message.
FIELDS: list[str] = [
    "type",
    "event",
    "name",
    "userId",
    "anonymousId",
    "previousId",
    "groupId",
    "messageId",
    "user",
    "writekey",
    "lib",
    "device",
    "lint",
    "rule",
    "dup",
    "has",
]
#: Common message paths, offered by autocomplete next to :data:`FIELDS`.
COMMON_PATHS: list[str] = [
    "properties.",
    "traits.",
    "context.",
    "context.traits.",
    "context.app.version",
    "context.device.",
    "context.os.",
    "context.library.name",
    "context.page.url",
    "integrations.",
    "timestamp",
    "channel",
]
FIELD_ALIASES: dict[str, str] = {f.lower(): f for f in FIELDS}
FIELD_ALIASES.update({"write_key": "writekey", "library": "lib", "client": "lib"})

#: Fields that are store columns: canonical name -> (column(s), case-insensitive?).
COLUMN_FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "type": (("type",), True),
    "event": (("event",), True),
    "name": (("name",), True),
    "lib": (("lib", "client"), True),
    "userId": (("user_id",), False),
    "anonymousId": (("anonymous_id",), False),
    "previousId": (("previous_id",), False),
    "groupId": (("group_id",), False),
    "messageId": (("message_id",), False),
    "writekey": (("write_key",), False),
}
USER_COLUMNS: tuple[str, ...] = ("user_id", "anonymous_id", "previous_id")
#: What ``device:`` looks at: the device's id, model, maker, name and kind, and its OS's name
#: (strings only; case-insensitive, like ``type:``).
DEVICE_PATHS: tuple[tuple[str, ...], ...] = (
    ("context", "device", "id"),
    ("context", "device", "model"),
    ("context", "device", "manufacturer"),
    ("context", "device", "name"),
    ("context", "device", "type"),
    ("context", "os", "name"),
)

LINT_LEVELS: dict[str, int] = {"none": 0, "info": 1, "warning": 2, "error": 3}
DUP_VALUES: dict[str, bool] = {
    "true": True,
    "yes": True,
    "1": True,
    "false": False,
    "no": False,
    "0": False,
}


# -- values -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Text:
    """A bare word (``quoted`` False: ``*`` is a wildcard) or a "quoted phrase" (literal)."""

    text: str
    quoted: bool
    column: int

    @property
    def is_glob(self) -> bool:
        return not self.quoted and "*" in self.text


@dataclass(frozen=True, slots=True)
class Regex:
    pattern: str
    ignore_case: bool
    column: int
    compiled: RegexEngine = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Compare:
    """``>30``, ``<=2024-01-01``: numeric when the operand is a number, else by string."""

    op: str  # one of > >= < <=
    operand: str
    number: int | float | None
    column: int


Value = Union[Text, Regex, Compare]  # noqa: UP007 (a runtime alias)


# -- nodes --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MatchAll:
    pass


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


@dataclass(frozen=True, slots=True)
class FreeText:
    """A bare word, phrase, glob or regex without a field: anywhere in the message JSON."""

    value: Text | Regex


@dataclass(frozen=True, slots=True)
class ColumnTerm:
    """One of :data:`COLUMN_FIELDS` (or ``user``, ``rule``) against a text value."""

    field: str
    value: Text | Regex


@dataclass(frozen=True, slots=True)
class LintTerm:
    """``lint:error`` (any finding of that severity), ``lint:none``, or ``lint:>=warning``."""

    op: str  # "has" | "none" | > >= < <=
    level: int


@dataclass(frozen=True, slots=True)
class DupTerm:
    dup: bool


@dataclass(frozen=True, slots=True)
class HasTerm:
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PathTerm:
    path: tuple[str, ...]
    value: Value


Node = Union[  # noqa: UP007
    MatchAll, And, Or, Not, FreeText, ColumnTerm, LintTerm, DupTerm, HasTerm, PathTerm
]


def asks_identity(node: Node) -> bool:
    """True when the tree has a ``user:X`` term that looks X's person up (a plain value)."""
    if isinstance(node, (And, Or)):
        return any(asks_identity(i) for i in node.items)
    if isinstance(node, Not):
        return asks_identity(node.item)
    return (
        isinstance(node, ColumnTerm)
        and node.field == "user"
        and isinstance(node.value, Text)
        and not node.value.is_glob
    )
