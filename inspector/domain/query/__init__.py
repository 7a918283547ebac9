"""One query language for events: parsed once (lark), compiled to a Python predicate and to SQL.

    cq = compile_query('type:track user:u1 -lint:error', identity_graph)  # every consumer
    cq.matches(event)                     # live events
    cq.where, cq.params                   # Store.events(session_id, cq.where, cq.params)

See ``docs`` in :mod:`inspector.domain.query.api` for the language and its semantics.
"""

from inspector.domain.query.api import Query, parse
from inspector.domain.query.ast import COMMON_PATHS, FIELDS
from inspector.domain.query.compiled import (
    CompiledQuery,
    IdentityLookup,
    IdentitySource,
    IndexStats,
    compile_query,
)
from inspector.domain.query.errors import QueryError
from inspector.domain.query.pycompile import MatchContext
from inspector.domain.query.sqlfuncs import register_functions

__all__ = [
    "COMMON_PATHS",
    "FIELDS",
    "CompiledQuery",
    "IdentityLookup",
    "IdentitySource",
    "IndexStats",
    "MatchContext",
    "Query",
    "QueryError",
    "compile_query",
    "parse",
    "register_functions",
]
