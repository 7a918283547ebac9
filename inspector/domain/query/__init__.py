"""One query language for events: parsed once (lark), compiled to a Python predicate and to SQL.

    q = parse('type:track properties.revenue:>30 -lint:error')
    q.matches(event)                      # live events
    where, params = q.to_sql()            # Store.events(session_id, where, params)

See ``docs`` in :mod:`inspector.domain.query.api` for the language and its semantics.
"""

from inspector.domain.query.api import Query, parse
from inspector.domain.query.ast import COMMON_PATHS, FIELDS
from inspector.domain.query.errors import QueryError
from inspector.domain.query.pycompile import MatchContext
from inspector.domain.query.sqlfuncs import register_functions

__all__ = [
    "COMMON_PATHS",
    "FIELDS",
    "MatchContext",
    "Query",
    "QueryError",
    "parse",
    "register_functions",
]
