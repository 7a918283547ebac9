"""The ``flow`` argument of ``check_flow``: an object, a flow file's path, or its text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from inspector.domain.flows import FlowError, load_flow
from inspector.mcp.backend import ToolFailure


def _failure(exc: FlowError, where: str = "") -> ToolFailure:
    body = exc.to_dict()
    if where:
        body["message"] = f"{where}: {body['message']}"
    return ToolFailure("invalid_flow", body["message"], body)


def flow_data(flow: dict[str, Any] | str) -> dict[str, Any]:
    """The flow as JSON data (what ``POST /api/flows/check`` takes). A string is a file's
    path when such a file exists (relative to the server's working directory), else YAML or
    JSON text. Unusable input is a ``invalid_flow`` failure naming the step and column."""
    if isinstance(flow, dict):
        return flow
    text = flow.strip()
    if not text:
        raise ToolFailure("invalid_flow", "the flow is empty: give an object or a file's path")
    path = Path(text) if "\n" not in text and len(text) < 4096 else None
    if path is not None and path.suffix.lower() in (".yaml", ".yml", ".json"):
        if not path.is_file():
            raise ToolFailure("invalid_flow", f"{text}: no such flow file")
        try:
            return load_flow(path).to_data()
        except FlowError as exc:
            raise _failure(exc, text) from None
    try:
        data = yaml.safe_load(text)  # YAML reads JSON too
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise ToolFailure(
            "invalid_flow", f"{where}not a flow object, a flow file or YAML/JSON text"
        ) from None
    if not isinstance(data, dict):
        raise ToolFailure(
            "invalid_flow",
            'a flow is an object {"name": ..., "steps": [{"q": ...}, ...]} or a flow file '
            f"(.yaml/.yml/.json); got {type(data).__name__}",
        )
    return data
