"""Typed errors the domain raises; outer layers turn them into HTTP 400s or window messages."""

from __future__ import annotations

import sqlite3


class IntakeError(ValueError):
    """A request that cannot be read at all: answered 400 and kept as a rejected request."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class DamagedFile(sqlite3.DatabaseError):
    """A store or inbox file SQLite cannot read: said in one line, with what to do."""

    def __init__(self, path: object, detail: str, data_dir: object | None = None) -> None:
        where = f" --data-dir {data_dir}" if data_dir is not None else ""
        super().__init__(
            f"{path} is damaged ({detail}); run `event-inspector repair{where}` to move it "
            "aside (nothing is deleted) and save what can still be read"
        )
        self.path = path
        self.detail = detail
