"""AST -> SQL WHERE fragment over the ``events`` table (see store_schema.SCHEMA).

* Negations are pushed down to the leaves and each negated leaf is made two-valued with
  ``NOT IFNULL(leaf, 0)``, so SQL NULLs never turn ``-x`` into "neither" (Python is 2-valued).
* Case-insensitive column equality uses the ``COLLATE NOCASE`` indexes (exact for ASCII) plus
  the tiny partial "non-ASCII values" indexes, where the Python ``q_fold`` function decides.
* Free text and id fields narrow the rows with the FTS5 trigram index (query/ftsindex.py)
  and then test exactly with the registered functions in sqlfuncs (the Python code).
"""

from __future__ import annotations

from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.query import numindex, shapeindex
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
from inspector.domain.query.ftsindex import candidates_sql, match_expr
from inspector.domain.query.pycompile import MatchContext, free_glob_chunks
from inspector.domain.query.textops import (
    fold,
    folds_into,
    json_escape,
    json_path,
    non_ascii,
    parse_number,
    sqlite_glob,
)

_ID_COLUMNS = frozenset({"user_id", "anonymous_id", "previous_id", "group_id"})
# columns of an event's source (joined in: store_schema.SOURCES_JOIN), not of ``events``
_SOURCE_COLUMNS = frozenset({"lib", "client", "write_key"})
_MAX_INLINE_IDS = 200
_OPS = (">", ">=", "<", "<=")
_NEG_OPS = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}
#: the fields with an index of their own that also holds the lint level (store_schema)
_LINT_COVERED = frozenset({"type", "event"})


def _drives(item: Node, neg: bool) -> bool:
    """Whether ``item`` (negated when ``neg``) is a ``type``/``event`` equality: an AND with
    one reads it from its index, which holds the lint level too."""
    if neg:
        if not isinstance(item, Not):
            return False
        item = item.item
    return (
        isinstance(item, ColumnTerm)
        and item.field in _LINT_COVERED
        and isinstance(item.value, Text)
        and not item.value.is_glob
    )


