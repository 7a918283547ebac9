"""Text -> AST with lark (LALR, contextual lexer); every failure is a positioned QueryError."""

from __future__ import annotations

import itertools
import re
import threading
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from inspector.domain.query.ast import (
    COLUMN_FIELDS,
    DUP_VALUES,
    FIELD_ALIASES,
    LINT_LEVELS,
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
from inspector.domain.query.errors import QueryError
from inspector.domain.query.textops import compile_regex, parse_number

MAX_DEPTH = 100  # nesting of parentheses and negations (keeps every tree walk shallow)
MAX_LENGTH = 20_000
_PATH = re.compile(r"[\w$@-]+(?:\.[\w$@-]+)*")
_TERM_TOKENS = frozenset({"FIELD", "WORD", "PHRASE", "REGEX"})

_lock = threading.Lock()
_parser: Lark | None = None


def _lark() -> Lark:
    global _parser
    with _lock:
        if _parser is None:
            grammar = resources.files(__package__).joinpath("grammar.lark").read_text("utf-8")
            _parser = Lark(
                grammar, parser="lalr", lexer="contextual", start="start", maybe_placeholders=False
            )
        return _parser


def parse_ast(text: str) -> Node:
    """Parse ``text``; an empty or blank string matches everything."""
    if not isinstance(text, str):
        raise TypeError("a query is a str")
    for i, c in enumerate(text):
        if "\ud800" <= c <= "\udfff":
            raise QueryError(i + 1, "invalid character (lone surrogate)")
    if len(text) > MAX_LENGTH:
        raise QueryError(MAX_LENGTH + 1, f"query longer than {MAX_LENGTH} characters")
    if not text.strip():
        return MatchAll()
    tokens: list[Token] = []
    try:
        ip = _lark().parse_interactive(text)
        stack: list[int] = []
        run = 0
        for tok in ip.iter_parse():
            tokens.append(tok)
            t = tok.type
            if t == "LPAR":
                stack.append(run)
                run = 0
            elif t == "RPAR":
                if stack:
                    stack.pop()
                run = 0
            elif t in ("NOT", "NEG"):
                run += 1
            elif t in _TERM_TOKENS:
                run = 0
            if 3 * len(stack) + sum(stack) + run > MAX_DEPTH:
                raise QueryError(_col(tok), "expression nested too deeply")
        tree = ip.feed_eof(tokens[-1] if tokens else None)  # type: ignore[no-untyped-call]
    except UnexpectedCharacters as e:
        raise _char_error(text, e) from None
    except UnexpectedToken as e:
        raise _token_error(text, e.token, tokens) from None
    except UnexpectedInput as e:  # pragma: no cover - other lark input errors
        raise QueryError(getattr(e, "pos_in_stream", 0) + 1, "unexpected input") from None
    except LarkError as e:  # pragma: no cover - defensive
        raise QueryError(1, f"cannot parse: {e}") from None
    _check_adjacency(tokens)
    return _Builder().build(tree)


# -- errors -------------------------------------------------------------------------------
def _col(tok: Token) -> int:
    return (tok.start_pos or 0) + 1


def _describe(tok: Token) -> str:
    if tok.type == "$END":
        return "end of query"
    return f"'{tok.value}'"


def _char_error(text: str, e: UnexpectedCharacters) -> QueryError:
    pos = e.pos_in_stream or 0
    col = pos + 1
    ch = text[pos] if 0 <= pos < len(text) else ""
    if ch == '"':
        return QueryError(col, "unterminated quote")
    if ch == "/":
        return QueryError(col, "unterminated regex (close it with /)")
    if ch in "<>":
        return QueryError(col, "a comparison needs a field, e.g. properties.price:>30")
    return QueryError(col, f"unexpected character {ch!r}")


def _token_error(text: str, tok: Token, history: list[Token]) -> QueryError:
    hist = history[:-1] if history and history[-1] is tok else history
    prev = hist[-1] if hist else None
    col = len(text) + 1 if tok.type == "$END" else _col(tok)
    if prev is not None:
        if prev.type == "FIELD":
            return QueryError((prev.end_pos or 0) + 1, f"empty value for field '{prev.value[:-1]}'")
        if prev.type in ("OR", "AND"):
            return QueryError(_col(prev), f"dangling '{prev.value}': it needs a term after it")
        if prev.type in ("NOT", "NEG"):
            return QueryError(_col(prev), f"'{prev.value}' needs a term after it")
        if prev.type == "LPAR" and tok.type == "RPAR":
            return QueryError(_col(prev), "empty parentheses")
    if tok.type in ("OR", "AND"):
        return QueryError(col, f"'{tok.value}' needs a term before it")
    if tok.type == "CMP":
        return QueryError(col, "a comparison needs a field, e.g. properties.price:>30")
    depth: list[Token] = []
    for t in hist:
        if t.type == "LPAR":
            depth.append(t)
        elif t.type == "RPAR" and depth:
            depth.pop()
    if tok.type == "RPAR" and not depth:
        return QueryError(col, "unmatched closing parenthesis")
    if tok.type == "$END" and depth:
        return QueryError(_col(depth[-1]), "unclosed parenthesis")
    return QueryError(col, f"unexpected {_describe(tok)}")


def _check_adjacency(tokens: list[Token]) -> None:
    for a, b in itertools.pairwise(tokens):
        if a.type == "FIELD" and b.start_pos != a.end_pos:
            raise QueryError((a.end_pos or 0) + 1, f"empty value for field '{a.value[:-1]}'")
        if a.type == "NEG" and b.start_pos != a.end_pos:
            raise QueryError(_col(a), "'-' must be directly followed by a term (e.g. -type:page)")


# -- tree -> AST --------------------------------------------------------------------------
def _unescape(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(body[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _regex(tok: Token) -> Regex:
    raw = str(tok.value)
    end = raw.rfind("/")
    body, flags = raw[1:end], raw[end + 1 :]
    col = _col(tok)
    for f in flags:
        if f != "i":
            raise QueryError(
                col + end + 1 + flags.index(f), f"unknown regex flag {f!r} (only /…/i is supported)"
            )
    pattern = body.replace("\\/", "/")
    try:
        compiled = compile_regex(pattern, bool(flags))
    except (re.error, RecursionError, OverflowError, ValueError) as e:
        msg = getattr(e, "msg", None) or str(e)
        return_col = col + 1 + (getattr(e, "pos", None) or 0)
        if not isinstance(e, re.error):  # what RE2 does not take: the regex's first column
            return_col = col
        raise QueryError(return_col, f"bad regex: {msg}") from None
    return Regex(pattern, bool(flags), col, compiled)


def _value(tok: Token) -> Value:
    t = tok.type
    col = _col(tok)
    if t == "PHRASE":
        return Text(_unescape(str(tok.value)[1:-1]), True, col)
    if t == "REGEX":
        return _regex(tok)
    if t == "CMP":
        raw = str(tok.value)
        op = raw[:2] if raw[:2] in (">=", "<=") else raw[:1]
        operand = raw[len(op) :]
        if not operand:
            raise QueryError(col + len(op), f"comparison '{op}' needs a value after it")
        if operand[0] in "<>=":
            raise QueryError(col + len(op), f"bad comparison '{raw}'")
        return Compare(op, operand, parse_number(operand), col)
    return Text(str(tok.value), False, col)


def _path(raw: str, col: int) -> tuple[str, ...]:
    if not _PATH.fullmatch(raw):
        raise QueryError(col, f"bad path '{raw}' (use dotted names like properties.price)")
    segs = tuple(raw.split("."))
    for s in segs:
        if s.isascii() and s.isdigit() and len(s) > 9:
            raise QueryError(col, f"array index {s} is too large")
    return segs


class _Builder:
    def build(self, tree: Tree[Any]) -> Node:
        if not tree.children:
            return MatchAll()
        return self.node(tree.children[0])

    def node(self, t: Any) -> Node:
        kind = t.data
        kids = [c for c in t.children if not (isinstance(c, Token) and c.type in ("OR", "AND"))]
        if kind == "or_expr":
            return Or(tuple(self.node(c) for c in kids))
        if kind == "and_expr":
            return And(tuple(self.node(c) for c in kids))
        if kind in ("not_", "neg"):
            return Not(self.node(kids[1]))
        if kind == "group":
            return self.node(kids[1])
        if kind == "word":
            tok = kids[0]
            return FreeText(Text(str(tok.value), False, _col(tok)))
        if kind == "phrase":
            tok = kids[0]
            return FreeText(Text(_unescape(str(tok.value)[1:-1]), True, _col(tok)))
        if kind == "regex":
            return FreeText(_regex(kids[0]))
        if kind == "field":
            return self.field(kids[0], kids[1].children[0])
        raise QueryError(1, f"unexpected syntax {kind}")  # pragma: no cover

    def field(self, ftok: Token, vtok: Token) -> Node:
        raw = str(ftok.value)[:-1]
        col = _col(ftok)
        name = FIELD_ALIASES.get(raw.lower())
        value = _value(vtok)
        vcol = _col(vtok)
        if name is None:
            return PathTerm(_path(raw, col), value)
        if name == "has":
            if not isinstance(value, Text) or value.quoted or value.is_glob:
                raise QueryError(vcol, "has: needs a dotted path, e.g. has:context.app.version")
            return HasTerm(_path(value.text, vcol))
        if name == "lint":
            if isinstance(value, Compare):
                level = LINT_LEVELS.get(value.operand.lower())
                if level is None:
                    raise QueryError(vcol, "lint comparisons take error, warning, info or none")
                return LintTerm(value.op, level)
            if isinstance(value, Text) and value.text.lower() in LINT_LEVELS:
                level = LINT_LEVELS[value.text.lower()]
                return LintTerm("none" if level == 0 else "has", level)
            raise QueryError(vcol, "lint: takes error, warning, info or none")
        if name == "dup":
            if isinstance(value, Text) and value.text.lower() in DUP_VALUES:
                return DupTerm(DUP_VALUES[value.text.lower()])
            raise QueryError(vcol, "dup: takes true or false")
        if isinstance(value, Compare):
            raise QueryError(
                vcol,
                f"{name}: does not compare; comparisons work on message "
                "paths (properties.price:>30) and lint (lint:>=warning)",
            )
        assert name in COLUMN_FIELDS or name in ("user", "rule", "device")
        return ColumnTerm(name, value)


def simplify(node: Node) -> Node:
    """Flatten nested And/Or and drop MatchAll inside And (keeps trees small)."""
    if isinstance(node, (And, Or)):
        items: list[Node] = []
        for it in (simplify(i) for i in node.items):
            if isinstance(it, type(node)):
                items.extend(it.items)
            else:
                items.append(it)
        if isinstance(node, And):
            items = [i for i in items if not isinstance(i, MatchAll)] or [MatchAll()]
        return items[0] if len(items) == 1 else type(node)(tuple(items))
    if isinstance(node, Not):
        return Not(simplify(node.item))
    return node
