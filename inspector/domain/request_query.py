"""Filter requests with the query language's syntax (``status:>=400 -method:GET path:/v1/b*``).

The grammar, its error messages and its value forms are those of :mod:`inspector.domain.query`
(bare words with ``*`` globs, "quoted phrases", ``/regex/i``, ``>`` ``>=`` ``<`` ``<=``, ``-``
and ``not``, ``or``, parentheses); the fields are the request's:

* ``method:`` — case-insensitive (``method:post``); ``path:`` — exact or glob (``path:/v1/*``;
  a path is always a path here, never a regex).
* ``status:`` — a number, a comparison (``status:>=400``) or a class (``status:4xx``).
* ``client:`` — the client library, case-insensitive glob (``client:*python*``).
* ``rejected:true|false``; ``fault:true|false`` or the fault's label (``fault:429*``).
* free text — a case-insensitive substring of the method, path, query, client and error.
"""

from __future__ import annotations

import re
import threading
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree

from inspector.domain.query import QueryError
from inspector.domain.query.parser import parse_ast
from inspector.domain.query.textops import fold, glob_regex, sqlite_glob

FIELDS = ("method", "path", "status", "client", "rejected", "fault")
_BOOL = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_CLASS = re.compile(r"([1-5])xx", re.IGNORECASE)
_TEXT = (
    "(COALESCE(method,'') || ' ' || COALESCE(path,'') || '?' || COALESCE(query,'') || ' ' || "
    "COALESCE(client,'') || ' ' || COALESCE(error_code,'') || ' ' || COALESCE(error,''))"
)
_SLASH = "\x00"
_PATH_VALUE = re.compile(r"(?<![\w$@.])path:/", re.IGNORECASE)
_lock = threading.Lock()
_parser: Lark | None = None


def _lark() -> Lark:
    global _parser
    with _lock:
        if _parser is None:
            grammar = resources.files("inspector.domain.query").joinpath("grammar.lark")
            _parser = Lark(grammar.read_text("utf-8"), parser="lalr", lexer="contextual")
        return _parser


def compile_request_query(text: str) -> tuple[str, list[Any]]:
    """A WHERE fragment over ``requests`` ('' for all) and its parameters; raises
    :class:`QueryError` (with a column) for what is not a valid request filter."""
    if not text.strip():
        return "", []
    # a path value starts with "/", which the grammar reads as a regex: it stands for the
    # slash here (same length, so error columns stay right) and is read back as one
    text = _PATH_VALUE.sub("path:" + _SLASH, text)
    parse_ast(text)  # the query language's checks and positioned messages
    tree = _lark().parse(text)
    if not tree.children:
        return "", []
    params: list[Any] = []
    return _node(tree.children[0], params), params


def _col(tok: Token) -> int:
    return (tok.start_pos or 0) + 1


def _node(t: Any, params: list[Any]) -> str:
    kids = [c for c in t.children if not (isinstance(c, Token) and c.type in ("OR", "AND"))]
    kind = t.data
    if kind == "or_expr":
        return "(" + " OR ".join(_node(k, params) for k in kids) + ")"
    if kind == "and_expr":
        return "(" + " AND ".join(_node(k, params) for k in kids) + ")"
    if kind in ("not_", "neg"):
        return f"NOT {_node(kids[1], params)}"
    if kind == "group":
        return _node(kids[1], params)
    if kind in ("word", "phrase", "regex"):
        return _free(kids[0], params)
    if kind == "field":
        value = kids[1].children[0] if isinstance(kids[1], Tree) else kids[1]
        assert isinstance(value, Token)
        return _field(kids[0], value, params)
    raise QueryError(1, f"unexpected syntax {kind}")  # pragma: no cover


def _text(tok: Token) -> tuple[str, bool]:
    """A value token's text and whether ``*`` in it is a wildcard."""
    raw = str(tok.value).replace(_SLASH, "/")
    if tok.type == "PHRASE":
        return re.sub(r"\\(.)", r"\1", raw[1:-1]), False
    return raw, True


def _regex(tok: Token) -> tuple[str, int]:
    raw = str(tok.value)
    end = raw.rfind("/")
    return raw[1:end].replace("\\/", "/"), int("i" in raw[end + 1 :])


def _free(tok: Token, params: list[Any]) -> str:
    if tok.type == "REGEX":
        pattern, ic = _regex(tok)
        params.extend([pattern, ic])
        return f"q_regexp(?, ?, {_TEXT})"
    text, wild = _text(tok)
    if wild and "*" in text:
        params.append(glob_regex(fold(text)).pattern)
        return f"q_search({_TEXT}, ?)"
    params.append(fold(text))
    return f"q_contains({_TEXT}, ?)"


def _match(column: str, tok: Token, params: list[Any], *, nocase: bool) -> str:
    """Equality, glob or regex of a text column."""
    if tok.type == "REGEX":
        pattern, ic = _regex(tok)
        params.extend([pattern, int(ic or nocase)])
        return f"q_regexp(?, ?, {column})"
    text, wild = _text(tok)
    col = f"q_fold({column})" if nocase else column
    value = fold(text) if nocase else text
    if wild and "*" in text:
        params.append(sqlite_glob(value))
        return f"{col} GLOB ?"
    params.append(value)
    return f"{col} = ?"


def _field(ftok: Token, vtok: Token, params: list[Any]) -> str:
    name = str(ftok.value)[:-1].lower()
    col = _col(ftok)
    if name not in FIELDS:
        raise QueryError(
            col, f"requests have no field '{name}'; filter by {', '.join(FIELDS)} or free text"
        )
    if vtok.type == "CMP" and name != "status":
        raise QueryError(_col(vtok), f"{name}: does not compare; status: does (status:>=400)")
    if name == "method":
        return _match("method", vtok, params, nocase=True)
    if name == "path":
        return _match("path", vtok, params, nocase=False)
    if name == "client":
        return _match("client", vtok, params, nocase=True)
    if name == "status":
        return _status(vtok, params)
    word = _text(vtok)[0].lower() if vtok.type != "REGEX" else ""
    if name == "rejected":
        if word not in _BOOL:
            raise QueryError(_col(vtok), "rejected: takes true or false")
        return "rejected = 1" if _BOOL[word] else "rejected = 0"
    if word in _BOOL:  # fault:true|false
        return "fault IS NOT NULL" if _BOOL[word] else "fault IS NULL"
    return _match("fault", vtok, params, nocase=True)


def _status(tok: Token, params: list[Any]) -> str:
    raw = str(tok.value)
    if tok.type == "CMP":
        op = raw[:2] if raw[:2] in (">=", "<=") else raw[:1]
        operand = raw[len(op) :]
        if not operand.isdigit() or len(operand) > 3:  # (a status has three digits)
            raise QueryError(_col(tok) + len(op), f"status {op} needs a number, e.g. status:>=400")
        params.append(int(operand))
        return f"status {op} ?"
    m = _CLASS.fullmatch(raw)
    if m:
        lo = int(m.group(1)) * 100
        params.extend([lo, lo + 99])
        return "status BETWEEN ? AND ?"
    if not raw.isdigit() or len(raw) > 3:
        raise QueryError(_col(tok), "status: takes a number (200), a class (4xx) or >=400")
    params.append(int(raw))
    return "status = ?"