class SqlCompiler:
    def __init__(self, ctx: MatchContext | None) -> None:
        self.ctx = ctx
        self.docs = ctx.fts_docs if ctx is not None else None
        self.params: list[Any] = []
        #: how lint terms name the level: ``+lint_level`` (not an index to drive from) in an
        #: AND with a type/event equality, whose index holds the level; SQLite would rather
        #: drive from the lint index (few rows, it guesses) and read each ~1 KB row for its
        #: type and event (``type:track -event:X -lint:none``: 1 s against 70 ms at 1M)
        self.level = "lint_level"

    def compile(self, node: Node) -> str:
        if isinstance(node, MatchAll):
            return ""
        return self.node(node, False)

    # -- structure ------------------------------------------------------------------------
    def node(self, node: Node, neg: bool) -> str:
        if isinstance(node, Not):
            return self.node(node.item, not neg)
        if isinstance(node, (And, Or)):
            is_and = isinstance(node, And) != neg
            outer = self.level
            if is_and and any(_drives(i, neg) for i in node.items):
                self.level = "+lint_level"
            try:
                parts = [self.node(i, neg) for i in node.items]
            finally:
                self.level = outer
            return "(" + (" AND " if is_and else " OR ").join(parts) + ")"
        if neg and isinstance(node, (LintTerm, DupTerm)):  # NOT NULL columns: no IFNULL
            return (
                self.lint(node, True)
                if isinstance(node, LintTerm)
                else ("dup = 0" if node.dup else "dup = 1")
            )
        leaf = self.leaf(node)
        if not neg:
            return leaf
        if leaf in ("1", "0"):
            return "0" if leaf == "1" else "1"
        return f"NOT IFNULL({leaf}, 0)"

    def p(self, *values: Any) -> str:
        self.params.extend(values)
        return "?"

    def leaf(self, node: Node) -> str:
        if isinstance(node, MatchAll):
            return "1"
        if isinstance(node, FreeText):
            return self.free(node.value)
        if isinstance(node, ColumnTerm):
            return self.column_term(node)
        if isinstance(node, LintTerm):
            return self.lint(node)
        if isinstance(node, DupTerm):
            return "dup = 1" if node.dup else "dup = 0"
        if isinstance(node, HasTerm):
            return self.has(node.path)
        if isinstance(node, PathTerm):
            return self.path(node.path, node.value)
        raise TypeError(node)  # pragma: no cover

    # -- free text ------------------------------------------------------------------------
    def candidates(self, needles: list[str]) -> str | None:
        """An ``id IN (...)`` superset from the trigram index, or None if it cannot help."""
        expr = match_expr(needles, self.docs)
        return None if expr is None else candidates_sql().replace("?", self.p(expr))

    def free(self, value: Text | Regex) -> str:
        if isinstance(value, Regex):
            return f"q_regexp({self.p(value.pattern)}, {int(value.ignore_case)}, message)"
        if value.is_glob:
            chunks = [c for c in free_glob_chunks(value.text) if c]
            if not chunks:
                return "1"
            cand = self.candidates(chunks)
            post = f"q_glob(message, {self.p('*'.join(free_glob_chunks(value.text)))})"
        else:
            needle = fold(json_escape(value.text))
            if not needle:
                return "1"
            cand = self.candidates([needle])
            post = self.contains(needle)
        return post if cand is None else f"({cand} AND {post})"

    def contains(self, needle: str) -> str:
        """Exact case-folded substring test. An ASCII needle: LIKE (in C, ASCII-insensitive)
        finds every match in an all-ASCII message and never a false one. Unicode folding can
        turn only a few other characters into ASCII (``ß`` -> ``ss``, ``ſ`` -> ``s``, Kelvin
        ``K``...: textops.FOLDS_TO_ASCII); when none of them can take part in an occurrence
        of the needle (``blue``; not ``shirt``: ``ſhirt``), LIKE alone is exact. Else a
        message with other characters that LIKE missed is tested by Python. A non-ASCII
        needle: Python.

        "Has other characters" is asked in SQL, not by calling Python for every message LIKE
        missed (a third of a session's rows for a common term: half the time of its count):
        a character beyond ASCII takes more than one byte, so the text is longer in bytes
        than in characters (counting them costs more than a LIKE: hence LIKE alone where
        it is exact)."""
        if not needle.isascii():
            return f"q_contains(message, {self.p(needle)})"
        like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if not folds_into(needle):
            return f"message LIKE {self.p(like)} ESCAPE '\\'"
        return (
            f"(message LIKE {self.p(like)} ESCAPE '\\' OR "
            f"(length(CAST(message AS BLOB)) > length(message) AND "
            f"q_contains(message, {self.p(needle)})))"
        )

    def id_candidates(self, ids: list[str]) -> str | None:
        """A trigram superset for rows whose id column is one of ``ids``: a string id X is in
        the message JSON as X when X needs no escaping (a number's text is there as is)."""
        exprs = []
        for i in ids:
            if len(i) < 3 or json_escape(i) != i:
                return None
            e = match_expr([fold(i)], self.docs)
            if e is None:
                return None
            exprs.append(f"({e})")
        if not exprs:
            return None
        return candidates_sql().replace("?", self.p(" OR ".join(exprs)))

    # -- columns --------------------------------------------------------------------------
    def text_test(self, col: str, value: Text | Regex, ci: bool) -> str:
        if isinstance(value, Regex):
            return f"q_regexp({self.p(value.pattern)}, {int(value.ignore_case)}, {col})"
        if value.is_glob:
            if ci:
                return f"q_fold({col}) GLOB {self.p(sqlite_glob(fold(value.text)))}"
            return f"{col} GLOB {self.p(sqlite_glob(value.text))}"
        if ci and col in _SOURCE_COLUMNS:  # a few distinct values: tested row by row
            cv = fold(value.text)
            return (
                f"({col} COLLATE NOCASE = {self.p(cv)} OR ({non_ascii(col)} "
                f"AND q_fold({col}) = {self.p(cv)}))"
            )
        if ci:
            cv = fold(value.text)
            return (
                f"{col} COLLATE NOCASE IN (SELECT {self.p(cv)} UNION ALL SELECT {col} "
                f"FROM events WHERE {non_ascii(col)} AND q_fold({col}) = "
                f"{self.p(cv)})"
            )
        if col in _ID_COLUMNS:
            cand = self.id_candidates([value.text])
            if cand is not None:
                return f"({cand} AND {col} = {self.p(value.text)})"
        return f"{col} = {self.p(value.text)}"

    def column_term(self, node: ColumnTerm) -> str:
        value = node.value
        if node.field == "rule":
            if isinstance(value, Text) and not value.is_glob:
                probe = '{"rule":' + jsoncodec.dumps_str(value.text) + ',"severity":'
                return f"({self.level} > 0 AND instr(lint, {self.p(probe)}) > 0)"
            inner = self.text_test("json_extract(value, '$.rule')", value, False)
            return f"({self.level} > 0 AND EXISTS (SELECT 1 FROM json_each(lint) WHERE {inner}))"
        if node.field == "device":
            return self.device(value)
        if node.field == "user":
            if isinstance(value, Text) and not value.is_glob:
                ids = sorted((self.ctx or MatchContext()).user_ids(value.text))
                cand = self.id_candidates(ids)
                if len(ids) <= _MAX_INLINE_IDS:
                    marks = ", ".join("?" * len(ids))
                    parts = []
                    for c in USER_COLUMNS:
                        self.params.extend(ids)
                        parts.append(f"{c} IN ({marks})")
                    test = "(" + " OR ".join(parts) + ")"
                else:
                    arr = jsoncodec.dumps_str(ids)
                    test = (
                        "("
                        + " OR ".join(
                            f"{c} IN (SELECT value FROM json_each({self.p(arr)}))"
                            for c in USER_COLUMNS
                        )
                        + ")"
                    )
                return test if cand is None else f"({cand} AND {test})"
            return "(" + " OR ".join(self.text_test(c, value, False) for c in USER_COLUMNS) + ")"
        columns, ci = COLUMN_FIELDS[node.field]
        if len(columns) == 1:
            return self.text_test(columns[0], value, ci)
        return "(" + " OR ".join(self.text_test(c, value, ci) for c in columns) + ")"

    def device(self, value: Text | Regex) -> str:
        """Any of :data:`DEVICE_PATHS` holds a string matching ``value`` case-insensitively;
        narrowed by the trigram index when the value has text of its own (as free text)."""
        cand = None
        if isinstance(value, Text):
            needles = (
                [c for c in free_glob_chunks(value.text) if c]
                if value.is_glob
                else [fold(json_escape(value.text))]
            )
            cand = self.candidates(needles) if any(needles) else None
        tests = []
        for path in DEVICE_PATHS:
            jp = json_path(path)
            kind = f"json_type(message, {self.p(jp)}) = 'text'"
            # parameters are taken in the order their ? appear in the text
            if isinstance(value, Regex):
                pattern = self.p(value.pattern)
                test = f"q_regexp({pattern}, {int(value.ignore_case)}, json_extract(message, "
                test += f"{self.p(jp)}))"
            else:
                jx = f"q_fold(json_extract(message, {self.p(jp)}))"
                if value.is_glob:
                    test = f"{jx} GLOB {self.p(sqlite_glob(fold(value.text)))}"
                else:
                    test = f"{jx} = {self.p(fold(value.text))}"
            tests.append(f"({kind} AND {test})")
        any_path = "(" + " OR ".join(tests) + ")"
        return any_path if cand is None else f"({cand} AND {any_path})"

    def lint(self, node: LintTerm, neg: bool = False) -> str:
        lv = self.level
        if node.op == "none":
            return f"{lv} > 0" if neg else f"{lv} = 0"
        if neg and node.op in _OPS:
            return f"{lv} {_NEG_OPS[node.op]} {node.level}"
        if neg:
            return f"NOT {self.lint(node)}"
        if node.op == "has":
            name = {1: "info", 2: "warning", 3: "error"}[node.level]
            if node.level == 3:
                return f"{lv} = 3"
            higher = ", ".join(str(i) for i in range(node.level + 1, 4))
            # the highest level says "has one"; above it, look into the stored findings JSON
            return (
                f"({lv} = {node.level} OR ({lv} IN ({higher}) AND "
                f'instr(lint, \'"severity":"{name}"\') > 0))'
            )
        assert node.op in _OPS
        return f"{lv} {node.op} {node.level}"

    # -- message paths --------------------------------------------------------------------
    def has(self, path: tuple[str, ...]) -> str:
        """The path exists: from the shape index for the events it covers (exact there),
        by the JSON of the rows after them."""
        rows = self.ctx.shape_rows if self.ctx is not None else None
        key = numindex.path_key(path)
        exact = "json_type(message, ?) IS NOT NULL"
        split = rows(key) if rows is not None and key is not None else None
        if split is None or key is None:
            return exact.replace("?", self.p(json_path(path)))
        # the mark as it was when the counts were read: events indexed since are tested by
        # their rows (a "1" below must not cover an event indexed later without the path)
        have, lack, upto = split
        if lack == 0 or have == 0:  # every event indexed by then has it, or none does
            indexed = "1" if lack == 0 else "0"
        else:
            indexed = shapeindex.has_sql(common=have > lack).replace(
                "?", self.p(shapeindex.needle(key))
            )
        exact = exact.replace("?", self.p(json_path(path)))
        return f"((id <= {int(upto)} AND {indexed}) OR (id > {int(upto)} AND {exact}))"

    def num_indexed(self, path: tuple[str, ...], op: str, number: float) -> str | None:
        """The events the number index says match, when the comparison is rare there, else
        None (its parameters come first: call before writing the exact test). The index is
        exact for the events it covers: the exact test reads only the rows after them."""
        rows = self.ctx.num_rows if self.ctx is not None else None
        key = numindex.path_key(path)
        if rows is None or key is None:
            return None
        if rows(key, op, number, numindex.RARE_ROWS) >= numindex.RARE_ROWS:
            return None
        self.params.extend((key, number))
        return numindex.matches_sql(op)

    def path(self, path: tuple[str, ...], value: Value) -> str:
        jp = json_path(path)

        def jt() -> str:
            return f"json_type(message, {self.p(jp)})"

        def jx() -> str:
            return f"json_extract(message, {self.p(jp)})"

        # the comparison first: most rows fail it after one JSON parse (SQLite stops at the
        # first false term of an AND), the type test parses again only for those that pass
        if isinstance(value, Compare):
            if value.number is not None:
                indexed = self.num_indexed(path, value.op, value.number)
                exact = (
                    f"({jx()} {value.op} {self.p(value.number)} AND {jt()} IN ('integer', 'real'))"
                )
                if indexed is None:
                    return exact
                upto = numindex.PROGRESS_SQL
                return f"((id <= {upto} AND {indexed}) OR (id > {upto} AND {exact}))"
            return f"({jx()} {value.op} {self.p(value.operand)} AND {jt()} = 'text')"
        if isinstance(value, Regex):
            return (
                f"({jt()} = 'text' AND q_regexp({self.p(value.pattern)}, "
                f"{int(value.ignore_case)}, {jx()}))"
            )
        if value.is_glob:
            return f"({jt()} = 'text' AND {jx()} GLOB {self.p(sqlite_glob(value.text))})"
        text_eq = f"({jt()} = 'text' AND {jx()} = {self.p(value.text)})"
        if value.quoted:
            return text_eq
        alts = [text_eq]
        num = parse_number(value.text)
        if num is not None:
            alts.append(f"({jt()} IN ('integer', 'real') AND {jx()} = {self.p(num)})")
        if value.text in ("true", "false", "null"):
            alts.append(f"{jt()} = '{value.text}'")
        return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"


def compile_sql(node: Node, ctx: MatchContext | None = None) -> tuple[str, list[Any]]:
    c = SqlCompiler(ctx)
    sql = c.compile(node)
    return sql, c.params
