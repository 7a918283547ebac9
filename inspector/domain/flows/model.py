"""A flow file: an ordered list of steps, each a query in the query language.

```yaml
name: Checkout
steps:
  - q: 'type:page name:Pricing'
  - q: 'type:track event:"Signed Up"'
  - q: type:identify
  - q: 'type:track event:"Order Completed" properties.revenue:>0'
```

YAML or JSON, the same shape. A step may carry a ``name`` (shown in checklists) and may be
written as a bare string. Errors say which step (1-based, as checklists number them) and, for
a query, which column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from inspector.domain.query import Query, QueryError, parse

MAX_STEPS = 100


class FlowError(ValueError):
    """A flow that cannot be used. ``step`` is 1-based (None: not about one step)."""

    def __init__(self, message: str, *, step: int | None = None, column: int | None = None):
        where = f"step {step}" if step is not None else ""
        if column is not None:
            where += f", column {column}" if where else f"column {column}"
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.step = step
        self.column = column

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": "invalid_flow", "message": str(self)}
        if self.step is not None:
            out["step"] = self.step
            out["field"] = f"steps[{self.step - 1}].q"
        if self.column is not None:
            out["column"] = self.column
        return out


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    q: str
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.q


class Flow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "flow"
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)

    @field_validator("steps", mode="before")
    @classmethod
    def _bare_strings(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"q": s} if isinstance(s, str) else s for s in v]
        return v

    def queries(self) -> list[Query]:
        """Each step's parsed query (validated when the flow was built)."""
        return [compile_step(i, s.q) for i, s in enumerate(self.steps, 1)]

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def compile_step(number: int, q: str) -> Query:
    """The query of step ``number`` (1-based); FlowError naming the step and column."""
    try:
        return parse(q)
    except QueryError as exc:
        raise FlowError(exc.message, step=number, column=exc.column) from None


def _pydantic_error(exc: ValidationError) -> FlowError:
    err = exc.errors()[0]
    loc = list(err.get("loc") or ())
    step = loc[1] + 1 if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int) else None
    where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc)
    where = where.replace(".[", "[")
    msg = f"{where}: {err.get('msg')}" if where else str(err.get("msg"))
    return FlowError(msg, step=step)


def flow_from_data(data: Any) -> Flow:
    """A flow from parsed JSON/YAML; every step's query is checked."""
    if not isinstance(data, dict):
        raise FlowError(
            'a flow is an object: {"name": ..., "steps": [{"q": ...}, ...]}, '
            f"not {type(data).__name__}"
        )
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        raise _pydantic_error(exc) from None
    flow.queries()
    return flow


def load_flow(path: str | Path) -> Flow:
    """Read a flow file (``.json``, else YAML, which also reads JSON)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowError(f"cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise FlowError(f"line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FlowError(f"{line}not valid YAML: {problem}") from None
    if isinstance(data, dict) and "name" not in data:
        data = {"name": p.stem, **data}
    return flow_from_data(data)


def dump_flow(flow: Flow) -> str:
    """The flow as YAML text (what "Save selection as flow" writes)."""
    return yaml.safe_dump(flow.to_data(), sort_keys=False, allow_unicode=True, width=100)
