"""Optional domain modules (query language, lint rules), imported once with a clear fallback.

The window keeps working when one of them is missing: the filter bar and lint panel show
"not available" instead of crashing.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

log = logging.getLogger(__name__)


def _try(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except Exception as exc:  # ImportError, or a half-written module
        log.info("%s not available: %s", name, exc)
        return None


def query_module() -> Any:
    mod = _try("inspector.domain.query")
    return mod if mod is not None and hasattr(mod, "parse") else None


def lint_rules() -> dict[str, Any]:
    mod = _try("inspector.domain.lint")
    rules = getattr(mod, "RULES", None) if mod is not None else None
    return dict(rules) if rules else {}


def identity_module() -> Any:
    return _try("inspector.domain.identity")


def query_fields() -> list[str]:
    mod = query_module()
    fields = getattr(mod, "FIELDS", None) if mod is not None else None
    if fields:
        paths = list(getattr(mod, "COMMON_PATHS", []) or [])
        return [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in fields] + paths
    return [
        "type",
        "event",
        "name",
        "userId",
        "anonymousId",
        "messageId",
        "writeKey",
        "library",
        "client",
        "rule",
        "lint",
        "properties.",
        "traits.",
        "context.",
    ]
