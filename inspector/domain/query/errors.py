"""The one error a query can raise: where (1-based column) and what."""

from __future__ import annotations


class QueryError(ValueError):
    """A malformed query. ``str(err)`` reads like ``column 7: unclosed parenthesis``."""

    def __init__(self, column: int, message: str) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column
        self.message = message

    def __reduce__(self) -> tuple[type[QueryError], tuple[int, str]]:
        return (QueryError, (self.column, self.message))
